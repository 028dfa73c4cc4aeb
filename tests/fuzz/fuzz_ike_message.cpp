// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: an IKEv1/IKEv2 response (RFC 2408 3, RFC 7296 3), with and without the NAT-T non-ESP
// marker (RFC 3948 2.2), and the names of everything it decoded.
#include <cstdint>
#include <cstdlib>

#include "src/proto/ike/ike_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  const ByteView in(data, size);
  for (bool marker : {false, true}) {
    auto m = ike::decode_message(in, marker);
    if (!m) continue;
    // Whatever a responder sends, what is kept stays bounded.
    check(m->payloads.size() <= 64 && m->notifies.size() <= 64 && m->vendor_ids.size() <= 64);
    check(m->v1_transforms.size() <= 64 && m->v2_transforms.size() <= 64);
    for (const auto& t : m->v1_transforms)
      check(!ike::v1_enc_name(t.enc, t.key_length).empty() && !ike::group_name(t.group).empty());
    for (const auto& t : m->v2_transforms) check(!ike::v2_transform_name(t).empty());
    for (const auto& n : m->notifies) check(n.data.size() <= 64 && !ike::notify_name(m->major_version, n.type).empty());
    for (const auto& v : m->vendor_ids) (void)ike::vendor_id_name(v);
  }
  return 0;
}
