// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: MCS Connect Response with the GCC Conference Create Response and the server data
// blocks ([MS-RDPBCGR] 2.2.1.4), as the rdp probe reads it (one TPKT PDU).
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
  auto r = rdp::decode_mcs_connect_response(in);
  if (r) {
    check(rdp::tpkt_length(in) <= size);
    check(r->server_random_length <= size);
    (void)rdp::encryption_level_name(r->encryption_level);
    check(rdp::encryption_method_names(r->encryption_method).size() <= 4);
  }
  return 0;
}
