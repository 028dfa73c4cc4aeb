// SPDX-License-Identifier: Apache-2.0
// srvsvc NetrShareEnum over a named pipe (see dcerpc_srvsvc.hpp). Only little-endian NDR is read:
// Windows and Samba answer in the representation the client used, and ours is little-endian.
#include "src/proto/dcerpc/dcerpc_srvsvc.hpp"

#include <array>

#include "src/proto/dcerpc/dcerpc_pdu.hpp"

namespace legacyscan::dcerpc {

namespace {

constexpr std::uint8_t kPtypeBindPdu = 11;
constexpr std::uint16_t kOpnumNetrShareEnum = 15;
// [MS-SRVS] 2.1 srvsvc 3.0 and C706 Appendix I NDR 2.0 transfer syntax, in wire order.
constexpr std::array<std::uint8_t, 20> kSrvsvc = {0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78,
                                                  0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88, 0x03, 0x00, 0x00, 0x00};
constexpr std::array<std::uint8_t, 20> kNdr20 = {0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8,
                                                 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 0x02, 0x00, 0x00, 0x00};

// C706 12.6.3.1 common header; frag_length is patched once the PDU is complete.
void header(Writer& w, std::uint8_t ptype, std::uint32_t call_id) {
  w.u8(5);
  w.u8(0);
  w.u8(ptype);
  w.u8(kPfcFirstFrag | kPfcLastFrag);
  w.u32be(0x10000000);  // drep: little-endian integers, ASCII, IEEE floats
  w.u16le(0);           // frag_length
  w.u16le(0);           // auth_length
  w.u32le(call_id);
}

Bytes finish(Writer& w) {
  Bytes out = w.take();
  out[8] = static_cast<std::uint8_t>(out.size() & 0xFF);
  out[9] = static_cast<std::uint8_t>(out.size() >> 8);
  return out;
}

void align4(Writer& w, std::size_t base) {
  while ((w.size() - base) % 4 != 0) w.u8(0);
}

// NDR reads relative to the stub's start (C706 14.2.2: alignment is to the octet stream's origin).
class Ndr {
 public:
  explicit Ndr(ByteView stub) : whole_(stub), r_(stub) {}
  bool align4() { return r_.skip((4 - (whole_.size() - r_.remaining()) % 4) % 4); }
  bool u32(std::uint32_t& v) { return align4() && r_.u32le(v); }
  [[nodiscard]] std::size_t remaining() const { return r_.remaining(); }
  // A conformant varying string of 16-bit characters ([MS-RPCE] 2.2.5.2.2 [string] wchar_t*).
  bool wstring(std::string& out, bool& bad, std::string& error) {
    std::uint32_t max = 0, offset = 0, actual = 0;
    if (!u32(max) || !u32(offset) || !u32(actual)) return fail(error, "string header truncated");
    if (offset != 0 || actual > max) return fail(error, "string offset/actual count inconsistent");
    ByteView chars;
    if (actual > r_.remaining() / 2 || !r_.bytes(std::size_t{actual} * 2, chars))
      return fail(error, "string of " + std::to_string(actual) + " characters beyond the stub");
    if (chars.size() >= 2 && chars[chars.size() - 1] == 0 && chars[chars.size() - 2] == 0)
      chars = chars.first(chars.size() - 2);
    out = utf16le_escaped(chars, bad);
    return true;
  }

 private:
  static bool fail(std::string& error, std::string why) {
    error = std::move(why);
    return false;
  }
  ByteView whole_;
  Reader r_;
};

void append_utf8(std::string& s, std::uint32_t cp) {
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::string utf16le_escaped(ByteView v, bool& bad) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  const std::size_t n = v.size() / 2;
  auto unit = [&](std::size_t i) { return static_cast<std::uint32_t>(v[2 * i] | (v[2 * i + 1] << 8)); };
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n && unit(i + 1) >= 0xDC00 && unit(i + 1) <= 0xDFFF) {
      append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (unit(i + 1) - 0xDC00));
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      bad = true;
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(u >> shift) & 0xF];
    } else {
      append_utf8(out, u);
    }
  }
  if (v.size() % 2 != 0) {
    bad = true;
    out += "\\x";
    out += kHex[v.back() >> 4];
    out += kHex[v.back() & 0xF];
  }
  return out;
}

