// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SMB1 header and SMB_COM_NEGOTIATE response (every form), the SMB1-or-SMB2 reply
// sniff, and the parse -> encode -> parse round trip.
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb1/smb1_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  const ByteView in(data, size);
  (void)decode_smb1_header(in);
  (void)decode_reply_to_smb1_negotiate(in);
  auto first = decode_smb1_negotiate_response(in);
  if (!first) return 0;
  (void)smb1_chosen_dialect(*first, kWindows7Dialects);
  if (first->nt_lm) (void)smb1_capability_names(first->nt_lm->Capabilities);
  auto bytes1 = encode_smb1_negotiate_response(*first);
  if (!bytes1) return 0;  // e.g. strings that only fit without their terminators
  auto second = decode_smb1_negotiate_response(*bytes1);
  check(second.has_value());
  check(second->form == first->form && second->DialectIndex == first->DialectIndex);
  auto bytes2 = encode_smb1_negotiate_response(*second);
  check(bytes2 && *bytes2 == *bytes1);
  return 0;
}
