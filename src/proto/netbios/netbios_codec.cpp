// SPDX-License-Identifier: Apache-2.0
#include "src/proto/netbios/netbios_codec.hpp"

#include <cstdio>

namespace legacyscan::netbios {

namespace {

std::string hex2(std::uint32_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned>(v & 0xff));
  return buf;
}
std::string hex4(std::uint32_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", static_cast<unsigned>(v & 0xffff));
  return buf;
}

constexpr std::size_t kEncodedNameLength = 32;
constexpr std::size_t kMaxScopeLength = 221;  // RFC 1002 4.1: the whole name fits 255 bytes
constexpr std::size_t kNodeStatusStatisticsLength = 46;
constexpr std::size_t kMaxNodeNames = 255;  // NUM_NAMES is one byte

// RFC 1001 14.1 second level: the 32-letter first-level label, then the scope's labels, then 0.
bool write_name(Writer& w, const NetbiosName& name, std::string_view scope, std::string& error) {
  auto encoded = smb::netbios_first_level_encode(name);
  if (!encoded) {
    error = encoded.error;
    return false;
  }
  w.u8_prefixed([&](Writer& label) { label.bytes(*encoded); });
  std::size_t start = 0;
  while (start < scope.size()) {
    auto dot = scope.find('.', start);
    if (dot == std::string_view::npos) dot = scope.size();
    const auto label = scope.substr(start, dot - start);
    if (label.empty() || label.size() > 63) {
      error = "scope \"" + std::string(scope) + "\" has an empty or over-long label";
      return false;
    }
    w.u8_prefixed([&](Writer& l) { l.bytes(label); });
    start = dot + 1;
  }
  w.u8(0x00);
  return true;
}

// Reads a compressed name (RFC 1002 4.1). A label pointer (RFC 1035 4.1.4, 0xC0 prefix) is followed
// once, only backwards: a name may be a pointer to an earlier name, never a chain or a loop.
bool read_name(ByteView whole, Reader& r, NetbiosName& out, std::string& scope, std::string& error,
               bool allow_pointer = true) {
  const std::size_t here = whole.size() - r.remaining();
  std::uint8_t len = 0;
  if (!r.u8(len)) {
    error = "name truncated";
    return false;
  }
  if ((len & 0xC0) == 0xC0) {
    std::uint8_t low = 0;
    if (!allow_pointer || !r.u8(low)) {
      error = allow_pointer ? "name pointer truncated" : "name pointer to a pointer";
      return false;
    }
    const std::size_t target = (static_cast<std::size_t>(len & 0x3f) << 8) | low;
    if (target >= here) {
      error = "name pointer " + hex4(target) + " does not point backwards";
      return false;
    }
    Reader at(whole.subspan(target));
    return read_name(whole, at, out, scope, error, false);
  }
  if (len != kEncodedNameLength) {
    error = "first name label of " + std::to_string(len) + " bytes (want 32)";
    return false;
  }
  ByteView letters;
  if (!r.bytes(kEncodedNameLength, letters)) {
    error = "name label truncated";
    return false;
  }
  auto decoded =
      smb::netbios_first_level_decode(std::string_view(reinterpret_cast<const char*>(letters.data()), letters.size()));
  if (!decoded) {
    error = decoded.error;
    return false;
  }
  out = *decoded;
  scope.clear();
  for (;;) {
    std::uint8_t l = 0;
    if (!r.u8(l)) {
      error = "scope truncated";
      return false;
    }
    if (l == 0) break;
    if (l > 63) {
      error = "scope label length " + hex2(l);
      return false;
    }
    ByteView label;
    if (!r.bytes(l, label)) {
      error = "scope label truncated";
      return false;
    }
    if (!scope.empty()) scope += '.';
    scope.append(reinterpret_cast<const char*>(label.data()), label.size());
    if (scope.size() > kMaxScopeLength) {
      error = "scope longer than " + std::to_string(kMaxScopeLength) + " bytes";
      return false;
    }
  }
  return true;
}

// Names decoded from the first level keep NUL padding ('*' names); strip it like the spaces.
void strip_padding(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
}

bool read_header(Reader& r, NameServiceHeader& h) {
  std::uint16_t flags = 0;
  if (!r.u16be(h.NAME_TRN_ID) || !r.u16be(flags) || !r.u16be(h.QDCOUNT) || !r.u16be(h.ANCOUNT) || !r.u16be(h.NSCOUNT) ||
      !r.u16be(h.ARCOUNT))
    return false;
  h.R = (flags & 0x8000) != 0;
  h.OPCODE = static_cast<std::uint8_t>((flags >> 11) & 0x0f);
  h.NM_FLAGS = static_cast<std::uint8_t>((flags >> 4) & 0x7f);
  h.RCODE = static_cast<std::uint8_t>(flags & 0x0f);
  return true;
}

void write_header(Writer& w, const NameServiceHeader& h) {
  w.u16be(h.NAME_TRN_ID);
  w.u16be(static_cast<std::uint16_t>((h.R ? 0x8000 : 0) | ((h.OPCODE & 0x0f) << 11) | ((h.NM_FLAGS & 0x7f) << 4) |
                                     (h.RCODE & 0x0f)));
  w.u16be(h.QDCOUNT);
  w.u16be(h.ANCOUNT);
  w.u16be(h.NSCOUNT);
  w.u16be(h.ARCOUNT);
}

// The common start of both responses: header (a response to a QUERY) and the answer's RR_NAME,
// RR_TYPE, RR_CLASS, TTL and RDATA.
struct Answer {
  NameServiceHeader header;
  NetbiosName name;
  std::uint16_t type = 0;
  std::uint32_t ttl = 0;
  Reader rdata;
};

bool read_answer(ByteView packet, std::string_view what, Answer& a, std::string& error) {
  Reader r(packet);
  if (!read_header(r, a.header)) {
    error = std::string(what) + ": header truncated (" + std::to_string(packet.size()) + " of 12 bytes)";
    return false;
  }
  if (!a.header.R) {
    error = std::string(what) + ": R bit clear (a request, not a response)";
    return false;
  }
  if (a.header.OPCODE != 0) {
    error = std::string(what) + ": OPCODE " + std::to_string(a.header.OPCODE) + " is not QUERY (0)";
    return false;
  }
  if (a.header.ANCOUNT != 1) {
    error = std::string(what) + ": ANCOUNT " + std::to_string(a.header.ANCOUNT) + " (want 1)";
    return false;
  }
  // RFC 1002 responses carry no question; skip one if a stack echoes it anyway.
  for (std::uint16_t i = 0; i < a.header.QDCOUNT && i < 4; ++i) {
    NetbiosName qn;
    std::string scope, e;
    if (!read_name(packet, r, qn, scope, e) || !r.skip(4)) {
      error = std::string(what) + ": question: " + (e.empty() ? "truncated" : e);
      return false;
    }
  }
  std::string scope, e;
  if (!read_name(packet, r, a.name, scope, e)) {
    error = std::string(what) + ": RR_NAME: " + e;
    return false;
  }
  std::uint16_t rr_class = 0;
  if (!r.u16be(a.type) || !r.u16be(rr_class) || !r.u32be(a.ttl)) {
    error = std::string(what) + ": resource record truncated";
    return false;
  }
  if (rr_class != RR_CLASS_IN) {
    error = std::string(what) + ": RR_CLASS " + hex4(rr_class) + " (want IN 0x0001)";
    return false;
  }
  if (!r.u16be_prefixed(a.rdata)) {
    error = std::string(what) + ": RDLENGTH past the end of the packet";
    return false;
  }
  // Trailing bytes (additional records some stacks append) are ignored: nothing reads them.
  return true;
}

}  // namespace

