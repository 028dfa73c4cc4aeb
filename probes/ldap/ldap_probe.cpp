// SPDX-License-Identifier: Apache-2.0
// The LDAP probe: which LDAP ports answer, the LDAP ping ([MS-ADTS] 6.3.3) over UDP with NtVer V5EX
// and separately V1, the same ping over TCP, the anonymous rootDSE, and the cleartext simple bind
// posture (a fake DN and password: nothing the probe sends can change the directory or lock out an
// account). Every check has its own connection so one answer never colours another.
#include "probes/ldap/ldap_probe.hpp"

// GCC 12 reports -Wmismatched-new-delete inside Boost.Asio's own coroutine frame allocator
// (awaitable_frame_base::operator new/delete via thread_info_base) for some coroutines once inlined: a
// false positive (GCC bug 109224 and friends); clang and GCC 13 do not warn.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <random>

#include "legacyscan/engine/net.hpp"
#include "probes/ldap/ldap_result.hpp"
#include "probes/ldap/ldap_tls.hpp"
#include "src/proto/ldap/ldap_codec.hpp"
#include "src/proto/ntlm/ntlm_crypto.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"

namespace legacyscan::ldap {

namespace asio = boost::asio;

namespace {

constexpr std::uint16_t kLdapPort = 389;
constexpr std::uint16_t kGcPort = 3268;
// What the V5EX ping asks for: the _EX answer with the DC's own idea of its address (DcSockAddr).
constexpr std::uint32_t kNtVerEx = netlogon::NETLOGON_NT_VERSION_5EX | netlogon::NETLOGON_NT_VERSION_5EX_WITH_IP;
// Caps on one search's answer.
constexpr std::size_t kMaxSearchMessages = 256;
// The fake account of the bind posture check: no such object exists, so no lockout counter moves.
constexpr const char* kFakeRdn = "CN=legacyscan-probe";
constexpr const char* kFakePassword = "legacyscan-not-a-password";

const std::vector<std::string> kRootDseAttributes{
    "supportedLDAPVersion", "supportedSASLMechanisms", "supportedCapabilities",
    "domainFunctionality",  "forestFunctionality",     "domainControllerFunctionality",
    "dnsHostName",          "defaultNamingContext",    "rootDomainNamingContext",
    "serverName",           "isGlobalCatalogReady",    "currentTime"};

// One TCP connection carrying LDAPMessages (RFC 4511 5.1: BER-framed, no extra framing).
class LdapConnection {
 public:
  static asio::awaitable<Outcome> open(ProbeContext& ctx, std::uint16_t port, std::unique_ptr<LdapConnection>& out) {
    std::unique_ptr<TcpConnection> c;
    auto o = co_await TcpConnection::open(ctx, port, c);
    if (o.ok()) out = std::make_unique<LdapConnection>(std::move(c));
    co_return o;
  }
  explicit LdapConnection(std::unique_ptr<TcpConnection> c) : conn_(std::move(c)) {}
  LdapConnection(const LdapConnection&) = delete;
  LdapConnection& operator=(const LdapConnection&) = delete;
  ~LdapConnection() {
    if (conn_) conn_->close();
  }

  asio::awaitable<Outcome> send(ByteView message) {
    if (tls_) co_return co_await tls_->write(*conn_, message);
    co_return co_await conn_->write(message);
  }

  // TLS from here on (LDAPS at once, or after a successful StartTLS).
  asio::awaitable<Outcome> start_tls() {
    if (!buf_.empty()) co_return Outcome::failure(Status::protocol_error, "bytes after the StartTLS response");
    co_return co_await TlsLink::start(*conn_, tls_);
  }
  [[nodiscard]] const TlsLink* tls() const { return tls_.get(); }

  // The next whole LDAPMessage.
  asio::awaitable<Outcome> next(LDAPMessage& out) {
    for (;;) {
      const Frame f = frame_ldap_message(buf_, kMaxMessageBytes);
      if (f.state == Frame::State::invalid) co_return Outcome::failure(Status::protocol_error, f.error);
      if (f.state == Frame::State::complete) {
        auto m = decode_ldap_message(ByteView(buf_).first(f.size));
        buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(f.size));
        if (!m) co_return Outcome::failure(Status::protocol_error, "malformed LDAPMessage: " + m.error);
        out = std::move(*m);
        co_return Outcome::success();
      }
      // No co_await inside a conditional expression: GCC 12 miscompiles it.
      Outcome o;
      if (tls_)
        o = co_await tls_->read_some(*conn_, buf_);
      else
        o = co_await conn_->read_some(buf_);
      if (!o.ok()) co_return o;
    }
  }

