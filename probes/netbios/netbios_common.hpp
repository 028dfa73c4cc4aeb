// SPDX-License-Identifier: Apache-2.0
// What the NetBIOS probe's parts share: name display, transaction ids, and the wording of outcomes
// and source-port notes.
#pragma once

#include <cstdint>
#include <string>

#include "legacyscan/bytes.hpp"
#include "legacyscan/engine/net.hpp"
#include "src/proto/netbios/netbios_codec.hpp"

namespace legacyscan::netbios {

std::string upper(std::string s);
std::string hex_suffix(std::uint8_t s);
std::string display(const NetbiosName& n);  // "LEGACY<1C>"
std::uint16_t random_u16();

// Whether a name service datagram carries transaction id `id` (not ours, or too short to tell, when not).
bool answers_transaction(ByteView datagram, std::uint16_t id);

// A malformed answer that came instead of a good one turns a timeout into protocol-error.
Outcome settle(const Outcome& outcome, const std::string& malformed);

// Why a request did not leave from the source port asked for ("" when it did, or none was asked):
// `bind_failure` says why a bind fails.
std::string source_port_note(const UdpReply& reply, std::uint16_t asked, const std::string& bind_failure);

}  // namespace legacyscan::netbios