NetbiosName wildcard_name() { return NetbiosName{std::string("*") + std::string(14, '\0'), 0x00}; }

std::string printable(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f) {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      out += buf;
    }
  }
  return out;
}

std::string_view owner_node_type(std::uint16_t flags) {
  switch ((flags & NAME_FLAG_ONT) >> 13) {
    case 0: return "B";
    case 1: return "P";
    case 2: return "M";
    default: return "H";
  }
}

std::string_view suffix_meaning(std::uint8_t suffix, bool group, std::string_view name) {
  switch (suffix) {
    case 0x00: return group ? "domain/workgroup name" : "workstation service";
    case 0x01: return name.find("__MSBROWSE__") != std::string_view::npos ? "master browser" : "messenger service";
    case 0x03: return "messenger service";
    case 0x06: return "RAS server service";
    case 0x1B: return "domain master browser (PDC)";
    case 0x1C: return group ? "domain controllers" : "internet information server";
    case 0x1D: return "local master browser";
    case 0x1E: return "browser service elections";
    case 0x1F: return "NetDDE service";
    case 0x20: return "file server service";
    case 0x21: return "RAS client service";
    case 0x22: return "Exchange interchange (MSMail connector)";
    case 0x23: return "Exchange store";
    case 0x24: return "Exchange directory";
    case 0x30: return "modem sharing server service";
    case 0x31: return "modem sharing client service";
    case 0x43: return "SMS clients remote control";
    case 0x44: return "SMS administrators remote control tool";
    case 0x45: return "SMS clients remote chat";
    case 0x46: return "SMS clients remote transfer";
    case 0x6A: return "Exchange IMC";
    case 0x87: return "Exchange MTA";
    case 0xBE: return "network monitor agent";
    case 0xBF: return "network monitor application";
    default: return "unknown";
  }
}

