// SPDX-License-Identifier: Apache-2.0
// The anonymous rootDSE (RFC 4512 5.1, [MS-ADTS] 3.1.1.3.2): versions, mechanisms, capabilities,
// functional levels, naming contexts, and the DC's clock.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>

#include "legacyscan/engine/probe.hpp"
#include "probes/ldap/ldap_result.hpp"

namespace legacyscan::ldap {

boost::asio::awaitable<RootDse> rootdse(ProbeContext& ctx, std::uint16_t port);

}  // namespace legacyscan::ldap
