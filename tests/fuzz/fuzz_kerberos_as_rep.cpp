// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_kdc_rep (RFC 4120 5.4.2, clear-text fields only), decode_as_rep_cipher and
// decode_kdc_rep_ticket.
#include <cstddef>
#include <cstdint>

#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::kerberos;
  const ByteView in(data, size);
  (void)decode_as_rep_cipher(in);
  (void)decode_kdc_rep_ticket(in);
  auto a = decode_kdc_rep(in);
  if (a)
    for (const auto& pa : a->padata)
      if (pa.padata_type == PA_ETYPE_INFO2) (void)decode_etype_info2(pa.padata_value);
  return 0;
}
