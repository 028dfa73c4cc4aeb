// SPDX-License-Identifier: Apache-2.0
// The SMB probe: per port, each SMB1 dialect alone, the Vista/7 multi-protocol negotiate, each SMB2/3
// dialect alone, the SMB 3.1.1 negotiate contexts one cipher / signing algorithm at a time, and the
// NTLMSSP CHALLENGE of an anonymous session setup. Every offer has its own connection, so one
// server answer can never colour another.
#include "probes/smb/smb_probe.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "legacyscan/async.hpp"
#include "probes/smb/ntlmssp.hpp"
#include "probes/smb/smb1_codec.hpp"
#include "probes/smb/smb2_codec.hpp"
#include "probes/smb/smb_channel.hpp"
#include "probes/smb/smb_result.hpp"
#include "probes/smb/spnego.hpp"

namespace legacyscan::smb {

namespace asio = boost::asio;

namespace {

// [MS-CIFS] 1.7 / [MS-SMB] 4.2: the classic dialect strings, oldest first.
const std::vector<std::string> kSmb1Dialects{"PC NETWORK PROGRAM 1.0", "LANMAN1.0", "Windows for Workgroups 3.1a",
                                             "LM1.2X002", "LANMAN2.1", "NT LM 0.12"};
// What Windows Vista and 7 send first ([MS-SMB2] 4.2 shows the list).
const std::vector<std::string> kMultiProtocolDialects{"NT LM 0.12", "SMB 2.002", "SMB 2.???"};
const std::vector<std::uint16_t> kSmb2Dialects{SMB2_DIALECT_202, SMB2_DIALECT_210, SMB2_DIALECT_300,
                                               SMB2_DIALECT_302, SMB2_DIALECT_311};
const std::vector<std::uint16_t> kCiphers{SMB2_ENCRYPTION_AES128_CCM, SMB2_ENCRYPTION_AES128_GCM,
                                          SMB2_ENCRYPTION_AES256_CCM, SMB2_ENCRYPTION_AES256_GCM};
const std::vector<std::uint16_t> kSigningAlgorithms{SMB2_SIGNING_HMAC_SHA256, SMB2_SIGNING_AES_CMAC,
                                                    SMB2_SIGNING_AES_GMAC};
const std::vector<std::uint16_t> kCompression{SMB2_COMPRESSION_LZNT1, SMB2_COMPRESSION_LZ77,
                                              SMB2_COMPRESSION_LZ77_HUFFMAN, SMB2_COMPRESSION_PATTERN_V1,
                                              SMB2_COMPRESSION_LZ4};

constexpr std::uint32_t kClientCapabilities = SMB2_GLOBAL_CAP_DFS | SMB2_GLOBAL_CAP_LEASING |
                                              SMB2_GLOBAL_CAP_LARGE_MTU | SMB2_GLOBAL_CAP_MULTI_CHANNEL |
                                              SMB2_GLOBAL_CAP_PERSISTENT_HANDLES |
                                              SMB2_GLOBAL_CAP_DIRECTORY_LEASING | SMB2_GLOBAL_CAP_ENCRYPTION;

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
    o.preauth_integrity = Smb2NegotiateRequestOptions::PreauthIntegrity{{SMB2_PREAUTH_INTEGRITY_SHA512}, preauth_salt()};
    o.encryption_ciphers = kCiphers;
    o.signing_algorithms = kSigningAlgorithms;
  }
  return o;
}

Bytes encode(const Smb2NegotiateRequestOptions& o) {
  auto r = encode_smb2_negotiate_request(o);
  return r ? std::move(*r.value) : Bytes{};
}

// ---- 1. each SMB1 dialect alone ----------------------------------------------------------------

struct Smb1Check {
  OfferCheck check;
  std::optional<Smb1NtLmNegotiate> nt_lm;  // when NT LM 0.12 was accepted
  bool smb_answer = false;                 // the server answered in SMB (1 or 2)
};

