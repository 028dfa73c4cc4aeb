// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: pcapng_block_length and PcapngSection::decode_pcapng_block over a whole pcapng
// stream, as passive mode reads multi-interface captures.
#include <cstdint>
#include <cstdlib>

#include "src/passive/pcapng.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::passive;
  const legacyscan::ByteView in(data, size);
  PcapngSection section;
  std::size_t off = 0;
  while (off < size) {
    const std::size_t len = pcapng_block_length(in.subspan(off), section.big_endian());
    if (len == 0 || len > size - off) break;
    auto p = section.decode_pcapng_block(in.subspan(off, len));
    if (!p) break;
    if (*p && ((**p).data.data() < data + off || (**p).data.data() + (**p).data.size() > data + off + len))
      std::abort();
    off += len;
  }
  return 0;
}
