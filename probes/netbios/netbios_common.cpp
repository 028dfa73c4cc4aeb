// SPDX-License-Identifier: Apache-2.0
#include "probes/netbios/netbios_common.hpp"

#include <algorithm>
#include <cctype>
#include <random>

namespace legacyscan::netbios {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string hex_suffix(std::uint8_t s) {
  static const char* digits = "0123456789ABCDEF";
  return {digits[s >> 4], digits[s & 0x0f]};
}

std::string display(const NetbiosName& n) { return printable(n.name) + "<" + hex_suffix(n.suffix) + ">"; }

std::uint16_t random_u16() {
  static std::mt19937 gen{std::random_device{}()};
  return static_cast<std::uint16_t>(gen() & 0xffff);
}

bool answers_transaction(ByteView datagram, std::uint16_t id) {
  Reader r(datagram);
  std::uint16_t trn = 0;
  return r.u16be(trn) && trn == id;
}

Outcome settle(const Outcome& outcome, const std::string& malformed) {
  if (outcome.status == Status::timeout && !malformed.empty())
    return Outcome::failure(Status::protocol_error, "only malformed answers: " + malformed);
  return outcome;
}

std::string source_port_note(const UdpReply& reply, std::uint16_t asked, const std::string& bind_failure) {
  const std::string port = std::to_string(asked);
  switch (reply.local_port_use) {
    case LocalPortUse::would_talk_to_itself:
      return "UDP " + port + " here would be the target's own free port " + port + "; used an ephemeral port";
    case LocalPortUse::bind_failed:
      return "cannot bind UDP " + port + " (" + bind_failure + "); used an ephemeral port";
    case LocalPortUse::not_asked:
    case LocalPortUse::bound: break;
  }
  return {};
}

}  // namespace legacyscan::netbios
