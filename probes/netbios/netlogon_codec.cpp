// SPDX-License-Identifier: Apache-2.0
#include "probes/netbios/netlogon_codec.hpp"

#include <cstdio>

#include "probes/netbios/netbios_codec.hpp"

namespace legacyscan::netbios {

namespace {

constexpr std::size_t kMaxStringUnits = 1024;  // any name in these messages is far shorter
constexpr std::size_t kMaxDnsName = 255;       // RFC 1035 2.3.4
constexpr int kMaxPointerHops = 16;

std::string hex4(std::uint32_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", static_cast<unsigned>(v & 0xffff));
  return buf;
}

// A NUL-terminated UTF-16LE string (terminator consumed).
bool read_utf16z(Reader& r, std::string& out) {
  Reader copy = r;
  Bytes units;
  for (std::size_t i = 0; i <= kMaxStringUnits; ++i) {
    std::uint16_t u = 0;
    if (!copy.u16le(u)) return false;
    if (u == 0) {
      out = utf16le_to_utf8(units);
      r = copy;
      return true;
    }
    units.push_back(static_cast<std::uint8_t>(u & 0xff));
    units.push_back(static_cast<std::uint8_t>(u >> 8));
  }
  return false;
}

// A NUL-terminated OEM string, shown with printable().
bool read_oemz(Reader& r, std::string& out) {
  std::string raw;
  if (!r.cstring(raw, kMaxStringUnits)) return false;
  out = printable(raw);
  return true;
}

void write_utf16z(Writer& w, std::string_view s) {
  w.bytes(utf8_to_utf16le(s));
  w.u16le(0);
}

// Skips the zero byte that aligns the next Unicode string to an even offset of the message. The reply
// decoders read a view without the 8-byte tail; an even tail leaves the parity the same.
bool align2(Reader& r, std::size_t message_size) {
  if ((message_size - r.remaining()) % 2 == 0) return true;
  return r.skip(1);
}

// An RFC 1035 4.1.4 compressed name; pointers are offsets from the start of the NETLOGON message.
bool read_dns_name(ByteView whole, Reader& r, std::string& out, std::string& error) {
  out.clear();
  Reader cur = r;
  bool jumped = false;
  int hops = 0;
  for (;;) {
    std::uint8_t len = 0;
    if (!cur.u8(len)) {
      error = "DNS name truncated";
      return false;
    }
    if (len == 0) break;
    if ((len & 0xC0) == 0xC0) {
      std::uint8_t low = 0;
      if (!cur.u8(low)) {
        error = "DNS name pointer truncated";
        return false;
      }
      if (++hops > kMaxPointerHops) {
        error = "DNS name pointer loop";
        return false;
      }
      const std::size_t target = (static_cast<std::size_t>(len & 0x3f) << 8) | low;
      if (target >= whole.size()) {
        error = "DNS name pointer " + hex4(target) + " past the end";
        return false;
      }
      if (!jumped) r = cur;  // the name ends, in the message, right after the first pointer
      jumped = true;
      cur = Reader(whole.subspan(target));
      continue;
    }
    if ((len & 0xC0) != 0) {
      error = "DNS label type bits " + hex4(len);
      return false;
    }
    ByteView label;
    if (!cur.bytes(len, label)) {
      error = "DNS label truncated";
      return false;
    }
    if (!out.empty()) out += '.';
    out += printable(std::string_view(reinterpret_cast<const char*>(label.data()), label.size()));
    if (out.size() > kMaxDnsName) {
      error = "DNS name longer than 255 bytes";
      return false;
    }
  }
  if (!jumped) r = cur;
  return true;
}

std::string guid_string(ByteView g) {
  // [MS-DTYP] 2.3.4.2: Data1..Data3 little-endian, Data4 as bytes.
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1],
                g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
  return buf;
}

std::string ipv4_string(ByteView a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." + std::to_string(a[3]);
}

std::string strip_backslashes(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size() && i < 2 && s[i] == '\\') ++i;
  return s.substr(i);
}

