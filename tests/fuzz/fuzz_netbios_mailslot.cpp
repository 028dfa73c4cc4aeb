// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_mailslot_write ([MS-MAIL] 2.2.1 SMB_COM_TRANSACTION mailslot write), parse -> encode ->
// parse. Seeds: tests/fuzz/corpus/fuzz_netbios_mailslot/ (packets captured from the lab DCs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "src/proto/netbios/netbios_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const legacyscan::ByteView input(data, size);
  auto m = legacyscan::netbios::decode_mailslot_write(input);
  if (!m) return 0;
  auto again = legacyscan::netbios::encode_mailslot_write(*m);
  if (!again) std::abort();
  auto back = legacyscan::netbios::decode_mailslot_write(*again);
  if (!back || back->mailslot_name != m->mailslot_name || back->data != m->data) std::abort();
  return 0;
}
