// SPDX-License-Identifier: Apache-2.0
// Who breaks in a wave: account audits joined with the KDC's events (tests/data/events/kdc-rc4-2026.json,
// see passive_events_kdc_test.cpp) and the hosts of a scan.
#include <gtest/gtest.h>

#include "src/compat/whatif_join.hpp"
#include "src/passive/passive.hpp"

namespace legacyscan::matrix {
namespace {

std::vector<EventAccount> sample_events() {
  passive::Report r;
  EXPECT_EQ(passive::read_events_file(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/events/kdc-rc4-2026.json", r),
            "");
  std::vector<EventAccount> out;
  EXPECT_EQ(event_accounts_from_json(passive::to_json(r).at("kerberos_accounts"), out), "");
  return out;
}

const WhoBreaksRow& row(const std::vector<WhoBreaksRow>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.account.account == name) return r;
  static const WhoBreaksRow none;
  ADD_FAILURE() << "no row for " << name;
  return none;
}

TEST(WhatIfJoin, EventsSayWhoUsedEachAccount) {
  const auto events = sample_events();
  const EventAccount* sql = nullptr;
  for (const auto& e : events)
    if (e.name == "svc_sql") sql = &e;
  ASSERT_NE(sql, nullptr);
  ASSERT_EQ(sql->used_by.size(), 1u);
  EXPECT_EQ(sql->used_by[0].address, "10.0.1.5");  // "::ffff:10.0.1.5" in the event
  EXPECT_EQ(sql->used_by[0].client, "alice");
  EXPECT_EQ(sql->used_by[0].via, "tgs");
  EXPECT_EQ(sql->used_by[0].etype, "rc4-hmac");
}

TEST(WhatIfJoin, AccountsOnlyTheEventsNameAreDecidedFromTheirKeys) {
  const auto rows = who_breaks({}, sample_events(), {});
  EXPECT_EQ(row(rows, "svc_sql").account.verdict, "keeps-rc4");  // RC4 key only, attribute 0x4 (RC4)
  EXPECT_EQ(row(rows, "svc_app").account.verdict, "breaks");     // RC4 key only, no attribute
  EXPECT_EQ(row(rows, "bob").account.verdict, "breaks");
  EXPECT_EQ(row(rows, "svc_legacy").account.verdict, "unknown");  // only the KDCSVC audit names it
  EXPECT_NE(row(rows, "svc_legacy").account.reason.find("KDCSVC event 201"), std::string::npos);
  for (const auto& r : rows) {
    EXPECT_EQ(r.source, "events");
    EXPECT_NE(r.account.account, "alice") << "AES only in the events: not listed";
  }
  EXPECT_EQ(rows.front().account.verdict, "breaks");
}

TEST(WhatIfJoin, AuditDecidesEventsSayWhoAndScanNamesTheClient) {
  WaveAccountRow sql{"SVC_SQL", "service", {"MSSQLSvc/sql.contoso.test:1433"}, "dc1", "breaks", "no AES key", "reset"};
  WaveAccountRow web{"WEB01$", "computer", {"HTTP/web01.contoso.test"}, "dc1", "changes", "rc4 today", "keytab"};
  WaveAccountRow ok{"carol", "user", {}, "dc1", "ok", "", ""};
  auto events = sample_events();
  // A service the events name by its SPN.
  events.push_back({"HTTP/web01.contoso.test@CONTOSO.TEST", true, {}, {}, {}, {}});
  events.back().used_by = {{"10.0.1.9", "dave", "tgs", "rc4-hmac", 3, ""},
                           {"10.0.1.7", "erin", "tgs", "aes256-cts-hmac-sha1-96", 1, ""}};
  const auto rows = who_breaks({sql, web, ok}, events, {{"ws01.contoso.test", "10.0.1.5"}});
  const auto& s = row(rows, "SVC_SQL");
  EXPECT_EQ(s.source, "audit+events");
  EXPECT_EQ(s.account.verdict, "breaks") << "the audit's verdict, not the events'";
  ASSERT_EQ(s.clients.size(), 1u);
  EXPECT_EQ(s.clients[0].host, "ws01.contoso.test");
  const auto& w = row(rows, "WEB01$");
  EXPECT_EQ(w.source, "audit+events");
  ASSERT_EQ(w.clients.size(), 2u);
  EXPECT_EQ(w.clients[0].etype, "rc4-hmac") << "RC4 uses first";
  EXPECT_EQ(row(rows, "carol").source, "audit");
  for (const auto& r : rows) EXPECT_NE(r.account.account, "svc_sql") << "joined, not listed twice";

  const auto clients = broken_clients(rows);
  std::map<std::string, BrokenClient> by;
  for (const auto& c : clients) by[c.address] = c;
  ASSERT_TRUE(by.count("10.0.1.5"));
  EXPECT_EQ(by["10.0.1.5"].verdict, "breaks");
  EXPECT_EQ(by["10.0.1.5"].host, "ws01.contoso.test");
  ASSERT_TRUE(by.count("10.0.1.9"));
  EXPECT_EQ(by["10.0.1.9"].verdict, "changes");
  EXPECT_FALSE(by.count("10.0.1.7")) << "its tickets are AES already: nothing changes for it";
  EXPECT_EQ(clients.front().verdict, "breaks");

  const auto j = who_breaks_to_json(*find_wave("rc4-2026"), rows, clients);
  EXPECT_EQ(j["wave"], "rc4-2026");
  EXPECT_EQ(j["accounts"][0]["verdict"], "breaks");
  EXPECT_TRUE(j["accounts"][0].contains("clients"));
  EXPECT_EQ(j["counts"]["ok"], 1);
  EXPECT_EQ(j["clients"].size(), clients.size());
}

TEST(WhatIfJoin, MalformedEventAccountsAreAClearError) {
  std::vector<EventAccount> out;
  EXPECT_NE(event_accounts_from_json(nlohmann::json::object(), out), "");
  EXPECT_NE(event_accounts_from_json(nlohmann::json::array({nlohmann::json{{"gets_rc4", true}}}), out), "");
}

}  // namespace
}  // namespace legacyscan::matrix
