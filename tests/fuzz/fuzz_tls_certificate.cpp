// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: Certificate message (RFC 5246 7.4.2) and the OpenSSL reading of the DER it carries.
#include <cstdint>
#include <cstdlib>

#include <ctime>

#include "src/proto/tls/tls_certificate.hpp"
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
  auto c = decode_certificate(in);
  if (c) {
    check(c->size() <= 32);
    auto info = certificate_info(*c, 0);
    if (info) check(info->chain.size() == c->size());
  }
  std::vector<Bytes> raw{Bytes(in.begin(), in.end())};
  (void)certificate_info(raw, 0);
  (void)public_key_bits(in);
  return 0;
}
