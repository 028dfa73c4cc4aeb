// SPDX-License-Identifier: Apache-2.0
// --broadcast only: NODE STATUS, the DOMAIN<1C> query and the SAM LOGON sent to an IPv4 broadcast
// address, with every answer heard.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <cstdint>
#include <string>

#include "legacyscan/engine/probe.hpp"
#include "probes/netbios/netbios_result.hpp"

namespace legacyscan::netbios {

// Coroutine parameters by value: the frame keeps its own copies.
boost::asio::awaitable<BroadcastInfo> broadcast_queries(ProbeContext& ctx, boost::asio::ip::address_v4 dest,
                                                        std::string domain, std::string client, std::uint16_t name_port,
                                                        std::uint16_t datagram_port);

}  // namespace legacyscan::netbios
