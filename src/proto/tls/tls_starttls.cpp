// SPDX-License-Identifier: Apache-2.0
#include "src/proto/tls/tls_starttls.hpp"

#include <algorithm>
#include <cctype>

#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::tls {

std::optional<StartTlsProto> starttls_from_string(std::string_view s) {
  if (s == "ldap") return StartTlsProto::ldap;
  if (s == "smtp") return StartTlsProto::smtp;
  if (s == "imap") return StartTlsProto::imap;
  if (s == "pop3") return StartTlsProto::pop3;
  if (s == "ftp") return StartTlsProto::ftp;
  if (s == "postgres") return StartTlsProto::postgres;
  if (s == "rdp") return StartTlsProto::rdp;
  if (s == "tds") return StartTlsProto::tds;
  return std::nullopt;
}

std::string_view to_string(StartTlsProto p) {
  switch (p) {
    case StartTlsProto::none: return "none";
    case StartTlsProto::ldap: return "ldap";
    case StartTlsProto::smtp: return "smtp";
    case StartTlsProto::imap: return "imap";
    case StartTlsProto::pop3: return "pop3";
    case StartTlsProto::ftp: return "ftp";
    case StartTlsProto::postgres: return "postgres";
    case StartTlsProto::rdp: return "rdp";
    case StartTlsProto::tds: return "tds";
  }
  return "none";
}

namespace {

// A text reply cannot be this long from an honest server; stop reading instead of buffering more.
constexpr std::size_t kMaxTextReply = 16 * 1024;

// Calls decide(line) on each complete line (without its CR/LF) in order, until one returns a complete
// reply; the unterminated tail is left out. Lines are views into data: a reply is read again on every
// read from the server, so no line is copied before one decides.
template <class Decide>
PreludeReply first_decision(ByteView data, Decide decide) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] != '\n') continue;
    std::size_t end = i;
    if (end > start && data[end - 1] == '\r') --end;
    auto r = decide(std::string_view(reinterpret_cast<const char*>(data.data()) + start, end - start));
    if (r.complete) return r;
    start = i + 1;
  }
  return {};
}

// Whether s begins with prefix, ASCII letters compared without case.
bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(s[i])) != std::toupper(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

PreludeReply too_long(ByteView data) {
  return {true, false, "reply longer than 16 KiB without its final line: " + printable_excerpt(data)};
}

// RFC 5321 4.2.1: "NNN-text" continues, "NNN text" (or "NNN") ends the reply.
PreludeReply coded_reply(ByteView data, std::string_view expect, bool need_starttls = false) {
  bool starttls_seen = false;
  auto r = first_decision(data, [&](std::string_view l) -> PreludeReply {
    const bool coded = l.size() >= 3 && std::isdigit(static_cast<unsigned char>(l[0])) &&
                       std::isdigit(static_cast<unsigned char>(l[1])) && std::isdigit(static_cast<unsigned char>(l[2]));
    if (!coded) return {true, false, "not a numbered reply line: " + printable_excerpt(as_bytes(l))};
    if (starts_with_nocase(l.substr(std::min<std::size_t>(4, l.size())), "STARTTLS")) starttls_seen = true;
    if (l.size() == 3 || l[3] == ' ') {
      PreludeReply final_line{true, l.substr(0, expect.size()) == expect, std::string(l)};
      if (final_line.ok && need_starttls && !starttls_seen) {
        final_line.ok = false;
        final_line.text = "STARTTLS not offered in the EHLO reply";
      }
      return final_line;
    }
    if (l[3] != '-') return {true, false, "malformed reply line: " + printable_excerpt(as_bytes(l))};
    return {};
  });
  if (!r.complete && data.size() > kMaxTextReply) return too_long(data);
  return r;
}

// IMAP/POP3: the first complete line decides.
PreludeReply first_line(ByteView data, std::string_view ok_prefix, std::string_view skip_prefix = {}) {
  auto r = first_decision(data, [&](std::string_view l) -> PreludeReply {
    if (!skip_prefix.empty() && l.substr(0, skip_prefix.size()) == skip_prefix) return {};  // IMAP untagged lines
    return {true, starts_with_nocase(l, ok_prefix), std::string(l)};
  });
  if (!r.complete && data.size() > kMaxTextReply) return too_long(data);
  return r;
}

}  // namespace

