// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_name_service_request (RFC 1002 4.2.12/4.2.17 requests), then re-encodes a NAME QUERY.
// Seeds: tests/fuzz/corpus/fuzz_netbios_name_service_request/ (packets captured from the lab DCs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "src/proto/netbios/netbios_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const legacyscan::ByteView input(data, size);
  auto q = legacyscan::netbios::decode_name_service_request(input);
  if (!q) return 0;
  auto again = legacyscan::netbios::encode_name_query_request(q->header.NAME_TRN_ID, q->QUESTION_NAME, false);
  if (!again) std::abort();  // a decoded name is at most 15 bytes: it always encodes
  if (!legacyscan::netbios::decode_name_service_request(*again)) std::abort();
  return 0;
}
