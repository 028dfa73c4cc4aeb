// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_packet (link layer -> IPv4/IPv6 -> TCP/UDP). The first byte picks the
// link type; the rest is the frame. The frames go through the analyzer too, one packet each.
#include <cstdint>
#include <cstdlib>

#include "src/passive/packet.hpp"
#include "src/passive/passive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::passive;
  if (size < 1) return 0;
  static constexpr int kLinks[] = {kLinkEthernet, kLinkLinuxSll, kLinkLinuxSll2, kLinkNull,
                                   kLinkLoop,     kLinkRaw,      kLinkIpv4,      kLinkIpv6};
  const int link = kLinks[data[0] % (sizeof kLinks / sizeof kLinks[0])];
  const legacyscan::ByteView frame(data + 1, size - 1);
  auto p = decode_packet(link, frame);
  if (p) {
    // The payload is a view inside the frame.
    if (!p->payload.empty() &&
        (p->payload.data() < frame.data() || p->payload.data() + p->payload.size() > frame.data() + frame.size()))
      std::abort();
    (void)address_string(p->src, p->ipv6);
  }
  Analyzer a;
  a.packet(link, 1, frame, frame.size());
  a.packet(link, 2, frame, frame.size());  // a retransmission of the same segment
  (void)a.finish();
  return 0;
}
