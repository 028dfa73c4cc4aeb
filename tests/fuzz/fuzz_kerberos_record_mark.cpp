// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_record_mark (RFC 4120 7.2.2) and the message behind it.
#include <cstddef>
#include <cstdint>

#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::kerberos;
  const ByteView in(data, size);
  auto n = decode_record_mark(in);
  // A TCP reply: the record mark, then the message it announces (RFC 4120 7.2.2).
  if (n && size >= 4 + static_cast<std::size_t>(*n)) (void)decode_kdc_reply(in.subspan(4, *n));
  return 0;
}
