// SPDX-License-Identifier: Apache-2.0
// The connection-oriented DCE-RPC PDU header and its authentication verifier (C706 12.6.3, [MS-RPCE]
// 2.2.2.11): what passive mode reads of the bind, alter_context and rpc_auth_3 PDUs a client sends
// on RPC over TCP and inside SMB named pipes. Pure codec over a byte span; no payload is kept.
#pragma once

#include <cstdint>

#include "legacyscan/bytes.hpp"

namespace legacyscan::dcerpc {

// C706 12.6.4 PTYPE values a client sends with an authentication token.
inline constexpr std::uint8_t kPtypeBind = 11;
inline constexpr std::uint8_t kPtypeAlterContext = 14;
inline constexpr std::uint8_t kPtypeAuth3 = 16;

// [MS-RPCE] 2.2.1.1.7 security providers.
inline constexpr std::uint8_t kAuthnGssNegotiate = 9;  // SPNEGO
inline constexpr std::uint8_t kAuthnWinnt = 10;        // NTLMSSP
inline constexpr std::uint8_t kAuthnGssKerberos = 16;  // Kerberos

inline constexpr std::size_t kHeaderSize = 16;

struct Pdu {
  std::uint8_t rpc_vers_minor = 0;
  std::uint8_t ptype = 0;
  std::uint8_t pfc_flags = 0;
  bool little_endian = true;  // drep[0] & 0x10
  std::uint16_t frag_length = 0;
  std::uint16_t auth_length = 0;
  std::uint32_t call_id = 0;
  // The sec_trailer and auth_value ([MS-RPCE] 2.2.2.11), when auth_length is not 0.
  std::uint8_t auth_type = 0;
  std::uint8_t auth_level = 0;
  ByteView auth_value;  // the security token, a view into the decoded PDU
};

// The fragment length of a PDU from its first 10 bytes (0 when they are not a version 5 header):
// what a stream reader needs to cut PDUs.
std::size_t dcerpc_frag_length(ByteView front);
// One whole PDU (exactly frag_length bytes, or more: the rest is ignored).
Decoded<Pdu> decode_dcerpc_pdu(ByteView pdu);

}  // namespace legacyscan::dcerpc
