// SPDX-License-Identifier: Apache-2.0
// NTLMSSP messages ([MS-NLMP] 2.2), both directions: the NEGOTIATE_MESSAGE a client sends (2.2.1.1),
// the CHALLENGE_MESSAGE (2.2.1.2) a server answers, whose TargetInfo AV_PAIRs (2.2.2.1) and Version
// (2.2.2.10) reveal the server's names, domain, clock and OS build without any credentials, and the
// AUTHENTICATE_MESSAGE (2.2.1.3) that closes the logon. Used inside SPNEGO over SMB1/SMB2 (smb probe),
// raw over SASL GSS-SPNEGO (ldap probe), and read back from captures (passive mode). The NTLMv2
// responses and channel bindings are in ntlm_crypto.hpp. Pure codecs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::ntlm {

// [MS-NLMP] 2.2.2.5 NEGOTIATE flags.
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_UNICODE = 0x00000001;
inline constexpr std::uint32_t NTLM_NEGOTIATE_OEM = 0x00000002;
inline constexpr std::uint32_t NTLMSSP_REQUEST_TARGET = 0x00000004;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_SIGN = 0x00000010;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_SEAL = 0x00000020;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_DATAGRAM = 0x00000040;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_LM_KEY = 0x00000080;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_NTLM = 0x00000200;
inline constexpr std::uint32_t NTLMSSP_ANONYMOUS = 0x00000800;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED = 0x00001000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED = 0x00002000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_ALWAYS_SIGN = 0x00008000;
inline constexpr std::uint32_t NTLMSSP_TARGET_TYPE_DOMAIN = 0x00010000;
inline constexpr std::uint32_t NTLMSSP_TARGET_TYPE_SERVER = 0x00020000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_IDENTIFY = 0x00100000;
inline constexpr std::uint32_t NTLMSSP_REQUEST_NON_NT_SESSION_KEY = 0x00400000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_TARGET_INFO = 0x00800000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_VERSION = 0x02000000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_128 = 0x20000000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_KEY_EXCH = 0x40000000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_56 = 0x80000000;
// "NTLMSSP_NEGOTIATE_UNICODE", ... plus "0x..." for reserved bits.
std::vector<std::string> ntlm_negotiate_flag_names(std::uint32_t flags);

// What a modern Windows client asks for (no domain or workstation supplied): 0xE2888217.
inline constexpr std::uint32_t kNtlmClientNegotiateFlags =
    NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM | NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_SIGN |
    NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN | NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
    NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_KEY_EXCH |
    NTLMSSP_NEGOTIATE_56;
// What a client asks for when it wants neither signing nor sealing nor a session key exchange
// (ALWAYS_SIGN only asks for dummy signatures): 0xA0088205, as ldap3 and impacket send it.
inline constexpr std::uint32_t kNtlmUnsignedNegotiateFlags =
    NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
    NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_56;
static_assert(kNtlmUnsignedNegotiateFlags == 0xA0088205);

// [MS-NLMP] 2.2.2.10 VERSION.
struct NtlmVersion {
  std::uint8_t ProductMajorVersion = 0;
  std::uint8_t ProductMinorVersion = 0;
  std::uint16_t ProductBuild = 0;
  std::uint8_t NTLMRevisionCurrent = 0x0F;  // NTLMSSP_REVISION_W2K3
  // "6.1.7601"
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const NtlmVersion&, const NtlmVersion&) = default;
};

// [MS-NLMP] 2.2.2.1 AvId values.
inline constexpr std::uint16_t MsvAvEOL = 0x0000;
inline constexpr std::uint16_t MsvAvNbComputerName = 0x0001;
inline constexpr std::uint16_t MsvAvNbDomainName = 0x0002;
inline constexpr std::uint16_t MsvAvDnsComputerName = 0x0003;
inline constexpr std::uint16_t MsvAvDnsDomainName = 0x0004;
inline constexpr std::uint16_t MsvAvDnsTreeName = 0x0005;
inline constexpr std::uint16_t MsvAvFlags = 0x0006;
inline constexpr std::uint16_t MsvAvTimestamp = 0x0007;
inline constexpr std::uint16_t MsvAvSingleHost = 0x0008;
inline constexpr std::uint16_t MsvAvTargetName = 0x0009;
inline constexpr std::uint16_t MsvAvChannelBindings = 0x000A;
std::string ntlm_av_id_name(std::uint16_t id);  // "MsvAvNbComputerName", ... or "AvId 0x...."

inline constexpr std::size_t kMaxAvPairs = 64;

struct AvPair {
  std::uint16_t AvId = 0;
  Bytes Value;
  friend bool operator==(const AvPair&, const AvPair&) = default;
};

// ---- 2.2.1.1 NEGOTIATE_MESSAGE ----------------------------------------------------------------

