// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SSL 2.0 SERVER-HELLO / ERROR record (draft-hickman-netscape-ssl-00 B.2).
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
  auto r = read_ssl2_server_hello(in);
  if (r && !r->need_more) {
    check(r->consumed <= size);
    check(r->hello.has_value() != r->error_code.has_value());
    if (r->hello) {
      check(r->hello->connection_id.size() >= 16 && r->hello->connection_id.size() <= 32);
      for (auto k : r->hello->cipher_specs) check(k <= 0xFFFFFF && !ssl2_cipher_name(k).empty());
    }
  }
  return 0;
}
