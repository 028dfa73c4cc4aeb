// SPDX-License-Identifier: Apache-2.0
// The SMB probe: per port, the Vista/7 multi-protocol negotiate, the SMB1 dialects, each SMB2/3
// dialect alone, the SMB 3.1.1 negotiate contexts and the NTLMSSP CHALLENGE of an anonymous session
// setup. Every offer has its own connection, so one server answer can never colour another. Lists
// the server picks from (SMB1 dialects, 3.1.1 ciphers and signing algorithms) are enumerated by
// elimination, as a client's offer would be answered: offer them all, drop the one the server chose,
// offer the rest again until it chooses none; the 3.1.1 dialect check is the first round of the
// context elimination and also carries the compression offer and the NTLMSSP session setup. So a
// server costs one connection per accepted item plus one, not one per item (Samba forks an smbd
// for each connection).
#include "probes/smb/smb_probe.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>

#include "legacyscan/engine/async.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb2/smb2_codec.hpp"
#include "probes/smb/smb_channel.hpp"
#include "probes/smb/smb_result.hpp"
#include "src/proto/spnego/spnego.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

// [MS-CIFS] 1.7 / [MS-SMB] 4.2: the classic dialect strings, oldest first.
const std::vector<std::string> kSmb1Dialects{
    "PC NETWORK PROGRAM 1.0", "LANMAN1.0", "Windows for Workgroups 3.1a", "LM1.2X002", "LANMAN2.1", "NT LM 0.12"};
// What Windows Vista and 7 send first ([MS-SMB2] 4.2 shows the list).
const std::vector<std::string> kMultiProtocolDialects{"NT LM 0.12", "SMB 2.002", "SMB 2.???"};
const std::vector<std::uint16_t> kSmb2Dialects{SMB2_DIALECT_202, SMB2_DIALECT_210, SMB2_DIALECT_300, SMB2_DIALECT_302,
                                               SMB2_DIALECT_311};
const std::vector<std::uint16_t> kCiphers{SMB2_ENCRYPTION_AES128_CCM, SMB2_ENCRYPTION_AES128_GCM,
                                          SMB2_ENCRYPTION_AES256_CCM, SMB2_ENCRYPTION_AES256_GCM};
const std::vector<std::uint16_t> kSigningAlgorithms{SMB2_SIGNING_HMAC_SHA256, SMB2_SIGNING_AES_CMAC,
                                                    SMB2_SIGNING_AES_GMAC};
const std::vector<std::uint16_t> kCompression{SMB2_COMPRESSION_LZNT1, SMB2_COMPRESSION_LZ77,
                                              SMB2_COMPRESSION_LZ77_HUFFMAN, SMB2_COMPRESSION_PATTERN_V1,
                                              SMB2_COMPRESSION_LZ4};

constexpr std::uint32_t kClientCapabilities =
    SMB2_GLOBAL_CAP_DFS | SMB2_GLOBAL_CAP_LEASING | SMB2_GLOBAL_CAP_LARGE_MTU | SMB2_GLOBAL_CAP_MULTI_CHANNEL |
    SMB2_GLOBAL_CAP_PERSISTENT_HANDLES | SMB2_GLOBAL_CAP_DIRECTORY_LEASING | SMB2_GLOBAL_CAP_ENCRYPTION;

// A fixed client GUID and preauth salt: the scan is reproducible, and neither is a secret.
constexpr std::array<std::uint8_t, 16> kClientGuid{0x6c, 0x65, 0x67, 0x61, 0x63, 0x79, 0x73, 0x63,
                                                   0x61, 0x6e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
Bytes preauth_salt() {
  Bytes s(32);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(0x5a ^ (i * 7));
  return s;
}

std::string guid_string(const std::array<std::uint8_t, 16>& g) {
  // [MS-DTYP] 2.3.4.2: Data1..Data3 little-endian, Data4 as bytes.
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2],
                g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
  return buf;
}

