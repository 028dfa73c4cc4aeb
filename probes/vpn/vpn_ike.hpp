// SPDX-License-Identifier: Apache-2.0
// The IKE exchanges of the vpn probe: IKEv1 Main Mode transform enumeration by elimination, Aggressive
// Mode, NAT-T on 4500, and IKEv2 IKE_SA_INIT enumeration by elimination. Only first messages are ever
// sent: no SA is completed and no key is derived.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include "legacyscan/engine/probe.hpp"
#include "probes/vpn/vpn_result.hpp"
#include "src/proto/ike/ike_codec.hpp"

namespace legacyscan::vpn {

// How many IKEv1 transforms go into one Main Mode proposal (a responder takes one of them).
inline constexpr std::size_t kTransformsPerExchange = 24;

// An initiator SPI (RFC 2408 2.5.3: unique and non-zero) for one exchange.
Bytes random_spi();
// Appends the vendor IDs of an answer that are not listed yet.
void add_vendor_ids(std::vector<VendorId>& into, const ike::Message& m);

// behind_marker: `port` is a NAT-T port (4500), where every IKE message follows the non-ESP marker
// (RFC 3948 2.2); without it the responder reads the offer as ESP and drops it.
boost::asio::awaitable<IkeV1Info> scan_ike_v1(ProbeContext& ctx, std::uint16_t port,
                                              std::optional<std::uint16_t> nat_t_port, const std::string& aggressive_id,
                                              bool behind_marker = false);
boost::asio::awaitable<IkeV2Info> scan_ike_v2(ProbeContext& ctx, std::uint16_t port);

}  // namespace legacyscan::vpn
