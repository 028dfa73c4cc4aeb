// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SMB1 TREE_CONNECT_ANDX response.
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb1/smb1_tree.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  auto r = decode_smb1_tree_connect_response(ByteView(data, size));
  if (r) {
    if (r->is_error() && r->header.Status == 0) std::abort();  // an error always says why
    if (r->MaximalShareAccessRights.has_value() != (r->WordCount == 7)) std::abort();
    if (r->Service.size() > 4 * size || r->NativeFileSystem.size() > 4 * size) std::abort();
  }
  return 0;
}
