// SPDX-License-Identifier: Apache-2.0
// [MS-ADTS] 6.3.1.7-6.3.1.9 NETLOGON responses: golden bytes from the lab DCs' LDAP pings (UDP 389,
// Samba 4.17), every NtVersion variant, every truncation, RFC 1035 4.1.4 compression and hostile names.
#include <gtest/gtest.h>

#include "src/proto/ldap/ldap_codec.hpp"
#include "tests/unit/ldap_test_support.hpp"

namespace legacyscan::ldap {
namespace {

using testdata::golden;
using testdata::hex;

// The Netlogon attribute value of a captured CLDAP reply.
Bytes netlogon_blob(const std::string& file) {
  auto msgs = decode_ldap_messages(golden(file));
  EXPECT_TRUE(msgs) << file << ": " << msgs.error;
  if (!msgs) return {};
  auto search = collect_search_response(*msgs, 1);
  EXPECT_TRUE(search) << search.error;
  if (!search || search->entries.size() != 1) return {};
  const auto* attr = search->entries[0].find("Netlogon");
  EXPECT_NE(attr, nullptr);
  if (!attr || attr->vals.size() != 1) return {};
  return attr->vals[0];
}

netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY decode_ok(const std::string& file) {
  auto r = netlogon::decode_netlogon_response(netlogon_blob(file));
  EXPECT_TRUE(r) << file << ": " << r.error;
  return r ? *r : netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY{};
}

TEST(LdapNetlogon, LegacyV5exIsLogonSamLogonResponseEx) {
  const auto r = decode_ok("legacy_cldap_response_ntver4");
  EXPECT_EQ(r.variant, netlogon::NetlogonVariant::V5EX);
  EXPECT_EQ(r.Opcode, 0x17);
  EXPECT_EQ(netlogon::netlogon_opcode_name(r.Opcode), "LOGON_SAM_LOGON_RESPONSE_EX");
  EXPECT_EQ(r.Flags, 0x000003fdu);
  EXPECT_EQ(netlogon::ds_flag_names(r.Flags), (std::vector<std::string>{"PDC", "GC", "LDAP", "DS", "KDC", "TIMESERV",
                                                                        "CLOSEST", "WRITABLE", "GOOD_TIMESERV"}));
  // Samba at domain functional level 2003 leaves FULL_SECRET_DOMAIN_6 out, whatever its own level.
  EXPECT_EQ(netlogon::os_generation(r.Flags), "2003 R2 or earlier");
  ASSERT_TRUE(r.DomainGuid);
  EXPECT_EQ(netlogon::guid_to_string(*r.DomainGuid), "76dc50b0-1b11-49af-aaef-5d10cb824e0e");
  EXPECT_EQ(r.DnsForestName, "legacy.test");
  EXPECT_EQ(r.DnsDomainName, "legacy.test");
  EXPECT_EQ(r.DnsHostName, "dc1.legacy.test");
  EXPECT_EQ(r.NetbiosDomainName, "LEGACY");
  EXPECT_EQ(r.NetbiosComputerName, "DC1");
  EXPECT_EQ(r.UserName, "");
  EXPECT_EQ(r.DcSiteName, "Default-First-Site-Name");
  EXPECT_EQ(r.ClientSiteName, "Default-First-Site-Name");  // a compression pointer to DcSiteName
  EXPECT_EQ(r.NtVersion, 0x5u);
  EXPECT_EQ(netlogon::nt_version_names(r.NtVersion), (std::vector<std::string>{"V1", "V5EX"}));
  EXPECT_EQ(r.LmNtToken, 0xffff);
  EXPECT_EQ(r.Lm20Token, 0xffff);
  EXPECT_EQ(r.DcIpAddress, "");
}

TEST(LdapNetlogon, NtVer6GivesOpcode23) {
  for (const char* s : {"legacy", "hardened", "stock"}) {
    const auto r = decode_ok(std::string(s) + "_cldap_response_ntver6");
    EXPECT_EQ(r.variant, netlogon::NetlogonVariant::V5EX) << s;
    EXPECT_EQ(r.Opcode, 23) << s;
  }
}

TEST(LdapNetlogon, HardenedAndStockNames) {
  const auto h = decode_ok("hardened_cldap_response_ntver4");
  EXPECT_EQ(h.DnsHostName, "dc2.hardened.test");
  EXPECT_EQ(h.NetbiosDomainName, "HARDENED");
  EXPECT_EQ(h.NetbiosComputerName, "DC2");
  EXPECT_EQ(netlogon::guid_to_string(*h.DomainGuid), "de85df63-9d98-4c77-b249-a91af053f0bd");
  // Functional level 2008 R2: Samba adds FULL_SECRET_DOMAIN_6.
  EXPECT_EQ(h.Flags, 0x000013fdu);
  EXPECT_EQ(netlogon::os_generation(h.Flags), "2008 or 2008 R2");
  const auto s = decode_ok("stock_cldap_response_ntver4");
  EXPECT_EQ(s.DnsForestName, "stock.test");
  EXPECT_EQ(s.DnsHostName, "dc3.stock.test");
  EXPECT_EQ(s.NetbiosDomainName, "STOCK");
  EXPECT_EQ(netlogon::guid_to_string(*s.DomainGuid), "ec41542d-fd4a-4282-8714-646e5a66aabf");
}

TEST(LdapNetlogon, V1IsNt40Response) {
  const auto r = decode_ok("legacy_cldap_response_ntver1");
  EXPECT_EQ(r.variant, netlogon::NetlogonVariant::NT40);
  EXPECT_EQ(r.Opcode, 0x13);
  EXPECT_EQ(r.NetbiosComputerName, "DC1");  // UnicodeLogonServer "\\DC1"
  EXPECT_EQ(r.UserName, "");
  EXPECT_EQ(r.NetbiosDomainName, "LEGACY");
  EXPECT_EQ(r.NtVersion, 1u);
  EXPECT_FALSE(r.DomainGuid);
  EXPECT_EQ(r.DnsDomainName, "");
}

TEST(LdapNetlogon, V5IsLogonSamLogonResponse) {
  const auto r = decode_ok("legacy_cldap_response_ntver2");
  EXPECT_EQ(r.variant, netlogon::NetlogonVariant::V5);
  EXPECT_EQ(r.Opcode, 0x13);
  EXPECT_EQ(r.NetbiosComputerName, "DC1");
  EXPECT_EQ(r.NetbiosDomainName, "LEGACY");
  EXPECT_EQ(netlogon::guid_to_string(*r.DomainGuid), "76dc50b0-1b11-49af-aaef-5d10cb824e0e");
  EXPECT_EQ(r.DnsForestName, "legacy.test");
  EXPECT_EQ(r.DnsDomainName, "legacy.test");
  EXPECT_EQ(r.DnsHostName, "dc1.legacy.test");
  EXPECT_EQ(r.DcIpAddress, "127.0.0.1");
  EXPECT_EQ(r.Flags, 0x3fdu);
  EXPECT_EQ(r.NtVersion, 3u);
}

TEST(LdapNetlogon, V5exWithIpCarriesDcSockAddr) {
  const auto r = decode_ok("legacy_cldap_response_ntver0c");
  EXPECT_EQ(r.variant, netlogon::NetlogonVariant::V5EX);
  EXPECT_EQ(r.NtVersion, 0xdu);
  EXPECT_EQ(r.DcIpAddress, "127.0.0.1");
  EXPECT_EQ(r.ClientSiteName, "Default-First-Site-Name");
  EXPECT_EQ(decode_ok("hardened_cldap_response_ntver0c").DcIpAddress, "127.0.0.1");
}

TEST(LdapNetlogon, ClosestSiteOnlyWhenTheReplySaysSo) {
  // Asked with VCS (0x16) and 0x1f: Samba answers NtVersion 5 / 0xd, without NextClosestSiteName.
  const auto r = decode_ok("stock_cldap_response_ntver16");
  EXPECT_EQ(r.NtVersion, 5u);
  EXPECT_EQ(r.NextClosestSiteName, "");
  EXPECT_EQ(decode_ok("stock_cldap_response_ntver1f").NtVersion, 0xdu);
}

TEST(LdapNetlogon, UserKnownAndUnknown) {
  // Samba 4.17 answers User=Administrator without AAC with LOGON_SAM_USER_UNKNOWN_EX too (it matches
  // the user only together with account control bits); the name is echoed either way.
  const auto known = decode_ok("legacy_cldap_response_user_administrator");
  EXPECT_EQ(known.Opcode, 0x19);
  EXPECT_EQ(known.UserName, "Administrator");
  const auto unknown = decode_ok("legacy_cldap_response_user_unknown");
  EXPECT_EQ(unknown.Opcode, 0x19);
  EXPECT_EQ(netlogon::netlogon_opcode_name(unknown.Opcode), "LOGON_SAM_USER_UNKNOWN_EX");
  EXPECT_EQ(unknown.UserName, "nosuchuser");
}

TEST(LdapNetlogon, EveryTruncationFails) {
  for (const char* s : {"legacy", "hardened", "stock"}) {
    for (const char* what : {"ntver1", "ntver2", "ntver4", "ntver0c", "ntver16", "user_unknown"}) {
      const std::string file = std::string(s) + "_cldap_response_" + what;
      const Bytes blob = netlogon_blob(file);
      ASSERT_FALSE(blob.empty()) << file;
      ASSERT_TRUE(netlogon::decode_netlogon_response(blob)) << file;
      for (std::size_t n = 0; n < blob.size(); ++n) {
        auto r = netlogon::decode_netlogon_response(ByteView(blob).first(n));
        EXPECT_FALSE(r) << file << " truncated to " << n;
        EXPECT_FALSE(r.error.empty());
      }
    }
  }
}

TEST(LdapNetlogon, TrailingBytesBeforeNtVersionAreAnError) {
  Bytes blob = netlogon_blob("legacy_cldap_response_ntver4");
  blob.insert(blob.end() - 8, 0x00);
  auto r = netlogon::decode_netlogon_response(blob);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("unexpected bytes"), std::string::npos) << r.error;
}

TEST(LdapNetlogon, BadTokensAreAnError) {
  Bytes blob = netlogon_blob("legacy_cldap_response_ntver4");
  blob.back() = 0;
  auto r = netlogon::decode_netlogon_response(blob);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("Lm20Token"), std::string::npos) << r.error;
}