using Reply = Decoded<NetlogonReply>;

// 6.3.1.5 LOGON_PRIMARY_RESPONSE.
Reply decode_primary_response(ByteView msg, Reader& r, NetlogonReply out) {
  out.format = "PRIMARY";
  if (!read_oemz(r, out.logon_server_raw)) return Reply::fail("LOGON_PRIMARY_RESPONSE: PrimaryDCName not terminated");
  out.logon_server = out.logon_server_raw;
  std::string unicode_pdc;
  if (!align2(r, msg.size()) || !read_utf16z(r, unicode_pdc))
    return Reply::fail("LOGON_PRIMARY_RESPONSE: UnicodePrimaryDCName not terminated");
  if (!unicode_pdc.empty()) {
    out.logon_server_raw = unicode_pdc;
    out.logon_server = strip_backslashes(unicode_pdc);
  }
  if (!read_utf16z(r, out.domain_name)) return Reply::fail("LOGON_PRIMARY_RESPONSE: UnicodeDomainName not terminated");
  return Reply::ok(std::move(out));
}

// 6.3.1.7 NT40 and 6.3.1.8 V5 layouts (opcodes 0x13, 0x14, 0x15).
Reply decode_sam_response(ByteView msg, Reader& r, NetlogonReply out) {
  const std::string what = out.opcode_name;
  out.format = (out.NtVersion & NETLOGON_NT_VERSION_5) ? "V5" : "NT40";
  if (!read_utf16z(r, out.logon_server_raw)) return Reply::fail(what + ": UnicodeLogonServer not terminated");
  out.logon_server = strip_backslashes(out.logon_server_raw);
  if (!read_utf16z(r, out.user_name)) return Reply::fail(what + ": UnicodeUserName not terminated");
  if (!read_utf16z(r, out.domain_name)) return Reply::fail(what + ": UnicodeDomainName not terminated");
  if (out.format == "NT40") return Reply::ok(std::move(out));
  ByteView guid, null_guid, ip;
  if (!r.bytes(16, guid) || !r.bytes(16, null_guid)) return Reply::fail(what + ": DomainGuid/NullGuid truncated");
  out.domain_guid = guid_string(guid);
  std::string e;
  if (!read_dns_name(msg, r, out.dns_forest_name, e)) return Reply::fail(what + ": DnsForestName: " + e);
  if (!read_dns_name(msg, r, out.dns_domain_name, e)) return Reply::fail(what + ": DnsDomainName: " + e);
  if (!read_dns_name(msg, r, out.dns_host_name, e)) return Reply::fail(what + ": DnsHostName: " + e);
  std::uint32_t flags = 0;
  if (!r.bytes(4, ip) || !r.u32le(flags)) return Reply::fail(what + ": DcIpAddress/Flags truncated");
  out.dc_ip_address = ipv4_string(ip);
  out.Flags = flags;
  return Reply::ok(std::move(out));
}

// 6.3.1.9 NETLOGON_SAM_LOGON_RESPONSE_EX (opcodes 0x17, 0x18, 0x19).
Reply decode_sam_response_ex(ByteView msg, Reader& r, NetlogonReply out) {
  const std::string what = out.opcode_name;
  out.format = "V5EX";
  std::uint16_t sbz = 0;
  std::uint32_t flags = 0;
  ByteView guid;
  if (!r.u16le(sbz) || !r.u32le(flags) || !r.bytes(16, guid)) return Reply::fail(what + ": Sbz/Flags/DomainGuid truncated");
  out.Flags = flags;
  out.domain_guid = guid_string(guid);
  std::string e;
  struct Field {
    const char* name;
    std::string* into;
  };
  const Field fields[] = {{"DnsForestName", &out.dns_forest_name},   {"DnsDomainName", &out.dns_domain_name},
                          {"DnsHostName", &out.dns_host_name},       {"NetbiosDomainName", &out.domain_name},
                          {"NetbiosComputerName", &out.logon_server}, {"UserName", &out.user_name},
                          {"DcSiteName", &out.dc_site_name},         {"ClientSiteName", &out.client_site_name}};
  for (const auto& f : fields)
    if (!read_dns_name(msg, r, *f.into, e)) return Reply::fail(what + ": " + f.name + ": " + e);
  out.logon_server_raw = out.logon_server;
  if (out.NtVersion & NETLOGON_NT_VERSION_5EX_WITH_IP) {
    std::uint8_t size = 0;
    Reader sa;
    if (!r.u8(size) || !r.sub(size, sa)) return Reply::fail(what + ": DcSockAddr truncated");
    std::uint16_t family = 0;
    ByteView addr;
    if (size >= 8 && sa.u16le(family) && family == 2 && sa.skip(2) && sa.bytes(4, addr)) out.dc_ip_address = ipv4_string(addr);
  }
  if (out.NtVersion & NETLOGON_NT_VERSION_WITH_CLOSEST_SITE) {
    if (!read_dns_name(msg, r, out.next_closest_site_name, e)) return Reply::fail(what + ": NextClosestSiteName: " + e);
  }
  return Reply::ok(std::move(out));
}

}  // namespace

