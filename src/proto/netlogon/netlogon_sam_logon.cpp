// SPDX-License-Identifier: Apache-2.0
#include "src/proto/netlogon/netlogon_sam_logon.hpp"

#include <algorithm>
#include <cstdio>

namespace legacyscan::netlogon {

namespace {

std::string text(ByteView v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size()); }

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

}  // namespace

std::vector<std::string> nt_version_names(std::uint32_t ntver) {
  static const std::pair<std::uint32_t, const char*> kBits[] = {
      {NETLOGON_NT_VERSION_1, "V1"},
      {NETLOGON_NT_VERSION_5, "V5"},
      {NETLOGON_NT_VERSION_5EX, "V5EX"},
      {NETLOGON_NT_VERSION_5EX_WITH_IP, "V5EP"},
      {NETLOGON_NT_VERSION_WITH_CLOSEST_SITE, "VCS"},
      {NETLOGON_NT_VERSION_AVOID_NT4EMUL, "VNT4"},
      {NETLOGON_NT_VERSION_PDC, "VPDC"},
      {NETLOGON_NT_VERSION_IP, "VIP"},
      {NETLOGON_NT_VERSION_LOCAL, "VL"},
      {NETLOGON_NT_VERSION_GC, "VGC"},
  };
  std::vector<std::string> out;
  std::uint32_t known = 0;
  for (const auto& [bit, name] : kBits) {
    known |= bit;
    if (ntver & bit) out.emplace_back(name);
  }
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1)
    if ((ntver & bit) && !(known & bit)) out.push_back(hex32(bit));
  return out;
}

// ---- NETLOGON ---------------------------------------------------------------------------------

std::string netlogon_opcode_name(std::uint16_t opcode) {
  switch (opcode) {
    case 0x07: return "LOGON_PRIMARY_QUERY";
    case 0x0C: return "LOGON_PRIMARY_RESPONSE";
    case 0x12: return "LOGON_SAM_LOGON_REQUEST";
    case 0x13: return "LOGON_SAM_LOGON_RESPONSE";
    case 0x14: return "LOGON_SAM_PAUSE_RESPONSE";
    case 0x15: return "LOGON_SAM_USER_UNKNOWN";
    case 0x17: return "LOGON_SAM_LOGON_RESPONSE_EX";
    case 0x18: return "LOGON_SAM_PAUSE_RESPONSE_EX";
    case 0x19: return "LOGON_SAM_USER_UNKNOWN_EX";
    default: return hex16(opcode);
  }
}

namespace {
struct FlagName {
  std::uint32_t bit;
  const char* name;
};
// [MS-ADTS] 6.3.1.2 DS_FLAG.
constexpr FlagName kDsFlags[] = {
    {0x00000001, "PDC"},
    {0x00000004, "GC"},
    {0x00000008, "LDAP"},
    {0x00000010, "DS"},
    {0x00000020, "KDC"},
    {0x00000040, "TIMESERV"},
    {0x00000080, "CLOSEST"},
    {0x00000100, "WRITABLE"},
    {0x00000200, "GOOD_TIMESERV"},
    {0x00000400, "NDNC"},
    {0x00000800, "SELECT_SECRET_DOMAIN_6"},
    {0x00001000, "FULL_SECRET_DOMAIN_6"},
    {0x00002000, "WS"},
    {0x00004000, "DS_8"},
    {0x00008000, "DS_9"},
    {0x00010000, "DS_10"},
    {0x00020000, "KEY_LIST"},
    {0x00040000, "DS_13"},
    {0x20000000, "DNS_CONTROLLER"},
    {0x40000000, "DNS_DOMAIN"},
    {0x80000000, "DNS_FOREST"},
};
}  // namespace

std::vector<std::string> ds_flag_names(std::uint32_t flags) {
  std::vector<std::string> out;
  std::uint32_t known = 0;
  for (const auto& f : kDsFlags) {
    known |= f.bit;
    if (flags & f.bit) out.emplace_back(f.name);
  }
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1)
    if ((flags & bit) && !(known & bit)) out.push_back(hex32(bit));
  return out;
}