 private:
  std::unique_ptr<TcpConnection> conn_;
  std::unique_ptr<TlsLink> tls_;
  Bytes buf_;
};

// Sends a SearchRequest and reads until its SearchResultDone.
asio::awaitable<Outcome> tcp_search(ProbeContext& ctx, std::uint16_t port, const SearchRequest& req,
                                    SearchResponse& out) {
  std::unique_ptr<LdapConnection> conn;
  auto o = co_await LdapConnection::open(ctx, port, conn);
  if (!o.ok()) co_return o;
  constexpr std::int32_t id = 1;
  o = co_await conn->send(encode_search_request(id, req));
  if (!o.ok()) co_return o;
  std::vector<LDAPMessage> messages;
  for (;;) {
    LDAPMessage m;
    o = co_await conn->next(m);
    if (!o.ok()) co_return o;
    const bool done = m.searchResDone.has_value() || (m.messageID == 0 && m.extendedResp);
    messages.push_back(std::move(m));
    if (done) break;
    if (messages.size() > kMaxSearchMessages)
      co_return Outcome::failure(Status::protocol_error, "more than " + std::to_string(kMaxSearchMessages) +
                                                             " messages in answer to one search");
  }
  auto collected = collect_search_response(messages, id);
  if (!collected) co_return Outcome::failure(Status::protocol_error, collected.error);
  out = std::move(*collected);
  (void)co_await conn->send(encode_unbind_request(2));
  co_return Outcome::success();
}

// Turns a search answer into the ping's result.
void interpret_ping(CldapPing& p, const SearchResponse& s) {
  auto answer = ldap_ping_response(s);
  if (!answer) {
    p.outcome = Outcome::failure(Status::protocol_error, answer.error);
    return;
  }
  if (!answer->has_value()) {
    p.no_entry = true;  // [MS-ADTS] 6.3.3.2: no entry when the DC is not a match for the filter
    return;
  }
  p.response = std::move(**answer);
}

// A ping's result before the answer: where it went and what it asked for.
CldapPing requested(std::string transport, std::uint16_t port, const LdapPing& ping) {
  CldapPing p;
  p.transport = std::move(transport);
  p.port = port;
  p.nt_version_requested = ping.NtVer;
  p.dns_domain_requested = ping.DnsDomain;
  p.user_requested = ping.User;
  p.aac_requested = ping.AAC;
  return p;
}

asio::awaitable<CldapPing> udp_ping(ProbeContext& ctx, std::uint16_t port, const LdapPing& ping) {
  CldapPing p = requested("udp", port, ping);
  constexpr std::int32_t id = 1;  // each exchange has its own socket, so no stale answer can match
  const Bytes request = encode_search_request(id, make_ldap_ping(ping));
  UdpExchange how;
  how.port = port;
  // Every datagram from the DC is taken: a malformed one is a protocol error worth reporting, not
  // something to wait out. Only an answer to another request (a different messageID) is ignored.
  how.accept = [](ByteView d) {
    auto m = decode_ldap_messages(d);
    return !m || m->empty() || m->front().messageID == id || m->front().messageID == 0;
  };
  auto reply = co_await udp_exchange(ctx, request, how);
  p.attempts = reply.attempts;
  if (!reply.outcome.ok()) {
    p.outcome = reply.outcome;
    co_return p;
  }
  auto messages = decode_ldap_messages(reply.datagram);
  if (!messages) {
    p.outcome = Outcome::failure(Status::protocol_error, "malformed CLDAP reply: " + messages.error);
    co_return p;
  }
  auto search = collect_search_response(*messages, id);
  if (!search) {
    p.outcome = Outcome::failure(Status::protocol_error, "CLDAP reply: " + search.error);
    co_return p;
  }
  interpret_ping(p, *search);
  co_return p;
}

asio::awaitable<CldapPing> tcp_ping(ProbeContext& ctx, std::uint16_t port, const LdapPing& ping) {
  CldapPing p = requested("tcp", port, ping);
  SearchResponse s;
  p.outcome = co_await tcp_search(ctx, port, make_ldap_ping(ping), s);
  if (p.outcome.ok()) interpret_ping(p, s);
  co_return p;
}

// RFC 4517 3.3.13 GeneralizedTime "YYYYMMDDHHMMSS[.f]Z" -> seconds since the Unix epoch.
std::optional<long long> parse_generalized_time(const std::string& t) {
  if (t.size() < 15 || t.back() != 'Z') return std::nullopt;
  for (std::size_t i = 0; i < 14; ++i)
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) { return std::stoll(t.substr(pos, len)); };
  long long y = num(0, 4), m = num(4, 2), d = num(6, 2);
  const long long hh = num(8, 2), mm = num(10, 2), ss = num(12, 2);
  if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  // H. Hinnant's days_from_civil.
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long long days = era * 146097 + doe - 719468;
  return days * 86400 + hh * 3600 + mm * 60 + ss;
}

