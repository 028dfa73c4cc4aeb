// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: PPTP Start-Control-Connection-Reply (RFC 2637 2.2).
#include <cstdint>
#include <cstdlib>

#include "src/proto/pptp/pptp_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  const ByteView in(data, size);
  (void)pptp::message_length(in);
  auto r = pptp::decode_sccrp(in);
  if (r) {
    check(size >= pptp::kControlMessageSize);
    check(r->host_name.size() <= 4 * 64 && r->vendor.size() <= 4 * 64);
    (void)pptp::result_code_name(r->result_code);
    (void)pptp::framing_names(r->framing_capabilities);
  }
  return 0;
}