Signing signing_from_smb2(std::uint16_t mode) {
  return Signing{(mode & SMB2_NEGOTIATE_SIGNING_ENABLED) != 0, (mode & SMB2_NEGOTIATE_SIGNING_REQUIRED) != 0};
}

// What a failed exchange means for an offer.
OfferCheck refusal_from_outcome(std::string offered, const Outcome& o) {
  OfferCheck c{std::move(offered), OfferAnswer::failed, o.reason};
  if (o.status == Status::reset)
    c.answer = o.reason.find("closed by the peer") != std::string::npos ? OfferAnswer::closed : OfferAnswer::reset;
  else if (o.status == Status::timeout)
    c.answer = OfferAnswer::timeout;
  return c;
}

// A plain function rather than brace-initialisation inside coroutines: GCC 12 miscompiles string
// literals in aggregate initialisers in a coroutine body ("array used as initializer").
OfferCheck make_check(std::string offered, OfferAnswer answer, std::string detail) {
  return OfferCheck{std::move(offered), answer, std::move(detail)};
}

// Per-port state shared by the checks of that port.
struct PortScan {
  ProbeContext& ctx;
  std::uint16_t port;
  Transport transport;
  std::string called_name;  // NBSS called name that works (139)
};

// One connection, one request, one reply.
asio::awaitable<Outcome> exchange(PortScan& ps, ByteView request, Bytes& reply) {
  std::unique_ptr<SmbChannel> ch;
  auto o = co_await SmbChannel::open(ps.ctx, ps.port, ps.transport, ps.called_name, ch);
  if (!o.ok()) co_return o;
  co_return co_await ch->request(request, reply);
}

Bytes smb1_negotiate(const std::vector<std::string>& dialects) {
  Smb1NegotiateRequestOptions opt;
  opt.Dialects = dialects;
  auto r = encode_smb1_negotiate_request(opt);
  return r ? std::move(*r.value) : Bytes{};
}

Smb2NegotiateRequestOptions smb2_options(std::vector<std::uint16_t> dialects) {
  Smb2NegotiateRequestOptions o;
  o.Dialects = std::move(dialects);
  o.SecurityMode = SMB2_NEGOTIATE_SIGNING_ENABLED;
  o.Capabilities = kClientCapabilities;
  o.ClientGuid = kClientGuid;
  o.header.CreditRequest = 31;
  if (std::find(o.Dialects.begin(), o.Dialects.end(), SMB2_DIALECT_311) != o.Dialects.end()) {
    o.preauth_integrity =
        Smb2NegotiateRequestOptions::PreauthIntegrity{{SMB2_PREAUTH_INTEGRITY_SHA512}, preauth_salt()};
    o.encryption_ciphers = kCiphers;
    o.signing_algorithms = kSigningAlgorithms;
  }
  return o;
}

Bytes encode(const Smb2NegotiateRequestOptions& o) {
  auto r = encode_smb2_negotiate_request(o);
  return r ? std::move(*r.value) : Bytes{};
}

// ---- 1. the SMB1 dialects, by elimination ----------------------------------------------------

struct Smb1Check {
  OfferCheck check;
  std::optional<Smb1NtLmNegotiate> nt_lm;  // when NT LM 0.12 was accepted
  bool smb_answer = false;                 // the server answered in SMB (1 or 2)
};

std::string offered_together(const std::vector<std::string>& offered) {
  return offered.size() > 1 ? " (offered together with " + std::to_string(offered.size() - 1) + " other dialects)" : "";
}

