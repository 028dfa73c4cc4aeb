// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_kdc_req (AS-REQ/TGS-REQ) and decode_kdc_rep (AS-REP/TGS-REP) on the
// same input; seeds are the messages of the kinit captures.
#include <cstdint>
#include <cstdlib>

#include "src/passive/codecs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::passive;
  const legacyscan::ByteView in(data, size);
  if (auto q = decode_kdc_req(in)) {
    if (q->msg_type != kKrbAsReq && q->msg_type != kKrbTgsReq) std::abort();
    if (q->etypes.size() > 64 || q->padata_types.size() > 64) std::abort();
  }
  if (auto p = decode_kdc_rep(in)) {
    if (p->msg_type != kKrbAsRep && p->msg_type != kKrbTgsRep) std::abort();
  }
  return 0;
}
