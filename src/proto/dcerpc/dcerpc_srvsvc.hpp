// SPDX-License-Identifier: Apache-2.0
// The client side of one srvsvc call, NetrShareEnum ([MS-SRVS] 3.1.4.8, opnum 15, the call
// "NetShareEnumAll" names), over a named pipe: the BIND for the srvsvc interface (C706 12.6.4.3),
// the BIND_ACK or BIND_NAK, the REQUEST and the RESPONSE/FAULT PDUs (C706 12.6.4.9/.10), and the NDR
// (C706 14) of SHARE_ENUM_STRUCT at levels 0 and 1. Pure codec over byte spans; every count a server
// sends is checked against the bytes that carry it, so a hostile answer costs no more memory than
// its own size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::dcerpc {

inline constexpr std::uint8_t kPtypeRequest = 0;
inline constexpr std::uint8_t kPtypeResponse = 2;
inline constexpr std::uint8_t kPtypeFault = 3;
inline constexpr std::uint8_t kPtypeBindAck = 12;
inline constexpr std::uint8_t kPtypeBindNak = 13;
inline constexpr std::uint8_t kPfcFirstFrag = 0x01;
inline constexpr std::uint8_t kPfcLastFrag = 0x02;

// Our receive fragment size (C706 12.6.3.1 max_recv_frag): what Windows and Samba use.
inline constexpr std::uint16_t kMaxFrag = 4280;

// The BIND for srvsvc 3.0 ([MS-SRVS] 2.1: 4B324FC8-1670-01D3-1278-5A47BF6EE188) with NDR 2.0.
Bytes encode_srvsvc_bind(std::uint32_t call_id);

struct BindAck {
  bool accepted = false;  // a BIND_ACK whose first presentation result is acceptance (0)
  std::uint16_t max_xmit_frag = 0;
  std::uint16_t max_recv_frag = 0;
  std::uint16_t result = 0;  // C706 p_cont_def_result_t: 0 acceptance, 1 user rejection, 2 provider rejection
  std::uint16_t reason = 0;  // the rejection reason, or a BIND_NAK's reject reason
  bool nak = false;
};
Decoded<BindAck> decode_dcerpc_bind_ack(ByteView pdu);

// NetrShareEnum's REQUEST stub and PDU: ServerName "\\\\server", InfoStruct at `level` (0 or 1) with
// no buffer, PreferedMaximumLength 0xFFFFFFFF (everything), no resume handle.
Bytes encode_share_enum_request(std::uint32_t call_id, const std::string& server, std::uint32_t level);

// One RESPONSE or FAULT PDU ([MS-RPCE] 2.2.2.10 fault status).
struct ResponsePdu {
  std::uint8_t ptype = 0;
  std::uint8_t pfc_flags = 0;
  std::uint32_t call_id = 0;
  std::uint32_t fault_status = 0;  // FAULT only
  ByteView stub;                   // RESPONSE only: the stub data, a view into the PDU
  [[nodiscard]] bool last() const { return (pfc_flags & kPfcLastFrag) != 0; }
};
Decoded<ResponsePdu> decode_dcerpc_response(ByteView pdu);

// [MS-SRVS] 2.2.4.22/2.2.4.23 SHARE_INFO_0/1. Names are UTF-16 from the server: anything that is
// not valid UTF-16 (an unpaired surrogate) is kept visible as "\\uD800", never dropped.
struct ShareInfo {
  std::string name;
  std::optional<std::uint32_t> type;  // level 1: STYPE_* ([MS-SRVS] 2.2.2.4)
  std::string comment;                // level 1
  bool invalid_utf16 = false;         // the name or comment had an unpaired surrogate
};

struct ShareEnum {
  std::uint32_t level = 0;
  std::uint32_t win_error = 0;      // the WERROR the call returned (0 = NERR_Success)
  std::uint32_t total_entries = 0;  // what the server says it has
  std::vector<ShareInfo> shares;
};
// The response stub of NetrShareEnum (all RESPONSE fragments' stubs, concatenated).
Decoded<ShareEnum> decode_share_enum_response(ByteView stub);

// "disk", "print", "device", "ipc", with "special" and "temporary" (STYPE_SPECIAL, STYPE_TEMPORARY)
// appended, or the hex value for an unknown type.
std::string share_type_name(std::uint32_t type);

// UTF-16LE to UTF-8 where an unpaired surrogate becomes the text "\\uD8xx" (bad set when one was).
std::string utf16le_escaped(ByteView v, bool& bad);

}  // namespace legacyscan::dcerpc