std::string rfc3339(const std::string& g) {
  // "20261123151030.0Z" -> "2026-11-23T15:10:30Z"
  return g.substr(0, 4) + "-" + g.substr(4, 2) + "-" + g.substr(6, 2) + "T" + g.substr(8, 2) + ":" + g.substr(10, 2) +
         ":" + g.substr(12, 2) + "Z";
}

std::optional<int> small_int(const std::string& s) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoi(s);
}

asio::awaitable<RootDse> rootdse(ProbeContext& ctx, std::uint16_t port) {
  RootDse r;
  SearchRequest req;
  req.attributes = kRootDseAttributes;
  SearchResponse s;
  r.outcome = co_await tcp_search(ctx, port, req, s);
  if (!r.outcome.ok()) co_return r;
  if (s.done && s.done->resultCode != LDAP_SUCCESS) {
    r.outcome =
        Outcome::failure(Status::protocol_error, "rootDSE search answered " + result_code_name(s.done->resultCode) +
                                                     ": " + s.done->diagnosticMessage);
    co_return r;
  }
  if (s.entries.empty()) {
    r.outcome = Outcome::failure(Status::protocol_error, "rootDSE search returned no entry");
    co_return r;
  }
  const auto& e = s.entries.front();
  for (const auto& v : e.all("supportedLDAPVersion"))
    if (auto n = small_int(v)) r.ldap_versions.push_back(*n);
  r.sasl_mechanisms = e.all("supportedSASLMechanisms");
  r.capabilities = e.all("supportedCapabilities");
  r.domain_functionality = small_int(e.first("domainFunctionality"));
  r.forest_functionality = small_int(e.first("forestFunctionality"));
  r.dc_functionality = small_int(e.first("domainControllerFunctionality"));
  r.dns_hostname = e.first("dnsHostName");
  r.default_naming_context = e.first("defaultNamingContext");
  r.root_domain_naming_context = e.first("rootDomainNamingContext");
  r.server_name = e.first("serverName");
  const std::string gc = e.first("isGlobalCatalogReady");
  if (gc == "TRUE")
    r.is_global_catalog_ready = true;
  else if (gc == "FALSE")
    r.is_global_catalog_ready = false;
  const std::string now = e.first("currentTime");
  if (auto t = parse_generalized_time(now)) {
    r.current_time = rfc3339(now);
    const auto local =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    r.clock_skew_seconds = *t - static_cast<long long>(local);
  }
  co_return r;
}

asio::awaitable<BindCheck> simple_bind(ProbeContext& ctx, std::uint16_t port, const std::string& naming_context) {
  BindCheck b;
  std::unique_ptr<LdapConnection> conn;
  b.outcome = co_await LdapConnection::open(ctx, port, conn);
  if (!b.outcome.ok()) co_return b;
  BindRequest req;
  req.name = std::string(kFakeRdn) + (naming_context.empty() ? "" : ",CN=Users," + naming_context);
  req.simple = kFakePassword;
  b.outcome = co_await conn->send(encode_bind_request(1, req));
  if (!b.outcome.ok()) co_return b;
  LDAPMessage m;
  b.outcome = co_await conn->next(m);
  if (!b.outcome.ok()) co_return b;
  if (m.messageID == 0 && m.extendedResp) {
    b.outcome = Outcome::failure(
        Status::reset, "notice of disconnection: " + result_code_name(m.extendedResp->result.resultCode) + " " +
                           m.extendedResp->result.diagnosticMessage);
    co_return b;
  }
  if (!m.bindResponse || m.messageID != 1) {
    b.outcome = Outcome::failure(Status::protocol_error, "answer to a BindRequest is [APPLICATION " +
                                                             std::to_string(m.protocolOp) + "] with messageID " +
                                                             std::to_string(m.messageID));
    co_return b;
  }
  b.result_code = m.bindResponse->result.resultCode;
  b.diagnostic = m.bindResponse->result.diagnosticMessage;
  (void)co_await conn->send(encode_unbind_request(2));
  co_return b;
}

// Reads the BindResponse to messageID `id`; anything else is a failure outcome in `b`.
asio::awaitable<bool> read_bind_response(LdapConnection& conn, std::int64_t id, BindCheck& b, BindResponse& out) {
  LDAPMessage m;
  b.outcome = co_await conn.next(m);
  if (!b.outcome.ok()) co_return false;
  if (m.messageID == 0 && m.extendedResp) {
    b.outcome = Outcome::failure(
        Status::reset, "notice of disconnection: " + result_code_name(m.extendedResp->result.resultCode) + " " +
                           m.extendedResp->result.diagnosticMessage);
    co_return false;
  }
  if (!m.bindResponse || m.messageID != id) {
    b.outcome = Outcome::failure(Status::protocol_error, "answer to a BindRequest is [APPLICATION " +
                                                             std::to_string(m.protocolOp) + "] with messageID " +
                                                             std::to_string(m.messageID));
    co_return false;
  }
  out = std::move(*m.bindResponse);
  co_return true;
}

