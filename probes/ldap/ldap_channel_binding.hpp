// SPDX-License-Identifier: Apache-2.0
// Channel binding ([MS-ADTS] 5.1.2.2, RFC 5929, [MS-NLMP] MsvAvChannelBindings): NTLMv2 SASL binds over
// LDAPS and over the plain port after StartTLS, without, with a wrong and with the right binding.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>

#include "legacyscan/engine/probe.hpp"
#include "probes/ldap/ldap_result.hpp"

namespace legacyscan::ldap {

// Channel binding on LDAPS (636 when selected and open) and on the plain port after StartTLS.
boost::asio::awaitable<void> check_channel_binding(ProbeContext& ctx, LdapResult& result, std::uint16_t port,
                                                   bool plain_open);

}  // namespace legacyscan::ldap
