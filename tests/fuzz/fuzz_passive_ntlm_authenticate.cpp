// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_ntlm_authenticate_message ([MS-NLMP] 2.2.1.3), as passive mode reads the
// AUTHENTICATE_MESSAGEs of a capture; only lengths and names are kept.
#include <cstdint>
#include <cstdlib>

#include "src/proto/ntlm/ntlm_messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::ntlm;
  auto a = decode_ntlm_authenticate_message(legacyscan::ByteView(data, size));
  if (a) {
    const std::string v = a->response_version();
    if (v.empty()) std::abort();
    if (a->NtChallengeResponseLen > size || a->LmChallengeResponseLen > size) std::abort();
  }
  return 0;
}
