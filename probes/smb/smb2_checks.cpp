// SPDX-License-Identifier: Apache-2.0
#include "probes/smb/smb2_checks.hpp"

#include <algorithm>
#include <map>

#include "probes/smb/smb_ntlm.hpp"
#include "src/proto/spnego/spnego.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

std::string guid_string(const std::array<std::uint8_t, 16>& g) {
  // [MS-DTYP] 2.3.4.2: Data1..Data3 little-endian, Data4 as bytes.
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2],
                g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
  return buf;
}

// opts by value: callers build it in a lambda whose locals are gone when the coroutine runs. With
// with_ntlm, an accepted offer goes on to the anonymous NTLMSSP session setup on the same connection.
// `ch`: a connection the multi-protocol negotiate left at the SMB2 wildcard (else a new one).
asio::awaitable<Smb2Check> smb2_offer(PortScan& ps, Smb2NegotiateRequestOptions opts, std::string label,
                                      bool with_ntlm = false, std::unique_ptr<SmbChannel> ch = nullptr) {
  Smb2Check out;
  Bytes reply;
  Outcome o = Outcome::success();
  if (ch)
    opts.header.MessageId = 1;  // the multi-protocol NEGOTIATE was message 0
  else
    o = co_await SmbChannel::open(ps.ctx, ps.port, ps.transport, ps.called_name, ch);
  if (o.ok()) o = co_await ch->request(smb2_negotiate(opts), reply);
  if (!o.ok()) {
    out.check = refusal_from_outcome(label, o);
    co_return out;
  }
  const auto proto = detect_smb_protocol(reply);
  if (proto == SmbProtocol::Smb1) {
    // A server without SMB2 may answer with an SMB1 error (Samba in NT1-only mode does not).
    out.smb_answer = true;
    out.check = make_check(label, OfferAnswer::answered_other, "the server answered in SMB1");
    co_return out;
  }
  if (proto != SmbProtocol::Smb2) {
    out.check = make_check(label, OfferAnswer::failed, "not an SMB2 reply: " + describe_unexpected(reply));
    co_return out;
  }
  auto r = decode_smb2_negotiate_response(reply);
  if (!r) {
    out.check = make_check(label, OfferAnswer::failed, "malformed SMB2 NEGOTIATE response: " + r.error);
    co_return out;
  }
  out.smb_answer = true;
  if (r->is_error()) {
    out.check = make_check(label, OfferAnswer::status, r->status_string());
    co_return out;
  }
  out.check = make_check(label, OfferAnswer::accepted, "");
  out.response = std::move(*r->response);
  if (with_ntlm) {
    out.ntlm.emplace();
    out.ntlm->via = "smb2 " + smb2_dialect_name(out.response->DialectRevision);
    co_await ntlm_session_setup(*ch, *out.ntlm, opts.header.MessageId + 1);
  }
  co_return out;
}

// One negotiate-context list enumerated by elimination: each round offers what the server has not
// chosen yet; the chosen item is accepted; an answer that is not one of the offered items ends it,
// and every item still offered gets that answer.
class Elimination {
 public:
  using Namer = std::string (*)(std::uint16_t);
  Elimination(const std::vector<std::uint16_t>& all, Namer name, std::string what, std::string context)
      : remaining(all), all_(all), name_(name), what_(std::move(what)), context_(std::move(context)) {}

  std::vector<std::uint16_t> remaining;
  [[nodiscard]] bool done() const { return done_; }

  // The server's answer (the context's list: one item) to an offer of `remaining`.
  void apply(const std::vector<std::uint16_t>& chosen) {
    const auto n = remaining.size();
    auto it = chosen.size() == 1 ? std::find(remaining.begin(), remaining.end(), chosen[0]) : remaining.end();
    if (it != remaining.end()) {
      checks_[*it] = make_check(name_(*it), OfferAnswer::accepted,
                                n > 1 ? "chosen from " + std::to_string(n) + " offered" : std::string());
      remaining.erase(it);
      done_ = remaining.empty();
      return;
    }
    std::string detail;
    OfferAnswer answer = OfferAnswer::answered_other;
    if (chosen.empty()) {
      detail = "no " + context_ + " in the answer";
    } else if (chosen.size() == 1 && chosen[0] == 0) {
      answer = OfferAnswer::none_of_offered;
      detail = "the server chose no " + what_ + " (0)";
    } else {
      detail = "answered " + what_ + " " + name_(chosen[0]) + ", not one of the offered";
    }
    for (auto id : remaining) checks_[id] = make_check(name_(id), answer, detail + offered_with(n));
    remaining.clear();
    done_ = true;
  }
  // A round that failed (connection, status, dialect): every item still offered gets its answer.
  void fail(const OfferCheck& round) {
    for (auto id : remaining)
      checks_[id] = make_check(name_(id), round.answer, round.detail + offered_with(remaining.size()));
    remaining.clear();
    done_ = true;
  }
  // Accepted items in the order of the full list (the server's preference order is in the details).
  [[nodiscard]] std::vector<std::string> accepted() const {
    std::vector<std::string> out;
    for (auto id : all_)
      if (auto it = checks_.find(id); it != checks_.end() && it->second.answer == OfferAnswer::accepted)
        out.push_back(name_(id));
    return out;
  }
  [[nodiscard]] std::vector<OfferCheck> checks() const {
    std::vector<OfferCheck> out;
    for (auto id : all_)
      if (auto it = checks_.find(id); it != checks_.end()) out.push_back(it->second);
    return out;
  }