asio::awaitable<Smb1Check> smb1_dialect(PortScan& ps, std::string dialect) {
  Smb1Check out;
  Bytes reply;
  // Requests are built before co_await: GCC 12 rejects initializer lists inside a co_await expression.
  const Bytes request = smb1_negotiate(std::vector<std::string>(1, dialect));
  auto o = co_await exchange(ps, request, reply);
  if (!o.ok()) {
    out.check = refusal_from_outcome(dialect, o);
    co_return out;
  }
  const auto proto = detect_smb_protocol(reply);
  if (proto == SmbProtocol::Smb2) {
    out.smb_answer = true;
    out.check = make_check(dialect, OfferAnswer::answered_smb2, "the server answered an SMB1 offer in SMB2");
    co_return out;
  }
  if (proto != SmbProtocol::Smb1) {
    out.check = make_check(dialect, OfferAnswer::failed, "not an SMB reply: " + describe_unexpected(reply));
    co_return out;
  }
  auto resp = decode_smb1_negotiate_response(reply);
  if (!resp) {
    out.check = make_check(dialect, OfferAnswer::failed, "malformed SMB1 NEGOTIATE response: " + resp.error);
    co_return out;
  }
  out.smb_answer = true;
  using Form = Smb1NegotiateResponse::Form;
  if (resp->form == Form::Error) {
    out.check = make_check(dialect, OfferAnswer::status, "status " + smb1_status_string(resp->header));
  } else if (resp->form == Form::NoDialectChosen) {
    out.check = make_check(dialect, OfferAnswer::none_of_offered, "DialectIndex 0xFFFF");
  } else if (resp->DialectIndex == 0) {
    out.check = make_check(dialect, OfferAnswer::accepted, std::string(smb1_negotiate_form_name(resp->form)));
    out.nt_lm = resp->nt_lm;
  } else {
    out.check = make_check(dialect, OfferAnswer::answered_other, "DialectIndex " + std::to_string(resp->DialectIndex));
  }
  co_return out;
}

// ---- 2. the multi-protocol negotiate -----------------------------------------------------------

asio::awaitable<MultiProtocol> multiprotocol(PortScan& ps, bool& smb_answer) {
  MultiProtocol m;
  Bytes reply;
  auto o = co_await exchange(ps, smb1_negotiate(kMultiProtocolDialects), reply);
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
    if (r->response) m.dialect = smb2_dialect_name(r->response->DialectRevision);
    else m.dialect = r->status_string();
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
};

// opts by value: callers build it in a lambda whose locals are gone when the coroutine runs.
asio::awaitable<Smb2Check> smb2_offer(PortScan& ps, Smb2NegotiateRequestOptions opts, std::string label) {
  Smb2Check out;
  Bytes reply;
  auto o = co_await exchange(ps, encode(opts), reply);
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
  co_return out;
}