// RFC 1035 4.1.4's own example: F.ISI.ARPA at 20, FOO.F.ISI.ARPA at 40, ARPA at 64 (offsets shifted
// to a buffer that starts at 0).
TEST(LdapNetlogon, Rfc1035CompressionExample) {
  Bytes msg(20, 0xee);
  const Bytes fisi = hex("01 46 03 49 53 49 04 41 52 50 41 00");  // offset 20
  msg.insert(msg.end(), fisi.begin(), fisi.end());
  msg.resize(40, 0xee);
  const Bytes foo = hex("03 46 4f 4f c0 14");  // offset 40: FOO + pointer to 20
  msg.insert(msg.end(), foo.begin(), foo.end());
  msg.resize(64, 0xee);
  const Bytes arpa = hex("c0 1a");  // offset 64: pointer to 26 (ARPA)
  msg.insert(msg.end(), arpa.begin(), arpa.end());
  const Bytes root = hex("00");  // offset 66: the root
  msg.insert(msg.end(), root.begin(), root.end());

  std::string name, err;
  std::size_t off = 20;
  ASSERT_TRUE(netlogon::read_compressed_name(msg, off, name, err)) << err;
  EXPECT_EQ(name, "F.ISI.ARPA");
  EXPECT_EQ(off, 32u);
  off = 40;
  ASSERT_TRUE(netlogon::read_compressed_name(msg, off, name, err)) << err;
  EXPECT_EQ(name, "FOO.F.ISI.ARPA");
  EXPECT_EQ(off, 46u);
  off = 64;
  ASSERT_TRUE(netlogon::read_compressed_name(msg, off, name, err)) << err;
  EXPECT_EQ(name, "ARPA");
  EXPECT_EQ(off, 66u);
  off = 66;
  ASSERT_TRUE(netlogon::read_compressed_name(msg, off, name, err)) << err;
  EXPECT_EQ(name, "");
  EXPECT_EQ(off, 67u);
}

