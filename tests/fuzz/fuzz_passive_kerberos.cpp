// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_kdc_req (AS-REQ/TGS-REQ) and decode_kdc_rep (AS-REP/TGS-REP) on the
// same input; seeds are the messages of the kinit captures.
#include <cstdint>
#include <cstdlib>

#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_kdc_req.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::kerberos;
  const legacyscan::ByteView in(data, size);
  if (auto q = decode_kdc_req(in)) {
    if (q->msg_type != KRB_AS_REQ && q->msg_type != KRB_TGS_REQ) std::abort();
    if (q->etypes.size() > 64 || q->padata_types.size() > 64) std::abort();
  }
  if (auto p = decode_kdc_rep(in)) {
    if (p->msg_type != KRB_AS_REP && p->msg_type != KRB_TGS_REP) std::abort();
  }
  return 0;
}
