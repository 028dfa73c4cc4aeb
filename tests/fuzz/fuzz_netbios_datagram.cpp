// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_datagram (RFC 1002 4.4 datagrams), re-encoding direct datagrams.
// Seeds: tests/fuzz/corpus/fuzz_netbios_datagram/ (packets captured from the lab DCs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "src/proto/netbios/netbios_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const legacyscan::ByteView input(data, size);
  auto d = legacyscan::netbios::decode_datagram(input);
  if (!d || !d->direct) return 0;
  auto again = legacyscan::netbios::encode_direct_datagram(*d->direct);
  if (!again) return 0;  // e.g. a scope label holding a dot cannot be re-encoded as it was
  auto back = legacyscan::netbios::decode_datagram(*again);
  if (!back || !back->direct || back->direct->USER_DATA != d->direct->USER_DATA) std::abort();
  return 0;
}