std::string_view rcode_name(std::uint8_t rcode) {
  switch (rcode) {
    case 0x0: return "OK";
    case 0x1: return "FMT_ERR";
    case 0x2: return "SRV_ERR";
    case 0x3: return "NAM_ERR";
    case 0x4: return "IMP_ERR";
    case 0x5: return "RFS_ERR";
    case 0x6: return "ACT_ERR";
    case 0x7: return "CFT_ERR";
    default: return "unknown";
  }
}

Bytes encode_node_status_request(std::uint16_t trn_id) {
  Writer w;
  NameServiceHeader h;
  h.NAME_TRN_ID = trn_id;
  h.QDCOUNT = 1;
  write_header(w, h);
  std::string unused;
  write_name(w, wildcard_name(), "", unused);  // cannot fail: the wildcard is 15 bytes
  w.u16be(RR_TYPE_NBSTAT);
  w.u16be(RR_CLASS_IN);
  return w.take();
}

Decoded<Bytes> encode_name_query_request(std::uint16_t trn_id, const NetbiosName& name, bool rd, bool broadcast) {
  Writer w;
  NameServiceHeader h;
  h.NAME_TRN_ID = trn_id;
  h.NM_FLAGS = static_cast<std::uint8_t>((rd ? NM_FLAG_RD : 0) | (broadcast ? NM_FLAG_B : 0));
  h.QDCOUNT = 1;
  write_header(w, h);
  std::string error;
  if (!write_name(w, name, "", error)) return Decoded<Bytes>::fail("NAME QUERY REQUEST: " + error);
  w.u16be(RR_TYPE_NB);
  w.u16be(RR_CLASS_IN);
  return Decoded<Bytes>::ok(w.take());
}

Decoded<NameServiceQuestion> decode_name_service_request(ByteView packet) {
  using R = Decoded<NameServiceQuestion>;
  Reader r(packet);
  NameServiceQuestion q;
  if (!read_header(r, q.header)) return R::fail("name service request: header truncated");
  if (q.header.R) return R::fail("name service request: R bit set (a response)");
  if (q.header.QDCOUNT != 1) return R::fail("name service request: QDCOUNT " + std::to_string(q.header.QDCOUNT));
  std::string e;
  if (!read_name(packet, r, q.QUESTION_NAME, q.scope, e)) return R::fail("name service request: QUESTION_NAME: " + e);
  if (!r.u16be(q.QUESTION_TYPE) || !r.u16be(q.QUESTION_CLASS))
    return R::fail("name service request: question truncated");
  return R::ok(std::move(q));
}

