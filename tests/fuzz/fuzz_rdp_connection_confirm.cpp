// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: X.224 Connection Confirm with RDP_NEG_RSP / RDP_NEG_FAILURE ([MS-RDPBCGR] 2.2.1.2),
// as the rdp probe reads it (one TPKT PDU).
#include <cstdint>
#include <cstdlib>

#include "src/proto/rdp/rdp_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  const ByteView in(data, size);
  const std::size_t len = rdp::tpkt_length(in);
  auto r = rdp::decode_connection_confirm(in);
  if (r) {
    check(len >= 11 && len <= size);
    (void)rdp::protocols_name(r->selected_protocol);
    (void)rdp::failure_name(r->failure_code);
  }
  return 0;
}
