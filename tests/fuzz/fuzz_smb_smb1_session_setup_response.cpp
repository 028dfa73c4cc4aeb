// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SMB_COM_SESSION_SETUP_ANDX response (extended security, plain, error forms).
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb1/smb1_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  auto r = decode_smb1_session_setup_response(ByteView(data, size));
  if (r) {
    (void)smb1_status_string(r->header);
    if (r->SecurityBlob.size() > size) std::abort();
  }
  return 0;
}