std::vector<std::string> NodeName::flag_names() const {
  std::vector<std::string> out;
  if (NAME_FLAGS & NAME_FLAG_ACT) out.emplace_back("active");
  if (NAME_FLAGS & NAME_FLAG_PRM) out.emplace_back("permanent");
  if (NAME_FLAGS & NAME_FLAG_CNF) out.emplace_back("conflict");
  if (NAME_FLAGS & NAME_FLAG_DRG) out.emplace_back("deregistering");
  return out;
}

Decoded<NodeStatusResponse> decode_node_status_response(ByteView packet) {
  using R = Decoded<NodeStatusResponse>;
  constexpr std::string_view what = "NODE STATUS RESPONSE";
  Answer a;
  std::string error;
  if (!read_answer(packet, what, a, error)) return R::fail(error);
  if (a.header.RCODE != 0)
    return R::fail(std::string(what) + ": RCODE " + std::to_string(a.header.RCODE) + " " +
                   std::string(rcode_name(a.header.RCODE)));
  if (a.type != RR_TYPE_NBSTAT)
    return R::fail(std::string(what) + ": RR_TYPE " + hex4(a.type) + " (want NBSTAT 0x0021)");
  NodeStatusResponse out;
  out.header = a.header;
  out.RR_NAME = a.name;
  out.TTL = a.ttl;
  std::uint8_t num_names = 0;
  if (!a.rdata.u8(num_names)) return R::fail(std::string(what) + ": NUM_NAMES missing");
  static_assert(kMaxNodeNames >= 255, "NUM_NAMES is one byte, so it is its own cap");
  for (std::uint8_t i = 0; i < num_names; ++i) {
    ByteView raw;
    NodeName n;
    if (!a.rdata.bytes(16, raw) || !a.rdata.u16be(n.NAME_FLAGS))
      return R::fail(std::string(what) + ": NODE_NAME " + std::to_string(i + 1) + " of " + std::to_string(num_names) +
                     " truncated");
    n.name.assign(reinterpret_cast<const char*>(raw.data()), 15);
    strip_padding(n.name);
    n.suffix = raw[15];
    out.NODE_NAME_ARRAY.push_back(std::move(n));
  }
  out.statistics_length = a.rdata.remaining();
  if (a.rdata.remaining() >= 6) {
    ByteView unit;
    if (!a.rdata.bytes(6, unit)) return R::fail(std::string(what) + ": UNIT_ID truncated");
    std::copy(unit.begin(), unit.end(), out.UNIT_ID.begin());
    out.has_statistics = out.statistics_length >= kNodeStatusStatisticsLength;
  }
  return R::ok(std::move(out));
}

std::string AddressEntry::address() const {
  return std::to_string(NB_ADDRESS[0]) + "." + std::to_string(NB_ADDRESS[1]) + "." + std::to_string(NB_ADDRESS[2]) +
         "." + std::to_string(NB_ADDRESS[3]);
}

