// SPDX-License-Identifier: Apache-2.0
#include "src/proto/rdp/rdp_codec.hpp"

#include <algorithm>
#include <string_view>

namespace legacyscan::rdp {

namespace {

constexpr std::uint8_t kNegReq = 1, kNegRsp = 2, kNegFailure = 3;  // [MS-RDPBCGR] 2.2.1.1.1, 2.2.1.2.1/2

Bytes hex(std::string_view h) {
  Bytes out;
  (void)from_hex(h, out);
  return out;
}

void tpkt(Writer& w, ByteView body) {
  w.u8(3);
  w.u8(0);
  w.u16be(static_cast<std::uint16_t>(body.size() + 4));
  w.bytes(body);
}

// BER length (X.690 8.1.3) in the long form of two bytes, as MCS encoders write it.
void ber_length2(Writer& w, std::size_t n) {
  w.u8(0x82);
  w.u16be(static_cast<std::uint16_t>(n));
}

// PER length (X.691 10.9) in two bytes with the top bit set, as T.124 encoders write it.
void per_length2(Writer& w, std::size_t n) { w.u16be(static_cast<std::uint16_t>(0x8000 | n)); }

bool ber_header(Reader& r, std::uint32_t& tag, std::size_t& length) {
  std::uint8_t t = 0, l = 0;
  if (!r.u8(t)) return false;
  tag = t;
  if ((t & 0x1f) == 0x1f) {  // high tag number: one more byte is enough for MCS (APPLICATION 101/102)
    std::uint8_t t2 = 0;
    if (!r.u8(t2)) return false;
    tag = (tag << 8) | t2;
  }
  if (!r.u8(l)) return false;
  if (!(l & 0x80)) {
    length = l;
    return true;
  }
  const int n = l & 0x7f;
  if (n < 1 || n > 2) return false;
  length = 0;
  for (int i = 0; i < n; ++i) {
    std::uint8_t b = 0;
    if (!r.u8(b)) return false;
    length = (length << 8) | b;
  }
  return true;
}

bool ber_element(Reader& r, std::uint32_t want_tag, Reader& body) {
  std::uint32_t tag = 0;
  std::size_t length = 0;
  return ber_header(r, tag, length) && tag == want_tag && r.sub(length, body);
}

// Skips the TPKT header and the X.224 Data TPDU header (RFC 1006 6, X.224 13.7: LI, 0xF0, EOT).
bool x224_data(ByteView pdu, Reader& out) {
  Reader r(pdu);
  std::uint8_t li = 0, code = 0, eot = 0;
  return r.skip(4) && r.u8(li) && li == 2 && r.u8(code) && code == 0xf0 && r.u8(eot) && (out = Reader(r.rest()), true);
}

bool decode_blocks(Reader blocks, ServerData& out, std::string& why) {
  while (blocks.remaining() >= 4) {
    std::uint16_t type = 0, length = 0;
    Reader b;
    if (!blocks.u16le(type) || !blocks.u16le(length) || length < 4 || !blocks.sub(length - 4, b))
      return why = "server data block: length past the user data", false;
    if (type == 0x0c01) {  // SC_CORE
      if (!b.u32le(out.version)) return why = "SC_CORE: truncated", false;
      std::uint32_t requested = 0;
      if (b.u32le(requested)) out.client_requested_protocols = requested;
    } else if (type == 0x0c02) {  // SC_SECURITY
      if (!b.u32le(out.encryption_method) || !b.u32le(out.encryption_level))
        return why = "SC_SECURITY: truncated", false;
      out.has_security = true;
      if (out.encryption_method == 0 && out.encryption_level == 0) continue;  // no random or certificate follows
      ByteView random;
      std::uint32_t version = 0;
      if (!b.u32le(out.server_random_length) || !b.u32le(out.server_certificate_length) ||
          !b.bytes(out.server_random_length, random) || !b.u32le(version))
        return why = "SC_SECURITY: server random or certificate past the block", false;
      out.certificate_version = version & 0x7fffffff;
      out.certificate_temporary = (version & 0x80000000u) != 0;
    }
  }
  return true;
}

}  // namespace

std::size_t tpkt_length(ByteView data) {
  if (data.size() < 4 || data[0] != 3) return 0;
  return static_cast<std::size_t>(data[2]) << 8 | data[3];
}

Bytes encode_connection_request(std::uint32_t requested_protocols) {
  Writer x;
  x.u8(0);     // LI, patched below
  x.u8(0xe0);  // CR CDT
  x.u16be(0);  // DST-REF
  x.u16be(0);  // SRC-REF
  x.u8(0);     // class 0
  x.bytes(std::string_view("Cookie: mstshash=legacyscan\r\n"));
  x.u8(kNegReq);
  x.u8(0);
  x.u16le(8);
  x.u32le(requested_protocols);
  Bytes body = x.take();
  body[0] = static_cast<std::uint8_t>(body.size() - 1);
  Writer w;
  tpkt(w, body);
  return w.take();
}

Decoded<ConnectionConfirm> decode_connection_confirm(ByteView pdu) {
  using D = Decoded<ConnectionConfirm>;
  const std::size_t len = tpkt_length(pdu);
  if (len < 11 || len > pdu.size()) return D::fail("X.224 Connection Confirm: TPKT length " + std::to_string(len));
  Reader r(pdu.first(len));
  std::uint8_t li = 0, code = 0;
  if (!r.skip(4) || !r.u8(li) || !r.u8(code) || (code & 0xf0) != 0xd0 || li + 5u > len)
    return D::fail("X.224: not a Connection Confirm");
  ConnectionConfirm out;
  Reader rest;
  if (!r.skip(5) || !r.sub(li - 6u, rest)) return D::fail("X.224 Connection Confirm: truncated");
  if (rest.remaining() < 8) return D::ok(out);  // no negotiation data: standard RDP security only
  std::uint8_t type = 0;
  std::uint16_t length = 0;
  std::uint32_t value = 0;
  if (!rest.u8(type) || !rest.u8(out.flags) || !rest.u16le(length) || !rest.u32le(value) || length != 8)
    return D::fail("RDP_NEG: bad length");
  if (type == kNegRsp) {
    out.kind = ConnectionConfirm::Kind::response;
    out.selected_protocol = value;
  } else if (type == kNegFailure) {
    out.kind = ConnectionConfirm::Kind::failure;
    out.failure_code = value;
  } else {
    return D::fail("RDP_NEG: type " + std::to_string(type) + " is neither RSP nor FAILURE");
  }
  return D::ok(out);
}

Bytes encode_mcs_connect_initial(std::uint32_t selected_protocol, std::uint32_t encryption_methods) {
  Writer blocks;
  // CS_CORE ([MS-RDPBCGR] 2.2.1.3.2), 216 bytes with serverSelectedProtocol.
  blocks.u16le(0xc001);
  blocks.u16le(216);
  blocks.u32le(0x00080004);  // RDP 5.0 and later
  blocks.u16le(1024);
  blocks.u16le(768);
  blocks.u16le(0xca01);  // RNS_UD_COLOR_8BPP
  blocks.u16le(0xaa03);  // RNS_UD_SAS_DEL
  blocks.u32le(0x409);   // en-US keyboard
  blocks.u32le(2600);    // client build: Windows XP
  const std::u16string name = u"LEGACYSCAN";
  for (std::size_t i = 0; i < 16; ++i) blocks.u16le(i < name.size() ? name[i] : 0);
  blocks.u32le(4);  // IBM enhanced keyboard
  blocks.u32le(0);
  blocks.u32le(12);
  blocks.zeros(64);      // imeFileName
  blocks.u16le(0xca01);  // postBeta2ColorDepth
  blocks.u16le(1);       // clientProductId
  blocks.u32le(0);       // serialNumber
  blocks.u16le(16);      // highColorDepth
  blocks.u16le(7);       // supportedColorDepths: 24, 16, 15
  blocks.u16le(1);       // RNS_UD_CS_SUPPORT_ERRINFO_PDU
  blocks.zeros(64);      // clientDigProductId
  blocks.u8(0);          // connectionType
  blocks.u8(0);
  blocks.u32le(selected_protocol);
  // CS_SECURITY (2.2.1.3.3) and CS_NET without channels (2.2.1.3.4).
  blocks.u16le(0xc002);
  blocks.u16le(12);
  blocks.u32le(encryption_methods);
  blocks.u32le(0);
  blocks.u16le(0xc003);
  blocks.u16le(8);
  blocks.u32le(0);
  // GCC Conference Create Request (T.124 8.7, as in [MS-RDPBCGR] 4.1.3): the t124 key, the
  // ConnectPDU with the "Duca" H.221 key, then the client data blocks.
  Writer gcc;
  gcc.bytes(hex("000500147c0001"));
  per_length2(gcc, 12 + 2 + blocks.size());
  gcc.bytes(hex("000800100001c00044756361"));
  per_length2(gcc, blocks.size());
  gcc.bytes(blocks.view());
  // MCS Connect-Initial (T.125 7, BER): selectors, upwardFlag, the target/minimum/maximum domain
  // parameters of [MS-RDPBCGR] 4.1.3, and the user data.
  Writer mcs;
  mcs.bytes(
      hex("0401010401010101ff"
          "30190201220201020201000201010201000201010202ffff020102"
          "301902010102010102010102010102010002010102020420020102"
          "301c0202ffff0202fc170202ffff0201010201000201010202ffff020102"));
  mcs.u8(0x04);
  ber_length2(mcs, gcc.size());
  mcs.bytes(gcc.view());
  Writer body;
  body.bytes(hex("02f080"));  // X.224 Data TPDU
  body.u8(0x7f);
  body.u8(0x65);
  ber_length2(body, mcs.size());
  body.bytes(mcs.view());
  Writer w;
  tpkt(w, body.view());
  return w.take();
}

Decoded<ServerData> decode_mcs_connect_response(ByteView pdu) {
  using D = Decoded<ServerData>;
  const std::size_t len = tpkt_length(pdu);
  if (len < 8 || len > pdu.size()) return D::fail("MCS Connect Response: TPKT length " + std::to_string(len));
  Reader r, response, e, user;
  if (!x224_data(pdu.first(len), r)) return D::fail("MCS Connect Response: not an X.224 Data TPDU");
  if (!ber_element(r, 0x7f66, response)) return D::fail("MCS: not a Connect-Response (APPLICATION 102)");
  std::uint8_t result = 0xff;
  if (!ber_element(response, 0x0a, e) || !e.u8(result)) return D::fail("MCS Connect-Response: no result");
  if (result != 0) return D::fail("MCS Connect-Response: result " + std::to_string(result) + " (not rt-successful)");
  if (!ber_element(response, 0x02, e) || !ber_element(response, 0x30, e) || !ber_element(response, 0x04, user))
    return D::fail("MCS Connect-Response: no user data");
  // T.124 Conference Create Response: the server data follows the "McDn" H.221 key and a PER length.
  const auto data = user.rest();
  static constexpr std::uint8_t kKey[] = {'M', 'c', 'D', 'n'};
  const auto at = std::search(data.begin(), data.end(), std::begin(kKey), std::end(kKey));
  if (at == data.end()) return D::fail("GCC Conference Create Response: no McDn key");
  Reader blocks(data.subspan(static_cast<std::size_t>(at - data.begin()) + 4));
  std::uint8_t b0 = 0, b1 = 0;
  std::size_t n = 0;
  if (!blocks.u8(b0)) return D::fail("GCC: truncated");
  n = b0;
  if (b0 & 0x80) {
    if (!blocks.u8(b1)) return D::fail("GCC: truncated");
    n = static_cast<std::size_t>(b0 & 0x3f) << 8 | b1;
  }
  Reader inner;
  if (!blocks.sub(n, inner)) return D::fail("GCC: user data length " + std::to_string(n) + " past the PDU");
  ServerData out;
  std::string why;
  if (!decode_blocks(inner, out, why)) return D::fail(why);
  return D::ok(out);
}

std::string protocol_name(std::uint32_t flag) {
  switch (flag) {
    case kProtocolRdp: return "PROTOCOL_RDP";
    case kProtocolSsl: return "PROTOCOL_SSL";
    case kProtocolHybrid: return "PROTOCOL_HYBRID";
    case kProtocolRdstls: return "PROTOCOL_RDSTLS";
    case kProtocolHybridEx: return "PROTOCOL_HYBRID_EX";
    default:
      return "0x" + to_hex(Bytes{static_cast<std::uint8_t>(flag >> 24), static_cast<std::uint8_t>(flag >> 16),
                                 static_cast<std::uint8_t>(flag >> 8), static_cast<std::uint8_t>(flag)});
  }
}

std::string protocols_name(std::uint32_t flags) {
  if (flags == 0) return protocol_name(0);
  std::string out;
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1)
    if (flags & bit) out += (out.empty() ? "" : "|") + protocol_name(bit);
  return out;
}

std::string failure_name(std::uint32_t code) {
  switch (code) {
    case 1: return "SSL_REQUIRED_BY_SERVER";
    case 2: return "SSL_NOT_ALLOWED_BY_SERVER";
    case 3: return "SSL_CERT_NOT_ON_SERVER";
    case 4: return "INCONSISTENT_FLAGS";
    case 5: return "HYBRID_REQUIRED_BY_SERVER";
    case 6: return "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER";
    default: return "failure " + std::to_string(code);
  }
}

std::string encryption_level_name(std::uint32_t level) {
  switch (level) {
    case 0: return "NONE";
    case 1: return "LOW";
    case 2: return "CLIENT_COMPATIBLE";
    case 3: return "HIGH";
    case 4: return "FIPS";
    default: return "level " + std::to_string(level);
  }
}

std::vector<std::string> encryption_method_names(std::uint32_t methods) {
  std::vector<std::string> out;
  if (methods & kEncryption40) out.push_back("40BIT");
  if (methods & kEncryption56) out.push_back("56BIT");
  if (methods & kEncryption128) out.push_back("128BIT");
  if (methods & kEncryptionFips) out.push_back("FIPS");
  return out;
}

}  // namespace legacyscan::rdp