std::string_view netlogon_opcode_name(std::uint16_t opcode) {
  switch (opcode) {
    case LOGON_PRIMARY_QUERY: return "LOGON_PRIMARY_QUERY";
    case LOGON_PRIMARY_RESPONSE: return "LOGON_PRIMARY_RESPONSE";
    case LOGON_SAM_LOGON_REQUEST: return "LOGON_SAM_LOGON_REQUEST";
    case LOGON_SAM_LOGON_RESPONSE: return "LOGON_SAM_LOGON_RESPONSE";
    case LOGON_SAM_PAUSE_RESPONSE: return "LOGON_SAM_PAUSE_RESPONSE";
    case LOGON_SAM_USER_UNKNOWN: return "LOGON_SAM_USER_UNKNOWN";
    case LOGON_SAM_LOGON_RESPONSE_EX: return "LOGON_SAM_LOGON_RESPONSE_EX";
    case LOGON_SAM_PAUSE_RESPONSE_EX: return "LOGON_SAM_PAUSE_RESPONSE_EX";
    case LOGON_SAM_USER_UNKNOWN_EX: return "LOGON_SAM_USER_UNKNOWN_EX";
    default: return "unknown";
  }
}

std::vector<std::string> nt_version_names(std::uint32_t v) {
  static const std::pair<std::uint32_t, const char*> bits[] = {
      {NETLOGON_NT_VERSION_1, "V1"},
      {NETLOGON_NT_VERSION_5, "V5"},
      {NETLOGON_NT_VERSION_5EX, "V5EX"},
      {NETLOGON_NT_VERSION_5EX_WITH_IP, "V5EX_WITH_IP"},
      {NETLOGON_NT_VERSION_WITH_CLOSEST_SITE, "WITH_CLOSEST_SITE"},
      {NETLOGON_NT_VERSION_AVOID_NT4EMUL, "AVOID_NT4EMUL"},
      {NETLOGON_NT_VERSION_PDC, "PDC"},
      {NETLOGON_NT_VERSION_IP, "IP"},
      {NETLOGON_NT_VERSION_LOCAL, "LOCAL"},
      {NETLOGON_NT_VERSION_GC, "GC"},
  };
  std::vector<std::string> out;
  for (const auto& [bit, name] : bits)
    if (v & bit) out.emplace_back(name);
  return out;
}