Decoded<NameQueryResponse> decode_name_query_response(ByteView packet) {
  using R = Decoded<NameQueryResponse>;
  constexpr std::string_view what = "NAME QUERY RESPONSE";
  Answer a;
  std::string error;
  if (!read_answer(packet, what, a, error)) return R::fail(error);
  NameQueryResponse out;
  out.header = a.header;
  out.RR_NAME = a.name;
  out.RR_TYPE = a.type;
  out.TTL = a.ttl;
  if (a.header.RCODE != 0) {
    // 4.2.14 NEGATIVE NAME QUERY RESPONSE: RR_TYPE NULL (Samba) or NB, RDLENGTH 0.
    if (a.type != RR_TYPE_NULL && a.type != RR_TYPE_NB)
      return R::fail(std::string(what) + ": negative response with RR_TYPE " + hex4(a.type));
    return R::ok(std::move(out));
  }
  if (a.type != RR_TYPE_NB) return R::fail(std::string(what) + ": RR_TYPE " + hex4(a.type) + " (want NB 0x0020)");
  if (a.rdata.remaining() % 6 != 0)
    return R::fail(std::string(what) + ": RDLENGTH " + std::to_string(a.rdata.remaining()) + " is not a multiple of 6");
  while (!a.rdata.empty()) {
    AddressEntry e;
    ByteView ip;
    if (!a.rdata.u16be(e.NB_FLAGS) || !a.rdata.bytes(4, ip))
      return R::fail(std::string(what) + ": ADDR_ENTRY truncated");
    std::copy(ip.begin(), ip.end(), e.NB_ADDRESS.begin());
    out.ADDR_ENTRY.push_back(e);
  }
  if (out.ADDR_ENTRY.empty()) return R::fail(std::string(what) + ": positive response without an ADDR_ENTRY");
  return R::ok(std::move(out));
}

// ---- datagram service -------------------------------------------------------------------------

std::string_view datagram_type_name(std::uint8_t msg_type) {
  switch (msg_type) {
    case 0x10: return "DIRECT_UNIQUE DATAGRAM";
    case 0x11: return "DIRECT_GROUP DATAGRAM";
    case 0x12: return "BROADCAST DATAGRAM";
    case 0x13: return "DATAGRAM ERROR";
    case 0x14: return "DATAGRAM QUERY REQUEST";
    case 0x15: return "DATAGRAM POSITIVE QUERY RESPONSE";
    case 0x16: return "DATAGRAM NEGATIVE QUERY RESPONSE";
    default: return "unknown";
  }
}

std::string_view datagram_error_name(std::uint8_t code) {
  switch (code) {
    case 0x82: return "DESTINATION NAME NOT PRESENT";
    case 0x83: return "INVALID SOURCE NAME FORMAT";
    case 0x84: return "INVALID DESTINATION NAME FORMAT";
    default: return "unknown error code";
  }
}

std::string Datagram::source() const {
  return std::to_string(SOURCE_IP[0]) + "." + std::to_string(SOURCE_IP[1]) + "." + std::to_string(SOURCE_IP[2]) + "." +
         std::to_string(SOURCE_IP[3]) + ":" + std::to_string(SOURCE_PORT);
}

Decoded<Bytes> encode_direct_datagram(const DirectDatagram& d) {
  const auto type = static_cast<std::uint8_t>(d.MSG_TYPE);
  if (type < 0x10 || type > 0x12)
    return Decoded<Bytes>::fail("datagram: MSG_TYPE " + hex2(type) + " is not a direct/broadcast datagram");
  Writer w;
  w.u8(type);
  w.u8(d.FLAGS);
  w.u16be(d.DGM_ID);
  for (auto b : d.SOURCE_IP) w.u8(b);
  w.u16be(d.SOURCE_PORT);
  const auto dgm_length = w.reserve_u16be();
  w.u16be(d.PACKET_OFFSET);
  const std::size_t counted_from = w.size();
  std::string error;
  if (!write_name(w, d.SOURCE_NAME, d.scope, error) || !write_name(w, d.DESTINATION_NAME, d.scope, error))
    return Decoded<Bytes>::fail("datagram: " + error);
  w.bytes(d.USER_DATA);
  const std::size_t counted = w.size() - counted_from;
  if (counted > 0xffff)
    return Decoded<Bytes>::fail("datagram: " + std::to_string(counted) + " bytes do not fit DGM_LENGTH");
  w.patch(dgm_length, counted);
  return Decoded<Bytes>::ok(w.take());
}

