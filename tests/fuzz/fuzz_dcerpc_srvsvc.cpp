// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the srvsvc client side (BIND_ACK, RESPONSE/FAULT PDUs, the NetrShareEnum stub).
// The input is read as a PDU, and its stub (or the input itself) as a NetrShareEnum answer.
#include <cstdint>
#include <cstdlib>

#include "src/proto/dcerpc/dcerpc_srvsvc.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::dcerpc;
  const ByteView in(data, size);
  (void)decode_dcerpc_bind_ack(in);
  auto r = decode_dcerpc_response(in);
  if (r && !r->stub.empty() && (r->stub.data() < data || r->stub.data() + r->stub.size() > data + size)) std::abort();
  auto e = decode_share_enum_response(r && !r->stub.empty() ? r->stub : in);
  if (e) {
    // Every entry takes at least 4 bytes of the stub: a count cannot outgrow the input.
    if (e->shares.size() > size / 4) std::abort();
    for (const auto& s : e->shares)
      if (s.type) (void)share_type_name(*s.type);
  }
  bool bad = false;
  if (utf16le_escaped(in, bad).size() > 6 * size) std::abort();
  return 0;
}
