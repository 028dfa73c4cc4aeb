// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SMB2 SESSION_SETUP response and the generic ERROR response.
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb2/smb2_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  const ByteView in(data, size);
  auto r = decode_smb2_session_setup_response(in);
  if (r) {
    if (r->response.has_value() == r->error.has_value()) std::abort();
    (void)r->status_string();
    if (r->response) (void)smb2_session_flag_names(r->response->SessionFlags);
  }
  auto e = decode_smb2_error_response(in);
  if (e && (!e->error || e->error->ErrorData.size() != e->error->ByteCount)) std::abort();
  return 0;
}
