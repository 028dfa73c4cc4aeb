// SPDX-License-Identifier: Apache-2.0
// pcapng (draft-ietf-opsawg-pcapng) read block by block, for the files libpcap refuses: several
// interfaces with different link types or snapshot lengths (multi-interface hosts, capture
// appliances). Classic pcap and live capture stay with libpcap (pcap_source.cpp). A pure codec: the
// caller reads each whole block (pcapng_block_length) and hands it to a PcapngSection.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::passive {

inline constexpr std::uint32_t kPcapngSectionHeader = 0x0A0D0D0A;
inline constexpr std::size_t kPcapngMaxBlock = 16 * 1024 * 1024;

// One Interface Description Block (4.2): its link type, snapshot length and timestamp unit.
struct PcapngInterface {
  int link_type = 0;
  std::uint32_t snaplen = 0;
  std::uint64_t units_per_second = 1000000;  // if_tsresol (option 9), microseconds by default
};

struct PcapngPacket {
  std::uint32_t interface_id = 0;
  int link_type = 0;
  std::int64_t ts_us = 0;
  ByteView data;  // the captured bytes, a view into the block
  std::uint32_t wire_length = 0;
};

// The total length of the block at the front of `front` (its first 12 bytes), in the byte order of
// the current section (`big_endian`); a Section Header Block states its own byte order. 0 when the
// header is malformed.
std::size_t pcapng_block_length(ByteView front, bool big_endian);

// The state of one pcapng stream: byte order and interfaces of the current section.
class PcapngSection {
 public:
  // One whole block. A packet (Enhanced or Simple Packet Block) is returned; other blocks update the
  // state or are skipped (nullopt). An error for a malformed block or a packet on an unknown interface.
  Decoded<std::optional<PcapngPacket>> decode_pcapng_block(ByteView block);
  [[nodiscard]] bool big_endian() const { return big_endian_; }
  [[nodiscard]] const std::vector<PcapngInterface>& interfaces() const { return interfaces_; }

 private:
  bool big_endian_ = false;
  bool in_section_ = false;
  std::vector<PcapngInterface> interfaces_;
};

}  // namespace legacyscan::passive
