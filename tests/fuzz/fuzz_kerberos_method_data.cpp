// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_method_data (RFC 4120 5.2.7), and every PA-ETYPE-INFO2 inside.
#include <cstddef>
#include <cstdint>

#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::kerberos;
  const ByteView in(data, size);
  auto md = decode_method_data(in);
  if (md)
    for (const auto& pa : *md)
      if (pa.padata_type == PA_ETYPE_INFO2) (void)decode_etype_info2(pa.padata_value);
  return 0;
}
