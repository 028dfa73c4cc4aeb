// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_gss_krb5_ap_req and decode_ap_req (RFC 4121 4.1, RFC 4120 5.5.1), as
// passive mode reads the Kerberos tokens of SMB SESSION_SETUP, LDAP SASL and DCE-RPC binds.
#include <cstdint>
#include <cstdlib>

#include "src/proto/kerberos/kerberos_kdc_req.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::kerberos;
  const legacyscan::ByteView in(data, size);
  auto gss = decode_gss_krb5_ap_req(in);
  auto bare = decode_ap_req(in);
  for (const auto* a : {&gss, &bare})
    if (*a && ((*a)->sname.size() > size || (*a)->realm.size() > size)) std::abort();
  return 0;
}
