// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_krb_error (RFC 4120 5.9.1), then its e-data as METHOD-DATA.
#include <cstddef>
#include <cstdint>

#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::kerberos;
  const ByteView in(data, size);
  auto e = decode_krb_error(in);
  if (e && e->e_data) (void)decode_method_data(*e->e_data);
  return 0;
}