Bytes encode_srvsvc_bind(std::uint32_t call_id) {
  Writer w;
  header(w, kPtypeBindPdu, call_id);
  w.u16le(kMaxFrag);  // max_xmit_frag
  w.u16le(kMaxFrag);  // max_recv_frag
  w.u32le(0);         // assoc_group_id: a new association
  w.u8(1);            // n_context_elem
  w.u8(0);
  w.u16le(0);
  w.u16le(0);  // p_cont_id
  w.u8(1);     // n_transfer_syn
  w.u8(0);
  w.bytes(ByteView(kSrvsvc));
  w.bytes(ByteView(kNdr20));
  return finish(w);
}

Decoded<BindAck> decode_dcerpc_bind_ack(ByteView data) {
  using R = Decoded<BindAck>;
  auto pdu = decode_dcerpc_pdu(data);
  if (!pdu) return R::fail(pdu.error);
  if (!pdu->little_endian) return R::fail("DCE-RPC: big-endian data representation");
  Reader r(data.first(pdu->frag_length).subspan(kHeaderSize));
  BindAck a;
  if (pdu->ptype == kPtypeBindNak) {
    a.nak = true;
    if (!r.u16le(a.reason)) return R::fail("BIND_NAK truncated");
    return R::ok(a);
  }
  if (pdu->ptype != kPtypeBindAck) return R::fail("DCE-RPC: PDU type " + std::to_string(pdu->ptype) + ", not BIND_ACK");
  std::uint32_t assoc = 0;
  std::uint16_t addr_len = 0;
  if (!r.u16le(a.max_xmit_frag) || !r.u16le(a.max_recv_frag) || !r.u32le(assoc) || !r.u16le(addr_len) ||
      !r.skip(addr_len))
    return R::fail("BIND_ACK truncated");
  // The secondary address is padded so that the result list starts 4-aligned in the PDU.
  const std::size_t at = kHeaderSize + 10 + addr_len;
  std::uint8_t n_results = 0;
  if (!r.skip((4 - at % 4) % 4) || !r.u8(n_results) || !r.skip(3)) return R::fail("BIND_ACK truncated");
  if (n_results == 0) return R::fail("BIND_ACK without a presentation result");
  if (!r.u16le(a.result) || !r.u16le(a.reason)) return R::fail("BIND_ACK result truncated");
  a.accepted = a.result == 0;
  return R::ok(a);
}

Bytes encode_share_enum_request(std::uint32_t call_id, const std::string& server, std::uint32_t level) {
  Writer w;
  header(w, kPtypeRequest, call_id);
  w.u32le(0);  // alloc_hint, patched below
  w.u16le(0);  // p_cont_id
  w.u16le(kOpnumNetrShareEnum);
  const std::size_t stub = w.size();
  Bytes name = utf8_to_utf16le("\\\\" + server);
  name.push_back(0);
  name.push_back(0);
  const auto chars = static_cast<std::uint32_t>(name.size() / 2);
  w.u32le(0x00020000);  // ServerName: unique pointer referent
  w.u32le(chars);
  w.u32le(0);
  w.u32le(chars);
  w.bytes(name);
  align4(w, stub);
  w.u32le(level);       // InfoStruct.Level
  w.u32le(level);       // the union's switch
  w.u32le(0x00020004);  // the container's referent
  w.u32le(0);           // EntriesRead
  w.u32le(0);           // Buffer: null
  w.u32le(0xFFFFFFFF);  // PreferedMaximumLength: all of it
  w.u32le(0);           // ResumeHandle: null
  Bytes out = finish(w);
  const auto hint = static_cast<std::uint32_t>(out.size() - stub);
  for (int i = 0; i < 4; ++i) out[16 + i] = static_cast<std::uint8_t>(hint >> (8 * i));
  return out;
}