TEST(LdapNetlogon, HostileNames) {
  std::string name, err;
  std::size_t off = 0;
  // A pointer to itself.
  EXPECT_FALSE(netlogon::read_compressed_name(hex("c0 00"), off, name, err));
  EXPECT_NE(err.find("pointers"), std::string::npos) << err;
  // Two pointers to each other.
  off = 0;
  EXPECT_FALSE(netlogon::read_compressed_name(hex("c0 02 c0 00"), off, name, err));
  // A pointer past the end.
  off = 0;
  EXPECT_FALSE(netlogon::read_compressed_name(hex("c0 50"), off, name, err));
  EXPECT_NE(err.find("past the end"), std::string::npos) << err;
  // Reserved label bits 01 / 10.
  off = 0;
  EXPECT_FALSE(netlogon::read_compressed_name(hex("41 00"), off, name, err));
  off = 0;
  EXPECT_FALSE(netlogon::read_compressed_name(hex("81 00"), off, name, err));
  // A label running past the end, and no terminator.
  off = 0;
  EXPECT_FALSE(netlogon::read_compressed_name(hex("05 61 62"), off, name, err));
  off = 0;
  EXPECT_FALSE(netlogon::read_compressed_name(hex("01 61"), off, name, err));
  // A name longer than 255 characters built from a pointer chain that repeats a 63-byte label.
  Bytes longname;
  for (int i = 0; i < 5; ++i) {
    longname.push_back(63);
    longname.insert(longname.end(), 63, 'a');
  }
  longname.push_back(0);
  off = 0;
  EXPECT_FALSE(netlogon::read_compressed_name(longname, off, name, err));
  EXPECT_NE(err.find("longer than 255"), std::string::npos) << err;
}