asio::awaitable<Smb2Check> smb2_dialect(PortScan& ps, std::uint16_t dialect) {
  const auto options = smb2_options(std::vector<std::uint16_t>(1, dialect));
  auto c = co_await smb2_offer(ps, options, smb2_dialect_name(dialect));
  if (c.response && c.response->DialectRevision != dialect) {
    c.check.answer = OfferAnswer::answered_other;
    c.check.detail = "answered with dialect " + smb2_dialect_name(c.response->DialectRevision);
    c.response.reset();
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

void fill_ntlm(NtlmInfo& n, const NtlmChallengeMessage& c) {
  n.netbios_computer = c.NbComputerName;
  n.netbios_domain = c.NbDomainName;
  n.dns_computer = c.DnsComputerName;
  n.dns_domain = c.DnsDomainName;
  n.dns_tree = c.DnsTreeName;
  if (c.Timestamp) n.server_time = filetime_to_rfc3339(*c.Timestamp);
  n.target_name = c.TargetName;
  n.negotiate_flags = ntlm_negotiate_flag_names(c.NegotiateFlags);
  if (c.Version) {
    n.os_version = std::to_string(c.Version->ProductMajorVersion) + "." +
                   std::to_string(c.Version->ProductMinorVersion) + "." + std::to_string(c.Version->ProductBuild);
    n.ntlm_revision = c.Version->NTLMRevisionCurrent;
  }
}

// The NTLMSSP CHALLENGE inside a SPNEGO NegTokenResp.
Decoded<NtlmChallengeMessage> challenge_from_spnego(ByteView blob) {
  auto resp = decode_spnego_resp(blob);
  if (!resp) return Decoded<NtlmChallengeMessage>::fail("SPNEGO answer: " + resp.error);
  if (!resp->responseToken) return Decoded<NtlmChallengeMessage>::fail("SPNEGO answer carries no responseToken");
  auto c = decode_ntlm_challenge_message(*resp->responseToken);
  if (!c) return Decoded<NtlmChallengeMessage>::fail("NTLMSSP CHALLENGE: " + c.error);
  return c;
}

asio::awaitable<NtlmInfo> ntlm_over_smb2(PortScan& ps, std::uint16_t dialect) {
  NtlmInfo n;
  n.via = "smb2 " + smb2_dialect_name(dialect);
  std::unique_ptr<SmbChannel> ch;
  auto o = co_await SmbChannel::open(ps.ctx, ps.port, ps.transport, ps.called_name, ch);
  if (!o.ok()) {
    n.outcome = o;
    co_return n;
  }
  Bytes reply;
  const Bytes negotiate = encode(smb2_options(std::vector<std::uint16_t>(1, dialect)));
  o = co_await ch->request(negotiate, reply);
  if (!o.ok()) {
    n.outcome = o;
    co_return n;
  }
  auto neg = decode_smb2_negotiate_response(reply);
  if (!neg || neg->is_error()) {
    n.outcome = Outcome::failure(Status::protocol_error,
                                 "NEGOTIATE before SESSION_SETUP failed: " + (neg ? neg->status_string() : neg.error));
    co_return n;
  }
  Smb2SessionSetupRequestOptions ss;
  ss.header.MessageId = 1;
  ss.header.CreditRequest = 31;
  ss.SecurityBuffer = encode_spnego_init_ntlmssp(encode_ntlm_negotiate_message());
  auto req = encode_smb2_session_setup_request(ss);
  if (!req) {
    n.outcome = Outcome::failure(Status::error, req.error);
    co_return n;
  }
  o = co_await ch->request(*req.value, reply);
  if (!o.ok()) {
    n.outcome = o;
    co_return n;
  }
  auto resp = decode_smb2_session_setup_response(reply);
  if (!resp) {
    n.outcome = Outcome::failure(Status::protocol_error, "malformed SESSION_SETUP response: " + resp.error);
    co_return n;
  }
  if (resp->status() != STATUS_MORE_PROCESSING_REQUIRED || !resp->response) {
    n.outcome = Outcome::failure(Status::protocol_error, "SESSION_SETUP answered " + resp->status_string() +
                                                             " instead of an NTLMSSP challenge");
    co_return n;
  }
  auto challenge = challenge_from_spnego(resp->response->SecurityBuffer);
  if (!challenge) {
    n.outcome = Outcome::failure(Status::protocol_error, challenge.error);
    co_return n;
  }
  fill_ntlm(n, *challenge.value);
  co_return n;
}

asio::awaitable<NtlmInfo> ntlm_over_smb1(PortScan& ps) {
  NtlmInfo n;
  n.via = "smb1 NT LM 0.12";
  std::unique_ptr<SmbChannel> ch;
  auto o = co_await SmbChannel::open(ps.ctx, ps.port, ps.transport, ps.called_name, ch);
  if (!o.ok()) {
    n.outcome = o;
    co_return n;
  }
  Bytes reply;
  const Bytes negotiate = smb1_negotiate(std::vector<std::string>(1, "NT LM 0.12"));
  o = co_await ch->request(negotiate, reply);
  if (!o.ok()) {
    n.outcome = o;
    co_return n;
  }
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
  ss.SecurityBlob = encode_spnego_init_ntlmssp(encode_ntlm_negotiate_message());
  auto req = encode_smb1_session_setup_request(ss);
  if (!req) {
    n.outcome = Outcome::failure(Status::error, req.error);
    co_return n;
  }
  o = co_await ch->request(*req.value, reply);
  if (!o.ok()) {
    n.outcome = o;
    co_return n;
  }
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
  MultiProtocol m = co_await multiprotocol(ps, smb_answer);
  if (nbss && m.outcome.status == Status::refused && m.outcome.reason.find("NetBIOS session refused") != std::string::npos) {
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
      m = co_await multiprotocol(ps, smb_answer);
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

  // Every SMB1 dialect and every SMB2 dialect alone, concurrently.
  auto smb1_checks = co_await all_of<Smb1Check>(kSmb1Dialects.size(), [&](std::size_t i) {
    return smb1_dialect(ps, kSmb1Dialects[i]);
  });
  auto smb2_checks = co_await all_of<Smb2Check>(kSmb2Dialects.size(), [&](std::size_t i) {
    return smb2_dialect(ps, kSmb2Dialects[i]);
  });

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
  for (auto& c : smb2_checks) {
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

  // SMB 3.1.1 negotiate contexts: one connection per cipher and per signing algorithm.
  if (highest && highest->DialectRevision == SMB2_DIALECT_311) {
    s2.contexts_tested = true;
    for (auto h : highest->contexts.HashAlgorithms) s2.preauth_integrity.push_back(smb2_hash_algorithm_name(h));
    auto cipher_checks = co_await all_of<Smb2Check>(kCiphers.size(), [&](std::size_t i) {
      auto o = smb2_options(std::vector<std::uint16_t>(1, SMB2_DIALECT_311));
      o.encryption_ciphers = std::vector<std::uint16_t>{kCiphers[i]};
      return smb2_offer(ps, o, smb2_cipher_name(kCiphers[i]));
    });
    for (std::size_t i = 0; i < cipher_checks.size(); ++i) {
      auto& c = cipher_checks[i];
      if (c.response) {
        const auto& chosen = c.response->contexts.Ciphers;
        if (chosen.size() == 1 && chosen[0] == kCiphers[i]) {
          s2.encryption_ciphers.push_back(c.check.offered);
        } else {
          c.check.answer = OfferAnswer::answered_other;
          c.check.detail = chosen.empty() ? "no ENCRYPTION_CAPABILITIES in the answer"
                                          : "answered cipher " + smb2_cipher_name(chosen[0]);
        }
      }
      s2.cipher_checks.push_back(std::move(c.check));
    }
    auto signing_checks = co_await all_of<Smb2Check>(kSigningAlgorithms.size(), [&](std::size_t i) {
      auto o = smb2_options(std::vector<std::uint16_t>(1, SMB2_DIALECT_311));
      o.signing_algorithms = std::vector<std::uint16_t>{kSigningAlgorithms[i]};
      return smb2_offer(ps, o, smb2_signing_algorithm_name(kSigningAlgorithms[i]));
    });
    for (std::size_t i = 0; i < signing_checks.size(); ++i) {
      auto& c = signing_checks[i];
      if (c.response) {
        const auto& chosen = c.response->contexts.SigningAlgorithms;
        if (chosen.size() == 1 && chosen[0] == kSigningAlgorithms[i]) {
          s2.signing_algorithms.push_back(c.check.offered);
        } else {
          c.check.answer = OfferAnswer::answered_other;
          c.check.detail = chosen.empty() ? "no SIGNING_CAPABILITIES in the answer"
                                          : "answered algorithm " + smb2_signing_algorithm_name(chosen[0]);
        }
      }
      s2.signing_algorithm_checks.push_back(std::move(c.check));
    }
    auto comp = smb2_options(std::vector<std::uint16_t>(1, SMB2_DIALECT_311));
    comp.compression = Smb2NegotiateRequestOptions::Compression{0, kCompression};
    auto cc = co_await smb2_offer(ps, comp, "compression");
    if (cc.response)
      for (auto a : cc.response->contexts.CompressionAlgorithms)
        s2.compression.push_back(smb2_compression_algorithm_name(a));
  }

  // Anonymous NTLMSSP on the highest accepted dialect.
  if (highest)
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
    return {{"--smb-called-name", "NetBIOS called name for port 139 (retried with the server's own name)", "*SMBSERVER"}};
  }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<SmbResult>();
    // NetBIOS ports last, so the name learned over 445 can serve as the called name.
    std::vector<std::uint16_t> order = ctx.ports;
    std::stable_partition(order.begin(), order.end(), [](std::uint16_t p) { return p != 139; });
    std::string learned;
    for (auto port : order) {
      auto pr = co_await scan_port(ctx, port, learned);
      if (pr.ntlm && pr.ntlm->outcome.ok()) {
        learned = pr.ntlm->netbios_computer;
        ctx.facts.set("netbios_computer", pr.ntlm->netbios_computer);
        ctx.facts.set("netbios_domain", pr.ntlm->netbios_domain);
        ctx.facts.set("dns_computer", pr.ntlm->dns_computer);
        ctx.facts.set("dns_domain", pr.ntlm->dns_domain);
        ctx.facts.set("dns_tree", pr.ntlm->dns_tree);
      }
      result->ports.push_back(std::move(pr));
    }
    // Output in the order the user gave.
    std::vector<PortResult> sorted;
    for (auto port : ctx.ports)
      for (auto& pr : result->ports)
        if (pr.port == port) sorted.push_back(std::move(pr));
    result->ports = std::move(sorted);
    const bool any_ok = std::any_of(result->ports.begin(), result->ports.end(),
                                    [](const PortResult& p) { return p.outcome.ok(); });
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
std::unique_ptr<Probe> make_smb_probe() { return std::make_unique<smb::SmbProbe>(); }
}  // namespace legacyscan
