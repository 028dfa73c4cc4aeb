// SPDX-License-Identifier: Apache-2.0
// Whom the AS-REQs are for: the realm and the client principal, from the options, from what the smb
// and ldap probes learned, from the KDC's own KRB-ERROR, from one LDAP ping, or from the DNS name.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "legacyscan/engine/probe.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

namespace legacyscan::kerberos {

std::string upper(std::string s);
// "name" or "service/host" -> a KRB_NT_PRINCIPAL name.
PrincipalName parse_principal(const std::string& text);

// RFC 4120 6.1: realm from a DNS name: "dc1.legacy.test" -> "LEGACY.TEST".
std::string realm_from_dns_name(const std::string& host);

// What the realm is asked as before anything named it: the KDC's answer may tell the real one.
inline constexpr const char* kNoRealmRealm = "LEGACYSCAN.INVALID";

struct Identity {
  std::string realm, realm_source;
  std::string principal, principal_source;
};

// The realm and principal before any exchange: options, then the smb/ldap probes' facts, then the
// target's DNS name; the principal falls back to krbtgt. The realm may be left empty.
Identity resolve_identity(const ProbeContext& ctx);

// The realm when resolve_identity left it empty, after the first exchanges (`first_error` is the
// KDC's first KRB-ERROR to a request for `ask_realm`). False when nothing names it.
boost::asio::awaitable<bool> discover_realm(ProbeContext& ctx, Identity& id, const std::optional<KrbError>& first_error,
                                            const std::string& ask_realm, const std::string& dns_realm);

}  // namespace legacyscan::kerberos
