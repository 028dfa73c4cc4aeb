// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_keytab (the MIT keytab file format read for --keytab) and the key lookup.
#include <cstddef>
#include <cstdint>

#include "src/proto/kerberos/kerberos_keytab.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::kerberos;
  auto entries = decode_keytab(ByteView(data, size));
  if (entries) {
    for (const auto& e : *entries) (void)e.principal();
    (void)find_keytab_key(*entries, "user", "EXAMPLE.TEST", 23);
  }
  return 0;
}