DcLevelRange os_generation_levels(std::uint32_t flags) {
  if (flags & 0x00040000) return {10, 10};               // DS_13
  if (flags & 0x00010000) return {7, 7};                 // DS_10
  if (flags & 0x00008000) return {6, 6};                 // DS_9
  if (flags & 0x00004000) return {5, 5};                 // DS_8
  if (flags & (0x00000800 | 0x00001000)) return {3, 4};  // SELECT_SECRET_DOMAIN_6, FULL_SECRET_DOMAIN_6
  return {0, 2};
}

std::string os_generation(std::uint32_t flags) {
  switch (os_generation_levels(flags).lowest) {
    case 10: return "2025";
    case 7: return "2016 to 2022";
    case 6: return "2012 R2";
    case 5: return "2012";
    case 3: return "2008 or 2008 R2";
    default: return "2003 R2 or earlier";
  }
}

std::string_view to_string(NetlogonVariant v) {
  switch (v) {
    case NetlogonVariant::NT40: return "NETLOGON_SAM_LOGON_RESPONSE_NT40";
    case NetlogonVariant::V5: return "NETLOGON_SAM_LOGON_RESPONSE";
    case NetlogonVariant::V5EX: return "NETLOGON_SAM_LOGON_RESPONSE_EX";
  }
  return "?";
}

std::string guid_to_string(const std::array<std::uint8_t, 16>& g) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2],
                g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
  return buf;
}

namespace {
constexpr std::size_t kMaxNameLength = 255;  // RFC 1035 2.3.4
constexpr int kMaxPointers = 32;
constexpr std::size_t kMaxUnicodeChars = 256;
}  // namespace

bool read_compressed_name(ByteView blob, std::size_t& offset, std::string& out, std::string& error) {
  std::string name;
  std::size_t pos = offset;
  std::optional<std::size_t> end;  // just past the name in place (set at the end or the first pointer)
  int pointers = 0;
  for (;;) {
    Reader r(blob);
    std::uint8_t len = 0;
    if (!r.skip(pos) || !r.u8(len)) {
      error = "name truncated at offset " + std::to_string(pos);
      return false;
    }
    if (len == 0) {
      if (!end) end = pos + 1;
      break;
    }
    if ((len & 0xC0) == 0xC0) {
      std::uint8_t low = 0;
      if (!r.u8(low)) {
        error = "compression pointer truncated at offset " + std::to_string(pos);
        return false;
      }
      const std::size_t target = (static_cast<std::size_t>(len & 0x3F) << 8) | low;
      if (!end) end = pos + 2;
      if (++pointers > kMaxPointers) {
        error = "more than " + std::to_string(kMaxPointers) + " compression pointers (a loop?) at offset " +
                std::to_string(pos);
        return false;
      }
      if (target >= blob.size()) {
        error = "compression pointer to offset " + std::to_string(target) + " past the end of the " +
                std::to_string(blob.size()) + "-byte response";
        return false;
      }
      pos = target;
      continue;
    }
    if (len & 0xC0) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "label length octet 0x%02x at offset %zu uses reserved bits", len, pos);
      error = buf;
      return false;
    }
    ByteView label;
    if (!r.bytes(len, label)) {
      error = "label of " + std::to_string(len) + " bytes at offset " + std::to_string(pos) + " runs past the end";
      return false;
    }
    if (!name.empty()) name += '.';
    name += text(label);
    if (name.size() > kMaxNameLength) {
      error = "name longer than " + std::to_string(kMaxNameLength) + " characters";
      return false;
    }
    pos += 1 + len;
  }
  offset = *end;
  out = std::move(name);
  return true;
}

namespace {

// Walks a NETLOGON structure, tracking the offset (names are compressed relative to its start).
class NetlogonReader {
 public:
  explicit NetlogonReader(ByteView blob) : blob_(blob), in_(blob) {}
  [[nodiscard]] std::size_t offset() const { return blob_.size() - in_.remaining(); }
  [[nodiscard]] std::size_t remaining() const { return in_.remaining(); }

