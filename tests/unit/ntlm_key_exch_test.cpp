// SPDX-License-Identifier: Apache-2.0
// NTLMSSP_NEGOTIATE_KEY_EXCH in the NTLMv2 AUTHENTICATE ([MS-NLMP] 3.1.5.1.2) against the spec's own
// example (4.2.4: User "User", UserDom "Domain", Password "Password", server challenge
// 0123456789abcdef, client challenge aa * 8, time 0, AV pairs NbDomainName "Domain" and NbComputerName
// "Server", RandomSessionKey 55 * 16): SessionBaseKey 8de40ccadbc14a82f15cb0ad0de95ca3 (4.2.4.1.2),
// EncryptedSessionKey c5dad2544fc9799094ce1ce90bc9d03e (4.2.4.2.3).
#include <gtest/gtest.h>

#include "src/proto/ntlm/ntlm_crypto.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"
#include "src/proto/ntlm/ntlm_session_key.hpp"

namespace legacyscan::ntlm {
namespace {

NtlmChallengeMessage spec_challenge() {
  NtlmChallengeMessage c;
  c.ServerChallenge = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  c.TargetInfo = {{MsvAvNbDomainName, utf8_to_utf16le("Domain")}, {MsvAvNbComputerName, utf8_to_utf16le("Server")}};
  return c;
}

NtlmV2Logon spec_logon(std::uint32_t flags) {
  NtlmV2Logon logon;
  logon.user = "User";
  logon.domain = "Domain";
  logon.password = "Password";
  logon.client_challenge.fill(0xaa);
  logon.timestamp = 0;
  logon.NegotiateFlags = flags;
  std::array<std::uint8_t, 16> random{};
  random.fill(0x55);
  logon.exported_session_key = random;
  return logon;
}

// The EncryptedRandomSessionKey field (2.2.1.3: Len, MaxLen, BufferOffset at byte 52) of a message.
Bytes encrypted_key_field(const Bytes& auth) {
  Reader r(auth);
  std::uint16_t len = 0, max_len = 0;
  std::uint32_t offset = 0;
  if (!r.skip(52) || !r.u16le(len) || !r.u16le(max_len) || !r.u32le(offset) || offset + len > auth.size()) return {};
  return Bytes(auth.begin() + offset, auth.begin() + offset + len);
}

TEST(NtlmKeyExch, MatchesTheSpecExample) {
  const NtlmV2Logon logon = spec_logon(kNtlmClientNegotiateFlags);
  const Bytes auth = encode_ntlm_authenticate_v2(spec_challenge(), logon);
  EXPECT_EQ(to_hex(ntlm_v2_session_base_key(logon, auth)), "8de40ccadbc14a82f15cb0ad0de95ca3");
  EXPECT_EQ(to_hex(encrypted_key_field(auth)), "c5dad2544fc9799094ce1ce90bc9d03e");
  EXPECT_EQ(to_hex(ntlm_v2_exported_session_key(logon, auth)), std::string(32, '5'));
  // The server's side: RC4 with the KeyExchangeKey gives the random key back.
  EXPECT_EQ(ntlm_encrypted_random_session_key(ntlm_v2_session_base_key(logon, auth), encrypted_key_field(auth)),
            Bytes(16, 0x55));
  auto back = decode_ntlm_authenticate_message(auth);
  ASSERT_TRUE(back) << back.error;
  EXPECT_NE(back->NegotiateFlags & NTLMSSP_NEGOTIATE_KEY_EXCH, 0u);
}

TEST(NtlmKeyExch, WithoutTheFlagTheSessionBaseKeyIsExported) {
  const NtlmV2Logon logon = spec_logon(kNtlmUnsignedNegotiateFlags);
  const Bytes auth = encode_ntlm_authenticate_v2(spec_challenge(), logon);
  EXPECT_TRUE(encrypted_key_field(auth).empty());
  EXPECT_EQ(to_hex(ntlm_v2_exported_session_key(logon, auth)), "8de40ccadbc14a82f15cb0ad0de95ca3");
}

}  // namespace
}  // namespace legacyscan::ntlm
