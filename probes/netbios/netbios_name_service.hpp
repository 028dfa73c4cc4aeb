// SPDX-License-Identifier: Apache-2.0
// The name service (UDP 137), unicast to the target: NODE STATUS and NAME QUERY (RFC 1002 4.2.12,
// 4.2.17).
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>

#include "legacyscan/engine/probe.hpp"
#include "probes/netbios/netbios_result.hpp"
#include "src/proto/netbios/netbios_codec.hpp"

namespace legacyscan::netbios {

boost::asio::awaitable<NodeStatusInfo> node_status(ProbeContext& ctx, std::uint16_t port);
// Coroutine parameters by value: the frame keeps its own copies.
boost::asio::awaitable<NameQueryInfo> name_query(ProbeContext& ctx, NetbiosName name, std::uint16_t port);

}  // namespace legacyscan::netbios