Decoded<Datagram> decode_datagram(ByteView packet) {
  using R = Decoded<Datagram>;
  Reader r(packet);
  Datagram out;
  ByteView ip;
  if (!r.u8(out.MSG_TYPE) || !r.u8(out.FLAGS) || !r.u16be(out.DGM_ID) || !r.bytes(4, ip) || !r.u16be(out.SOURCE_PORT))
    return R::fail("datagram: header truncated (" + std::to_string(packet.size()) + " of 10 bytes)");
  std::copy(ip.begin(), ip.end(), out.SOURCE_IP.begin());
  const std::string type_name(datagram_type_name(out.MSG_TYPE));
  switch (out.MSG_TYPE) {
    case 0x10:
    case 0x11:
    case 0x12: {
      DirectDatagram d;
      d.MSG_TYPE = static_cast<DatagramType>(out.MSG_TYPE);
      d.FLAGS = out.FLAGS;
      d.DGM_ID = out.DGM_ID;
      d.SOURCE_IP = out.SOURCE_IP;
      d.SOURCE_PORT = out.SOURCE_PORT;
      std::uint16_t dgm_length = 0;
      if (!r.u16be(dgm_length) || !r.u16be(d.PACKET_OFFSET))
        return R::fail(type_name + ": DGM_LENGTH/PACKET_OFFSET truncated");
      Reader body;
      if (!r.sub(dgm_length, body))
        return R::fail(type_name + ": DGM_LENGTH " + std::to_string(dgm_length) + " but " +
                       std::to_string(r.remaining()) + " bytes follow");
      // Names are compressed relative to the datagram's start (RFC 1002 4.1).
      const ByteView whole = packet.first(packet.size() - r.remaining());
      Reader names(whole.subspan(whole.size() - dgm_length));
      std::string e, scope2;
      if (!read_name(whole, names, d.SOURCE_NAME, d.scope, e)) return R::fail(type_name + ": SOURCE_NAME: " + e);
      if (!read_name(whole, names, d.DESTINATION_NAME, scope2, e))
        return R::fail(type_name + ": DESTINATION_NAME: " + e);
      d.USER_DATA.assign(names.rest().begin(), names.rest().end());
      // Bytes after DGM_LENGTH are padding some stacks add; they are not part of the datagram.
      out.direct = std::move(d);
      break;
    }
    case 0x13: {
      std::uint8_t code = 0;
      if (!r.u8(code)) return R::fail(type_name + ": ERROR_CODE missing");
      out.ERROR_CODE = code;
      break;
    }
    case 0x14:
    case 0x15:
    case 0x16: break;
    default: return R::fail("datagram: unknown MSG_TYPE " + hex2(out.MSG_TYPE));
  }
  return R::ok(std::move(out));
}

// ---- SMB_COM_TRANSACTION mailslot write -------------------------------------------------------

namespace {
constexpr std::uint8_t SMB_COM_TRANSACTION = 0x25;
constexpr std::uint16_t MAILSLOT_WRITE = 0x0001;
constexpr std::uint8_t kTransactionWordCount = 17;  // 14 parameter words + 3 setup words
constexpr std::size_t kMaxMailslotName = 255;
}  // namespace

Decoded<Bytes> encode_mailslot_write(const MailslotWrite& m) {
  if (m.mailslot_name.size() > kMaxMailslotName || m.mailslot_name.find('\0') != std::string::npos)
    return Decoded<Bytes>::fail("mailslot write: bad mailslot name");
  if (m.data.size() > 0xffff) return Decoded<Bytes>::fail("mailslot write: data longer than 65535 bytes");
  Writer w;
  // [MS-CIFS] 2.2.3.1 SMB_Header: everything but Protocol and Command is zero in a mailslot write.
  w.bytes(std::string_view("\xffSMB", 4));
  w.u8(SMB_COM_TRANSACTION);
  w.zeros(27);
  // [MS-CIFS] 2.2.4.33.1 SMB_Parameters
  w.u8(kTransactionWordCount);
  w.u16le(0);                                          // TotalParameterCount
  w.u16le(static_cast<std::uint16_t>(m.data.size()));  // TotalDataCount
  w.u16le(0);                                          // MaxParameterCount
  w.u16le(0);                                          // MaxDataCount
  w.u8(0);                                             // MaxSetupCount
  w.u8(0);                                             // Reserved1
  w.u16le(0);                                          // Flags
  w.u32le(m.Timeout);
  w.u16le(0);                                          // Reserved2
  w.u16le(0);                                          // ParameterCount
  w.u16le(0);                                          // ParameterOffset
  w.u16le(static_cast<std::uint16_t>(m.data.size()));  // DataCount
  const auto data_offset = w.reserve_u16le();
  w.u8(3);  // SetupCount
  w.u8(0);  // Reserved3
  w.u16le(MAILSLOT_WRITE);
  w.u16le(m.Priority);
  w.u16le(m.Class);
  // SMB_Data
  const auto byte_count = w.reserve_u16le();
  w.bytes(m.mailslot_name);
  w.u8(0);
  w.patch(data_offset, w.size());  // offsets count from the SMB header's first byte
  w.bytes(m.data);
  w.patch_length_since(byte_count);
  return Decoded<Bytes>::ok(w.take());
}

