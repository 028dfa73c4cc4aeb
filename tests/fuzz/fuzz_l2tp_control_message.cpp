// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: an L2TP control message (RFC 2661 3.1, 4.1), as the vpn probe reads SCCRP/StopCCN.
#include <cstdint>
#include <cstdlib>

#include "src/proto/l2tp/l2tp_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  const ByteView in(data, size);
  auto m = l2tp::decode_control_message(in);
  if (m) {
    check(size >= 12);
    check(m->host_name.size() <= 4 * 255 && m->vendor.size() <= 4 * 255);
    (void)l2tp::message_type_name(m->message_type);
  }
  return 0;
}