Decoded<ResponsePdu> decode_dcerpc_response(ByteView data) {
  using R = Decoded<ResponsePdu>;
  auto pdu = decode_dcerpc_pdu(data);
  if (!pdu) return R::fail(pdu.error);
  if (!pdu->little_endian) return R::fail("DCE-RPC: big-endian data representation");
  if (pdu->ptype != kPtypeResponse && pdu->ptype != kPtypeFault)
    return R::fail("DCE-RPC: PDU type " + std::to_string(pdu->ptype) + ", not RESPONSE or FAULT");
  ResponsePdu out;
  out.ptype = pdu->ptype;
  out.pfc_flags = pdu->pfc_flags;
  out.call_id = pdu->call_id;
  const std::size_t auth = pdu->auth_length == 0 ? 0 : std::size_t{pdu->auth_length} + 8;
  Reader r(data.first(pdu->frag_length - auth).subspan(kHeaderSize));
  std::uint32_t alloc_hint = 0;
  if (!r.u32le(alloc_hint) || !r.skip(4)) return R::fail("DCE-RPC response header truncated");
  if (out.ptype == kPtypeFault) {
    if (!r.u32le(out.fault_status)) return R::fail("DCE-RPC FAULT truncated");
    return R::ok(out);
  }
  out.stub = r.rest();
  return R::ok(out);
}

Decoded<ShareEnum> decode_share_enum_response(ByteView stub) {
  using R = Decoded<ShareEnum>;
  Ndr n(stub);
  ShareEnum e;
  std::uint32_t level = 0, container = 0, count = 0, buffer = 0;
  if (!n.u32(e.level) || !n.u32(level) || !n.u32(container)) return R::fail("NetrShareEnum: InfoStruct truncated");
  if (level != e.level) return R::fail("NetrShareEnum: union switch differs from the level");
  if (e.level > 1) return R::fail("NetrShareEnum: level " + std::to_string(e.level) + " not asked for");
  std::vector<std::uint32_t> name_ptr, comment_ptr;
  if (container != 0) {
    if (!n.u32(count) || !n.u32(buffer)) return R::fail("NetrShareEnum: container truncated");
    if (buffer != 0) {
      std::uint32_t max = 0;
      if (!n.u32(max)) return R::fail("NetrShareEnum: array size truncated");
      const std::size_t each = e.level == 1 ? 12 : 4;
      if (max != count || count > n.remaining() / each)
        return R::fail("NetrShareEnum: " + std::to_string(count) + " entries do not fit the " +
                       std::to_string(n.remaining()) + " bytes left");
      e.shares.resize(count);
      name_ptr.resize(count);
      comment_ptr.resize(count);
      for (std::uint32_t i = 0; i < count; ++i) {
        if (!n.u32(name_ptr[i])) return R::fail("NetrShareEnum: entry truncated");
        if (e.level == 1) {
          std::uint32_t type = 0;
          if (!n.u32(type) || !n.u32(comment_ptr[i])) return R::fail("NetrShareEnum: entry truncated");
          e.shares[i].type = type;
        }
      }
    }
  }
  // The deferred strings follow in entry order, each only when its pointer is not null.
  std::string error;
  for (std::uint32_t i = 0; i < e.shares.size(); ++i) {
    ShareInfo& s = e.shares[i];
    if (name_ptr[i] != 0 && !n.wstring(s.name, s.invalid_utf16, error))
      return R::fail("NetrShareEnum: entry " + std::to_string(i) + " name: " + error);
    if (comment_ptr[i] != 0 && !n.wstring(s.comment, s.invalid_utf16, error))
      return R::fail("NetrShareEnum: entry " + std::to_string(i) + " comment: " + error);
  }
  std::uint32_t resume = 0, resume_value = 0;
  if (!n.u32(e.total_entries) || !n.u32(resume) || (resume != 0 && !n.u32(resume_value)) || !n.u32(e.win_error))
    return R::fail("NetrShareEnum: TotalEntries, ResumeHandle or return value truncated");
  return R::ok(std::move(e));
}

std::string share_type_name(std::uint32_t type) {
  // [MS-SRVS] 2.2.2.4: the low bits are the kind, 0x80000000 special (admin), 0x40000000 temporary.
  static const char* const kKinds[] = {"disk", "print", "device", "ipc"};
  const std::uint32_t kind = type & 0x0FFFFFFF;
  if (kind > 3 || (type & 0x30000000) != 0) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "0x";
    for (int shift = 28; shift >= 0; shift -= 4) out += kHex[(type >> shift) & 0xF];
    return out;
  }
  std::string out = kKinds[kind];
  if (type & 0x80000000U) out += ", special";
  if (type & 0x40000000U) out += ", temporary";
  return out;
}

}  // namespace legacyscan::dcerpc
