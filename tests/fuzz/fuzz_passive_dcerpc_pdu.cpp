// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_dcerpc_pdu and dcerpc_frag_length (C706 12.6.3, [MS-RPCE] 2.2.2.11), as
// passive mode reads the bind, alter_context and rpc_auth_3 PDUs of a capture.
#include <cstdint>
#include <cstdlib>

#include "src/proto/dcerpc/dcerpc_pdu.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::dcerpc;
  const legacyscan::ByteView in(data, size);
  const std::size_t frag = dcerpc_frag_length(in);
  auto p = decode_dcerpc_pdu(in);
  if (p) {
    if (p->frag_length > size || p->frag_length < kHeaderSize) std::abort();
    if (frag != p->frag_length) std::abort();
    if (p->auth_length != 0 && p->auth_value.size() != p->auth_length) std::abort();
    if (p->auth_value.size() &&
        (p->auth_value.data() < data || p->auth_value.data() + p->auth_value.size() > data + size))
      std::abort();
  }
  return 0;
}
