// SPDX-License-Identifier: Apache-2.0
// DCE-RPC connection-oriented PDU header and auth verifier (see dcerpc_pdu.hpp).
#include "src/proto/dcerpc/dcerpc_pdu.hpp"

namespace legacyscan::dcerpc {

std::size_t dcerpc_frag_length(ByteView front) {
  if (front.size() < 10 || front[0] != 5 || front[1] > 1) return 0;
  const bool le = (front[4] & 0x10) != 0;
  return le ? static_cast<std::size_t>(front[8] | (front[9] << 8))
            : static_cast<std::size_t>((front[8] << 8) | front[9]);
}

Decoded<Pdu> decode_dcerpc_pdu(ByteView data) {
  using R = Decoded<Pdu>;
  Pdu p;
  Reader r(data);
  std::uint8_t vers = 0;
  std::uint32_t drep = 0;
  if (!r.u8(vers) || !r.u8(p.rpc_vers_minor) || !r.u8(p.ptype) || !r.u8(p.pfc_flags) || !r.u32be(drep))
    return R::fail("DCE-RPC header truncated");
  if (vers != 5 || p.rpc_vers_minor > 1) return R::fail("DCE-RPC: not version 5.0/5.1");
  // C706 14.1: NDR data representation; bit 4 of the first octet is the integer byte order.
  p.little_endian = ((drep >> 24) & 0x10) != 0;
  const bool le = p.little_endian;
  bool ok = le ? r.u16le(p.frag_length) && r.u16le(p.auth_length) && r.u32le(p.call_id)
               : r.u16be(p.frag_length) && r.u16be(p.auth_length) && r.u32be(p.call_id);
  if (!ok) return R::fail("DCE-RPC header truncated");
  if (p.frag_length < kHeaderSize) return R::fail("DCE-RPC frag_length below the header size");
  if (p.frag_length > data.size()) return R::fail("DCE-RPC PDU truncated");
  if (p.auth_length == 0) return R::ok(p);
  // [MS-RPCE] 2.2.2.11: the 8-byte sec_trailer, then auth_length bytes of token, end the PDU.
  const std::size_t trailer = static_cast<std::size_t>(p.auth_length) + 8;
  if (trailer > p.frag_length - kHeaderSize) return R::fail("DCE-RPC auth_length beyond the PDU");
  const ByteView tail = data.subspan(p.frag_length - trailer, trailer);
  p.auth_type = tail[0];
  p.auth_level = tail[1];
  p.auth_value = tail.subspan(8);
  return R::ok(p);
}

}  // namespace legacyscan::dcerpc
