// SPDX-License-Identifier: Apache-2.0
// NTLM response types over LDAP (see ldap_ntlm_types.hpp). Every NEGOTIATE asks for signing, as
// Windows' LDAP client does, so a DC that requires LDAP signing judges the response and not the
// missing SIGN flag; nothing is sent after the bind, so no key is ever used.
#include "probes/ldap/ldap_ntlm_types.hpp"

#include <chrono>
#include <random>

#include "probes/ldap/ldap_binds.hpp"
#include "probes/ldap/ldap_connection.hpp"
#include "src/proto/ntlm/ntlm_crypto.hpp"
#include "src/proto/ntlm/ntlm_v1.hpp"

namespace legacyscan::ldap {

namespace asio = boost::asio;

namespace {

enum class Kind { v2, v1, v1_ess, lm };

std::array<std::uint8_t, 8> random8() {
  static std::mt19937_64 gen{std::random_device{}()};
  const std::uint64_t v = gen();
  std::array<std::uint8_t, 8> out{};
  for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (8 * i));
  return out;
}

std::uint32_t negotiate_flags(Kind k) {
  switch (k) {
    case Kind::v1: return ntlm::ntlm_v1_negotiate_flags(ntlm::NtlmV1Kind::v1) | ntlm::NTLMSSP_NEGOTIATE_SIGN;
    case Kind::v1_ess: return ntlm::ntlm_v1_negotiate_flags(ntlm::NtlmV1Kind::v1_ess) | ntlm::NTLMSSP_NEGOTIATE_SIGN;
    case Kind::lm: return ntlm::ntlm_v1_negotiate_flags(ntlm::NtlmV1Kind::lm) | ntlm::NTLMSSP_NEGOTIATE_SIGN;
    default: return ntlm::kNtlmUnsignedNegotiateFlags | ntlm::NTLMSSP_NEGOTIATE_SIGN;
  }
}

// "DOMAIN\\name" splits; "name@realm" goes whole into UserName; a bare name takes the DC's domain.
void who(const Credentials& c, const ntlm::NtlmChallengeMessage& ch, std::string& user, std::string& domain) {
  if (auto bs = c.user.find('\\'); bs != std::string::npos) {
    domain = c.user.substr(0, bs);
    user = c.user.substr(bs + 1);
    return;
  }
  user = c.user;
  domain = c.user.find('@') == std::string::npos ? ch.NbDomainName : "";
}

// The AUTHENTICATE of one type; empty with `why` when it cannot be written.
Bytes authenticate(Kind k, const Credentials& c, const ntlm::NtlmChallengeMessage& ch, std::string& why) {
  std::string user, domain;
  who(c, ch, user, domain);
  if (k == Kind::v2) {
    ntlm::NtlmV2Logon logon;
    logon.user = user;
    logon.domain = domain;
    logon.password = c.password;
    const auto now =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    logon.timestamp = ch.Timestamp.value_or(static_cast<std::uint64_t>(now) * 10 + 116444736000000000ULL);
    logon.client_challenge = random8();
    logon.NegotiateFlags = negotiate_flags(k);
    return ntlm::encode_ntlm_authenticate_v2(ch, logon);
  }
  const auto kind =
      k == Kind::v1 ? ntlm::NtlmV1Kind::v1 : (k == Kind::v1_ess ? ntlm::NtlmV1Kind::v1_ess : ntlm::NtlmV1Kind::lm);
  Bytes out = ntlm::encode_ntlm_authenticate_v1(ch, {user, domain, c.password, random8()}, kind);
  if (out.empty()) why = "password over 14 characters (no LM hash)";
  return out;
}

asio::awaitable<NtlmLogonBind> one(ProbeContext& ctx, std::uint16_t port, Kind k) {
  NtlmLogonBind out;
  BindCheck& b = out.bind;
  std::unique_ptr<LdapConnection> conn;
  b.outcome = co_await LdapConnection::open(ctx, port, conn);
  if (!b.outcome.ok()) co_return out;
  BindResponse r;
  if (!co_await ntlm_negotiate_step(*conn, 1, negotiate_flags(k), b, r)) co_return out;
  auto ch = ntlm::decode_ntlm_challenge_message(r.serverSaslCreds ? ByteView(*r.serverSaslCreds) : ByteView());
  if (!ch) {
    b.outcome = Outcome::failure(Status::protocol_error, "saslBindInProgress: " + ch.error);
    co_return out;
  }
  std::string why;
  Bytes auth = authenticate(k, ctx.settings.credentials, *ch, why);
  if (auth.empty()) {
    b.outcome = Outcome::failure(Status::skipped, why);
    co_return out;
  }
  const BindRequest req = gss_spnego_request(std::move(auth));
  b.outcome = co_await conn->send(encode_bind_request(2, req));
  if (!b.outcome.ok()) co_return out;
  b.stage = "authenticate";
  if (!co_await read_bind_response(*conn, 2, b, r)) co_return out;
  b.result_code = r.result.resultCode;
  b.diagnostic = r.result.diagnosticMessage;
  out.accepted = r.result.resultCode == LDAP_SUCCESS;
  co_return out;
}

void finding(const char* key, const char* label, const NtlmLogonBind& a, std::vector<Finding>& out) {
  const std::string check = std::string("ldap.ntlm.") + key;
  const BindCheck& b = a.bind;
  if (b.outcome.status == Status::skipped) {
    if (!b.outcome.reason.starts_with("no --user"))
      out.push_back({"389/tcp", check, label, "not tried: " + b.outcome.reason, Verdict::info});
    return;
  }
  if (!b.outcome.ok()) {
    out.push_back({"389/tcp", check, label, std::string(to_string(b.outcome.status)) + ": " + b.outcome.reason,
                   Verdict::failure});
    return;
  }
  const std::string answer = b.result_code
                                 ? result_code_name(*b.result_code) + " (" + std::to_string(*b.result_code) + ")"
                                 : std::string("no result");
  const bool v2 = std::string_view(key) == "v2";
  const Verdict v = v2 ? Verdict::info : (a.accepted ? Verdict::bad : Verdict::good);
  out.push_back({"389/tcp", check, label, a.accepted ? "ACCEPTED" : "refused (" + answer + ")", v, b.diagnostic});
}

}  // namespace

asio::awaitable<LdapNtlmTypes> ntlm_response_types(ProbeContext& ctx, std::uint16_t port) {
  LdapNtlmTypes t;
  const Credentials& c = ctx.settings.credentials;
  if (!c.has_user() || c.password.empty()) {
    t.v2.bind.outcome = Outcome::failure(Status::skipped, "no --user with a password given");
    t.v1 = t.v1_ess = t.lm = t.v2;
    co_return t;
  }
  // One after another: four logons at once could look like a password spray to the DC's monitoring.
  t.v2 = co_await one(ctx, port, Kind::v2);
  t.v1 = co_await one(ctx, port, Kind::v1);
  t.v1_ess = co_await one(ctx, port, Kind::v1_ess);
  t.lm = co_await one(ctx, port, Kind::lm);
  co_return t;
}

void ntlm_types_findings(const LdapNtlmTypes& t, std::vector<Finding>& out) {
  finding("v2", "LDAP NTLMv2 bind", t.v2, out);
  finding("v1", "LDAP NTLMv1 bind", t.v1, out);
  finding("v1_ess", "LDAP NTLMv1-ESS bind", t.v1_ess, out);
  finding("lm", "LDAP LM bind", t.lm, out);
}

}  // namespace legacyscan::ldap
