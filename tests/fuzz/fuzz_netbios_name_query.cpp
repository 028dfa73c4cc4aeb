// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_name_query_response (RFC 1002 4.2.13/4.2.14 NAME QUERY RESPONSE).
// Seeds: tests/fuzz/corpus/fuzz_netbios_name_query/ (packets captured from the lab DCs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "src/proto/netbios/netbios_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const legacyscan::ByteView input(data, size);
  auto r = legacyscan::netbios::decode_name_query_response(input);
  if (r && r->positive() && r->ADDR_ENTRY.empty()) std::abort();
  return 0;
}
