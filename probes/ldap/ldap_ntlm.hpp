// SPDX-License-Identifier: Apache-2.0
// The two NTLMSSP messages of the LDAP signing check ([MS-NLMP] 2.2.1.1 NEGOTIATE_MESSAGE and 2.2.1.3
// AUTHENTICATE_MESSAGE for an anonymous logon, 3.2.5.1.2): no credential, no key, no signing or sealing
// flag, so a DC that requires LDAP signing answers strongerAuthRequired (8) and one that does not lets
// the anonymous bind through (0). Kept inside the LDAP probe so `-DLEGACYSCAN_PROBES=ldap` builds alone;
// a shared NTLMSSP codec (probes/smb/ntlmssp) could absorb it.
#pragma once

#include <cstdint>

#include "legacyscan/bytes.hpp"

namespace legacyscan::ldap {

// NegotiateFlags without NTLMSSP_NEGOTIATE_SIGN/SEAL/KEY_EXCH: UNICODE | REQUEST_TARGET | NTLM |
// ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | 128 | 56 (ALWAYS_SIGN only asks for dummy signatures).
inline constexpr std::uint32_t kUnsignedNegotiateFlags = 0xA0088205;
inline constexpr std::uint32_t kNtlmsspAnonymous = 0x00000800;

// NEGOTIATE_MESSAGE without domain, workstation or version.
Bytes encode_ntlm_negotiate_unsigned();
// AUTHENTICATE_MESSAGE of an anonymous logon: LmChallengeResponse Z(1), every other field empty,
// NegotiateFlags = kUnsignedNegotiateFlags | NTLMSSP_ANONYMOUS.
Bytes encode_ntlm_authenticate_anonymous();

}  // namespace legacyscan::ldap
