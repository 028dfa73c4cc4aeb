// SPDX-License-Identifier: Apache-2.0
#include "src/proto/netlogon/netlogon_mailslot.hpp"

#include <cstdio>

#include "src/proto/netbios/netbios_codec.hpp"

namespace legacyscan::netlogon {

namespace {

constexpr std::size_t kMaxStringUnits = 1024;  // any name in these messages is far shorter

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
  out = netbios::printable(raw);
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

std::string strip_backslashes(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size() && i < 2 && s[i] == '\\') ++i;
  return s.substr(i);
}

using Reply = Decoded<NetlogonReply>;

// 6.3.1.5 LOGON_PRIMARY_RESPONSE, from the Opcode on; NtVersion and the tokens end it.
Reply decode_primary_response(ByteView message, NetlogonReply out) {
  constexpr std::size_t kTail = 8;  // NtVersion, LmNtToken, Lm20Token
  if (message.size() < 2 + kTail)
    return Reply::fail(out.opcode_name + ": " + std::to_string(message.size()) +
                       " bytes, too short for NtVersion and the tokens");
  Reader tail(message.last(kTail));
  if (!tail.u32le(out.NtVersion) || !tail.u16le(out.LmNtToken) || !tail.u16le(out.Lm20Token))
    return Reply::fail(out.opcode_name + ": tail truncated");
  // 6.3.1.5: both tokens MUST be 0xFFFF (Samba's pull_netlogon_samlogon_response checks them too).
  if (out.LmNtToken != 0xFFFF || out.Lm20Token != 0xFFFF)
    return Reply::fail(out.opcode_name + ": LmNtToken " + hex4(out.LmNtToken) + " / Lm20Token " + hex4(out.Lm20Token) +
                       " (both must be 0xffff)");
  const ByteView body = message.first(message.size() - kTail);
  Reader r(body.subspan(2));
  out.format = "PRIMARY";
  if (!read_oemz(r, out.logon_server_raw)) return Reply::fail("LOGON_PRIMARY_RESPONSE: PrimaryDCName not terminated");
  out.logon_server = out.logon_server_raw;
  std::string unicode_pdc;
  if (!align2(r, message.size()) || !read_utf16z(r, unicode_pdc))
    return Reply::fail("LOGON_PRIMARY_RESPONSE: UnicodePrimaryDCName not terminated");
  if (!unicode_pdc.empty()) {
    out.logon_server_raw = unicode_pdc;
    out.logon_server = strip_backslashes(unicode_pdc);
  }
  if (!read_utf16z(r, out.domain_name)) return Reply::fail("LOGON_PRIMARY_RESPONSE: UnicodeDomainName not terminated");
  // Samba's NDR aligns NtVersion to 4 bytes (seen in its LOGON_PRIMARY_RESPONSE for domain STOCK):
  // up to 3 zero bytes that bring NtVersion to a multiple of 4 are padding, anything else is not.
  if (!r.empty() && r.remaining() < 4 && body.size() % 4 == 0) {
    bool zeros = true;
    for (auto byte : r.rest()) zeros = zeros && byte == 0;
    if (zeros) return Reply::ok(std::move(out));
  }
  if (!r.empty())
    return Reply::fail(out.opcode_name + ": " + std::to_string(r.remaining()) + " unexpected bytes before NtVersion");
  return Reply::ok(std::move(out));
}

// 6.3.1.7 NT40, 6.3.1.8 V5 (opcodes 0x13, 0x14, 0x15) and 6.3.1.9 _EX (0x17, 0x18, 0x19): the shared
// decoder reads the whole message, tail and tokens included, and picks the layout from NtVersion, as
// Samba's pull_netlogon_samlogon_response does; the opcode must agree with it.
Reply decode_sam_response(ByteView message, NetlogonReply out) {
  auto r = decode_netlogon_response(message);
  if (!r) return Reply::fail(out.opcode_name + ": " + r.error);
  const bool ex_opcode = out.Opcode >= LOGON_SAM_LOGON_RESPONSE_EX;
  if (ex_opcode != (r->variant == NetlogonVariant::V5EX))
    return Reply::fail(out.opcode_name + " with NtVersion " + std::to_string(r->NtVersion) + ", which names the " +
                       std::string(to_string(r->variant)) + " layout");
  switch (r->variant) {
    case NetlogonVariant::NT40: out.format = "NT40"; break;
    case NetlogonVariant::V5: out.format = "V5"; break;
    case NetlogonVariant::V5EX: out.format = "V5EX"; break;
  }
  out.logon_server = r->NetbiosComputerName;
  out.logon_server_raw = r->variant == NetlogonVariant::V5EX ? r->NetbiosComputerName : r->UnicodeLogonServer;
  out.user_name = r->UserName;
  out.domain_name = r->NetbiosDomainName;
  if (r->variant != NetlogonVariant::NT40) out.Flags = r->Flags;
  if (r->DomainGuid) out.domain_guid = guid_to_string(*r->DomainGuid);
  out.dns_forest_name = r->DnsForestName;
  out.dns_domain_name = r->DnsDomainName;
  out.dns_host_name = r->DnsHostName;
  out.dc_ip_address = r->DcIpAddress;
  out.dc_site_name = r->DcSiteName;
  out.client_site_name = r->ClientSiteName;
  out.next_closest_site_name = r->NextClosestSiteName;
  out.NtVersion = r->NtVersion;
  out.LmNtToken = r->LmNtToken;
  out.Lm20Token = r->Lm20Token;
  return Reply::ok(std::move(out));
}

}  // namespace

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
  if (q.MailslotName.find('\0') != std::string::npos)
    return Decoded<Bytes>::fail("LOGON_SAM_LOGON_REQUEST: NUL in MailslotName");
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
    if (out.DomainSidSize > 68)
      return R::fail("LOGON_SAM_LOGON_REQUEST: DomainSidSize " + std::to_string(out.DomainSidSize) + " > 68");
    if (out.DomainSidSize > 0) {
      while ((message.size() - r.remaining()) % 4 != 0)
        if (!r.skip(1)) return R::fail("LOGON_SAM_LOGON_REQUEST: Pad truncated");
      if (!r.skip(out.DomainSidSize)) return R::fail("LOGON_SAM_LOGON_REQUEST: DomainSid truncated");
    }
  } else {
    return R::fail("NETLOGON request: Opcode " + hex4(out.Opcode) + " is not a query this codec knows");
  }
  std::uint16_t lmnt = 0, lm20 = 0;
  if (!r.u32le(out.NtVersion) || !r.u16le(lmnt) || !r.u16le(lm20))
    return R::fail("NETLOGON request: NtVersion/tokens truncated");
  return R::ok(std::move(out));
}

Decoded<NetlogonReply> decode_netlogon_reply(ByteView message) {
  Reader r(message);
  NetlogonReply out;
  if (!r.u16le(out.Opcode)) return Reply::fail("NETLOGON reply: Opcode truncated");
  out.opcode_name = netlogon_opcode_name(out.Opcode);
  switch (out.Opcode) {
    case LOGON_PRIMARY_RESPONSE: return decode_primary_response(message, std::move(out));
    case LOGON_SAM_LOGON_RESPONSE:
    case LOGON_SAM_PAUSE_RESPONSE:
    case LOGON_SAM_USER_UNKNOWN:
    case LOGON_SAM_LOGON_RESPONSE_EX:
    case LOGON_SAM_PAUSE_RESPONSE_EX:
    case LOGON_SAM_USER_UNKNOWN_EX: return decode_sam_response(message, std::move(out));
    default:
      return Reply::fail("NETLOGON reply: Opcode " + hex4(out.Opcode) + " (" + out.opcode_name + ") is not a reply");
  }
}

}  // namespace legacyscan::netlogon
