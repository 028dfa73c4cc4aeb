// SPDX-License-Identifier: Apache-2.0
// The keytab decoder (src/proto/kerberos/kerberos_keytab.cpp) on keytabs written by MIT ktutil and by
// kadmin.local ktadd (tests/data/kerberos/README.md), and on damaged ones.
#include "src/proto/kerberos/kerberos_keytab.hpp"

#include <gtest/gtest.h>

#include "src/proto/kerberos/kerberos_crypto.hpp"
#include "tests/unit/kerberos_test_support.hpp"

namespace legacyscan::kerberos {
namespace {

using testing::golden;

TEST(KerberosKeytab, KtutilKeytabEntriesAndKeys) {
  const Bytes file = golden("ktutil_user_example_test.keytab");
  auto kt = decode_keytab(file);
  ASSERT_TRUE(kt) << kt.error;
  ASSERT_EQ(kt->size(), 4u);
  EXPECT_EQ((*kt)[0].principal(), "user@EXAMPLE.TEST");
  EXPECT_EQ((*kt)[0].name_type, 1u);
  EXPECT_EQ((*kt)[0].enctype, 18);
  EXPECT_EQ((*kt)[0].kvno, 3u);
  EXPECT_EQ((*kt)[0].key.size(), 32u);
  EXPECT_EQ((*kt)[3].principal(), "host/dc1.example.test@EXAMPLE.TEST");
  EXPECT_EQ((*kt)[3].components.size(), 2u);
  // The rc4-hmac key is MD4 of the UTF-16LE password (RFC 4757 2): the passwords ktutil was given.
  const auto* k = find_keytab_key(*kt, "user", "example.test", 23);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->kvno, 3u);  // the highest kvno of the two rc4-hmac keys
  EXPECT_EQ(k->key, rc4_hmac_string_to_key("Keytab.Test-Password"));
  const auto* host = find_keytab_key(*kt, "host/dc1.example.test", "EXAMPLE.TEST", 23);
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->key, rc4_hmac_string_to_key("Host.Password"));
  EXPECT_EQ(find_keytab_key(*kt, "user", "OTHER.TEST", 23), nullptr);
  EXPECT_EQ(find_keytab_key(*kt, "user", "EXAMPLE.TEST", 17), nullptr);
  EXPECT_EQ(find_keytab_key(*kt, "User", "EXAMPLE.TEST", 23), nullptr);  // names are case-sensitive
}

TEST(KerberosKeytab, KadminKeytabOfTheMitLab) {
  // kadmin.local ktadd -norandkey of xpuser@MIT-ALL.TEST (scripts/lab.d/mit, lab-only password).
  auto kt = decode_keytab(golden("mit_all_xpuser.keytab"));
  ASSERT_TRUE(kt) << kt.error;
  ASSERT_EQ(kt->size(), 9u);
  std::vector<std::int32_t> etypes;
  for (const auto& e : *kt) {
    EXPECT_EQ(e.principal(), "xpuser@MIT-ALL.TEST");
    etypes.push_back(e.enctype);
  }
  EXPECT_EQ(etypes, (std::vector<std::int32_t>{18, 17, 20, 19, 26, 25, 16, 23, 24}));
  const auto* k = find_keytab_key(*kt, "xpuser", "MIT-ALL.TEST", 23);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->key, rc4_hmac_string_to_key("LegacyScan.Mit-2024"));
}

Bytes entry(const std::string& realm, const std::string& name, std::uint16_t etype, std::uint8_t kvno, Bytes key) {
  Writer w;
  w.u16be(1);
  w.u16be(static_cast<std::uint16_t>(realm.size()));
  w.bytes(realm);
  w.u16be(static_cast<std::uint16_t>(name.size()));
  w.bytes(name);
  w.u32be(1);
  w.u32be(0x6b000000);
  w.u8(kvno);
  w.u16be(etype);
  w.u16be(static_cast<std::uint16_t>(key.size()));
  w.bytes(key);
  return w.take();
}

Bytes keytab(const std::vector<Bytes>& records, bool hole_first = false) {
  Writer w;
  w.u8(5);
  w.u8(2);
  if (hole_first) {
    w.u32be(static_cast<std::uint32_t>(-10));
    w.zeros(10);
  }
  for (const auto& r : records) {
    w.u32be(static_cast<std::uint32_t>(r.size()));
    w.bytes(r);
  }
  return w.take();
}

TEST(KerberosKeytab, HolesAndTheEndMarkAreSkipped) {
  Bytes file = keytab({entry("R.TEST", "a", 23, 4, Bytes(16, 0x11))}, true);
  file.insert(file.end(), {0, 0, 0, 0, 0xde, 0xad});  // a zero length ends the data
  auto kt = decode_keytab(file);
  ASSERT_TRUE(kt) << kt.error;
  ASSERT_EQ(kt->size(), 1u);
  EXPECT_EQ((*kt)[0].kvno, 4u);
}

TEST(KerberosKeytab, ThirtyTwoBitKvnoWins) {
  Bytes rec = entry("R.TEST", "a", 23, 4, Bytes(16, 0x11));
  rec.insert(rec.end(), {0, 0, 1, 4});  // kvno 260, which the 8-bit field cannot hold
  auto kt = decode_keytab(keytab({rec}));
  ASSERT_TRUE(kt) << kt.error;
  EXPECT_EQ((*kt)[0].kvno, 260u);
}

TEST(KerberosKeytab, DamagedFilesGiveAReason) {
  EXPECT_NE(decode_keytab(Bytes{}).error.find("not a keytab"), std::string::npos);
  EXPECT_NE(decode_keytab(Bytes{'#', ' ', 'n', 'o'}).error.find("not a keytab"), std::string::npos);
  EXPECT_NE(decode_keytab(Bytes{5, 1, 0, 0}).error.find("0x0501"), std::string::npos);
  EXPECT_NE(decode_keytab(Bytes{5, 9}).error.find("0x0509"), std::string::npos);
  Bytes good = keytab({entry("R.TEST", "a", 23, 4, Bytes(16, 0x11))});
  for (std::size_t cut = 3; cut < good.size(); ++cut) {
    auto r = decode_keytab(ByteView(good).first(cut));
    EXPECT_FALSE(r) << "cut at " << cut;
    EXPECT_NE(r.error.find("entry 1"), std::string::npos) << r.error;
  }
  Bytes short_key = entry("R.TEST", "a", 23, 4, Bytes(16, 0x11));
  short_key.resize(short_key.size() - 3);  // the record length agrees, the key's own length does not
  Bytes inner_cut = keytab({short_key});
  auto r = decode_keytab(inner_cut);
  EXPECT_FALSE(r);
  EXPECT_NE(r.error.find("key truncated"), std::string::npos) << r.error;
  Bytes no_components = entry("R.TEST", "a", 23, 4, Bytes(16, 0x11));
  no_components[1] = 0;
  EXPECT_NE(decode_keytab(keytab({no_components})).error.find("0 name components"), std::string::npos);
}

}  // namespace
}  // namespace legacyscan::kerberos
