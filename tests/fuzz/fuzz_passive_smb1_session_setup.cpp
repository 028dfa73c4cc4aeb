// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_smb1_legacy_session_setup (SESSION_SETUP_ANDX, WordCount 13).
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb1/smb1_legacy_session_setup.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::smb;
  auto s = decode_smb1_legacy_session_setup(legacyscan::ByteView(data, size));
  if (s) {
    if (s->version().empty()) std::abort();
    if (s->oem_password_length + s->unicode_password_length > size) std::abort();
  }
  return 0;
}
