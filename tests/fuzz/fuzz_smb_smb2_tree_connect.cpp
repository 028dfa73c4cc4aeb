// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SMB2 TREE_CONNECT response (and ERROR response) and request.
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb2/smb2_tree.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  const ByteView in(data, size);
  auto r = decode_smb2_tree_connect_response(in);
  if (r) {
    if (r->response.has_value() == r->error.has_value()) std::abort();
    if (r->response) {
      (void)smb2_share_type_name(r->response->ShareType);
      if (smb2_share_flag_names(r->response->ShareFlags).empty()) std::abort();  // the caching policy is always named
      (void)smb2_access_summary(r->response->MaximalAccess);
      auto again = encode_smb2_tree_connect_response(r->header, *r->response);
      if (!again) std::abort();
      auto back = decode_smb2_tree_connect_response(*again.value);
      if (!back || back->response != r->response) std::abort();
    }
  }
  auto q = decode_smb2_tree_connect_request(in);
  if (q && q->Path.size() > 3 * size) std::abort();
  return 0;
}
