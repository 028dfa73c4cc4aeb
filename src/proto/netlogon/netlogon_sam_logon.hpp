// SPDX-License-Identifier: Apache-2.0
// The SAM LOGON responses of [MS-ADTS] 6.3.1 that both the LDAP ping (the `Netlogon` attribute of a
// CLDAP search, 6.3.3) and the mailslot ping (\MAILSLOT\NET\NETLOGON, 6.3.5; netlogon_mailslot.hpp)
// carry: the opcodes, the NETLOGON_NT_VERSION and DS_FLAG bits by name, and one decoder for
// NETLOGON_SAM_LOGON_RESPONSE_NT40 (6.3.1.7), NETLOGON_SAM_LOGON_RESPONSE (6.3.1.8) and
// NETLOGON_SAM_LOGON_RESPONSE_EX (6.3.1.9) into one canonical form. Pure codecs on the shared
// bounds-checked reader.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::netlogon {

// [MS-ADTS] 6.3.1.3 operation codes.
enum NetlogonOpcode : std::uint16_t {
  LOGON_PRIMARY_QUERY = 0x07,
  LOGON_PRIMARY_RESPONSE = 0x0C,
  LOGON_SAM_LOGON_REQUEST = 0x12,
  LOGON_SAM_LOGON_RESPONSE = 0x13,
  LOGON_SAM_PAUSE_RESPONSE = 0x14,
  LOGON_SAM_USER_UNKNOWN = 0x15,
  LOGON_SAM_LOGON_RESPONSE_EX = 0x17,
  LOGON_SAM_PAUSE_RESPONSE_EX = 0x18,
  LOGON_SAM_USER_UNKNOWN_EX = 0x19,
};

// NETLOGON_NT_VERSION bits ([MS-ADTS] 6.3.1.1).
inline constexpr std::uint32_t NETLOGON_NT_VERSION_1 = 0x00000001;
inline constexpr std::uint32_t NETLOGON_NT_VERSION_5 = 0x00000002;
inline constexpr std::uint32_t NETLOGON_NT_VERSION_5EX = 0x00000004;
inline constexpr std::uint32_t NETLOGON_NT_VERSION_5EX_WITH_IP = 0x00000008;
inline constexpr std::uint32_t NETLOGON_NT_VERSION_WITH_CLOSEST_SITE = 0x00000010;
inline constexpr std::uint32_t NETLOGON_NT_VERSION_AVOID_NT4EMUL = 0x01000000;
inline constexpr std::uint32_t NETLOGON_NT_VERSION_PDC = 0x10000000;
inline constexpr std::uint32_t NETLOGON_NT_VERSION_IP = 0x20000000;
inline constexpr std::uint32_t NETLOGON_NT_VERSION_LOCAL = 0x40000000;
inline constexpr std::uint32_t NETLOGON_NT_VERSION_GC = 0x80000000;
std::vector<std::string> nt_version_names(std::uint32_t ntver);  // "V1", "V5EX", "V5EP", "VCS", ...

// ---- [MS-ADTS] 6.3.1 NETLOGON responses -------------------------------------------------------

// Opcodes ([MS-ADTS] 6.3.1.4 ff.): LOGON_SAM_LOGON_RESPONSE (19), LOGON_SAM_PAUSE_RESPONSE (20),
// LOGON_SAM_USER_UNKNOWN (21), LOGON_SAM_LOGON_RESPONSE_EX (23), LOGON_SAM_PAUSE_RESPONSE_EX (24),
// LOGON_SAM_USER_UNKNOWN_EX (25).
std::string netlogon_opcode_name(std::uint16_t opcode);