// Every dialect of kSmb1Dialects gets one check, in that order. A round offers the dialects not yet
// chosen; the one the server picks is accepted; the first round whose answer is not a choice gives
// every dialect still offered that answer.
asio::awaitable<std::vector<Smb1Check>> smb1_dialects(PortScan& ps) {
  std::vector<Smb1Check> out(kSmb1Dialects.size());
  std::vector<std::size_t> remaining(kSmb1Dialects.size());
  for (std::size_t i = 0; i < remaining.size(); ++i) remaining[i] = i;
  while (!remaining.empty()) {
    std::vector<std::string> offered;
    for (auto i : remaining) offered.push_back(kSmb1Dialects[i]);
    const auto together = offered_together(offered);
    auto all_remaining = [&](OfferAnswer a, const std::string& detail, bool smb_answer) {
      for (auto i : remaining) {
        out[i].check = make_check(kSmb1Dialects[i], a, detail + together);
        out[i].smb_answer = smb_answer;
      }
      remaining.clear();
    };
    Bytes reply;
    // Requests are built before co_await: GCC 12 rejects initializer lists inside a co_await expression.
    const Bytes request = smb1_negotiate(offered);
    auto o = co_await exchange(ps, request, reply);
    if (!o.ok()) {
      for (auto i : remaining) {
        out[i].check = refusal_from_outcome(kSmb1Dialects[i], o);
        out[i].check.detail += together;
      }
      break;
    }
    const auto proto = detect_smb_protocol(reply);
    if (proto == SmbProtocol::Smb2) {
      all_remaining(OfferAnswer::answered_smb2, "the server answered an SMB1 offer in SMB2", true);
      break;
    }
    if (proto != SmbProtocol::Smb1) {
      all_remaining(OfferAnswer::failed, "not an SMB reply: " + describe_unexpected(reply), false);
      break;
    }
    auto resp = decode_smb1_negotiate_response(reply);
    if (!resp) {
      all_remaining(OfferAnswer::failed, "malformed SMB1 NEGOTIATE response: " + resp.error, false);
      break;
    }
    using Form = Smb1NegotiateResponse::Form;
    if (resp->form == Form::Error) {
      all_remaining(OfferAnswer::status, "status " + smb1_status_string(resp->header), true);
    } else if (resp->form == Form::NoDialectChosen) {
      all_remaining(OfferAnswer::none_of_offered, "DialectIndex 0xFFFF", true);
    } else if (resp->DialectIndex < remaining.size()) {
      const auto i = remaining[resp->DialectIndex];
      out[i].check =
          make_check(kSmb1Dialects[i], OfferAnswer::accepted,
                     std::string(smb1_negotiate_form_name(resp->form)) +
                         (offered.size() > 1 ? " (chosen from " + std::to_string(offered.size()) + " offered)" : ""));
      out[i].nt_lm = resp->nt_lm;
      out[i].smb_answer = true;
      remaining.erase(remaining.begin() + static_cast<std::ptrdiff_t>(resp->DialectIndex));
    } else {
      all_remaining(OfferAnswer::answered_other,
                    "DialectIndex " + std::to_string(resp->DialectIndex) + " (out of range)", true);
    }
  }
  co_return out;
}

// ---- 2. the multi-protocol negotiate -----------------------------------------------------------