Decoded<MailslotWrite> decode_mailslot_write(ByteView smb) {
  using R = Decoded<MailslotWrite>;
  constexpr std::string_view what = "mailslot SMB_COM_TRANSACTION";
  Reader r(smb);
  ByteView protocol;
  std::uint8_t command = 0;
  if (!r.bytes(4, protocol) || !r.u8(command) || !r.skip(27))
    return R::fail(std::string(what) + ": SMB header truncated");
  if (protocol[0] != 0xff || protocol[1] != 'S' || protocol[2] != 'M' || protocol[3] != 'B')
    return R::fail(std::string(what) + ": no \\xffSMB protocol identifier");
  if (command != SMB_COM_TRANSACTION) return R::fail(std::string(what) + ": command " + hex2(command) + " (want 0x25)");
  std::uint8_t word_count = 0;
  if (!r.u8(word_count)) return R::fail(std::string(what) + ": WordCount missing");
  Reader words;
  if (!r.sub(static_cast<std::size_t>(word_count) * 2, words))
    return R::fail(std::string(what) + ": parameter words truncated");
  std::uint16_t total_param = 0, total_data = 0, param_count = 0, param_offset = 0, data_count = 0, data_offset = 0;
  std::uint8_t setup_count = 0;
  MailslotWrite out;
  std::uint16_t opcode = 0;
  if (!words.u16le(total_param) || !words.u16le(total_data) || !words.skip(2 + 2 + 1 + 1 + 2) ||
      !words.u32le(out.Timeout) || !words.skip(2) || !words.u16le(param_count) || !words.u16le(param_offset) ||
      !words.u16le(data_count) || !words.u16le(data_offset) || !words.u8(setup_count) || !words.skip(1))
    return R::fail(std::string(what) + ": WordCount " + std::to_string(word_count) + " too small");
  if (setup_count < 3 || !words.u16le(opcode) || !words.u16le(out.Priority) || !words.u16le(out.Class))
    return R::fail(std::string(what) + ": fewer than 3 setup words");
  if (opcode != MAILSLOT_WRITE)
    return R::fail(std::string(what) + ": setup Opcode " + hex4(opcode) + " is not a mailslot write");
  if (data_count != total_data)
    return R::fail(std::string(what) + ": DataCount " + std::to_string(data_count) + " != TotalDataCount " +
                   std::to_string(total_data) + " (a secondary transaction)");
  Reader bytes;
  if (!r.u16le_prefixed(bytes)) return R::fail(std::string(what) + ": ByteCount past the end of the message");
  if (!bytes.cstring(out.mailslot_name, kMaxMailslotName))
    return R::fail(std::string(what) + ": mailslot name not terminated");
  ByteView data;
  if (!Reader::range(smb, data_offset, data_count, data))
    return R::fail(std::string(what) + ": DataOffset " + std::to_string(data_offset) + " + DataCount " +
                   std::to_string(data_count) + " past the end of the " + std::to_string(smb.size()) + "-byte message");
  out.data.assign(data.begin(), data.end());
  return R::ok(std::move(out));
}

}  // namespace legacyscan::netbios
