// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_client_hello (selector byte 0: a handshake body) and
// decode_ssl2_client_hello (selector byte 1: an SSLv2-compatible record).
#include <cstdint>
#include <cstdlib>

#include "src/proto/tls/tls_client_hello.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::tls;
  if (size < 1) return 0;
  const legacyscan::ByteView in(data + 1, size - 1);
  auto h = (data[0] & 1) ? decode_ssl2_client_hello(in) : decode_client_hello(in);
  if (h) {
    if (h->offered_versions().empty()) std::abort();
    if (h->extensions.size() > 128) std::abort();
  }
  return 0;
}