 private:
  static std::string offered_with(std::size_t n) {
    return n > 1 ? " (offered together with " + std::to_string(n - 1) + " others)" : std::string();
  }
  std::vector<std::uint16_t> all_;
  Namer name_;
  std::string what_, context_;
  std::map<std::uint16_t, OfferCheck> checks_;
  bool done_ = false;
};

}  // namespace

asio::awaitable<Smb2Check> smb2_dialect(PortScan& ps, std::uint16_t dialect, std::unique_ptr<SmbChannel> ch) {
  auto options = smb2_options(std::vector<std::uint16_t>(1, dialect));
  const bool is311 = dialect == SMB2_DIALECT_311;
  if (is311) options.compression = Smb2NegotiateRequestOptions::Compression{0, kCompression};
  auto c = co_await smb2_offer(ps, options, smb2_dialect_name(dialect), is311, std::move(ch));
  if (c.response && c.response->DialectRevision != dialect) {
    c.check.answer = OfferAnswer::answered_other;
    c.check.detail = "answered with dialect " + smb2_dialect_name(c.response->DialectRevision);
    c.response.reset();
    c.ntlm.reset();
  }
  co_return c;
}

Smb2DialectDetail detail_of(const Smb2NegotiateResponse& r) {
  Smb2DialectDetail d;
  d.dialect = smb2_dialect_name(r.DialectRevision);
  d.security_mode = r.SecurityMode;
  d.signing = signing_from_smb2(r.SecurityMode);
  d.capabilities = smb2_capability_names(r.Capabilities);
  d.max_transact_size = r.MaxTransactSize;
  d.max_read_size = r.MaxReadSize;
  d.max_write_size = r.MaxWriteSize;
  d.server_guid = guid_string(r.ServerGuid);
  d.system_time = filetime_to_rfc3339(r.SystemTime);
  if (r.ServerStartTime != 0) d.server_start_time = filetime_to_rfc3339(r.ServerStartTime);
  if (!r.SecurityBuffer.empty()) {
    if (auto init = decode_spnego_init(r.SecurityBuffer))
      for (const auto& m : init->mechTypes) d.security_mechanisms.push_back(m.name.empty() ? m.oid : m.name);
  }
  return d;
}

asio::awaitable<void> smb311_contexts(PortScan& ps, const Smb2NegotiateResponse& highest, Smb2Info& s2) {
  s2.contexts_tested = true;
  for (auto h : highest.contexts.HashAlgorithms) s2.preauth_integrity.push_back(smb2_hash_algorithm_name(h));
  for (auto a : highest.contexts.CompressionAlgorithms) s2.compression.push_back(smb2_compression_algorithm_name(a));
  Elimination ciphers(kCiphers, smb2_cipher_name, "cipher", "ENCRYPTION_CAPABILITIES");
  Elimination signing(kSigningAlgorithms, smb2_signing_algorithm_name, "algorithm", "SIGNING_CAPABILITIES");
  ciphers.apply(highest.contexts.Ciphers);
  signing.apply(highest.contexts.SigningAlgorithms);
  while (!ciphers.done() || !signing.done()) {
    auto o = smb2_options(std::vector<std::uint16_t>(1, SMB2_DIALECT_311));
    o.encryption_ciphers.reset();
    o.signing_algorithms.reset();
    if (!ciphers.done()) o.encryption_ciphers = ciphers.remaining;
    if (!signing.done()) o.signing_algorithms = signing.remaining;
    auto c = co_await smb2_offer(ps, o, "contexts");
    if (!c.response) {
      ciphers.fail(c.check);
      signing.fail(c.check);
      break;
    }
    if (c.response->DialectRevision != SMB2_DIALECT_311) {
      const auto other = make_check("contexts", OfferAnswer::answered_other,
                                    "answered with dialect " + smb2_dialect_name(c.response->DialectRevision));
      ciphers.fail(other);
      signing.fail(other);
      break;
    }
    if (!ciphers.done()) ciphers.apply(c.response->contexts.Ciphers);
    if (!signing.done()) signing.apply(c.response->contexts.SigningAlgorithms);
  }
  s2.encryption_ciphers = ciphers.accepted();
  s2.cipher_checks = ciphers.checks();
  s2.signing_algorithms = signing.accepted();
  s2.signing_algorithm_checks = signing.checks();
}

}  // namespace legacyscan::smb
