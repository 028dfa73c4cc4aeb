// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_node_status_response (RFC 1002 4.2.18 NODE STATUS RESPONSE).
// Seeds: tests/fuzz/corpus/fuzz_netbios_node_status/ (packets captured from the lab DCs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "src/proto/netbios/netbios_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const legacyscan::ByteView input(data, size);
  auto r = legacyscan::netbios::decode_node_status_response(input);
  if (r && r->NODE_NAME_ARRAY.size() > 255) std::abort();  // NUM_NAMES is one byte
  return 0;
}