PreludeReply parse_smtp_greeting(ByteView d) { return coded_reply(d, "220"); }
PreludeReply parse_smtp_ehlo(ByteView d) { return coded_reply(d, "250", true); }
PreludeReply parse_smtp_starttls(ByteView d) { return coded_reply(d, "220"); }
PreludeReply parse_ftp_greeting(ByteView d) { return coded_reply(d, "220"); }
PreludeReply parse_ftp_auth_tls(ByteView d) { return coded_reply(d, "234"); }
PreludeReply parse_imap_greeting(ByteView d) { return first_line(d, "* OK"); }
PreludeReply parse_imap_starttls(ByteView d) { return first_line(d, "A1 OK", "* "); }
PreludeReply parse_pop3_greeting(ByteView d) { return first_line(d, "+OK"); }
PreludeReply parse_pop3_stls(ByteView d) { return first_line(d, "+OK"); }

std::vector<PreludeStep> text_prelude(StartTlsProto p) {
  switch (p) {
    case StartTlsProto::smtp:
      return {{"", parse_smtp_greeting},
              {"EHLO legacyscan.invalid\r\n", parse_smtp_ehlo},
              {"STARTTLS\r\n", parse_smtp_starttls}};
    case StartTlsProto::ftp: return {{"", parse_ftp_greeting}, {"AUTH TLS\r\n", parse_ftp_auth_tls}};
    case StartTlsProto::imap: return {{"", parse_imap_greeting}, {"a1 STARTTLS\r\n", parse_imap_starttls}};
    case StartTlsProto::pop3: return {{"", parse_pop3_greeting}, {"STLS\r\n", parse_pop3_stls}};
    default: return {};
  }
}

// ---- LDAP -----------------------------------------------------------------------------------------

Bytes ldap_starttls_request() {
  // LDAPMessage ::= SEQUENCE { messageID 1, extendedReq [APPLICATION 23] SEQUENCE { requestName [0] } }
  // Every length here is below 128, so the one-byte prefixes are the BER short form (X.690 8.1.3.4).
  Writer w;
  w.u8(0x30);
  w.u8_prefixed([](Writer& msg) {
    msg.u8(0x02);
    msg.u8(0x01);
    msg.u8(0x01);
    msg.u8(0x77);
    msg.u8_prefixed([](Writer& ext) {
      ext.u8(0x80);
      ext.u8_prefixed([](Writer& oid) { oid.bytes(std::string_view("1.3.6.1.4.1.1466.20037")); });
    });
  });
  return w.take();
}

namespace {
// One BER TLV header (X.690 8.1): tag (low-tag-number form only) and a definite length.
enum class Tlv { ok, need_more, bad };
Tlv read_tlv(Reader& r, std::uint8_t& tag, Reader& value) {
  Reader copy = r;
  std::uint8_t len0 = 0;
  if (!copy.u8(tag) || !copy.u8(len0)) return Tlv::need_more;
  if ((tag & 0x1f) == 0x1f) return Tlv::bad;
  std::size_t len = len0;
  if (len0 & 0x80) {
    const int n = len0 & 0x7f;
    if (n == 0 || n > 3) return Tlv::bad;  // indefinite length (not allowed in LDAP) or absurdly large
    len = 0;
    for (int i = 0; i < n; ++i) {
      std::uint8_t b = 0;
      if (!copy.u8(b)) return Tlv::need_more;
      len = (len << 8) | b;
    }
  }
  if (!copy.sub(len, value)) return Tlv::need_more;
  r = copy;
  return Tlv::ok;
}
bool small_int(Reader v, int& out) {
  if (v.empty() || v.remaining() > 4) return false;
  std::int64_t x = (v.rest()[0] & 0x80) ? -1 : 0;
  std::uint8_t b = 0;
  while (v.u8(b)) x = (x << 8) | b;
  out = static_cast<int>(x);
  return true;
}
}  // namespace

