// SPDX-License-Identifier: Apache-2.0
// Which NTLM response types a DC accepts over LDAP: one NTLM SASL bind (GSS-SPNEGO carrying raw
// NTLMSSP, as ldap3 and impacket send it) per type - NTLMv2, NTLMv1, NTLMv1 with extended session
// security and the LM response alone ([MS-NLMP] 3.3.1, 3.3.2) - each on a connection of its own,
// only with --user and a password. Each is an ordinary logon on the DC (an audit event, a bad
// password count when the password is wrong). The shape mirrors the smb probe's sessions.ntlm.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "probes/ldap/ldap_result.hpp"

namespace legacyscan::ldap {

// On plain LDAP at `port`; every type skipped when no --user with a password was given.
boost::asio::awaitable<LdapNtlmTypes> ntlm_response_types(ProbeContext& ctx, std::uint16_t port);

// The findings: NTLMv1, NTLMv1-ESS or LM accepted is bad, refused good; NTLMv2 is a fact.
void ntlm_types_findings(const LdapNtlmTypes& t, std::vector<Finding>& out);

}  // namespace legacyscan::ldap
