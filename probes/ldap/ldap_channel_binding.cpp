// SPDX-License-Identifier: Apache-2.0
#include "probes/ldap/ldap_channel_binding.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "probes/ldap/ldap_binds.hpp"
#include "probes/ldap/ldap_connection.hpp"
#include "src/proto/ntlm/ntlm_crypto.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"

namespace legacyscan::ldap {

namespace asio = boost::asio;

namespace {

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
  BindResponse r;
  if (!co_await ntlm_negotiate_step(*conn, id, flags, b, r)) co_return b;
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
  const BindRequest req = gss_spnego_request(ntlm::encode_ntlm_authenticate_v2(*challenge, logon));
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

}  // namespace

asio::awaitable<void> check_channel_binding(ProbeContext& ctx, LdapResult& result, std::uint16_t port,
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

}  // namespace legacyscan::ldap
