// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: ServerHello / HelloRetryRequest body (RFC 5246 7.4.1.3, RFC 8446 4.1.3).
#include <cstdint>
#include <cstdlib>

#include "src/proto/tls/tls_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::tls;
  const ByteView in(data, size);
  auto sh = decode_server_hello(in);
  if (sh) {
    check(sh->session_id.size() <= 32);
    if (sh->selected_version) check(*sh->selected_version >= TLS1_3_VERSION);
    check(sh->hello_retry_request == is_hello_retry_random(sh->random));
  } else {
    check(!sh.error.empty());
  }
  return 0;
}