Decoded<LdapRead> decode_ldap_extended_response(ByteView data) {
  using D = Decoded<LdapRead>;
  if (!data.empty() && data[0] != 0x30)  // decide on the first byte: a text banner is not LDAP
    return D::fail("LDAP: not an LDAPMessage: " + printable_excerpt(data, 30));
  Reader r(data);
  std::uint8_t tag = 0;
  Reader msg;
  switch (read_tlv(r, tag, msg)) {
    case Tlv::need_more: {
      if (data.size() > 65536) return D::fail("LDAP: message larger than 64 KiB");
      LdapRead lr;
      lr.need_more = true;
      return D::ok(lr);
    }
    case Tlv::bad: return D::fail("LDAP: bad BER header");
    case Tlv::ok: break;
  }
  if (tag != 0x30)
    return D::fail("LDAP: LDAPMessage is not a SEQUENCE (not LDAP: " + printable_excerpt(data, 30) + ")");
  Reader id, op;
  LdapExtendedResponse resp;
  if (read_tlv(msg, tag, id) != Tlv::ok || tag != 0x02 || !small_int(id, resp.message_id))
    return D::fail("LDAP: bad messageID");
  if (read_tlv(msg, tag, op) != Tlv::ok) return D::fail("LDAP: truncated protocolOp");
  if (tag != 0x78) {
    // A server without the extended operation may answer with a Notice of Disconnection
    // (messageID 0, also ExtendedResponse) or something else entirely.
    return D::fail("LDAP: protocolOp tag 0x" + to_hex(ByteView(&tag, 1)) + " is not ExtendedResponse");
  }
  Reader code, dn, diag;
  if (read_tlv(op, tag, code) != Tlv::ok || tag != 0x0a || !small_int(code, resp.result_code))
    return D::fail("LDAP: bad resultCode");
  if (read_tlv(op, tag, dn) != Tlv::ok || tag != 0x04) return D::fail("LDAP: bad matchedDN");
  if (read_tlv(op, tag, diag) != Tlv::ok || tag != 0x04) return D::fail("LDAP: bad diagnosticMessage");
  resp.diagnostic.assign(diag.rest().begin(), diag.rest().end());
  LdapRead lr;
  lr.response = std::move(resp);
  return D::ok(std::move(lr));
}

// ---- PostgreSQL and RDP ---------------------------------------------------------------------------

Bytes postgres_ssl_request() {
  Writer w;
  w.u32be(8);
  w.u32be(80877103);  // (1234 << 16) | 5679
  return w.take();
}

Bytes rdp_x224_ssl_request() {
  // TPKT (RFC 1006) { version 3, reserved, length } + X.224 CR TPDU (ISO 8073 13.3) + RDP_NEG_REQ.
  Writer w;
  w.u8(3);
  w.u8(0);
  const auto tpkt_len = w.reserve_u16be();
  w.u8_prefixed([](Writer& x224) {  // LI: length of the TPDU after this byte
    x224.u8(0xE0);                  // CR CDT
    x224.u16be(0);                  // DST-REF
    x224.u16be(0);                  // SRC-REF
    x224.u8(0);                     // class 0
    x224.u8(0x01);                  // RDP_NEG_REQ type
    x224.u8(0x00);                  // flags
    x224.u16le(8);                  // length
    x224.u32le(0x00000001);         // requestedProtocols: PROTOCOL_SSL
  });
  w.patch(tpkt_len, w.size());
  return w.take();
}

