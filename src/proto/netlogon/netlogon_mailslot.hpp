// SPDX-License-Identifier: Apache-2.0
// The NETLOGON mailslot messages of [MS-ADTS] 6.3.1 / 6.3.5: the LOGON_PRIMARY_QUERY (6.3.1.4) and
// LOGON_SAM_LOGON_REQUEST (6.3.1.6) a client sends to \MAILSLOT\NET\NETLOGON, and every reply
// (LOGON_PRIMARY_RESPONSE 6.3.1.5; NETLOGON_SAM_LOGON_RESPONSE_NT40 6.3.1.7, NETLOGON_SAM_LOGON_RESPONSE
// 6.3.1.8 and NETLOGON_SAM_LOGON_RESPONSE_EX 6.3.1.9 under opcodes 0x13/0x14/0x15/0x17/0x18/0x19)
// decoded into one canonical form, as Samba's map_netlogon_samlogon_response does. The SAM LOGON
// response layouts go through the decoder the LDAP ping uses too (netlogon_sam_logon.hpp). Pure codecs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"
#include "src/proto/netlogon/netlogon_sam_logon.hpp"

namespace legacyscan::netlogon {

// [MS-SAMR] 2.2.1.12 USER_ACCOUNT codes used in AllowableAccountControlBits.
inline constexpr std::uint32_t USER_NORMAL_ACCOUNT = 0x00000010;
inline constexpr std::uint32_t USER_WORKSTATION_TRUST_ACCOUNT = 0x00000080;

// 6.3.1.4 LOGON_PRIMARY_QUERY.
struct LogonPrimaryQuery {
  std::string ComputerName;  // OEM
  std::string MailslotName;  // where the reply goes
  std::string UnicodeComputerName;
  std::uint32_t NtVersion = NETLOGON_NT_VERSION_1;
};
Decoded<Bytes> encode_logon_primary_query(const LogonPrimaryQuery& q);

// 6.3.1.6 LOGON_SAM_LOGON_REQUEST (no DomainSid: DomainSidSize 0, as Windows XP sends it).
struct LogonSamLogonRequest {
  std::uint16_t RequestCount = 0;
  std::string UnicodeComputerName;
  std::string UnicodeUserName;  // "" for "any DC", "HOST$" for the machine account
  std::string MailslotName;
  std::uint32_t AllowableAccountControlBits = 0;
  std::uint32_t NtVersion = NETLOGON_NT_VERSION_1;
};
Decoded<Bytes> encode_logon_sam_logon_request(const LogonSamLogonRequest& q);

// What a request looked like once decoded (tests, fuzz round-trips).
struct NetlogonRequest {
  std::uint16_t Opcode = 0;
  std::string ComputerName;  // OEM (primary query) or Unicode (SAM logon)
  std::string UserName;
  std::string MailslotName;
  std::uint32_t AllowableAccountControlBits = 0;
  std::uint32_t DomainSidSize = 0;
  std::uint32_t NtVersion = 0;
};
Decoded<NetlogonRequest> decode_netlogon_request(ByteView message);

// Every reply in one form. `format` says which layout carried it: "PRIMARY" (6.3.1.5), "NT40"
// (6.3.1.7), "V5" (6.3.1.8) or "V5EX" (6.3.1.9). Fields a layout lacks stay empty.
struct NetlogonReply {
  std::uint16_t Opcode = 0;
  std::string opcode_name;
  std::string format;
  std::string logon_server;  // PrimaryDCName / UnicodeLogonServer / NetbiosComputerName, without leading "\\"
  std::string logon_server_raw;
  std::string user_name;
  std::string domain_name;             // UnicodeDomainName / NetbiosDomainName
  std::optional<std::uint32_t> Flags;  // DS_FLAG (V5, V5EX)
  std::string domain_guid;
  std::string dns_forest_name;
  std::string dns_domain_name;
  std::string dns_host_name;
  std::string dc_ip_address;  // V5 DcIpAddress, V5EX DcSockAddr
  std::string dc_site_name;
  std::string client_site_name;
  std::string next_closest_site_name;
  std::uint32_t NtVersion = 0;
  std::uint16_t LmNtToken = 0;
  std::uint16_t Lm20Token = 0;
};
Decoded<NetlogonReply> decode_netlogon_reply(ByteView message);

}  // namespace legacyscan::netlogon
