// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: LDAP StartTLS ExtendedResponse (RFC 4511 4.12, 4.14.2).
#include <cstdint>
#include <cstdlib>

#include "src/proto/tls/tls_starttls.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::tls;
  const ByteView in(data, size);
  auto r = decode_ldap_extended_response(in);
  if (r) check(r->need_more != r->response.has_value());
  return 0;
}