Decoded<RdpNegotiation> decode_rdp_x224_confirm(ByteView data) {
  using D = Decoded<RdpNegotiation>;
  Reader r(data);
  std::uint8_t version = 0, reserved = 0;
  std::uint16_t length = 0;
  RdpNegotiation out;
  if (!r.u8(version) || !r.u8(reserved) || !r.u16be(length)) {
    out.need_more = true;
    return D::ok(out);
  }
  if (version != 3) return D::fail("RDP: not a TPKT (version " + std::to_string(version) + ")");
  if (length < 11) return D::fail("RDP: TPKT length " + std::to_string(length) + " too short");
  Reader tpdu;
  if (!r.sub(length - 4u, tpdu)) {
    out.need_more = true;
    return D::ok(out);
  }
  std::uint8_t li = 0, code = 0;
  if (!tpdu.u8(li) || !tpdu.u8(code) || !tpdu.skip(5)) return D::fail("RDP: truncated X.224 header");
  if ((code & 0xF0) != 0xD0) return D::fail("RDP: X.224 TPDU is not a Connection Confirm");
  if (tpdu.empty()) {
    out.text = "no RDP_NEG_RSP: standard RDP security only";
    return D::ok(out);
  }
  std::uint8_t type = 0, flags = 0;
  std::uint16_t len = 0;
  std::uint32_t value = 0;
  if (!tpdu.u8(type) || !tpdu.u8(flags) || !tpdu.u16le(len) || !tpdu.u32le(value) || len != 8)
    return D::fail("RDP: malformed RDP_NEG_RSP/RDP_NEG_FAILURE");
  if (type == 0x02) {
    out.ssl_selected = (value == 1);
    out.selected_protocol = value;
    out.text = "selectedProtocol " + std::to_string(value);
  } else if (type == 0x03) {
    out.text = "RDP_NEG_FAILURE code " + std::to_string(value);
  } else {
    return D::fail("RDP: negotiation type " + std::to_string(type));
  }
  return D::ok(out);
}

// ---- TDS (SQL Server) ---------------------------------------------------------------------------

namespace {
constexpr std::uint8_t kTdsPrelogin = 0x12;
constexpr std::uint8_t kTdsTabularResult = 0x04;
constexpr std::uint8_t kTdsStatusEom = 0x01;
constexpr std::size_t kTdsHeader = 8;
constexpr std::size_t kTdsMaxPacket = 4096;  // the default negotiated packet size (MS-TDS 2.2.6.4)

void tds_header(Writer& w, std::uint8_t type, bool last, std::size_t length, std::uint8_t packet_id) {
  w.u8(type);
  w.u8(last ? kTdsStatusEom : 0x00);
  w.u16be(static_cast<std::uint16_t>(length));
  w.u16be(0);  // SPID
  w.u8(packet_id);
  w.u8(0);  // window
}
}  // namespace

Bytes tds_prelogin_request() {
  // PL_OPTION_TOKEN, PL_OFFSET (from the start of the packet data), PL_OPTION_LENGTH, both big-endian;
  // then the option data in the same order (MS-TDS 2.2.6.5).
  struct Option {
    std::uint8_t token;
    Bytes data;
  };
  const std::vector<Option> options{
      {0x00, {0x09, 0x00, 0x00, 0x00, 0x00, 0x00}},  // VERSION 9.0.0, sub-build 0
      {0x01, {kTdsEncryptOn}},                       // ENCRYPTION
      {0x02, {0x00}},                                // INSTOPT: the default instance
      {0x03, {0x00, 0x00, 0x00, 0x00}},              // THREADID
      {0x04, {0x00}},                                // MARS off
  };
  Writer data;
  std::size_t offset = options.size() * 5 + 1;
  for (const auto& o : options) {
    data.u8(o.token);
    data.u16be(static_cast<std::uint16_t>(offset));
    data.u16be(static_cast<std::uint16_t>(o.data.size()));
    offset += o.data.size();
  }
  data.u8(0xFF);  // TERMINATOR
  for (const auto& o : options) data.bytes(o.data);
  const Bytes body = data.take();
  Writer w;
  tds_header(w, kTdsPrelogin, true, kTdsHeader + body.size(), 1);
  w.bytes(body);
  return w.take();
}

