// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_ldap_request (bind, search with the LDAP ping filter, extended, unbind).
#include <cstdint>
#include <cstdlib>

#include "src/proto/ldap/ldap_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::ldap;
  auto q = decode_ldap_request(legacyscan::ByteView(data, size));
  if (q) {
    if (q->simple && !q->sasl_mechanism.empty()) std::abort();
    if (q->attributes.size() > 64) std::abort();
  }
  return 0;
}