// The NEGOTIATE_MESSAGE as ldap3 and impacket send it: no domain, workstation or version, and both
// empty fields at offset 0.
Bytes ntlm_negotiate(std::uint32_t flags) {
  return ntlm::encode_ntlm_negotiate_message(
      {.NegotiateFlags = flags, .Version = std::nullopt, .EmptyFieldsAtOffsetZero = true});
}

// The direct LDAP signing check: an anonymous NTLM logon through SASL GSS-SPNEGO (raw NTLMSSP, as
// ldap3 and impacket send it) with neither SIGN nor SEAL negotiated. No credential is involved.
asio::awaitable<BindCheck> ntlm_unsigned_bind(ProbeContext& ctx, std::uint16_t port) {
  BindCheck b;
  std::unique_ptr<LdapConnection> conn;
  b.outcome = co_await LdapConnection::open(ctx, port, conn);
  if (!b.outcome.ok()) co_return b;
  BindRequest req;
  req.sasl_mechanism = "GSS-SPNEGO";
  req.sasl_credentials = ntlm_negotiate(ntlm::kNtlmUnsignedNegotiateFlags);
  b.outcome = co_await conn->send(encode_bind_request(1, req));
  if (!b.outcome.ok()) co_return b;
  BindResponse r;
  b.stage = "negotiate";
  if (!co_await read_bind_response(*conn, 1, b, r)) co_return b;
  if (r.result.resultCode != LDAP_SASL_BIND_IN_PROGRESS) {
    b.result_code = r.result.resultCode;
    b.diagnostic = r.result.diagnosticMessage;
    co_return b;
  }
  if (ntlm::ntlm_message_type(r.serverSaslCreds ? ByteView(*r.serverSaslCreds) : ByteView()) != 2) {
    b.outcome = Outcome::failure(Status::protocol_error, "saslBindInProgress without an NTLMSSP CHALLENGE_MESSAGE");
    co_return b;
  }
  req.sasl_credentials = ntlm::encode_ntlm_authenticate_anonymous();
  b.outcome = co_await conn->send(encode_bind_request(2, req));
  if (!b.outcome.ok()) co_return b;
  b.stage = "authenticate";
  if (!co_await read_bind_response(*conn, 2, b, r)) co_return b;
  b.result_code = r.result.resultCode;
  b.diagnostic = r.result.diagnosticMessage;
  (void)co_await conn->send(encode_unbind_request(3));
  co_return b;
}

// ---- channel binding ([MS-ADTS] 5.1.2.2 / [MS-NLMP] MsvAvChannelBindings) ----------------------

constexpr const char* kStartTlsOid = "1.3.6.1.4.1.1466.20037";

std::uint64_t filetime_now() {
  const auto since_1970 =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return static_cast<std::uint64_t>(since_1970) * 10 + 116444736000000000ULL;
}

// The account the binds use: the user's (--user/--password), else a fake one that no DC holds.
struct NtlmAccount {
  std::string user;
  std::string domain;  // "" = the DC's NetBIOS domain from its CHALLENGE_MESSAGE
  std::string password;
  bool real = false;
};

NtlmAccount ntlm_account(const Credentials& c) {
  NtlmAccount a;
  if (!c.has_user() || c.password.empty()) {
    a.user = "legacyscan-probe";
    a.password = kFakePassword;
    return a;
  }
  a.real = true;
  a.password = c.password;
  if (auto bs = c.user.find('\\'); bs != std::string::npos) {
    a.domain = c.user.substr(0, bs);
    a.user = c.user.substr(bs + 1);
  } else {
    a.user = c.user;  // "name" (the DC's domain) or a UPN "name@realm" with an empty domain
    if (c.user.find('@') != std::string::npos) a.domain.clear();
  }
  return a;
}