// On the SMB2 wildcard answer (DialectRevision 0x02FF) the connection is handed back in `keep`: a
// Vista+ client goes on with its SMB2 NEGOTIATE on that same connection ([MS-SMB2] 3.2.5.2), and so
// does the 3.1.1 dialect check.
asio::awaitable<MultiProtocol> multiprotocol(PortScan& ps, bool& smb_answer, std::unique_ptr<SmbChannel>& keep) {
  MultiProtocol m;
  Bytes reply;
  std::unique_ptr<SmbChannel> ch;
  auto o = co_await SmbChannel::open(ps.ctx, ps.port, ps.transport, ps.called_name, ch);
  if (o.ok()) o = co_await ch->request(smb1_negotiate(kMultiProtocolDialects), reply);
  if (!o.ok()) {
    m.outcome = o;
    const auto c = refusal_from_outcome("", o);
    m.answer = std::string(to_string(c.answer));
    co_return m;
  }
  const auto proto = detect_smb_protocol(reply);
  if (proto == SmbProtocol::Smb2) {
    auto r = decode_smb2_negotiate_response(reply);
    if (!r) {
      m.outcome = Outcome::failure(Status::protocol_error, "malformed SMB2 NEGOTIATE response: " + r.error);
      co_return m;
    }
    smb_answer = true;
    m.answer = "smb2";
    if (r->response)
      m.dialect = smb2_dialect_name(r->response->DialectRevision);
    else
      m.dialect = r->status_string();
    if (r->response && r->response->DialectRevision == SMB2_DIALECT_WILDCARD) keep = std::move(ch);
    co_return m;
  }
  if (proto == SmbProtocol::Smb1) {
    auto r = decode_smb1_negotiate_response(reply);
    if (!r) {
      m.outcome = Outcome::failure(Status::protocol_error, "malformed SMB1 NEGOTIATE response: " + r.error);
      co_return m;
    }
    smb_answer = true;
    if (r->form != Smb1NegotiateResponse::Form::Error && r->DialectIndex < kMultiProtocolDialects.size()) {
      m.answer = "smb1";
      m.dialect = kMultiProtocolDialects[r->DialectIndex];
    } else {
      m.answer = "none";
    }
    co_return m;
  }
  m.outcome = Outcome::failure(Status::protocol_error, "not an SMB server: it answered " + describe_unexpected(reply));
  co_return m;
}

// ---- 3. each SMB2/3 dialect alone --------------------------------------------------------------

struct Smb2Check {
  OfferCheck check;
  std::optional<Smb2NegotiateResponse> response;
  bool smb_answer = false;
  std::optional<NtlmInfo> ntlm;  // when asked for and the offer was accepted
};

asio::awaitable<void> ntlm_session_setup(SmbChannel& ch, NtlmInfo& n, std::uint64_t message_id);

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
  if (o.ok()) o = co_await ch->request(encode(opts), reply);
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

