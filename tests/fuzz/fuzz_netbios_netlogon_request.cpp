// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_netlogon_request ([MS-ADTS] 6.3.1.4 / 6.3.1.6 mailslot queries).
// Seeds: tests/fuzz/corpus/fuzz_netbios_netlogon_request/ (packets captured from the lab DCs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "src/proto/netlogon/netlogon_mailslot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const legacyscan::ByteView input(data, size);
  (void)legacyscan::netlogon::decode_netlogon_request(input);
  return 0;
}