// One NTLM bind over a fresh TLS session: StartTLS on 389 first when `starttls`.
asio::awaitable<BindCheck> tls_ntlm_bind(ProbeContext& ctx, std::uint16_t port, bool starttls, const NtlmAccount& who,
                                         const std::string& token, bool sign, std::string& tls_version) {
  const std::uint32_t flags = ntlm::kNtlmUnsignedNegotiateFlags | (sign ? ntlm::NTLMSSP_NEGOTIATE_SIGN : 0);
  BindCheck b;
  std::unique_ptr<LdapConnection> conn;
  b.outcome = co_await LdapConnection::open(ctx, port, conn);
  if (!b.outcome.ok()) co_return b;
  std::int32_t id = 1;
  if (starttls) {
    b.stage = "starttls";
    b.outcome = co_await conn->send(encode_extended_request(id, kStartTlsOid));
    if (!b.outcome.ok()) co_return b;
    LDAPMessage m;
    b.outcome = co_await conn->next(m);
    if (!b.outcome.ok()) co_return b;
    if (!m.extendedResp) {
      b.outcome = Outcome::failure(Status::protocol_error,
                                   "answer to StartTLS is [APPLICATION " + std::to_string(m.protocolOp) + "]");
      co_return b;
    }
    if (m.extendedResp->result.resultCode != LDAP_SUCCESS) {
      b.outcome =
          Outcome::failure(Status::refused, "StartTLS refused: " + result_code_name(m.extendedResp->result.resultCode) +
                                                " " + m.extendedResp->result.diagnosticMessage);
      co_return b;
    }
    ++id;
  }
  b.stage = "tls";
  b.outcome = co_await conn->start_tls();
  if (!b.outcome.ok()) co_return b;
  tls_version = conn->tls()->version();
  std::optional<std::array<std::uint8_t, 16>> bindings;
  if (token == "correct") {
    const Bytes hash = ntlm::certificate_end_point_hash(conn->tls()->server_certificate());
    if (hash.empty()) {
      b.outcome = Outcome::failure(Status::protocol_error, "the server's certificate does not parse");
      co_return b;
    }
    bindings = ntlm::tls_server_end_point_bindings(hash);
  } else if (token == "wrong") {
    // The binding of a certificate whose hash is all zeros: well-formed, and never this server's.
    bindings = ntlm::tls_server_end_point_bindings(Bytes(32, 0));
  }
  BindRequest req;
  req.sasl_mechanism = "GSS-SPNEGO";
  req.sasl_credentials = ntlm_negotiate(flags);
  b.outcome = co_await conn->send(encode_bind_request(id, req));
  if (!b.outcome.ok()) co_return b;
  BindResponse r;
  b.stage = "negotiate";
  if (!co_await read_bind_response(*conn, id, b, r)) co_return b;
  if (r.result.resultCode != LDAP_SASL_BIND_IN_PROGRESS) {
    b.result_code = r.result.resultCode;
    b.diagnostic = r.result.diagnosticMessage;
    co_return b;
  }
  auto challenge = ntlm::decode_ntlm_challenge_message(r.serverSaslCreds ? ByteView(*r.serverSaslCreds) : ByteView());
  if (!challenge) {
    b.outcome = Outcome::failure(Status::protocol_error, "saslBindInProgress: " + challenge.error);
    co_return b;
  }
  ntlm::NtlmV2Logon logon;
  logon.user = who.user;
  logon.domain = who.real ? who.domain : challenge->NbDomainName;
  if (who.real && who.domain.empty() && who.user.find('@') == std::string::npos) logon.domain = challenge->NbDomainName;
  logon.password = who.password;
  logon.timestamp = challenge->Timestamp.value_or(filetime_now());
  static std::mt19937_64 gen{std::random_device{}()};
  const std::uint64_t cc = gen();
  for (int i = 0; i < 8; ++i)
    logon.client_challenge[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(cc >> (8 * i));
  logon.channel_bindings = bindings;
  logon.NegotiateFlags = flags;
  req.sasl_credentials = ntlm::encode_ntlm_authenticate_v2(*challenge, logon);
  ++id;
  b.outcome = co_await conn->send(encode_bind_request(id, req));
  if (!b.outcome.ok()) co_return b;
  b.stage = "authenticate";
  if (!co_await read_bind_response(*conn, id, b, r)) co_return b;
  b.result_code = r.result.resultCode;
  b.diagnostic = r.result.diagnosticMessage;
  (void)co_await conn->send(encode_unbind_request(id + 1));
  co_return b;
}

asio::awaitable<ChannelBindingCheck> channel_binding_check(ProbeContext& ctx, std::uint16_t port, bool starttls,
                                                           NtlmAccount who) {
  ChannelBindingCheck c;
  c.port = port;
  c.transport = starttls ? "starttls" : "ldaps";
  c.credentials = who.real;
  std::vector<std::string> tokens{"none", "wrong"};
  if (who.real) tokens.emplace_back("correct");
  // Windows forbids SASL signing on a TLS connection; Samba with `ldap server require strong auth = yes`
  // wants it even there ("Sign or Seal are required."). So without signing first, and when the DC asks
  // for it, every bind again with NTLMSSP_NEGOTIATE_SIGN.
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    ChannelBindingAttempt a;
    a.token = t;
    a.bind = co_await tls_ntlm_bind(ctx, port, starttls, who, t, c.sasl_signing, c.tls_version);
    if (i == 0 && !c.sasl_signing && a.bind.result_code && *a.bind.result_code == LDAP_STRONGER_AUTH_REQUIRED) {
      c.unsigned_refusal = describe_bind(a);
      c.sasl_signing = true;
      a.bind = co_await tls_ntlm_bind(ctx, port, starttls, who, t, c.sasl_signing, c.tls_version);
    }
    const bool failed = !a.bind.outcome.ok();
    if (failed) c.outcome = a.bind.outcome;
    c.attempts.push_back(std::move(a));
    if (failed) break;  // no TLS session or no NTLM exchange: the next token would fail the same way
  }
  if (c.outcome.ok())
    judge_channel_binding(c);
  else
    c.evidence = "no NTLM bind over TLS: " + c.outcome.reason;
  co_return c;
}

