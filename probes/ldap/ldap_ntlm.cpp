// SPDX-License-Identifier: Apache-2.0
#include "probes/ldap/ldap_ntlm.hpp"

#include <array>

namespace legacyscan::ldap {

namespace {
constexpr std::string_view kSignature{"NTLMSSP\0", 8};
}  // namespace

Bytes encode_ntlm_negotiate_unsigned() {
  // [MS-NLMP] 2.2.1.1: Signature, MessageType 1, NegotiateFlags, DomainNameFields, WorkstationFields.
  Writer w;
  w.bytes(kSignature);
  w.u32le(1);
  w.u32le(kUnsignedNegotiateFlags);
  for (int i = 0; i < 2; ++i) {  // empty DomainNameFields, WorkstationFields (offset 0 as Windows sends)
    w.u16le(0);
    w.u16le(0);
    w.u32le(0);
  }
  return w.take();
}

Bytes encode_ntlm_authenticate_anonymous() {
  // [MS-NLMP] 2.2.1.3: six (Len, MaxLen, BufferOffset) fields, NegotiateFlags, then the payload. The
  // offsets are patched from the writer's own positions.
  const Bytes lm{0x00};  // 3.2.5.1.2: anonymous = LmChallengeResponse Z(1), NtChallengeResponse empty
  const std::array<ByteView, 6> payload{ByteView(lm), ByteView(), ByteView(), ByteView(), ByteView(), ByteView()};
  Writer w;
  w.bytes(kSignature);
  w.u32le(3);
  std::array<Writer::Slot, 6> offsets{};
  for (std::size_t i = 0; i < payload.size(); ++i) {
    w.u16le(static_cast<std::uint16_t>(payload[i].size()));
    w.u16le(static_cast<std::uint16_t>(payload[i].size()));
    offsets[i] = w.reserve_u32le();
  }
  w.u32le(kUnsignedNegotiateFlags | kNtlmsspAnonymous);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    w.patch(offsets[i], w.size());
    w.bytes(payload[i]);
  }
  return w.take();
}

}  // namespace legacyscan::ldap
