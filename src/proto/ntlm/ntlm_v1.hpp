// SPDX-License-Identifier: Apache-2.0
// The NTLMv1 and LM logons of a client ([MS-NLMP] 3.3.1): NTLMv1 with and without extended session
// security, and the LM response alone. The scan sends them to learn whether a server still accepts
// them (Windows 11 24H2 and Server 2025 removed NTLMv1; LmCompatibilityLevel 5 refuses both).
// DES comes from src/proto/crypto/des.hpp. Pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "legacyscan/bytes.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"

namespace legacyscan::ntlm {

enum class NtlmV1Kind {
  v1,      // NtChallengeResponse DESL(NTOWFv1, ServerChallenge); LmChallengeResponse a copy of it
  v1_ess,  // NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY: the client challenge mixed in
  lm,      // LmChallengeResponse DESL(LMOWFv1, ServerChallenge) only, NtChallengeResponse empty
};

// What a client asks for in the NEGOTIATE of such a logon: NTLM, no NTLMv2-era flags, extended
// session security only for v1_ess.
std::uint32_t ntlm_v1_negotiate_flags(NtlmV1Kind kind);

Bytes ntowf_v1(std::string_view password);  // MD4(UNICODE(Password))
// DES(UpperCase(Password)[0..6], "KGS!@#$%") || DES(...[7..13], ...); empty when the password is
// longer than 14 characters (no LM hash exists: Windows stores none either).
Bytes lmowf_v1(std::string_view password);
// DESL(K, D) ([MS-NLMP] 6): 24 bytes from a 16-byte key and an 8-byte datum.
Bytes desl(ByteView key16, ByteView data8);

struct NtlmV1Responses {
  Bytes LmChallengeResponse;
  Bytes NtChallengeResponse;
};
// Empty responses when kind is lm and the password has no LM hash.
NtlmV1Responses ntlm_v1_responses(NtlmV1Kind kind, std::string_view password,
                                  const std::array<std::uint8_t, 8>& server_challenge,
                                  const std::array<std::uint8_t, 8>& client_challenge);

struct NtlmV1Logon {
  std::string user;
  std::string domain;
  std::string password;
  std::array<std::uint8_t, 8> client_challenge{};
};
// The AUTHENTICATE_MESSAGE answering `challenge`; empty when kind is lm and the password has no LM hash.
Bytes encode_ntlm_authenticate_v1(const NtlmChallengeMessage& challenge, const NtlmV1Logon& logon, NtlmV1Kind kind);

}  // namespace legacyscan::ntlm
