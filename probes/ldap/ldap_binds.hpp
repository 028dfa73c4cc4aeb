// SPDX-License-Identifier: Apache-2.0
// The bind checks on the plain LDAP port: the cleartext simple bind with a fake DN and the anonymous
// NTLM SASL bind without signing, and what they say about cleartext binds and LDAP signing.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

#include "legacyscan/engine/probe.hpp"
#include "probes/ldap/ldap_connection.hpp"
#include "probes/ldap/ldap_result.hpp"

namespace legacyscan::ldap {

// The fake account of the bind checks: no such object exists, so no lockout counter moves.
inline constexpr const char* kFakeRdn = "CN=legacyscan-probe";
inline constexpr const char* kFakePassword = "legacyscan-not-a-password";

boost::asio::awaitable<BindCheck> simple_bind(ProbeContext& ctx, std::uint16_t port, const std::string& naming_context);
// The direct LDAP signing check: an anonymous NTLM logon through SASL GSS-SPNEGO (raw NTLMSSP, as
// ldap3 and impacket send it) with neither SIGN nor SEAL negotiated. No credential is involved.
boost::asio::awaitable<BindCheck> ntlm_unsigned_bind(ProbeContext& ctx, std::uint16_t port);

// Reads the BindResponse to messageID `id`; anything else is a failure outcome in `b`.
boost::asio::awaitable<bool> read_bind_response(LdapConnection& conn, std::int64_t id, BindCheck& b, BindResponse& out);

// The NEGOTIATE_MESSAGE as ldap3 and impacket send it: no domain, workstation or version, and both
// empty fields at offset 0.
Bytes ntlm_negotiate(std::uint32_t flags);

// A SASL GSS-SPNEGO BindRequest carrying `token` (raw NTLMSSP, as Windows and Samba accept it).
BindRequest gss_spnego_request(Bytes token);

// Sends a GSS-SPNEGO bind carrying an NTLM NEGOTIATE with `flags` and reads the answer into r: true when
// the server goes on (saslBindInProgress, its CHALLENGE in r.serverSaslCreds); otherwise b says why.
boost::asio::awaitable<bool> ntlm_negotiate_step(LdapConnection& conn, std::int64_t id, std::uint32_t flags,
                                                 BindCheck& b, BindResponse& r);

// The cleartext simple bind with a fake DN: strongerAuthRequired (8) or confidentialityRequired (13)
// means binds need signing/sealing or TLS; invalidCredentials (49) means the DC checked a cleartext
// password, so it would accept a real one.
// signing_required comes first from the anonymous NTLM bind without signing: strongerAuthRequired (8)
// = required, success (0) = not required. When that is inconclusive (e.g. the DC refuses anonymous
// NTLM with 49 before looking at signing), it is inferred from the simple bind: a DC that requires
// signing refuses a cleartext simple bind with 8 before looking at the password (Windows
// LDAPServerIntegrity=2, Samba "ldap server require strong auth = yes").
void judge_bind(LdapResult& result);

}  // namespace legacyscan::ldap
