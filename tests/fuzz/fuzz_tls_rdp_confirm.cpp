// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: RDP X.224 Connection Confirm with RDP_NEG_RSP / RDP_NEG_FAILURE ([MS-RDPBCGR] 2.2.1.2).
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
  auto r = decode_rdp_x224_confirm(in);
  if (r && r->ssl_selected) check(!r->need_more);
  return 0;
}
