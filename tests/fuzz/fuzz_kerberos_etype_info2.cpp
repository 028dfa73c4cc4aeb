// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_etype_info2 (RFC 4120 5.2.7.5).
#include <cstddef>
#include <cstdint>

#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::kerberos;
  const ByteView in(data, size);
  (void)decode_etype_info2(in);
  return 0;
}
