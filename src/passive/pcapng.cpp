// SPDX-License-Identifier: Apache-2.0
// pcapng blocks (see src/passive/pcapng.hpp).
#include "src/passive/pcapng.hpp"

#include <algorithm>

namespace legacyscan::passive {

namespace {

constexpr std::uint32_t kIdb = 1;  // Interface Description Block, 4.2
constexpr std::uint32_t kSpb = 3;  // Simple Packet Block, 4.4
constexpr std::uint32_t kEpb = 6;  // Enhanced Packet Block, 4.3
constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint16_t kOptTsResol = 9;  // if_tsresol

bool u16(Reader& r, bool be, std::uint16_t& v) { return be ? r.u16be(v) : r.u16le(v); }
bool u32(Reader& r, bool be, std::uint32_t& v) { return be ? r.u32be(v) : r.u32le(v); }

std::uint32_t word(ByteView b, std::size_t at, bool be) {
  if (be) return (static_cast<std::uint32_t>(b[at]) << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
  return (static_cast<std::uint32_t>(b[at + 3]) << 24) | (b[at + 2] << 16) | (b[at + 1] << 8) | b[at];
}

// if_tsresol: bit 7 clear, 10^-n seconds; set, 2^-n seconds.
std::optional<std::uint64_t> ts_resolution(std::uint8_t v) {
  const unsigned n = v & 0x7f;
  if (v & 0x80) return n < 63 ? std::optional<std::uint64_t>(1ull << n) : std::nullopt;
  if (n > 18) return std::nullopt;
  std::uint64_t u = 1;
  for (unsigned i = 0; i < n; ++i) u *= 10;
  return u;
}

std::int64_t to_us(std::uint64_t ts, std::uint64_t per_second) {
  if (per_second == 1000000) return static_cast<std::int64_t>(ts);
  const std::uint64_t secs = ts / per_second, frac = ts % per_second;
  // frac < per_second <= 2^62: frac * 10^6 may overflow 64 bits; long double keeps it approximately.
  const auto us =
      static_cast<std::uint64_t>(static_cast<long double>(frac) * 1e6L / static_cast<long double>(per_second));
  return static_cast<std::int64_t>(secs * 1000000 + us);
}

}  // namespace

std::size_t pcapng_block_length(ByteView front, bool big_endian) {
  if (front.size() < 12) return 0;
  bool be = big_endian;
  if (word(front, 0, false) == kPcapngSectionHeader) {
    if (word(front, 8, false) == kByteOrderMagic)
      be = false;
    else if (word(front, 8, true) == kByteOrderMagic)
      be = true;
    else
      return 0;
  }
  const std::size_t len = word(front, 4, be);
  if (len < 12 || len % 4 != 0 || len > kPcapngMaxBlock) return 0;
  return len;
}

Decoded<std::optional<PcapngPacket>> PcapngSection::decode_pcapng_block(ByteView block) {
  using R = Decoded<std::optional<PcapngPacket>>;
  if (block.size() < 12) return R::fail("pcapng block truncated");
  const bool shb = word(block, 0, false) == kPcapngSectionHeader;
  if (shb) {
    if (word(block, 8, false) == kByteOrderMagic)
      big_endian_ = false;
    else if (word(block, 8, true) == kByteOrderMagic)
      big_endian_ = true;
    else
      return R::fail("pcapng section header: bad byte-order magic");
  }
  const bool be = big_endian_;
  const std::size_t len = word(block, 4, be);
  if (len != block.size() || len < 12 || word(block, len - 4, be) != len)
    return R::fail("pcapng block: total lengths disagree");
  const std::uint32_t type = word(block, 0, be);
  Reader r(block.subspan(8, len - 12));
  if (shb) {
    // A new section: its interfaces replace those of the previous one (4.1).
    interfaces_.clear();
    in_section_ = true;
    return R::ok(std::nullopt);
  }
  if (!in_section_) return R::fail("pcapng: a block before the section header");
  if (type == kIdb) {
    if (interfaces_.size() >= 4096) return R::fail("pcapng: more than 4096 interfaces");
    PcapngInterface i;
    std::uint16_t link = 0, reserved = 0;
    if (!u16(r, be, link) || !u16(r, be, reserved) || !u32(r, be, i.snaplen))
      return R::fail("pcapng interface description truncated");
    i.link_type = link;
    // Options (4.2): code, length, value padded to 32 bits; end at code 0.
    std::uint16_t code = 0, olen = 0;
    while (r.remaining() >= 4 && u16(r, be, code) && u16(r, be, olen) && code != 0) {
      ByteView value;
      if (!r.bytes(olen, value) || !r.skip((4 - olen % 4) % 4)) break;
      if (code == kOptTsResol && olen >= 1) {
        auto res = ts_resolution(value[0]);
        if (!res) return R::fail("pcapng interface: unsupported if_tsresol");
        i.units_per_second = *res;
      }
    }
    interfaces_.push_back(i);
    return R::ok(std::nullopt);
  }
  if (type != kEpb && type != kSpb) return R::ok(std::nullopt);  // statistics, name resolution, custom...
  PcapngPacket p;
  std::uint32_t caplen = 0;
  if (type == kEpb) {
    std::uint32_t hi = 0, lo = 0;
    if (!u32(r, be, p.interface_id) || !u32(r, be, hi) || !u32(r, be, lo) || !u32(r, be, caplen) ||
        !u32(r, be, p.wire_length))
      return R::fail("pcapng enhanced packet truncated");
    if (p.interface_id >= interfaces_.size()) return R::fail("pcapng packet on an undescribed interface");
    const auto& i = interfaces_[p.interface_id];
    p.ts_us = to_us((static_cast<std::uint64_t>(hi) << 32) | lo, i.units_per_second);
  } else {
    // 4.4: no interface id (the first one), no timestamp, captured length = min(original, snaplen).
    if (interfaces_.empty()) return R::fail("pcapng simple packet without an interface");
    if (!u32(r, be, p.wire_length)) return R::fail("pcapng simple packet truncated");
    caplen = std::min<std::uint32_t>(p.wire_length, static_cast<std::uint32_t>(r.remaining()));
    if (interfaces_[0].snaplen != 0) caplen = std::min(caplen, interfaces_[0].snaplen);
  }
  if (!r.bytes(caplen, p.data)) return R::fail("pcapng packet data beyond its block");
  p.link_type = interfaces_[p.interface_id].link_type;
  return R::ok(p);
}

}  // namespace legacyscan::passive