  bool u8(std::uint8_t& v, const char* field) { return check(in_.u8(v), field, 1); }
  bool u16(std::uint16_t& v, const char* field) { return check(in_.u16le(v), field, 2); }
  bool u32(std::uint32_t& v, const char* field) { return check(in_.u32le(v), field, 4); }
  bool guid(std::array<std::uint8_t, 16>& g, const char* field) {
    ByteView v;
    if (!check(in_.bytes(16, v), field, 16)) return false;
    std::copy(v.begin(), v.end(), g.begin());
    return true;
  }
  bool sub(std::size_t n, Reader& r, const char* field) { return check(in_.sub(n, r), field, n); }
  // NUL-terminated UTF-16LE ([MS-ADTS] 6.3.1.7/6.3.1.8 Unicode* fields).
  bool unicode(std::string& out, const char* field) {
    const std::size_t start = offset();
    Reader copy = in_;
    for (std::size_t i = 0; i <= kMaxUnicodeChars; ++i) {
      std::uint16_t c = 0;
      if (!copy.u16le(c)) {
        error_ = std::string(field) + " at offset " + std::to_string(start) + ": no UTF-16 NUL before the end";
        return false;
      }
      if (c == 0) {
        ByteView chars;
        (void)in_.bytes(2 * i, chars);
        (void)in_.skip(2);
        out = utf16le_to_utf8(chars);
        return true;
      }
    }
    error_ = std::string(field) + " at offset " + std::to_string(start) + ": longer than " +
             std::to_string(kMaxUnicodeChars) + " characters";
    return false;
  }
  bool name(std::string& out, const char* field) {
    std::size_t pos = offset();
    std::string why;
    if (!read_compressed_name(blob_, pos, out, why)) {
      error_ = std::string(field) + ": " + why;
      return false;
    }
    return in_.skip(pos - offset());
  }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  bool check(bool ok, const char* field, std::size_t want) {
    if (!ok)
      error_ = std::string(field) + " (" + std::to_string(want) + " bytes) at offset " + std::to_string(offset()) +
               ": only " + std::to_string(in_.remaining()) + " bytes left";
    return ok;
  }
  ByteView blob_;
  Reader in_;
  std::string error_;
};

std::string dotted(std::uint32_t host_order) {
  return std::to_string(host_order >> 24) + "." + std::to_string((host_order >> 16) & 0xff) + "." +
         std::to_string((host_order >> 8) & 0xff) + "." + std::to_string(host_order & 0xff);
}

std::string strip_backslashes(std::string s) {
  if (s.rfind("\\\\", 0) == 0) s.erase(0, 2);
  return s;
}

}  // namespace

