// SPDX-License-Identifier: Apache-2.0
// NTLMSSP messages ([MS-NLMP] 2.2): the NEGOTIATE_MESSAGE a scanner sends (2.2.1.1) and the
// CHALLENGE_MESSAGE (2.2.1.2) a server answers, whose TargetInfo AV_PAIRs (2.2.2.1) and Version
// (2.2.2.10) reveal the server's names, domain, clock and OS build without any credentials.
// Pure codecs; used inside SPNEGO over SMB1/SMB2 here, and later over HTTP/LDAP.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::smb {

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
};
// No DomainName/Workstation payload; their offsets point at the (empty) payload.
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
  std::string AvTargetName;            // MsvAvTargetName
  std::optional<std::uint32_t> AvFlags;
  std::optional<std::uint64_t> Timestamp;  // FILETIME; see filetime_to_rfc3339()

  friend bool operator==(const NtlmChallengeMessage&, const NtlmChallengeMessage&) = default;
};
Decoded<NtlmChallengeMessage> decode_ntlm_challenge_message(ByteView message);
// Writes a CHALLENGE_MESSAGE from NegotiateFlags, ServerChallenge, Version, TargetName and the raw
// TargetInfo list (MsvAvEOL appended); for tests and fuzz round trips.
Decoded<Bytes> encode_ntlm_challenge_message(const NtlmChallengeMessage& message);

// The MessageType of an NTLMSSP message (1, 2, 3), or 0 when the signature is not "NTLMSSP\0".
std::uint32_t ntlm_message_type(ByteView message);

}  // namespace legacyscan::smb
