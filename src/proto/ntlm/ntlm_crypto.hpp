// SPDX-License-Identifier: Apache-2.0
// The two NTLMSSP messages of the LDAP signing check ([MS-NLMP] 2.2.1.1 NEGOTIATE_MESSAGE and 2.2.1.3
// AUTHENTICATE_MESSAGE for an anonymous logon, 3.2.5.1.2): no credential, no key, no signing or sealing
// flag, so a DC that requires LDAP signing answers strongerAuthRequired (8) and one that does not lets
// the anonymous bind through (0). Kept inside the LDAP probe so `-DLEGACYSCAN_PROBES=ldap` builds alone;
// a shared NTLMSSP codec (probes/smb/ntlmssp) could absorb it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "legacyscan/bytes.hpp"

namespace legacyscan::ldap {

// NegotiateFlags without NTLMSSP_NEGOTIATE_SIGN/SEAL/KEY_EXCH: UNICODE | REQUEST_TARGET | NTLM |
// ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | 128 | 56 (ALWAYS_SIGN only asks for dummy signatures).
inline constexpr std::uint32_t kUnsignedNegotiateFlags = 0xA0088205;
inline constexpr std::uint32_t kNtlmsspAnonymous = 0x00000800;

inline constexpr std::uint32_t kNtlmsspNegotiateSign = 0x00000010;

// NEGOTIATE_MESSAGE without domain, workstation or version.
Bytes encode_ntlm_negotiate_unsigned();
// The same with other NegotiateFlags (kUnsignedNegotiateFlags | kNtlmsspNegotiateSign for a DC that
// wants signing negotiated even over TLS, as Samba with `ldap server require strong auth = yes`).
Bytes encode_ntlm_negotiate(std::uint32_t flags);
// AUTHENTICATE_MESSAGE of an anonymous logon: LmChallengeResponse Z(1), every other field empty,
// NegotiateFlags = kUnsignedNegotiateFlags | NTLMSSP_ANONYMOUS.
Bytes encode_ntlm_authenticate_anonymous();

}  // namespace legacyscan::ldap

namespace legacyscan::ldap {

// What the channel-binding check needs from a CHALLENGE_MESSAGE ([MS-NLMP] 2.2.1.2).
struct NtlmChallenge {
  std::uint32_t NegotiateFlags = 0;
  std::array<std::uint8_t, 8> ServerChallenge{};
  Bytes TargetInfo;                  // the raw AV_PAIR list (2.2.2.1)
  std::string NbDomainName;          // MsvAvNbDomainName
  std::optional<std::uint64_t> Timestamp;  // MsvAvTimestamp (FILETIME)
};
Decoded<NtlmChallenge> decode_ntlm_challenge(ByteView message);

// An NTLMv2 logon ([MS-NLMP] 3.1.5.1.2, 3.3.2) without signing or sealing, for a bind over TLS.
struct NtlmV2Logon {
  std::string user;    // as written into UserName
  std::string domain;  // as written into DomainName (and into NTOWFv2)
  std::string password;
  std::array<std::uint8_t, 8> client_challenge{};
  std::uint64_t timestamp = 0;  // FILETIME; the server's MsvAvTimestamp when it sent one
  // MsvAvChannelBindings (2.2.2.1, AvId 0x000A): absent when nullopt.
  std::optional<std::array<std::uint8_t, 16>> channel_bindings;
  std::uint32_t NegotiateFlags = kUnsignedNegotiateFlags;
};
Bytes encode_ntlm_authenticate_v2(const NtlmChallenge& challenge, const NtlmV2Logon& logon);

// The MsvAvChannelBindings value of a TLS channel: MD5 of the flattened gss_channel_bindings_struct
// (RFC 4121 4.1.1.2: four zero address fields, then the application data) whose application data is
// "tls-server-end-point:" followed by the hash of the server's certificate (RFC 5929 4.1).
std::array<std::uint8_t, 16> tls_server_end_point_bindings(ByteView certificate_hash);

// RFC 5929 4.1: the certificate's signature hash, SHA-256 when that is MD5 or SHA-1. Empty when the
// DER does not parse.
Bytes certificate_end_point_hash(ByteView certificate_der);

}  // namespace legacyscan::ldap