Decoded<TdsPrelogin> decode_tds_prelogin(ByteView data) {
  using D = Decoded<TdsPrelogin>;
  TdsPrelogin out;
  // The message: packets until one with the EOM status bit; their data concatenated.
  Bytes body;
  Reader r(data);
  std::uint8_t type = 0;
  for (;;) {
    Reader copy = r;
    std::uint8_t t = 0, status = 0;
    std::uint16_t length = 0;
    if (!copy.u8(t) || !copy.u8(status) || !copy.u16be(length)) {
      out.need_more = true;
      return D::ok(out);
    }
    if (t != kTdsTabularResult && t != kTdsPrelogin)
      return D::fail("TDS: packet type 0x" + to_hex(ByteView(&t, 1)) +
                     " is not a PRELOGIN response (not TDS: " + printable_excerpt(data, 30) + ")");
    if (length < kTdsHeader)
      return D::fail("TDS: packet length " + std::to_string(length) + " is shorter than its header");
    if (type != 0 && t != type) return D::fail("TDS: packet types change within one message");
    type = t;
    Reader packet;
    if (!r.sub(length, packet)) {
      out.need_more = true;
      return D::ok(out);
    }
    if (!packet.skip(kTdsHeader)) return D::fail("TDS: truncated header");
    body.insert(body.end(), packet.rest().begin(), packet.rest().end());
    if (body.size() > 65536) return D::fail("TDS: PRELOGIN response larger than 64 KiB");
    if (status & kTdsStatusEom) break;
  }
  out.packet_type = type;
  // The option table: tokens with big-endian offsets into the body, up to the TERMINATOR.
  Reader opts(body);
  for (;;) {
    std::uint8_t token = 0;
    if (!opts.u8(token)) return D::fail("TDS: PRELOGIN option table without TERMINATOR");
    if (token == 0xFF) break;
    std::uint16_t offset = 0, length = 0;
    if (!opts.u16be(offset) || !opts.u16be(length)) return D::fail("TDS: truncated PRELOGIN option");
    ByteView value;
    if (!Reader::range(body, offset, length, value))
      return D::fail("TDS: PRELOGIN option " + std::to_string(token) + " points outside the message");
    if (token == 0x00 && length >= 6) {
      out.version.assign(value.begin(), value.begin() + 6);
    } else if (token == 0x01) {
      if (length != 1) return D::fail("TDS: ENCRYPTION option of " + std::to_string(length) + " bytes");
      out.encryption = value[0];
    }
  }
  if (!out.encryption) return D::fail("TDS: PRELOGIN response without an ENCRYPTION option");
  return D::ok(out);
}

std::string tds_encryption_name(std::uint8_t e) {
  switch (e) {
    case kTdsEncryptOff: return "ENCRYPT_OFF";
    case kTdsEncryptOn: return "ENCRYPT_ON";
    case kTdsEncryptNotSup: return "ENCRYPT_NOT_SUP";
    case kTdsEncryptReq: return "ENCRYPT_REQ";
    default: return "0x" + to_hex(ByteView(&e, 1));
  }
}

Bytes tds_wrap(ByteView payload) {
  Writer w;
  std::uint8_t id = 1;
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min(payload.size() - pos, kTdsMaxPacket - kTdsHeader);
    tds_header(w, kTdsPrelogin, pos + n == payload.size(), kTdsHeader + n, id++);
    w.bytes(payload.subspan(pos, n));
    pos += n;
  } while (pos < payload.size());
  return w.take();
}

Decoded<Bytes> decode_tds_packets(ByteView data) {
  using D = Decoded<Bytes>;
  Bytes out;
  Reader r(data);
  for (;;) {
    Reader copy = r;
    std::uint8_t t = 0, status = 0;
    std::uint16_t length = 0;
    if (!copy.u8(t) || !copy.u8(status) || !copy.u16be(length)) break;
    if (t != kTdsPrelogin && t != kTdsTabularResult)
      return D::fail("not a TDS packet (type 0x" + to_hex(ByteView(&t, 1)) + "): " + printable_excerpt(data, 30));
    if (length < kTdsHeader)
      return D::fail("TDS packet length " + std::to_string(length) + " is shorter than its header");
    Reader packet;
    if (!r.sub(length, packet)) break;  // incomplete: the payload so far
    if (!packet.skip(kTdsHeader)) return D::fail("TDS: truncated header");
    out.insert(out.end(), packet.rest().begin(), packet.rest().end());
  }
  return D::ok(std::move(out));
}

}  // namespace legacyscan::tls
