// SPDX-License-Identifier: Apache-2.0
// The KDC's events per account (tests/data/events/kdc-rc4-2026.json, built from the 4769 layout of
// the January 2025 update and the KDCSVC events of KB5073381; no exported sample of these is public
// under a licence that allows including it): who still gets RC4.
#include <gtest/gtest.h>

#include "src/passive/passive.hpp"

namespace legacyscan::passive {
namespace {

TEST(PassiveEventsKdc, AccountsThatStillGetRc4) {
  Report r;
  ASSERT_EQ(read_events_file(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/events/kdc-rc4-2026.json", r), "");
  EXPECT_EQ(r.source.events_used, r.source.events);
  // 4769 by message: the service's key is RC4 (0x17), its attribute says RC4 only.
  const auto& sql = r.kerberos_accounts.at("svc_sql");
  EXPECT_TRUE(sql.gets_rc4());
  EXPECT_EQ(sql.ticket_etypes.count("rc4-hmac"), 1u);
  EXPECT_TRUE(sql.supported_etypes.has("0x4 (RC4)"));
  EXPECT_TRUE(sql.available_keys.has("RC4"));
  EXPECT_FALSE(sql.available_keys.has("AES-SHA1"));
  EXPECT_TRUE(sql.roles.has("service"));
  // The client of both: an AES session key, its own keys from the first "Available Keys".
  const auto& alice = r.kerberos_accounts.at("alice");
  EXPECT_TRUE(alice.roles.has("client"));
  EXPECT_EQ(alice.session_key_etypes.count("aes256-cts-hmac-sha1-96"), 2u);
  EXPECT_TRUE(alice.available_keys.has("AES-SHA1"));
  EXPECT_FALSE(alice.gets_rc4());
  // AES ticket: not an RC4 account.
  EXPECT_FALSE(r.kerberos_accounts.at("svc_web").gets_rc4());
  // EventData by name (the XML's field names).
  const auto& app = r.kerberos_accounts.at("svc_app");
  EXPECT_TRUE(app.gets_rc4());
  EXPECT_TRUE(app.available_keys.has("RC4"));
  EXPECT_TRUE(r.kerberos_accounts.at("bob").session_key_etypes.has("rc4-hmac"));
  // KDCSVC 201 names an account; 205 (no account) is a DC fact.
  EXPECT_TRUE(r.kerberos_accounts.at("svc_legacy").kdcsvc_events.has("201"));
  EXPECT_TRUE(r.kerberos_accounts.at("svc_legacy").gets_rc4());
  EXPECT_TRUE(r.servers.at("DC01.contoso.test").facts.has("KDCSVC 205 RC4 audit"));
  const auto j = to_json(r);
  ASSERT_TRUE(j.contains("kerberos_accounts"));
  std::size_t rc4 = 0;
  for (const auto& a : j["kerberos_accounts"]) rc4 += a["gets_rc4"].get<bool>() ? 1 : 0;
  EXPECT_EQ(rc4, 4u);  // svc_sql, svc_app, bob, svc_legacy
  const auto table = to_table(r);
  EXPECT_NE(table.find("4 still get RC4"), std::string::npos) << table;
  EXPECT_NE(table.find("KDCSVC events: 201"), std::string::npos) << table;
}

}  // namespace
}  // namespace legacyscan::passive
