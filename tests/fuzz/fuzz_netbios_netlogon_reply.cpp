// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_netlogon_reply ([MS-ADTS] 6.3.1.5 / 6.3.1.7-6.3.1.9 replies, one canonical form).
// Seeds: tests/fuzz/corpus/fuzz_netbios_netlogon_reply/ (packets captured from the lab DCs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "src/proto/netlogon/netlogon_mailslot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const legacyscan::ByteView input(data, size);
  auto r = legacyscan::netlogon::decode_netlogon_reply(input);
  if (r && (r->dns_host_name.size() > 255 || r->dns_domain_name.size() > 255)) std::abort();
  return 0;
}