std::vector<std::string> ds_flag_names(std::uint32_t flags) {
  static const std::pair<std::uint32_t, const char*> bits[] = {
      {0x00000001, "PDC"},           {0x00000004, "GC"},
      {0x00000008, "LDAP"},          {0x00000010, "DS"},
      {0x00000020, "KDC"},           {0x00000040, "TIMESERV"},
      {0x00000080, "CLOSEST"},       {0x00000100, "WRITABLE"},
      {0x00000200, "GOOD_TIMESERV"}, {0x00000400, "NDNC"},
      {0x00000800, "SELECT_SECRET_DOMAIN_6"}, {0x00001000, "FULL_SECRET_DOMAIN_6"},
      {0x00002000, "WS"},            {0x00004000, "DS_8"},
      {0x00008000, "DS_9"},          {0x00010000, "DS_10"},
      {0x00020000, "KEY_LIST"},      {0x20000000, "DNS_CONTROLLER"},
      {0x40000000, "DNS_DOMAIN"},    {0x80000000, "DNS_FOREST"},
  };
  std::vector<std::string> out;
  for (const auto& [bit, name] : bits)
    if (flags & bit) out.emplace_back(name);
  return out;
}

Decoded<Bytes> encode_logon_primary_query(const LogonPrimaryQuery& q) {
  if (q.ComputerName.find('\0') != std::string::npos || q.MailslotName.find('\0') != std::string::npos)
    return Decoded<Bytes>::fail("LOGON_PRIMARY_QUERY: NUL inside a name");
  Writer w;
  w.u16le(LOGON_PRIMARY_QUERY);
  w.bytes(q.ComputerName);
  w.u8(0);
  w.bytes(q.MailslotName);
  w.u8(0);
  w.pad_to(2);  // the Unicode name starts at an even offset of the message
  write_utf16z(w, q.UnicodeComputerName);
  w.u32le(q.NtVersion);
  w.u16le(0xFFFF);  // LmNtToken
  w.u16le(0xFFFF);  // Lm20Token
  return Decoded<Bytes>::ok(w.take());
}

Decoded<Bytes> encode_logon_sam_logon_request(const LogonSamLogonRequest& q) {
  if (q.MailslotName.find('\0') != std::string::npos) return Decoded<Bytes>::fail("LOGON_SAM_LOGON_REQUEST: NUL in MailslotName");
  Writer w;
  w.u16le(LOGON_SAM_LOGON_REQUEST);
  w.u16le(q.RequestCount);
  write_utf16z(w, q.UnicodeComputerName);
  write_utf16z(w, q.UnicodeUserName);
  w.bytes(q.MailslotName);
  w.u8(0);
  w.u32le(q.AllowableAccountControlBits);
  w.u32le(0);  // DomainSidSize: no DomainSid, hence no alignment pad either
  w.u32le(q.NtVersion);
  w.u16le(0xFFFF);  // LmNtToken
  w.u16le(0xFFFF);  // Lm20Token
  return Decoded<Bytes>::ok(w.take());
}

Decoded<NetlogonRequest> decode_netlogon_request(ByteView message) {
  using R = Decoded<NetlogonRequest>;
  Reader r(message);
  NetlogonRequest out;
  if (!r.u16le(out.Opcode)) return R::fail("NETLOGON request: Opcode truncated");
  if (out.Opcode == LOGON_PRIMARY_QUERY) {
    std::string unicode_name;
    if (!read_oemz(r, out.ComputerName) || !read_oemz(r, out.MailslotName))
      return R::fail("LOGON_PRIMARY_QUERY: ComputerName/MailslotName not terminated");
    if (!align2(r, message.size()) || !read_utf16z(r, unicode_name))
      return R::fail("LOGON_PRIMARY_QUERY: UnicodeComputerName not terminated");
    if (!unicode_name.empty()) out.ComputerName = unicode_name;
  } else if (out.Opcode == LOGON_SAM_LOGON_REQUEST) {
    std::uint16_t request_count = 0;
    if (!r.u16le(request_count) || !read_utf16z(r, out.ComputerName) || !read_utf16z(r, out.UserName) ||
        !read_oemz(r, out.MailslotName))
      return R::fail("LOGON_SAM_LOGON_REQUEST: names not terminated");
    if (!r.u32le(out.AllowableAccountControlBits) || !r.u32le(out.DomainSidSize))
      return R::fail("LOGON_SAM_LOGON_REQUEST: AllowableAccountControlBits/DomainSidSize truncated");
    if (out.DomainSidSize > 68) return R::fail("LOGON_SAM_LOGON_REQUEST: DomainSidSize " + std::to_string(out.DomainSidSize) + " > 68");
    if (out.DomainSidSize > 0) {
      while ((message.size() - r.remaining()) % 4 != 0)
        if (!r.skip(1)) return R::fail("LOGON_SAM_LOGON_REQUEST: Pad truncated");
      if (!r.skip(out.DomainSidSize)) return R::fail("LOGON_SAM_LOGON_REQUEST: DomainSid truncated");
    }
  } else {
    return R::fail("NETLOGON request: Opcode " + hex4(out.Opcode) + " is not a query this codec knows");
  }
  std::uint16_t lmnt = 0, lm20 = 0;
  if (!r.u32le(out.NtVersion) || !r.u16le(lmnt) || !r.u16le(lm20)) return R::fail("NETLOGON request: NtVersion/tokens truncated");
  return R::ok(std::move(out));
}