// 3.1.1 alone also offers every cipher and signing algorithm (the first elimination round of the
// contexts), the compression algorithms, and goes on to the NTLMSSP session setup.
asio::awaitable<Smb2Check> smb2_dialect(PortScan& ps, std::uint16_t dialect, std::unique_ptr<SmbChannel> ch = nullptr) {
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

// ---- 5. anonymous NTLMSSP ----------------------------------------------------------------------

void fill_ntlm(NtlmInfo& n, const ntlm::NtlmChallengeMessage& c) {
  n.netbios_computer = c.NbComputerName;
  n.netbios_domain = c.NbDomainName;
  n.dns_computer = c.DnsComputerName;
  n.dns_domain = c.DnsDomainName;
  n.dns_tree = c.DnsTreeName;
  if (c.Timestamp) n.server_time = filetime_to_rfc3339(*c.Timestamp);
  n.target_name = c.TargetName;
  n.negotiate_flags = ntlm::ntlm_negotiate_flag_names(c.NegotiateFlags);
  if (c.Version) {
    n.os_version = std::to_string(c.Version->ProductMajorVersion) + "." +
                   std::to_string(c.Version->ProductMinorVersion) + "." + std::to_string(c.Version->ProductBuild);
    n.ntlm_revision = c.Version->NTLMRevisionCurrent;
  }
}

// The NTLMSSP CHALLENGE inside a SPNEGO NegTokenResp.
Decoded<ntlm::NtlmChallengeMessage> challenge_from_spnego(ByteView blob) {
  auto resp = decode_spnego_resp(blob);
  if (!resp) return Decoded<ntlm::NtlmChallengeMessage>::fail("SPNEGO answer: " + resp.error);
  if (!resp->responseToken) return Decoded<ntlm::NtlmChallengeMessage>::fail("SPNEGO answer carries no responseToken");
  auto c = ntlm::decode_ntlm_challenge_message(*resp->responseToken);
  if (!c) return Decoded<ntlm::NtlmChallengeMessage>::fail("NTLMSSP CHALLENGE: " + c.error);
  return c;
}

asio::awaitable<void> ntlm_session_setup(SmbChannel& ch, NtlmInfo& n, std::uint64_t message_id) {
  Bytes reply;
  Smb2SessionSetupRequestOptions ss;
  ss.header.MessageId = message_id;
  ss.header.CreditRequest = 31;
  ss.SecurityBuffer = encode_spnego_init_ntlmssp(ntlm::encode_ntlm_negotiate_message());
  auto req = encode_smb2_session_setup_request(ss);
  if (!req) {
    n.outcome = Outcome::failure(Status::error, req.error);
    co_return;
  }
  auto o = co_await ch.request(*req.value, reply);
  if (!o.ok()) {
    n.outcome = o;
    co_return;
  }
  auto resp = decode_smb2_session_setup_response(reply);
  if (!resp) {
    n.outcome = Outcome::failure(Status::protocol_error, "malformed SESSION_SETUP response: " + resp.error);
    co_return;
  }
  if (resp->status() != STATUS_MORE_PROCESSING_REQUIRED || !resp->response) {
    n.outcome = Outcome::failure(
        Status::protocol_error, "SESSION_SETUP answered " + resp->status_string() + " instead of an NTLMSSP challenge");
    co_return;
  }
  auto challenge = challenge_from_spnego(resp->response->SecurityBuffer);
  if (!challenge) {
    n.outcome = Outcome::failure(Status::protocol_error, challenge.error);
    co_return;
  }
  fill_ntlm(n, *challenge.value);
}

// A connection of its own for the NTLM session setup: opens it and sends the NEGOTIATE.
asio::awaitable<Outcome> open_and_negotiate(PortScan& ps, const Bytes& negotiate, std::unique_ptr<SmbChannel>& ch,
                                            Bytes& reply) {
  auto o = co_await SmbChannel::open(ps.ctx, ps.port, ps.transport, ps.called_name, ch);
  if (!o.ok()) co_return o;
  co_return co_await ch->request(negotiate, reply);
}

// Its own connection: for a server whose highest dialect is below 3.1.1.
asio::awaitable<NtlmInfo> ntlm_over_smb2(PortScan& ps, std::uint16_t dialect) {
  NtlmInfo n;
  n.via = "smb2 " + smb2_dialect_name(dialect);
  std::unique_ptr<SmbChannel> ch;
  Bytes reply;
  n.outcome = co_await open_and_negotiate(ps, encode(smb2_options(std::vector<std::uint16_t>(1, dialect))), ch, reply);
  if (!n.outcome.ok()) co_return n;
  auto neg = decode_smb2_negotiate_response(reply);
  if (!neg || neg->is_error()) {
    n.outcome = Outcome::failure(Status::protocol_error,
                                 "NEGOTIATE before SESSION_SETUP failed: " + (neg ? neg->status_string() : neg.error));
    co_return n;
  }
  co_await ntlm_session_setup(*ch, n, 1);
  co_return n;
}

asio::awaitable<NtlmInfo> ntlm_over_smb1(PortScan& ps) {
  NtlmInfo n;
  n.via = "smb1 NT LM 0.12";
  std::unique_ptr<SmbChannel> ch;
  Bytes reply;
  n.outcome = co_await open_and_negotiate(ps, smb1_negotiate(std::vector<std::string>(1, "NT LM 0.12")), ch, reply);
  if (!n.outcome.ok()) co_return n;
  auto neg = decode_smb1_negotiate_response(reply);
  if (!neg || neg->DialectIndex != 0 || !neg->nt_lm) {
    n.outcome = Outcome::failure(Status::protocol_error, "SMB1 NEGOTIATE before SESSION_SETUP_ANDX failed");
    co_return n;
  }
  if (!neg->nt_lm->extended_security) {
    n.outcome = Outcome::failure(Status::protocol_error, "server does not offer extended security (no NTLMSSP)");
    co_return n;
  }
  Smb1SessionSetupRequestOptions ss;
  ss.SessionKey = neg->nt_lm->SessionKey;
  ss.SecurityBlob = encode_spnego_init_ntlmssp(ntlm::encode_ntlm_negotiate_message());
  auto req = encode_smb1_session_setup_request(ss);
  if (!req) {
    n.outcome = Outcome::failure(Status::error, req.error);
    co_return n;
  }
  n.outcome = co_await ch->request(*req.value, reply);
  if (!n.outcome.ok()) co_return n;
  auto resp = decode_smb1_session_setup_response(reply);
  if (!resp) {
    n.outcome = Outcome::failure(Status::protocol_error, "malformed SESSION_SETUP_ANDX response: " + resp.error);
    co_return n;
  }
  if (resp->header.Status != STATUS_MORE_PROCESSING_REQUIRED) {
    n.outcome = Outcome::failure(Status::protocol_error,
                                 "SESSION_SETUP_ANDX answered status " + smb1_status_string(resp->header));
    co_return n;
  }
  auto challenge = challenge_from_spnego(resp->SecurityBlob);
  if (!challenge) {
    n.outcome = Outcome::failure(Status::protocol_error, challenge.error);
    co_return n;
  }
  fill_ntlm(n, *challenge.value);
  co_return n;
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

// The first wave of a port: 0 is the SMB1 elimination, 1..5 one SMB2 dialect each.
struct FirstWave {
  std::vector<Smb1Check> smb1;
  Smb2Check smb2;
};

// `wildcard`: the multi-protocol negotiate's connection, when it stopped at the SMB2 wildcard: the
// 3.1.1 check goes on there.
asio::awaitable<FirstWave> first_wave(PortScan& ps, std::size_t i, std::unique_ptr<SmbChannel>& wildcard) {
  FirstWave w;
  if (i == 0)
    w.smb1 = co_await smb1_dialects(ps);
  else if (kSmb2Dialects[i - 1] == SMB2_DIALECT_311)
    w.smb2 = co_await smb2_dialect(ps, kSmb2Dialects[i - 1], std::move(wildcard));
  else
    w.smb2 = co_await smb2_dialect(ps, kSmb2Dialects[i - 1]);
  co_return w;
}

// ---- one port ----------------------------------------------------------------------------------

asio::awaitable<PortResult> scan_port(ProbeContext& ctx, std::uint16_t port, const std::string& learned_name) {
  PortResult pr;
  pr.port = port;
  const bool nbss = port == 139;
  pr.transport = nbss ? "netbios-ssn" : "direct-tcp";
  PortScan ps{ctx, port, nbss ? Transport::NetbiosSession139 : Transport::DirectTcp445,
              ctx.settings.option("smb-called-name").value_or("*SMBSERVER")};

  // The first connection tells whether anything SMB is there at all; a dead or non-SMB port
  // costs one exchange, not twenty.
  bool smb_answer = false;
  std::unique_ptr<SmbChannel> wildcard;
  MultiProtocol m = co_await multiprotocol(ps, smb_answer, wildcard);
  if (nbss && m.outcome.status == Status::refused &&
      m.outcome.reason.find("NetBIOS session refused") != std::string::npos) {
    // RFC 1002 4.3.4: the called name is not there; retry with the server's own NetBIOS name.
    std::vector<std::string> names;
    if (!learned_name.empty()) names.push_back(learned_name);
    if (!ctx.host_name.empty()) {
      std::string label = ctx.host_name.substr(0, ctx.host_name.find('.'));
      std::transform(label.begin(), label.end(), label.begin(), [](unsigned char c) { return std::toupper(c); });
      if (label.size() <= 15 && std::find(names.begin(), names.end(), label) == names.end()) names.push_back(label);
    }
    for (const auto& name : names) {
      ctx.log.debug("{}:139 refused called name {}; retrying with {}", ctx.address.to_string(), ps.called_name, name);
      ps.called_name = name;
      m = co_await multiprotocol(ps, smb_answer, wildcard);
      if (m.outcome.status != Status::refused) break;
    }
  }
  if (nbss) pr.called_name = ps.called_name;
  if (!smb_answer && (m.outcome.status == Status::refused || m.outcome.status == Status::timeout ||
                      m.outcome.status == Status::unreachable || m.outcome.status == Status::protocol_error ||
                      m.outcome.status == Status::error)) {
    pr.outcome = m.outcome;
    if (m.outcome.status == Status::timeout && m.outcome.reason.starts_with("read"))
      pr.outcome.reason = "the port accepts connections but did not answer an SMB NEGOTIATE (" + m.outcome.reason +
                          "): not an SMB server, or a silent one";
    co_return pr;
  }
  pr.multiprotocol = m;

  // The SMB1 elimination and every SMB2 dialect alone, concurrently.
  auto wave =
      co_await all_of<FirstWave>(1 + kSmb2Dialects.size(), [&](std::size_t i) { return first_wave(ps, i, wildcard); });
  std::vector<Smb1Check> smb1_checks = std::move(wave[0].smb1);
  std::vector<Smb2Check> smb2_checks;
  for (std::size_t i = 1; i < wave.size(); ++i) smb2_checks.push_back(std::move(wave[i].smb2));

  Smb1Info s1;
  for (auto& c : smb1_checks) {
    smb_answer = smb_answer || c.smb_answer;
    if (c.check.answer == OfferAnswer::accepted) s1.dialects.push_back(c.check.offered);
    if (c.nt_lm && c.check.offered == "NT LM 0.12") {
      const auto& r = *c.nt_lm;
      s1.security_mode = r.SecurityMode;
      s1.signing = Signing{(r.SecurityMode & 0x04) != 0, (r.SecurityMode & 0x08) != 0};
      s1.capabilities = smb1_capability_names(r.Capabilities);
      s1.server_time = filetime_to_rfc3339(r.SystemTime);
      s1.max_buffer_size = r.MaxBufferSize;
      s1.max_mpx_count = r.MaxMpxCount;
      s1.extended_security = r.extended_security;
      s1.domain_name = r.DomainName;
      s1.server_name = r.ServerName;
    }
    s1.checks.push_back(std::move(c.check));
  }
  s1.enabled = !s1.dialects.empty();

  Smb2Info s2;
  std::optional<Smb2NegotiateResponse> highest;
  std::optional<NtlmInfo> ntlm311;
  for (auto& c : smb2_checks) {
    if (c.ntlm) ntlm311 = std::move(c.ntlm);
    smb_answer = smb_answer || c.smb_answer;
    if (c.check.answer == OfferAnswer::accepted) {
      s2.dialects.push_back(c.check.offered);
      s2.details.push_back(detail_of(*c.response));
      highest = c.response;
    } else {
      s2.rejected.push_back(c.check.offered);
    }
    s2.checks.push_back(std::move(c.check));
  }
  if (highest) s2.signing = signing_from_smb2(highest->SecurityMode);

  if (!smb_answer) {
    // Connections opened but nothing SMB came back on any of them.
    pr.outcome = Outcome::failure(Status::protocol_error,
                                  "no SMB answer to any offer (multi-protocol negotiate: " + m.answer + ")");
    pr.multiprotocol.reset();
    co_return pr;
  }

  // SMB 3.1.1 negotiate contexts by elimination; the 3.1.1 dialect check was the first round.
  if (highest && highest->DialectRevision == SMB2_DIALECT_311) {
    s2.contexts_tested = true;
    for (auto h : highest->contexts.HashAlgorithms) s2.preauth_integrity.push_back(smb2_hash_algorithm_name(h));
    for (auto a : highest->contexts.CompressionAlgorithms) s2.compression.push_back(smb2_compression_algorithm_name(a));
    Elimination ciphers(kCiphers, smb2_cipher_name, "cipher", "ENCRYPTION_CAPABILITIES");
    Elimination signing(kSigningAlgorithms, smb2_signing_algorithm_name, "algorithm", "SIGNING_CAPABILITIES");
    ciphers.apply(highest->contexts.Ciphers);
    signing.apply(highest->contexts.SigningAlgorithms);
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

  // Anonymous NTLMSSP on the highest accepted dialect (3.1.1: done on the dialect check's connection).
  if (highest && highest->DialectRevision == SMB2_DIALECT_311 && ntlm311)
    pr.ntlm = std::move(ntlm311);
  else if (highest)
    pr.ntlm = co_await ntlm_over_smb2(ps, highest->DialectRevision);
  else if (s1.enabled && std::find(s1.dialects.begin(), s1.dialects.end(), "NT LM 0.12") != s1.dialects.end())
    pr.ntlm = co_await ntlm_over_smb1(ps);

  pr.smb1 = std::move(s1);
  pr.smb2 = std::move(s2);
  co_return pr;
}

class SmbProbe final : public Probe {
 public:
  std::string_view name() const override { return "smb"; }
  std::string_view description() const override {
    return "SMB1 dialects, SMB2/3 dialects and signing, SMB 3.1.1 contexts, NTLM target info (445 direct, 139 NBSS)";
  }
  std::vector<std::uint16_t> default_ports() const override { return {445, 139}; }
  std::vector<std::string_view> transports() const override { return {"tcp"}; }
  std::vector<ProbeOption> options() const override {
    return {
        {"--smb-called-name", "NetBIOS called name for port 139 (retried with the server's own name)", "*SMBSERVER"}};
  }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<SmbResult>();
    // Every port concurrently. Port 139 first tries the generic called name; when the server refuses
    // it (RFC 1002 4.3.4), it is scanned again with the NetBIOS name learned over another port.
    const auto ports = ctx.ports;
    auto results =
        co_await all_of<PortResult>(ports.size(), [&](std::size_t i) { return scan_port(ctx, ports[i], ""); });
    std::string learned;
    for (auto& pr : results)
      if (pr.ntlm && pr.ntlm->outcome.ok() && learned.empty()) {
        learned = pr.ntlm->netbios_computer;
        ctx.facts.set("netbios_computer", pr.ntlm->netbios_computer);
        ctx.facts.set("netbios_domain", pr.ntlm->netbios_domain);
        ctx.facts.set("dns_computer", pr.ntlm->dns_computer);
        ctx.facts.set("dns_domain", pr.ntlm->dns_domain);
        ctx.facts.set("dns_tree", pr.ntlm->dns_tree);
      }
    for (auto& pr : results)
      if (pr.port == 139 && !learned.empty() && pr.outcome.status == Status::refused &&
          pr.outcome.reason.find("NetBIOS session refused") != std::string::npos)
        pr = co_await scan_port(ctx, 139, learned);
    result->ports = std::move(results);
    const bool any_ok =
        std::any_of(result->ports.begin(), result->ports.end(), [](const PortResult& p) { return p.outcome.ok(); });
    if (!any_ok && !result->ports.empty()) {
      result->status = result->ports.front().outcome.status;
      result->reason = "no port answered SMB:";
      for (const auto& p : result->ports)
        result->reason += " " + std::to_string(p.port) + ": " + p.outcome.reason + ";";
      result->reason.pop_back();
    }
    co_return result;
  }
};

}  // namespace
}  // namespace legacyscan::smb

namespace legacyscan {
std::unique_ptr<Probe> make_smb_probe() {
  return std::make_unique<smb::SmbProbe>();
}
}  // namespace legacyscan
