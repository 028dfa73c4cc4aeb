// SPDX-License-Identifier: Apache-2.0
// `legacyscan events`: exports of Windows events in the two forms PowerShell writes
// (Get-WinEvent | ConvertTo-Json, and | Export-Csv), built in tests/data/events from the event
// templates Microsoft documents (see docs/passive.md for the sources).
#include <gtest/gtest.h>

#include "src/passive/passive.hpp"

namespace legacyscan::passive {
namespace {

const std::string kDir = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/events/";

Report load(std::initializer_list<const char*> files) {
  Report r;
  for (const char* f : files) EXPECT_EQ(read_events_file(kDir + f, r), "") << f;
  return r;
}

bool has_finding(const Client& c, const std::string& id) {
  for (const auto& f : findings(c))
    if (f.id == id) return true;
  return false;
}

TEST(PassiveEvents, KerberosTicketEncryptionTypes) {
  const Report r = load({"security.json"});
  const Client& rc4 = r.clients.at("10.0.1.5");  // 4768 and 4769 with Ticket Encryption Type 0x17
  ASSERT_TRUE(rc4.kerberos);
  EXPECT_EQ(rc4.kerberos->ticket_etypes.count("rc4-hmac"), 2u);
  EXPECT_EQ(rc4.kerberos->requests.count("AS-REQ"), 1u);
  EXPECT_EQ(rc4.kerberos->requests.count("TGS-REQ"), 1u);
  EXPECT_TRUE(rc4.kerberos->services.has("MSSQLSvc/sql1.contoso.test:1433"));
  EXPECT_TRUE(has_finding(rc4, "rc4"));
  const Client& aes = r.clients.at("10.0.1.6");  // 0x12
  EXPECT_TRUE(aes.kerberos->ticket_etypes.has("aes256-cts-hmac-sha1-96"));
  EXPECT_FALSE(has_finding(aes, "rc4"));
  EXPECT_TRUE(has_finding(r.clients.at("10.0.1.11"), "des"));  // 0x3 des-cbc-md5
}

TEST(PassiveEvents, Logon4624GivesTheNtlmVersion) {
  const Report r = load({"security.json"});
  const Client& v1 = r.clients.at("10.0.1.7");
  ASSERT_TRUE(v1.ntlm);
  EXPECT_TRUE(v1.ntlm->versions.has("NTLMv1"));
  EXPECT_TRUE(v1.names.has("XPBOX"));
  EXPECT_TRUE(v1.ntlm->users.has("CONTOSO\\carol"));
  EXPECT_TRUE(has_finding(v1, "ntlmv1"));
  EXPECT_FALSE(has_finding(r.clients.at("10.0.1.8"), "ntlmv1"));
  EXPECT_EQ(r.clients.count("10.0.1.12"), 0u);  // a Kerberos logon has no NTLM package name
  EXPECT_EQ(r.source.events, 7u);
}

TEST(PassiveEvents, DirectoryService2889And2887) {
  const Report r = load({"directory-service.json"});
  const Client& simple = r.clients.at("10.0.1.9");  // binding type 1: simple bind in clear text
  ASSERT_TRUE(simple.ldap);
  EXPECT_TRUE(simple.ldap->simple_binds_cleartext.has("CONTOSO\\svc-scan"));
  EXPECT_TRUE(has_finding(simple, "ldap-cleartext-bind"));
  const Client& sasl = r.clients.at("fd00::10");  // binding type 0: SASL without signing
  EXPECT_TRUE(has_finding(sasl, "ldap-unsigned-sasl"));
  const ServerSummary& dc = r.servers.at("DC01.contoso.test");
  EXPECT_EQ(dc.facts.count("2887 simple binds without SSL/TLS (24 h)"), 12u);
  EXPECT_EQ(dc.facts.count("2887 SASL binds without signing (24 h)"), 4u);
}

TEST(PassiveEvents, Smb1AuditCsv) {
  const Report r = load({"smb1-audit.csv"});
  EXPECT_EQ(r.source.events, 3u);
  EXPECT_EQ(r.clients.at("10.0.1.20").smb->smb1_sessions.count, 2u);
  EXPECT_EQ(r.clients.at("10.0.1.21").smb->smb1_sessions.count, 1u);
  EXPECT_TRUE(has_finding(r.clients.at("10.0.1.20"), "smb1"));
  // "11/23/2024 1:15:00 PM" (Export-Csv, en-US) is 13:15 UTC.
  EXPECT_EQ(rfc3339_from_us(r.clients.at("10.0.1.20").seen.last_us), "2024-11-23T13:15:00Z");
}

TEST(PassiveEvents, NtlmOperationalCsv) {
  const Report r = load({"ntlm-operational.csv"});
  const Client& ws = r.clients.at("name:LEGACYPC");  // 8004: workstation name, no address
  ASSERT_TRUE(ws.ntlm);
  EXPECT_TRUE(ws.ntlm->users.has("CONTOSO\\alice"));
  EXPECT_TRUE(ws.ntlm->servers.has("FS01"));
  const Client& out = r.clients.at("name:WKS1.contoso.test");  // 8001 on the client itself
  EXPECT_TRUE(out.ntlm->servers.has("cifs/srv1.contoso.test"));
}

TEST(PassiveEvents, NetlogonAndSchannel) {
  const Report r = load({"system.json", "schannel.json"});
  EXPECT_TRUE(has_finding(r.clients.at("name:XP01"), "netlogon-vulnerable"));
  EXPECT_TRUE(has_finding(r.clients.at("name:NAS01"), "netlogon-unsealed"));
  const ServerSummary& web = r.servers.at("WEB01.contoso.test");
  EXPECT_EQ(web.facts.count("Schannel 36880 handshake TLS 1.0 suite 0x2F"), 1u);
  EXPECT_EQ(web.facts.count("Schannel 36874 TLS 1.0 connection refused"), 1u);
}

TEST(PassiveEvents, WhatIfFromEvents) {
  const Report r = load({"security.json", "directory-service.json", "smb1-audit.csv"});
  std::string err;
  auto rows = capture_whatif(r, {"smb1", "ntlmv1"}, {"ldap-signing"}, err);
  ASSERT_TRUE(rows) << err;
  std::set<std::string> broken;
  for (const auto& row : *rows)
    if (row.verdict == "breaks") broken.insert(row.address);
  EXPECT_EQ(broken, (std::set<std::string>{"10.0.1.20", "10.0.1.21", "10.0.1.7", "10.0.1.9", "fd00::10"}));
}

TEST(PassiveEvents, BadInputIsAClearError) {
  Report r;
  EXPECT_NE(read_events_text("", "empty", r), "");
  EXPECT_NE(read_events_text("[{\"Id\": 4768", "cut", r).find("not valid JSON"), std::string::npos);
  EXPECT_NE(read_events_text("a,b\n1,2\n", "wrong.csv", r).find("Id and Message"), std::string::npos);
  EXPECT_NE(read_events_text("\"Message\",\"Id\"\n\"x\",\"notanumber\"\n", "bad-id.csv", r).find("Id is not a number"),
            std::string::npos);
  EXPECT_NE(read_events_text("[{\"Message\": \"no id\"}]", "noid", r).find("no Id"), std::string::npos);
  EXPECT_NE(read_events_text("\"unterminated,1\n", "q.csv", r), "");
  EXPECT_EQ(read_events_file(kDir + "missing.json", r), kDir + "missing.json: No such file or directory");
  EXPECT_EQ(read_events_file(kDir, r), kDir + ": is a directory");
  // Events the reader does not know are counted, not used.
  Report k;
  EXPECT_EQ(read_events_text("[{\"Id\": 1234, \"Message\": \"something\"}]", "other", k), "");
  EXPECT_EQ(k.source.events, 1u);
  EXPECT_EQ(k.source.events_used, 0u);
  // ... and why they gave nothing, by id: unknown, or read but without what it needs.
  EXPECT_EQ(read_events_text("[{\"Id\": 4624, \"Message\": \"no package\"}]", "known", k), "");
  const std::map<std::string, std::uint64_t> skipped{
      {"event 1234 is not one legacyscan reads (see docs/passive.md)", 1},
      {"event 4624 without the fields it needs (a client address, an NTLM package name, a known message)", 1}};
  EXPECT_EQ(k.source.events_skipped, skipped);
}

TEST(PassiveTable, ManyNamesStayInTheirColumnAndCountsAgree) {
  Report r;
  r.source.kind = "events";
  r.source.events = 1;
  Client& many = r.clients["10.0.0.5"];
  many.address = "10.0.0.5";
  for (const char* n : {"WORKSTATION-ALPHA", "WORKSTATION-BRAVO", "WORKSTATION-CHARLIE", "WS-D"}) many.names.hit(n, 0);
  Client& one = r.clients["10.0.0.6"];
  one.address = "10.0.0.6";
  one.names.hit("PC1", 0);
  const std::string t = to_table(r);
  EXPECT_NE(t.find("Passive audit of 1 event (0 used), 2 clients\n"), std::string::npos) << t;
  // The widest cell decides the column: both rows put LAST SEEN at the same place.
  EXPECT_NE(t.find("  10.0.0.5          WORKSTATION-ALPHA +3 "), std::string::npos) << t;
  EXPECT_NE(t.find("  10.0.0.6          PC1                  "), std::string::npos) << t;
  EXPECT_EQ(t.find("WORKSTATION-CHARLIE"), std::string::npos) << t;
  EXPECT_NE(t.find("  CLIENT            NAMES                LAST SEEN"), std::string::npos) << t;
}

}  // namespace
}  // namespace legacyscan::passive
