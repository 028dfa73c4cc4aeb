// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: TDS PRELOGIN response and the TDS packets that carry the TLS handshake
// ([MS-TDS] 2.2.3.1, 2.2.6.5).
#include <cstdint>
#include <cstdlib>

#include "src/proto/tls/tls_starttls.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::tls;
  const ByteView in(data, size);
  auto p = decode_tds_prelogin(in);
  if (p && !p->need_more) check(p->encryption.has_value());
  auto d = decode_tds_packets(in);
  if (d) check(d.value->size() <= size);
  return 0;
}