// DS_FLAG bits ([MS-ADTS] 6.3.1.2) by name without the DS_ prefix and _FLAG suffix ("PDC", "GC",
// "DS_8", "KEY_LIST"); unknown bits as "0x00100000".
std::vector<std::string> ds_flag_names(std::uint32_t flags);
// The Windows Server generation the DS_FLAG bits claim ([MS-ADTS] 6.3.1.2): DS_13 "2025", DS_10
// "2016 to 2022", DS_9 "2012 R2", DS_8 "2012"; FULL_SECRET_DOMAIN_6 (a writable DC not running 2000
// to 2003 R2) or SELECT_SECRET_DOMAIN_6 (an RODC, new in 2008) without DS_8 "2008 or 2008 R2"; neither
// "2003 R2 or earlier". WS (the AD Web Service, which 2003 R2 can run too) says nothing about the OS.
// Samba sets FULL_SECRET_DOMAIN_6 and DS_n from the domain functional level, not from its own level,
// so a Samba DC in a domain at level 2003 claims "2003 R2 or earlier".
std::string os_generation(std::uint32_t flags);

// The same claim as a range of DC functional levels ([MS-ADTS] 6.1.4.2 msDS-Behavior-Version: 0 = 2000,
// 2 = 2003, 3 = 2008, 4 = 2008 R2, 5 = 2012, 6 = 2012 R2, 7 = 2016 to 2022, 10 = 2025), to compare it
// with a rootDSE domainControllerFunctionality.
struct DcLevelRange {
  int lowest = 0;
  int highest = 0;
};
DcLevelRange os_generation_levels(std::uint32_t flags);

// Which structure the reply was ([MS-ADTS] 6.3.1.7, 6.3.1.8, 6.3.1.9).
enum class NetlogonVariant { NT40, V5, V5EX };
std::string_view to_string(NetlogonVariant v);

// One canonical form of every variant (like Samba's map_netlogon_samlogon_response), with the spec's
// field names. Fields a variant lacks stay empty.
struct NETLOGON_SAM_LOGON_RESPONSE_ANY {
  NetlogonVariant variant = NetlogonVariant::V5EX;
  std::uint16_t Opcode = 0;
  std::uint32_t Flags = 0;                                 // V5, V5EX
  std::optional<std::array<std::uint8_t, 16>> DomainGuid;  // V5, V5EX
  std::string DnsForestName;
  std::string DnsDomainName;
  std::string DnsHostName;
  std::string NetbiosDomainName;    // V5EX; V5/NT40: UnicodeDomainName
  std::string NetbiosComputerName;  // V5EX; V5/NT40: UnicodeLogonServer without the leading "\\"
  std::string UnicodeLogonServer;   // V5/NT40: as sent ("\\DC1")
  std::string UserName;             // V5EX; V5/NT40: UnicodeUserName
  std::string DcSiteName;           // V5EX
  std::string ClientSiteName;       // V5EX
  std::string NextClosestSiteName;  // V5EX with NETLOGON_NT_VERSION_WITH_CLOSEST_SITE
  std::string DcIpAddress;          // V5 DcIpAddress, or V5EX DcSockAddr (5EX_WITH_IP), dotted
  std::uint32_t NtVersion = 0;
  std::uint16_t LmNtToken = 0;
  std::uint16_t Lm20Token = 0;
};

// Decides the variant from the NtVersion in the last 8 bytes, as Windows and Samba do: V1 only ->
// NETLOGON_SAM_LOGON_RESPONSE_NT40, V5EX bit -> _EX (DcSockAddr when 5EX_WITH_IP, NextClosestSiteName
// when WITH_CLOSEST_SITE), V5 bit -> NETLOGON_SAM_LOGON_RESPONSE. Trailing bytes are an error.
Decoded<NETLOGON_SAM_LOGON_RESPONSE_ANY> decode_netlogon_response(ByteView blob);

// One RFC 1035 4.1.4 (possibly compressed) name at `offset` of `blob`; pointers are offsets into
// blob. On success `offset` is just past the name in place. Labels joined with '.'.
bool read_compressed_name(ByteView blob, std::size_t& offset, std::string& out, std::string& error);

// [MS-DTYP] 2.3.4.3 GUID string form, lower case.
std::string guid_to_string(const std::array<std::uint8_t, 16>& g);

}  // namespace legacyscan::netlogon
