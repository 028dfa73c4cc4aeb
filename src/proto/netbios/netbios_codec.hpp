// SPDX-License-Identifier: Apache-2.0
// NetBIOS over TCP/IP codecs: the name service (RFC 1002 4.2: NODE STATUS 4.2.17/4.2.18, NAME QUERY
// 4.2.12/4.2.13-14), the datagram service (RFC 1002 4.4.1-4.4.3) and the SMB_COM_TRANSACTION
// mailslot write a datagram carries ([MS-MAIL] 2.2.1, [MS-CIFS] 2.2.4.33.1). Pure codecs: no sockets.
// The first-level name encoding (RFC 1001 14.1) is the one in src/proto/nbss/nbss.hpp; this file adds the
// second level (labels and scope, RFC 1001 14.1 / RFC 1002 4.1).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"
#include "src/proto/nbss/nbss.hpp"

namespace legacyscan::netbios {

using smb::NetbiosName;

// The wildcard name of a NODE STATUS request: '*' padded with NULs (not spaces), suffix 0x00.
NetbiosName wildcard_name();

// Names from the wire may hold any byte: printable ASCII is kept (the backslash too: mailslot and
// server names are full of them), everything else becomes \xNN, so the result is always valid UTF-8
// and shows what was really there ("\x01\x02__MSBROWSE__\x02").
std::string printable(std::string_view raw);

// ---- name service, RFC 1002 4.2 ---------------------------------------------------------------

inline constexpr std::uint16_t kNameServicePort = 137;
inline constexpr std::uint16_t kDatagramPort = 138;
inline constexpr std::uint16_t kSessionPort = 139;

inline constexpr std::uint16_t RR_TYPE_NULL = 0x000A;
inline constexpr std::uint16_t RR_TYPE_NB = 0x0020;
inline constexpr std::uint16_t RR_TYPE_NBSTAT = 0x0021;
inline constexpr std::uint16_t RR_CLASS_IN = 0x0001;

// NM_FLAGS (RFC 1002 4.2.1.1), as bits of the 7-bit field.
inline constexpr std::uint8_t NM_FLAG_AA = 0x40;
inline constexpr std::uint8_t NM_FLAG_TC = 0x20;
inline constexpr std::uint8_t NM_FLAG_RD = 0x10;
inline constexpr std::uint8_t NM_FLAG_RA = 0x08;
inline constexpr std::uint8_t NM_FLAG_B = 0x01;

// NAME_FLAGS of a NODE STATUS entry (RFC 1002 4.2.18) and NB_FLAGS of a NAME QUERY answer (4.2.13).
inline constexpr std::uint16_t NAME_FLAG_G = 0x8000;    // group name
inline constexpr std::uint16_t NAME_FLAG_ONT = 0x6000;  // owner node type
inline constexpr std::uint16_t NAME_FLAG_DRG = 0x1000;  // being deregistered
inline constexpr std::uint16_t NAME_FLAG_CNF = 0x0800;  // in conflict
inline constexpr std::uint16_t NAME_FLAG_ACT = 0x0400;  // active
inline constexpr std::uint16_t NAME_FLAG_PRM = 0x0200;  // permanent node name

// "B", "P", "M" or "H" (the last is Microsoft's use of the reserved value 11).
std::string_view owner_node_type(std::uint16_t flags);
// What a name with this suffix is registered for ("domain controllers" for a group <1C>).
std::string_view suffix_meaning(std::uint8_t suffix, bool group, std::string_view name);

// RFC 1002 4.2.1.1 HEADER.
struct NameServiceHeader {
  std::uint16_t NAME_TRN_ID = 0;
  bool R = false;  // response
  std::uint8_t OPCODE = 0;
  std::uint8_t NM_FLAGS = 0;
  std::uint8_t RCODE = 0;
  std::uint16_t QDCOUNT = 0;
  std::uint16_t ANCOUNT = 0;
  std::uint16_t NSCOUNT = 0;
  std::uint16_t ARCOUNT = 0;
};
std::string_view rcode_name(std::uint8_t rcode);  // RFC 1002 4.2.6 etc.: FMT_ERR, SRV_ERR, NAM_ERR...

// RFC 1002 4.2.17 NODE STATUS REQUEST for the wildcard name (what nmblookup -A and nbtstat -A send).
Bytes encode_node_status_request(std::uint16_t trn_id);
// RFC 1002 4.2.12 NAME QUERY REQUEST. Unicast to a server: rd=false asks the node itself (Samba then
// answers for names it holds and says NAM_ERR otherwise); rd=true asks it as a WINS server.
Decoded<Bytes> encode_name_query_request(std::uint16_t trn_id, const NetbiosName& name, bool rd,
                                         bool broadcast = false);

// The request side, decoded (for tests and the round-trip fuzzer).
struct NameServiceQuestion {
  NameServiceHeader header;
  NetbiosName QUESTION_NAME;
  std::string scope;
  std::uint16_t QUESTION_TYPE = 0;
  std::uint16_t QUESTION_CLASS = 0;
};
Decoded<NameServiceQuestion> decode_name_service_request(ByteView packet);

// One NODE_NAME entry of RFC 1002 4.2.18.
struct NodeName {
  std::string name;  // raw 15 bytes with trailing spaces and NULs removed (may hold any byte)
  std::uint8_t suffix = 0;
  std::uint16_t NAME_FLAGS = 0;
  [[nodiscard]] bool group() const { return (NAME_FLAGS & NAME_FLAG_G) != 0; }
  [[nodiscard]] std::vector<std::string> flag_names() const;  // "active", "permanent", "conflict", "deregistering"
};

// RFC 1002 4.2.18 NODE STATUS RESPONSE.
struct NodeStatusResponse {
  NameServiceHeader header;
  NetbiosName RR_NAME;
  std::uint32_t TTL = 0;
  std::vector<NodeName> NODE_NAME_ARRAY;
  std::array<std::uint8_t, 6> UNIT_ID{};  // first field of STATISTICS; Samba fills it with changing bytes
  bool has_statistics = false;            // the 46-byte STATISTICS block was there (some stacks send less)
  std::size_t statistics_length = 0;
};
Decoded<NodeStatusResponse> decode_node_status_response(ByteView packet);

// One ADDR_ENTRY of RFC 1002 4.2.13.
struct AddressEntry {
  std::uint16_t NB_FLAGS = 0;
  std::array<std::uint8_t, 4> NB_ADDRESS{};
  [[nodiscard]] bool group() const { return (NB_FLAGS & NAME_FLAG_G) != 0; }
  [[nodiscard]] std::string address() const;  // dotted quad
};

// RFC 1002 4.2.13 POSITIVE / 4.2.14 NEGATIVE NAME QUERY RESPONSE (and 4.2.15 REDIRECT, reported as is).
struct NameQueryResponse {
  NameServiceHeader header;
  NetbiosName RR_NAME;
  std::uint16_t RR_TYPE = 0;
  std::uint32_t TTL = 0;
  std::vector<AddressEntry> ADDR_ENTRY;  // empty for a negative response
  [[nodiscard]] bool positive() const { return header.RCODE == 0; }
};
Decoded<NameQueryResponse> decode_name_query_response(ByteView packet);

// ---- datagram service, RFC 1002 4.4 -----------------------------------------------------------

enum class DatagramType : std::uint8_t {
  DIRECT_UNIQUE = 0x10,
  DIRECT_GROUP = 0x11,
  BROADCAST = 0x12,
  DATAGRAM_ERROR = 0x13,
  DATAGRAM_QUERY_REQUEST = 0x14,
  DATAGRAM_POSITIVE_QUERY_RESPONSE = 0x15,
  DATAGRAM_NEGATIVE_QUERY_RESPONSE = 0x16,
};
std::string_view datagram_type_name(std::uint8_t msg_type);
std::string_view datagram_error_name(std::uint8_t code);  // 4.4.3: 0x82, 0x83, 0x84

// FLAGS of 4.4.1: SNT (source end-node type) in bits 2-3, F (first) 0x02, M (more) 0x01.
inline constexpr std::uint8_t DGM_FLAG_M = 0x01;
inline constexpr std::uint8_t DGM_FLAG_F = 0x02;
inline constexpr std::uint8_t DGM_SNT_B = 0x00;
inline constexpr std::uint8_t DGM_SNT_P = 0x04;
inline constexpr std::uint8_t DGM_SNT_M = 0x08;

struct DirectDatagram {
  DatagramType MSG_TYPE = DatagramType::DIRECT_GROUP;
  std::uint8_t FLAGS = DGM_FLAG_F;  // B node, first and only fragment
  std::uint16_t DGM_ID = 0;
  std::array<std::uint8_t, 4> SOURCE_IP{};
  std::uint16_t SOURCE_PORT = kDatagramPort;
  std::uint16_t PACKET_OFFSET = 0;
  NetbiosName SOURCE_NAME;
  NetbiosName DESTINATION_NAME;
  std::string scope;  // of both names; empty nearly everywhere
  Bytes USER_DATA;
};
// RFC 1002 4.4.2 DIRECT_UNIQUE / DIRECT_GROUP / BROADCAST DATAGRAM. DGM_LENGTH counts the bytes after
// PACKET_OFFSET (both names and the user data), as Windows and Samba count it.
Decoded<Bytes> encode_direct_datagram(const DirectDatagram& d);

struct Datagram {
  std::uint8_t MSG_TYPE = 0;
  std::uint8_t FLAGS = 0;
  std::uint16_t DGM_ID = 0;
  std::array<std::uint8_t, 4> SOURCE_IP{};
  std::uint16_t SOURCE_PORT = 0;
  // 4.4.2 direct/broadcast datagrams
  std::optional<DirectDatagram> direct;
  // 4.4.3 DATAGRAM ERROR
  std::optional<std::uint8_t> ERROR_CODE;
  [[nodiscard]] bool fragment() const { return (FLAGS & DGM_FLAG_M) || !(FLAGS & DGM_FLAG_F); }
  [[nodiscard]] std::string source() const;  // "a.b.c.d:port" from the header
};
// Decodes one datagram of any 4.4 type (query request/responses keep only the header).
Decoded<Datagram> decode_datagram(ByteView packet);

// ---- the mailslot write inside the datagram ---------------------------------------------------

inline constexpr std::string_view kNetlogonMailslot = "\\MAILSLOT\\NET\\NETLOGON";

// [MS-MAIL] 2.2.1: an SMB_COM_TRANSACTION (0x25) with setup words Opcode 1 (write), Priority and
// Class 2 (unreliable, second class), the mailslot name in the Name field and the message as Data.
struct MailslotWrite {
  std::string mailslot_name;
  std::uint16_t Priority = 1;
  std::uint16_t Class = 2;
  std::uint32_t Timeout = 1000;
  Bytes data;
};
Decoded<Bytes> encode_mailslot_write(const MailslotWrite& m);
Decoded<MailslotWrite> decode_mailslot_write(ByteView smb);

}  // namespace legacyscan::netbios
