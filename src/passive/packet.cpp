// SPDX-License-Identifier: Apache-2.0
// Captured frames down to the TCP/UDP payload (see src/passive/packet.hpp).
#include "src/passive/packet.hpp"

#include <algorithm>
#include <cstdio>

namespace legacyscan::passive {

namespace {

Decoded<Packet> decode_ip(ByteView data) {
  using R = Decoded<Packet>;
  Reader r(data);
  std::uint8_t first = 0;
  if (data.empty()) return R::fail("empty IP packet");
  first = data[0];
  Packet p;
  std::uint8_t proto = 0;
  ByteView l4;
  if ((first >> 4) == 4) {
    std::uint8_t vihl = 0, tos = 0, ttl = 0;
    std::uint16_t total = 0, id = 0, frag = 0, csum = 0;
    ByteView src, dst;
    if (!r.u8(vihl) || !r.u8(tos) || !r.u16be(total) || !r.u16be(id) || !r.u16be(frag) || !r.u8(ttl) || !r.u8(proto) ||
        !r.u16be(csum) || !r.bytes(4, src) || !r.bytes(4, dst))
      return R::fail("IPv4 header truncated");
    const std::size_t ihl = static_cast<std::size_t>(vihl & 0x0f) * 4;
    if (ihl < 20) return R::fail("IPv4 header length below 20");
    // A sending host that offloads segmentation to its NIC hands the capture one large segment with
    // total length 0 (the NIC fills it in per segment): as Wireshark and Zeek do, take the captured
    // length instead.
    p.tso = total == 0;
    const std::size_t length = p.tso ? data.size() : total;
    if (length < ihl) return R::fail("IPv4 total length below header length");
    // Captures may hold less than total (snaplen) or more (Ethernet padding).
    const std::size_t end = std::min<std::size_t>(length, data.size());
    if (end < ihl) return R::fail("IPv4 options truncated");
    l4 = data.subspan(ihl, end - ihl);
    std::copy(src.begin(), src.end(), p.src.begin());
    std::copy(dst.begin(), dst.end(), p.dst.begin());
    p.fragment = (frag & 0x3fff) != 0;  // MF set or a non-zero offset
  } else if ((first >> 4) == 6) {
    std::uint32_t vtcfl = 0;
    std::uint16_t plen = 0;
    std::uint8_t hop = 0;
    ByteView src, dst;
    if (!r.u32be(vtcfl) || !r.u16be(plen) || !r.u8(proto) || !r.u8(hop) || !r.bytes(16, src) || !r.bytes(16, dst))
      return R::fail("IPv6 header truncated");
    p.ipv6 = true;
    std::copy(src.begin(), src.end(), p.src.begin());
    std::copy(dst.begin(), dst.end(), p.dst.begin());
    ByteView rest = r.rest();
    if (plen < rest.size()) rest = rest.first(plen);
    // Extension headers: hop-by-hop 0, routing 43, destination options 60, fragment 44.
    for (int i = 0; i < 8; ++i) {
      if (proto != 0 && proto != 43 && proto != 60 && proto != 44) break;
      Reader e(rest);
      std::uint8_t next = 0, len = 0;
      if (!e.u8(next) || !e.u8(len)) return R::fail("IPv6 extension header truncated");
      std::size_t size = proto == 44 ? 8 : (static_cast<std::size_t>(len) + 1) * 8;
      if (size > rest.size()) return R::fail("IPv6 extension header truncated");
      if (proto == 44) {
        std::uint16_t off = static_cast<std::uint16_t>((rest[2] << 8) | rest[3]);
        if ((off & 0xfff9) != 0) p.fragment = true;
      }
      proto = next;
      rest = rest.subspan(size);
    }
    l4 = rest;
  } else {
    return R::fail("not IPv4 or IPv6 (version " + std::to_string(first >> 4) + ")");
  }
  if (proto == 6) {
    p.transport = Transport::tcp;
    if (p.fragment) return R::ok(p);
    Reader t(l4);
    std::uint8_t off = 0, flags = 0;
    if (!t.u16be(p.src_port) || !t.u16be(p.dst_port) || !t.u32be(p.seq) || !t.u32be(p.ack) || !t.u8(off) ||
        !t.u8(flags))
      return R::fail("TCP header truncated");
    const std::size_t hl = static_cast<std::size_t>(off >> 4) * 4;
    if (hl < 20 || hl > l4.size()) return R::fail("TCP header length " + std::to_string(hl) + " invalid");
    p.tcp_flags = flags;
    p.payload = l4.subspan(hl);
    return R::ok(p);
  }
  if (proto == 17) {
    p.transport = Transport::udp;
    if (p.fragment) return R::ok(p);
    Reader u(l4);
    std::uint16_t len = 0, csum = 0;
    if (!u.u16be(p.src_port) || !u.u16be(p.dst_port) || !u.u16be(len) || !u.u16be(csum))
      return R::fail("UDP header truncated");
    ByteView body = u.rest();
    if (len >= 8 && static_cast<std::size_t>(len - 8) < body.size()) body = body.first(len - 8);
    p.payload = body;
    return R::ok(p);
  }
  return R::fail("IP protocol " + std::to_string(proto) + " is neither TCP nor UDP");
}

Decoded<Packet> decode_ethertype(std::uint16_t type, ByteView rest) {
  if (type == 0x0800 || type == 0x86DD) return decode_ip(rest);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", type);
  return Decoded<Packet>::fail(std::string("EtherType 0x") + buf + " is not IP");
}

}  // namespace

Decoded<Packet> decode_packet(int link_type, ByteView frame) {
  using R = Decoded<Packet>;
  Reader r(frame);
  switch (link_type) {
    case kLinkEthernet: {
      if (!r.skip(12)) return R::fail("Ethernet header truncated");
      std::uint16_t type = 0;
      if (!r.u16be(type)) return R::fail("Ethernet header truncated");
      for (int tags = 0; (type == 0x8100 || type == 0x88A8) && tags < 4; ++tags) {
        if (!r.skip(2) || !r.u16be(type)) return R::fail("802.1Q tag truncated");
      }
      return decode_ethertype(type, r.rest());
    }
    case kLinkLinuxSll: {
      std::uint16_t type = 0;
      if (!r.skip(14) || !r.u16be(type)) return R::fail("Linux cooked header truncated");
      return decode_ethertype(type, r.rest());
    }
    case kLinkLinuxSll2: {
      std::uint16_t type = 0;
      if (!r.u16be(type) || !r.skip(18)) return R::fail("Linux cooked v2 header truncated");
      return decode_ethertype(type, r.rest());
    }
    case kLinkNull:
    case kLinkLoop:
      if (!r.skip(4)) return R::fail("loopback header truncated");
      return decode_ip(r.rest());
    case kLinkRaw:
    case 12:  // DLT_RAW on some BSDs
    case 14:
    case kLinkIpv4:
    case kLinkIpv6: return decode_ip(frame);
    default: return R::fail("link type " + std::to_string(link_type) + " is not supported");
  }
}

std::string address_string(const std::array<std::uint8_t, 16>& a, bool ipv6) {
  if (!ipv6)
    return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." + std::to_string(a[3]);
  // RFC 5952: lower case, longest run of two or more zero groups as "::".
  std::array<std::uint16_t, 8> g{};
  for (int i = 0; i < 8; ++i) g[i] = static_cast<std::uint16_t>((a[2 * i] << 8) | a[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
    i = j;
  }
  std::string out;
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[i]);
    out += buf;
  }
  return out;
}

}  // namespace legacyscan::passive
