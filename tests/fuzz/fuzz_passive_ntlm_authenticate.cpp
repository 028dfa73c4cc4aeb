// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_ntlm_authenticate ([MS-NLMP] 2.2.1.3); only lengths and names are kept.
#include <cstdint>
#include <cstdlib>

#include "src/passive/codecs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::passive;
  auto a = decode_ntlm_authenticate(legacyscan::ByteView(data, size));
  if (a) {
    const std::string v = a->version();
    if (v.empty()) std::abort();
    if (a->nt_response_length > size || a->lm_response_length > size) std::abort();
  }
  return 0;
}
