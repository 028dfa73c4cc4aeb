// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SMB2 CREATE, IOCTL and READ answers on a named pipe.
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb2/smb2_pipe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  const ByteView in(data, size);
  auto c = decode_smb2_create_response(in);
  if (c && c->response.has_value() == c->error.has_value()) std::abort();
  for (auto d : {decode_smb2_ioctl_response(in), decode_smb2_read_response(in)}) {
    if (d && d->response.has_value() == d->error.has_value()) std::abort();
    if (d && d->response && d->response->Data.size() > size) std::abort();
  }
  (void)smb2_is_interim(in);
  return 0;
}