Decoded<NETLOGON_SAM_LOGON_RESPONSE_ANY> decode_netlogon_response(ByteView blob) {
  using D = Decoded<NETLOGON_SAM_LOGON_RESPONSE_ANY>;
  if (blob.size() < 10)
    return D::fail("NETLOGON response of " + std::to_string(blob.size()) + " bytes is shorter than its fixed fields");
  NETLOGON_SAM_LOGON_RESPONSE_ANY out;
  {
    Reader tail(blob.subspan(blob.size() - 8));
    (void)tail.u32le(out.NtVersion);
    (void)tail.u16le(out.LmNtToken);
    (void)tail.u16le(out.Lm20Token);
  }
  if (out.LmNtToken != 0xFFFF || out.Lm20Token != 0xFFFF)
    return D::fail("NETLOGON response: LmNtToken " + hex16(out.LmNtToken) + " / Lm20Token " + hex16(out.Lm20Token) +
                   " (both must be 0xffff): not a NETLOGON_SAM_LOGON_RESPONSE");
  if (out.NtVersion & NETLOGON_NT_VERSION_5EX)
    out.variant = NetlogonVariant::V5EX;
  else if (out.NtVersion & NETLOGON_NT_VERSION_5)
    out.variant = NetlogonVariant::V5;
  else if (out.NtVersion & NETLOGON_NT_VERSION_1)
    out.variant = NetlogonVariant::NT40;
  else
    return D::fail("NETLOGON response: NtVersion " + hex32(out.NtVersion) + " names no known structure");

  // Everything before the 8 trailing bytes.
  NetlogonReader r(blob.first(blob.size() - 8));
  const std::string where = std::string(to_string(out.variant)) + ".";
  auto fail = [&](const NetlogonReader& nr) { return D::fail(where + nr.error()); };
  if (!r.u16(out.Opcode, "Opcode")) return fail(r);

  if (out.variant == NetlogonVariant::V5EX) {
    // [MS-ADTS] 6.3.1.9
    std::uint16_t Sbz = 0;
    std::array<std::uint8_t, 16> guid{};
    if (!r.u16(Sbz, "Sbz") || !r.u32(out.Flags, "Flags") || !r.guid(guid, "DomainGuid")) return fail(r);
    out.DomainGuid = guid;
    if (!r.name(out.DnsForestName, "DnsForestName") || !r.name(out.DnsDomainName, "DnsDomainName") ||
        !r.name(out.DnsHostName, "DnsHostName") || !r.name(out.NetbiosDomainName, "NetbiosDomainName") ||
        !r.name(out.NetbiosComputerName, "NetbiosComputerName") || !r.name(out.UserName, "UserName") ||
        !r.name(out.DcSiteName, "DcSiteName") || !r.name(out.ClientSiteName, "ClientSiteName"))
      return fail(r);
    if (out.NtVersion & NETLOGON_NT_VERSION_5EX_WITH_IP) {
      std::uint8_t DcSockAddrSize = 0;
      Reader sa;
      if (!r.u8(DcSockAddrSize, "DcSockAddrSize") || !r.sub(DcSockAddrSize, sa, "DcSockAddr")) return fail(r);
      // SOCKADDR_IN: sin_family (LE), sin_port, sin_addr (network order), sin_zero.
      std::uint16_t family = 0, port = 0;
      std::uint32_t addr = 0;
      if (!sa.u16le(family) || !sa.u16be(port) || !sa.u32be(addr))
        return D::fail(where + "DcSockAddr of " + std::to_string(DcSockAddrSize) +
                       " bytes is too short for SOCKADDR_IN");
      if (family != 2)
        return D::fail(where + "DcSockAddr.sin_family " + std::to_string(family) + " is not AF_INET (2)");
      out.DcIpAddress = dotted(addr);
    }
    if (out.NtVersion & NETLOGON_NT_VERSION_WITH_CLOSEST_SITE) {
      if (!r.name(out.NextClosestSiteName, "NextClosestSiteName")) return fail(r);
    }
  } else {
    // [MS-ADTS] 6.3.1.7 (NT40) and 6.3.1.8 (V5) start alike.
    std::string server;
    if (!r.unicode(server, "UnicodeLogonServer") || !r.unicode(out.UserName, "UnicodeUserName") ||
        !r.unicode(out.NetbiosDomainName, "UnicodeDomainName"))
      return fail(r);
    out.UnicodeLogonServer = server;
    out.NetbiosComputerName = strip_backslashes(server);
    if (out.variant == NetlogonVariant::V5) {
      std::array<std::uint8_t, 16> guid{}, null_guid{};
      std::uint32_t ip = 0;
      if (!r.guid(guid, "DomainGuid") || !r.guid(null_guid, "NullGuid")) return fail(r);
      out.DomainGuid = guid;
      if (!r.name(out.DnsForestName, "DnsForestName") || !r.name(out.DnsDomainName, "DnsDomainName") ||
          !r.name(out.DnsHostName, "DnsHostName"))
        return fail(r);
      // DcIpAddress: Windows and Samba put the address as a little-endian 32-bit integer.
      if (!r.u32(ip, "DcIpAddress") || !r.u32(out.Flags, "Flags")) return fail(r);
      out.DcIpAddress = dotted(ip);
    }
  }
  if (r.remaining() != 0)
    return D::fail(where + std::to_string(r.remaining()) + " unexpected bytes before NtVersion at offset " +
                   std::to_string(r.offset()));
  return D::ok(std::move(out));
}

}  // namespace legacyscan::netlogon