TEST(LdapNetlogon, FlagNamesAndGenerations) {
  EXPECT_EQ(netlogon::ds_flag_names(0x00004000 | 0x00008000 | 0x00010000 | 0x00020000),
            (std::vector<std::string>{"DS_8", "DS_9", "DS_10", "KEY_LIST"}));
  EXPECT_EQ(netlogon::ds_flag_names(0x00100000 | 0x80000000), (std::vector<std::string>{"DNS_FOREST", "0x00100000"}));
  EXPECT_EQ(netlogon::os_generation(0x00004000), "2012");
  EXPECT_EQ(netlogon::os_generation(0x0000c000), "2012 R2");
  EXPECT_EQ(netlogon::os_generation(0x0001c000), "2016 to 2022");
  EXPECT_EQ(netlogon::os_generation(0x0005c000), "2025");
  // An RODC (SELECT_SECRET_DOMAIN_6) or a writable DC past 2003 R2 (FULL_SECRET_DOMAIN_6), without DS_8.
  EXPECT_EQ(netlogon::os_generation(0x00000800), "2008 or 2008 R2");
  EXPECT_EQ(netlogon::os_generation(0x00001100), "2008 or 2008 R2");
  // WS is the AD Web Service, which a 2003 R2 DC can run too: it says nothing about the OS.
  EXPECT_EQ(netlogon::os_generation(0x00002100), "2003 R2 or earlier");
  EXPECT_EQ(netlogon::os_generation_levels(0x00001100).lowest, 3);
  EXPECT_EQ(netlogon::os_generation_levels(0x00001100).highest, 4);
  EXPECT_EQ(netlogon::nt_version_names(0x20000016), (std::vector<std::string>{"V5", "V5EX", "VCS", "VIP"}));
}

}  // namespace
}  // namespace legacyscan::ldap
