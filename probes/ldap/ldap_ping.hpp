// SPDX-License-Identifier: Apache-2.0
// The LDAP ping ([MS-ADTS] 6.3.3): a CLDAP search over UDP or the same search over TCP, and the
// --ldap-aac option of its filter.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "legacyscan/engine/probe.hpp"
#include "probes/ldap/ldap_result.hpp"
#include "src/proto/ldap/ldap_codec.hpp"

namespace legacyscan::ldap {

boost::asio::awaitable<CldapPing> udp_ping(ProbeContext& ctx, std::uint16_t port, const LdapPing& ping);
boost::asio::awaitable<CldapPing> tcp_ping(ProbeContext& ctx, std::uint16_t port, const LdapPing& ping);

// --ldap-aac: a number (decimal or 0x hex) or a comma list of [MS-SAMR] 2.2.1.12 USER_ACCOUNT names.
// On a bad item, nullopt and `err` says which.
std::optional<std::uint32_t> parse_aac(const std::string& text, std::string& err);

}  // namespace legacyscan::ldap