struct NtlmNegotiateOptions {
  std::uint32_t NegotiateFlags = kNtlmClientNegotiateFlags;
  // Written when NegotiateFlags has NTLMSSP_NEGOTIATE_VERSION (zeros if unset).
  std::optional<NtlmVersion> Version = NtlmVersion{10, 0, 19041, 0x0F};
  // The empty DomainName/Workstation fields point at the (empty) payload, as smbclient and Windows
  // write them, or at offset 0, as ldap3 and impacket do.
  bool EmptyFieldsAtOffsetZero = false;
};
// No DomainName/Workstation payload.
Bytes encode_ntlm_negotiate_message(const NtlmNegotiateOptions& options = {});

struct NtlmNegotiateMessage {
  std::uint32_t NegotiateFlags = 0;
  std::string DomainName;   // OEM, when supplied
  std::string Workstation;  // OEM, when supplied
  std::optional<NtlmVersion> Version;
  friend bool operator==(const NtlmNegotiateMessage&, const NtlmNegotiateMessage&) = default;
};
Decoded<NtlmNegotiateMessage> decode_ntlm_negotiate_message(ByteView message);

// ---- 2.2.1.2 CHALLENGE_MESSAGE ----------------------------------------------------------------

struct NtlmChallengeMessage {
  std::uint16_t TargetNameLen = 0;
  std::uint32_t TargetNameBufferOffset = 0;
  std::uint32_t NegotiateFlags = 0;
  std::array<std::uint8_t, 8> ServerChallenge{};
  std::uint16_t TargetInfoLen = 0;
  std::uint32_t TargetInfoBufferOffset = 0;
  std::optional<NtlmVersion> Version;  // when NTLMSSP_NEGOTIATE_VERSION is set
  std::string TargetName;              // UTF-8 (decoded from Unicode or OEM per NegotiateFlags)
  std::vector<AvPair> TargetInfo;      // every AV_PAIR before MsvAvEOL, in wire order

  // The AV_PAIRs decoded (UTF-8 names; empty when absent).
  std::string NbComputerName;
  std::string NbDomainName;
  std::string DnsComputerName;
  std::string DnsDomainName;
  std::string DnsTreeName;
  std::string AvTargetName;  // MsvAvTargetName
  std::optional<std::uint32_t> AvFlags;
  std::optional<std::uint64_t> Timestamp;  // FILETIME; see filetime_to_rfc3339()

  friend bool operator==(const NtlmChallengeMessage&, const NtlmChallengeMessage&) = default;
};
Decoded<NtlmChallengeMessage> decode_ntlm_challenge_message(ByteView message);
// Writes a CHALLENGE_MESSAGE from NegotiateFlags, ServerChallenge, Version, TargetName and the raw
// TargetInfo list (MsvAvEOL appended); for tests and fuzz round trips.
Decoded<Bytes> encode_ntlm_challenge_message(const NtlmChallengeMessage& message);

// ---- 2.2.1.3 AUTHENTICATE_MESSAGE -------------------------------------------------------------

// What an AUTHENTICATE_MESSAGE carries. The names are written and read as UTF-16LE when NegotiateFlags
// has NTLMSSP_NEGOTIATE_UNICODE, else as OEM text.
struct NtlmAuthenticateFields {
  Bytes LmChallengeResponse;
  Bytes NtChallengeResponse;
  std::string DomainName;
  std::string UserName;
  std::string Workstation;
  Bytes EncryptedRandomSessionKey;
  std::uint32_t NegotiateFlags = 0;
};
// Without Version and MIC: the payload starts right after NegotiateFlags.
Bytes encode_ntlm_authenticate_message(const NtlmAuthenticateFields& fields);
// An anonymous logon (3.2.5.1.2): LmChallengeResponse Z(1), every other field empty.
Bytes encode_ntlm_authenticate_anonymous(std::uint32_t negotiate_flags = kNtlmUnsignedNegotiateFlags |
                                                                         NTLMSSP_ANONYMOUS);

// What a decoded AUTHENTICATE_MESSAGE keeps: never a challenge response, only its length, and the
// clear-text names (Version and MIC are not read).
struct NtlmAuthenticateMessage {
  std::uint16_t LmChallengeResponseLen = 0;
  std::uint16_t NtChallengeResponseLen = 0;
  std::uint32_t NegotiateFlags = 0;
  std::string DomainName;  // UTF-8 (decoded from Unicode or OEM per NegotiateFlags)
  std::string UserName;
  std::string Workstation;
  // "NTLMv2", "NTLMv1" (NTLMv1 with or without extended session security), "LM" (only an LM
  // response), "anonymous" (both empty, 3.2.5.1.2), else "unknown" - from the response lengths.
  [[nodiscard]] std::string response_version() const;
};
Decoded<NtlmAuthenticateMessage> decode_ntlm_authenticate_message(ByteView message);

// The MessageType of an NTLMSSP message (1, 2, 3), or 0 when the signature is not "NTLMSSP\0".
std::uint32_t ntlm_message_type(ByteView message);

}  // namespace legacyscan::ntlm
