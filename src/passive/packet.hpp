// SPDX-License-Identifier: Apache-2.0
// Link, network and transport layers of a captured frame, down to the TCP or UDP payload: what passive
// mode reads before any protocol decoder. Pure functions over the shared Reader.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "legacyscan/bytes.hpp"

namespace legacyscan::passive {

// libpcap link types handled (https://www.tcpdump.org/linktypes.html).
inline constexpr int kLinkNull = 0;        // BSD loopback: 4-byte address family, host order
inline constexpr int kLinkEthernet = 1;    // IEEE 802.3 (also Linux "lo"), 802.1Q tags skipped
inline constexpr int kLinkRaw = 101;       // raw IPv4/IPv6 (DLT_RAW)
inline constexpr int kLinkLoop = 108;      // OpenBSD loopback: 4-byte address family, network order
inline constexpr int kLinkLinuxSll = 113;  // Linux "any" cooked capture v1
inline constexpr int kLinkIpv4 = 228;
inline constexpr int kLinkIpv6 = 229;
inline constexpr int kLinkLinuxSll2 = 276;  // Linux "any" cooked capture v2

enum class Transport : std::uint8_t { tcp, udp };

// One IPv4/IPv6 packet carrying TCP or UDP, as far as passive mode needs it.
struct Packet {
  std::array<std::uint8_t, 16> src{};  // IPv4 in the first 4 bytes when !ipv6
  std::array<std::uint8_t, 16> dst{};
  bool ipv6 = false;
  Transport transport = Transport::tcp;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  // TCP only.
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t tcp_flags = 0;  // FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10
  bool fragment = false;       // an IPv4/IPv6 fragment: payload not usable
  bool tso = false;            // IPv4 total length 0: a segment captured before segmentation offload
  ByteView payload;            // view into the frame
};
inline constexpr std::uint8_t kTcpFin = 0x01;
inline constexpr std::uint8_t kTcpSyn = 0x02;
inline constexpr std::uint8_t kTcpRst = 0x04;
inline constexpr std::uint8_t kTcpAck = 0x10;

// Decodes one captured frame of the given link type down to the TCP/UDP payload. Fails for other
// protocols (ARP, ICMP...) with a reason; the payload is truncated to what was captured.
Decoded<Packet> decode_packet(int link_type, ByteView frame);
// "10.0.0.5" or "fd00::5".
std::string address_string(const std::array<std::uint8_t, 16>& addr, bool ipv6);

}  // namespace legacyscan::passive
