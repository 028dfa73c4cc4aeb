// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Alert fragment (RFC 5246 7.2).
#include <cstdint>
#include <cstdlib>

#include "src/proto/tls/tls_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::tls;
  const ByteView in(data, size);
  auto a = decode_alert(in);
  if (a) check(size == 2 && (a->level == 1 || a->level == 2) && !alert_name(a->description).empty());
  return 0;
}
