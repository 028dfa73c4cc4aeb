// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: NTLMSSP CHALLENGE_MESSAGE (AV_PAIRs, Version) and NEGOTIATE_MESSAGE, with the
// encode(decode(x)) fixed point for CHALLENGE.
#include <cstdint>
#include <cstdlib>

#include "src/proto/ntlm/ntlm_messages.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::ntlm;
  const ByteView in(data, size);
  (void)ntlm_message_type(in);
  if (auto c = decode_ntlm_challenge_message(in)) {
    check(c->TargetInfo.size() <= kMaxAvPairs);
    (void)ntlm_negotiate_flag_names(c->NegotiateFlags);
    if (c->Timestamp) (void)filetime_to_rfc3339(*c->Timestamp);
    auto bytes1 = encode_ntlm_challenge_message(*c);
    if (bytes1) {
      auto again = decode_ntlm_challenge_message(*bytes1);
      check(again.has_value());
      check(again->TargetInfo == c->TargetInfo && again->ServerChallenge == c->ServerChallenge &&
            again->Version == c->Version);
      auto bytes2 = encode_ntlm_challenge_message(*again);
      check(bytes2 && *bytes2 == *bytes1);
    }
  }
  if (auto n = decode_ntlm_negotiate_message(in)) {
    if (n->DomainName.empty() && n->Workstation.empty()) {
      NtlmNegotiateOptions o;
      o.NegotiateFlags = n->NegotiateFlags;
      o.Version = n->Version;
      auto again = decode_ntlm_negotiate_message(encode_ntlm_negotiate_message(o));
      check(again && again->NegotiateFlags == n->NegotiateFlags && again->Version == n->Version);
    }
  }
  return 0;
}