Decoded<NetlogonReply> decode_netlogon_reply(ByteView message) {
  Reader r(message);
  NetlogonReply out;
  if (!r.u16le(out.Opcode)) return Reply::fail("NETLOGON reply: Opcode truncated");
  out.opcode_name = std::string(netlogon_opcode_name(out.Opcode));
  // Every reply ends with NtVersion, LmNtToken and Lm20Token; NtVersion picks the layout of
  // opcodes 0x13-0x15 (as Samba's pull_netlogon_samlogon_response does) and the optional V5EX fields.
  constexpr std::size_t kTail = 8;
  if (r.remaining() < kTail) return Reply::fail(out.opcode_name + ": " + std::to_string(message.size()) + " bytes, too short for NtVersion and the tokens");
  Reader tail(message.last(kTail));
  if (!tail.u32le(out.NtVersion) || !tail.u16le(out.LmNtToken) || !tail.u16le(out.Lm20Token))
    return Reply::fail(out.opcode_name + ": tail truncated");
  // 6.3.1.5-6.3.1.9: both tokens MUST be 0xFFFF (Samba's pull_netlogon_samlogon_response checks them too).
  if (out.LmNtToken != 0xFFFF || out.Lm20Token != 0xFFFF)
    return Reply::fail(out.opcode_name + ": LmNtToken " + hex4(out.LmNtToken) + " / Lm20Token " + hex4(out.Lm20Token) +
                       " (both must be 0xffff)");
  const ByteView body = message.first(message.size() - kTail);
  Reader b(body.subspan(2));
  Reply decoded = Reply::fail("");
  switch (out.Opcode) {
    case LOGON_PRIMARY_RESPONSE: decoded = decode_primary_response(message, b, std::move(out)); break;
    case LOGON_SAM_LOGON_RESPONSE:
    case LOGON_SAM_PAUSE_RESPONSE:
    case LOGON_SAM_USER_UNKNOWN: decoded = decode_sam_response(message, b, std::move(out)); break;
    case LOGON_SAM_LOGON_RESPONSE_EX:
    case LOGON_SAM_PAUSE_RESPONSE_EX:
    case LOGON_SAM_USER_UNKNOWN_EX: decoded = decode_sam_response_ex(message, b, std::move(out)); break;
    default:
      return Reply::fail("NETLOGON reply: Opcode " + hex4(out.Opcode) + " (" + out.opcode_name + ") is not a reply");
  }
  if (!decoded) return decoded;
  // Samba's NDR aligns NtVersion to 4 bytes (seen in its LOGON_PRIMARY_RESPONSE for domain STOCK):
  // up to 3 zero bytes that bring NtVersion to a multiple of 4 are padding, anything else is not.
  if (!b.empty() && b.remaining() < 4 && body.size() % 4 == 0) {
    bool zeros = true;
    for (auto byte : b.rest()) zeros = zeros && byte == 0;
    if (zeros) return decoded;
  }
  if (!b.empty())
    return Reply::fail(decoded->opcode_name + ": " + std::to_string(b.remaining()) + " unexpected bytes before NtVersion");
  return decoded;
}

}  // namespace legacyscan::netbios