// --ldap-aac: a number (decimal or 0x hex) or a comma list of [MS-SAMR] 2.2.1.12 USER_ACCOUNT names.
std::optional<std::uint32_t> parse_aac(const std::string& text, std::string& err) {
  static const std::pair<const char*, std::uint32_t> kNames[] = {
      {"normal", 0x00000010}, {"interdomain", 0x00000040}, {"workstation", 0x00000080}, {"server", 0x00000100}};
  std::uint32_t bits = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    bool known = false;
    for (const auto& [name, bit] : kNames)
      if (item == name) {
        bits |= bit;
        known = true;
      }
    if (!known) {
      std::size_t used = 0;
      unsigned long v = 0;
      try {
        v = std::stoul(item, &used, 0);
      } catch (const std::exception&) {
        used = 0;
      }
      if (item.empty() || used != item.size() || v > 0xffffffffUL) {
        err = "'" + item + "' is neither a number nor one of normal, workstation, server, interdomain";
        return std::nullopt;
      }
      bits |= static_cast<std::uint32_t>(v);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return bits;
}

void set_fact(HostFacts& facts, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  auto have = facts.get(key);
  if (have && !have->empty()) return;  // another probe's value stands
  facts.set(key, value);
}

class LdapProbe final : public Probe {
 public:
  std::string_view name() const override { return "ldap"; }
  std::string_view description() const override {
    return "LDAP ping (CLDAP Netlogon, UDP and TCP), rootDSE, cleartext simple bind posture (389, 636, 3268, 3269)";
  }
  std::vector<std::uint16_t> default_ports() const override { return {389, 636, 3268, 3269}; }
  std::vector<std::string_view> transports() const override { return {"tcp", "udp"}; }
  std::vector<ProbeOption> options() const override {
    return {{"--ldap-dns-domain", "DnsDomain for the LDAP ping (default: what another probe learned, else none)", ""},
            {"--ldap-user", "User for the LDAP ping (an account name; no password is ever sent)", ""},
            {"--ldap-aac",
             "AAC of the LDAP ping: account control bits the --ldap-user account must have (a number, or names: "
             "normal,workstation,server,interdomain)",
             ""}};
  }

  std::string check_options(const ScanSettings& settings) const override {
    if (auto aac = settings.option("ldap-aac"); aac && !aac->empty()) {
      std::string err;
      if (!parse_aac(*aac, err)) return "--ldap-aac " + *aac + ": " + err;
    }
    return {};
  }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<LdapResult>();
    co_await scan(ctx, *result);
    co_return result;
  }

 private:
  static asio::awaitable<void> scan(ProbeContext& ctx, LdapResult& result) {
    // Which ports accept a TCP connection (the TLS probe targets 636/3269 from this list).
    for (auto port : ctx.ports) {
      std::unique_ptr<TcpConnection> c;
      auto o = co_await TcpConnection::open(ctx, port, c);
      if (c) c->close();
      result.ports_tested.push_back(port);
      if (o.ok()) result.ports_open.push_back(port);
      result.port_outcomes.emplace_back(port, o);
    }
    // The plain-LDAP port: 389 when selected, else the first selected port that is not LDAPS.
    std::uint16_t port = 0;
    for (auto p : ctx.ports)
      if (p == kLdapPort) port = p;
    if (port == 0)
      for (auto p : ctx.ports)
        if (p != 636 && p != 3269 && port == 0) port = p;
    if (port == 0) {
      // Only LDAPS ports: the channel-binding check is all that runs (the TLS probe judges the rest).
      co_await check_channel_binding(ctx, result, 0, false);
      const bool any = std::any_of(result.channel_binding_checks.begin(), result.channel_binding_checks.end(),
                                   [](const ChannelBindingCheck& c) { return c.outcome.ok(); });
      if (!any) {
        result.status = result.channel_binding_checks.empty() ? Status::skipped
                                                              : result.channel_binding_checks.front().outcome.status;
        result.reason = result.channel_binding_checks.empty()
                            ? "no plain LDAP port selected, and 636 is not open"
                            : "no NTLM bind over LDAPS: " + result.channel_binding_checks.front().outcome.reason;
      }
      co_return;
    }

    LdapPing ping;
    ping.NtVer = kNtVerEx;
    ping.DnsDomain = ctx.settings.option("ldap-dns-domain").value_or("");
    if (ping.DnsDomain.empty()) ping.DnsDomain = ctx.facts.get("dns_domain").value_or("");
    ping.User = ctx.settings.option("ldap-user").value_or("");
    if (auto aac = ctx.settings.option("ldap-aac"); aac && !aac->empty()) {
      std::string err;
      auto bits = parse_aac(*aac, err);
      if (!bits) {
        result.status = Status::error;
        result.reason = "--ldap-aac " + *aac + ": " + err;
        co_return;
      }
      ping.AAC = *bits;
    }

    result.cldap = co_await udp_ping(ctx, port, ping);
    LdapPing v1 = ping;
    v1.NtVer = netlogon::NETLOGON_NT_VERSION_1;
    result.cldap_v1 = co_await udp_ping(ctx, port, v1);

    const bool tcp_open =
        std::find(result.ports_open.begin(), result.ports_open.end(), port) != result.ports_open.end();
    const Outcome tcp_outcome = [&] {
      for (const auto& [p, o] : result.port_outcomes)
        if (p == port) return o;
      return Outcome::success();
    }();
    if (tcp_open) {
      result.cldap_tcp = co_await tcp_ping(ctx, port, ping);
      result.rootdse = co_await rootdse(ctx, port);
      const std::string nc = result.rootdse->outcome.ok() ? result.rootdse->default_naming_context : "";
      result.simple_bind = co_await simple_bind(ctx, port, nc);
      result.ntlm_unsigned_bind = co_await ntlm_unsigned_bind(ctx, port);
    } else {
      CldapPing p;
      p.transport = "tcp";
      p.port = port;
      p.nt_version_requested = ping.NtVer;
      p.outcome = tcp_outcome;
      result.cldap_tcp = p;
      result.rootdse = RootDse{};
      result.rootdse->outcome = tcp_outcome;
      result.simple_bind = BindCheck{};
      result.simple_bind->outcome = tcp_outcome;
    }
    // The Global Catalog port: the same LDAP ping over TCP and the rootDSE (a GC answers both).
    if (port != kGcPort &&
        std::find(result.ports_open.begin(), result.ports_open.end(), kGcPort) != result.ports_open.end()) {
      CldapPing gp = co_await tcp_ping(ctx, kGcPort, ping);
      result.gc_cldap_tcp = std::move(gp);
      RootDse gr = co_await rootdse(ctx, kGcPort);
      result.gc_rootdse = std::move(gr);
    }
    judge_bind(result);
    co_await check_channel_binding(ctx, result, port, tcp_open);

    // Facts for other probes, from the DC's own LDAP ping answer.
    for (const auto* p : {&result.cldap, &result.cldap_tcp}) {
      if (!*p || !(*p)->response || (*p)->response->variant != netlogon::NetlogonVariant::V5EX) continue;
      const auto& r = *(*p)->response;
      set_fact(ctx.facts, "dns_domain", r.DnsDomainName);
      set_fact(ctx.facts, "dns_forest", r.DnsForestName);
      set_fact(ctx.facts, "netbios_domain", r.NetbiosDomainName);
      set_fact(ctx.facts, "netbios_computer", r.NetbiosComputerName);
      set_fact(ctx.facts, "dns_computer", r.DnsHostName);
      set_fact(ctx.facts, "client_site", r.ClientSiteName);
    }

    const bool any =
        (result.cldap && result.cldap->outcome.ok()) || (result.cldap_v1 && result.cldap_v1->outcome.ok()) ||
        (result.cldap_tcp && result.cldap_tcp->outcome.ok()) || (result.rootdse && result.rootdse->outcome.ok()) ||
        (result.simple_bind && result.simple_bind->outcome.ok());
    if (!any) {
      // The first failure says most: the UDP ping, then TCP.
      const Outcome& first = result.cldap->outcome;
      result.status = first.status;
      result.reason = "no LDAP answer: udp " + std::to_string(port) + ": " + first.reason + "; tcp " +
                      std::to_string(port) + ": " + result.cldap_tcp->outcome.reason;
      if (first.status == Status::protocol_error || result.cldap_tcp->outcome.status == Status::protocol_error)
        result.status = Status::protocol_error;
    }
    co_return;
  }

  // Channel binding on LDAPS (636 when selected and open) and on the plain port after StartTLS.
  static asio::awaitable<void> check_channel_binding(ProbeContext& ctx, LdapResult& result, std::uint16_t port,
                                                     bool plain_open) {
    const NtlmAccount who = ntlm_account(ctx.settings.credentials);
    const auto is_open = [&](std::uint16_t p) {
      return std::find(result.ports_open.begin(), result.ports_open.end(), p) != result.ports_open.end();
    };
    if (is_open(636)) {
      ChannelBindingCheck c = co_await channel_binding_check(ctx, 636, false, who);
      result.channel_binding_checks.push_back(std::move(c));
    }
    if (plain_open) {
      ChannelBindingCheck c = co_await channel_binding_check(ctx, port, true, who);
      result.channel_binding_checks.push_back(std::move(c));
    }
    result.channel_binding = "unknown";
    std::string all;
    for (const auto& c : result.channel_binding_checks) {
      const std::string line = c.transport + " " + std::to_string(c.port) + ": " + c.evidence;
      if (c.verdict != "unknown" && result.channel_binding == "unknown") {
        result.channel_binding = c.verdict;
        result.channel_binding_evidence = line;
      }
      all += (all.empty() ? "" : " | ") + line;
    }
    if (result.channel_binding == "unknown")
      result.channel_binding_evidence = all.empty() ? "not tested: neither 636 nor a plain LDAP port is open" : all;
    if (ctx.settings.credentials.has_user() && ctx.settings.credentials.password.empty())
      result.channel_binding_evidence += " (--keytab is not used here: the NTLM bind needs a password)";
  }

  // The cleartext simple bind with a fake DN: strongerAuthRequired (8) or confidentialityRequired (13)
  // means binds need signing/sealing or TLS; invalidCredentials (49) means the DC checked a cleartext
  // password, so it would accept a real one.
  // signing_required comes first from the anonymous NTLM bind without signing: strongerAuthRequired (8)
  // = required, success (0) = not required. When that is inconclusive (e.g. the DC refuses anonymous
  // NTLM with 49 before looking at signing), it is inferred from the simple bind: a DC that requires
  // signing refuses a cleartext simple bind with 8 before looking at the password (Windows
  // LDAPServerIntegrity=2, Samba "ldap server require strong auth = yes").
  static void judge_bind(LdapResult& result) {
    result.simple_bind_cleartext = "unknown";
    result.signing_required = std::nullopt;
    std::optional<std::int64_t> simple;
    if (result.simple_bind && result.simple_bind->result_code) simple = *result.simple_bind->result_code;
    if (simple) {
      if (*simple == LDAP_STRONGER_AUTH_REQUIRED || *simple == 13)
        result.simple_bind_cleartext = "rejected";
      else if (*simple == LDAP_INVALID_CREDENTIALS || *simple == LDAP_SUCCESS)
        result.simple_bind_cleartext = "allowed";
    }
    const auto& n = result.ntlm_unsigned_bind;
    if (n && n->result_code && (*n->result_code == LDAP_STRONGER_AUTH_REQUIRED || *n->result_code == LDAP_SUCCESS)) {
      result.signing_required = *n->result_code == LDAP_STRONGER_AUTH_REQUIRED;
      result.signing_evidence = "anonymous NTLM SASL bind without signing got " + result_code_name(*n->result_code) +
                                " (" + std::to_string(*n->result_code) + ")" +
                                (n->diagnostic.empty() ? "" : ": " + n->diagnostic);
      return;
    }
    std::string ntlm_note;
    if (n) {
      ntlm_note = n->result_code ? "anonymous NTLM SASL bind without signing got " + result_code_name(*n->result_code) +
                                       " at " + n->stage + " (inconclusive); "
                                 : "anonymous NTLM SASL bind failed: " + n->outcome.reason + "; ";
    }
    if (!simple) {
      result.signing_evidence =
          ntlm_note + (result.simple_bind ? "simple bind not answered: " + result.simple_bind->outcome.reason : "");
      return;
    }
    if (result.simple_bind_cleartext == "rejected")
      result.signing_required = true;
    else if (result.simple_bind_cleartext == "allowed")
      result.signing_required = false;
    result.signing_evidence = ntlm_note +
                              "inferred from the cleartext simple bind with a fake DN: " + result_code_name(*simple) +
                              " (" + std::to_string(*simple) + ")";
  }
};

}  // namespace
}  // namespace legacyscan::ldap

namespace legacyscan {
std::unique_ptr<Probe> make_ldap_probe() { return std::make_unique<ldap::LdapProbe>(); }
}  // namespace legacyscan
