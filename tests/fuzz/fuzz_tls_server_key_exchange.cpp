// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: ServerKeyExchange parameters (RFC 5246 7.4.3, RFC 8422 5.4) for ECDHE, DHE and export RSA.
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
  for (auto kind : {KexKind::ecdhe, KexKind::dhe, KexKind::rsa_export}) {
    auto k = decode_server_key_exchange(in, kind);
    if (k) check(k->bits >= 0 && k->bits <= static_cast<int>(size) * 8 + 8192);
  }
  return 0;
}
