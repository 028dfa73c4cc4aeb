// SPDX-License-Identifier: Apache-2.0
// Session-level audit events: NTLMv1 and LM in 4624's package name, the NTLM/Operational events of
// Windows 11 24H2 and Server 2025 (4020-4025), and the SMB client's rejected insecure guest logons
// (31017), in each input form `events` reads. The files in tests/data/events (session-audit.*) are
// hand-written from Microsoft's documentation, not exported from Windows (tests/data/README.md).
#include <gtest/gtest.h>

#include <optional>

#include "src/passive/passive.hpp"

namespace legacyscan::passive {
namespace {

const std::string kDir = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/events/";

std::optional<Finding> finding(const Client& c, const std::string& id) {
  for (const auto& f : findings(c))
    if (f.id == id) return f;
  return std::nullopt;
}

TEST(PassiveEventsSession, XmlLogonPackageLmAndNtlmV1) {
  Report r;
  ASSERT_EQ(read_events_file(kDir + "session-audit.xml", r), "");
  EXPECT_EQ(r.source.events, 4u);
  EXPECT_EQ(r.source.events_used, 4u);
  const Client& lm = r.clients.at("10.0.2.30");  // LmPackageName "LM"
  ASSERT_TRUE(lm.ntlm);
  EXPECT_EQ(lm.ntlm->versions.count("LM"), 1u);
  EXPECT_TRUE(lm.names.has("OLDCOPIER"));
  EXPECT_TRUE(lm.ntlm->users.has("CONTOSO\\scanner"));
  ASSERT_TRUE(finding(lm, "lm").has_value());
  EXPECT_FALSE(finding(lm, "ntlmv1").has_value());
  const Client& v1 = r.clients.at("10.0.2.31");  // "NTLM V1"
  ASSERT_TRUE(finding(v1, "ntlmv1").has_value());
  EXPECT_NE(finding(v1, "ntlmv1")->evidence.find("CONTOSO\\dave"), std::string::npos);
}

TEST(PassiveEventsSession, XmlGuestRejectedAndNtlmv1DerivedCredentials) {
  Report r;
  ASSERT_EQ(read_events_file(kDir + "session-audit.xml", r), "");
  // 31017 is logged by the client: the client is the logging machine, the server is in ServerName.
  const Client& wks = r.clients.at("name:WKS24H2.contoso.test");
  ASSERT_TRUE(wks.smb);
  EXPECT_EQ(wks.smb->guest_rejected.count("NAS01"), 1u);
  const auto guest = finding(wks, "smb-guest");
  ASSERT_TRUE(guest.has_value());
  EXPECT_EQ(guest->count, 1u);
  EXPECT_NE(guest->evidence.find("NAS01"), std::string::npos);
  EXPECT_NE(guest->evidence.find("31017"), std::string::npos);
  // 4024: this machine derived NTLMv1 credentials for single sign-on (audit mode).
  const Client& ras = r.clients.at("name:RAS01.contoso.test");
  ASSERT_TRUE(ras.ntlm);
  EXPECT_EQ(ras.ntlm->versions.count("NTLMv1"), 1u);
  EXPECT_TRUE(ras.ntlm->via.has("event 4024: NTLMv1-derived credentials, audit"));
  EXPECT_TRUE(finding(ras, "ntlmv1").has_value());
}

TEST(PassiveEventsSession, CsvMessageLabels) {
  Report r;
  ASSERT_EQ(read_events_file(kDir + "session-audit.csv", r), "");
  EXPECT_EQ(r.source.events, 5u);
  EXPECT_EQ(r.source.events_used, 5u);
  // "Server name: \\NAS02" twice from one client: one server, counted twice.
  const Client& wks = r.clients.at("name:WKS11.contoso.test");
  EXPECT_EQ(wks.smb->guest_rejected.count("NAS02"), 2u);
  EXPECT_EQ(finding(wks, "smb-guest")->count, 2u);
  // 4025: blocked, but the machine still asked for NTLMv1-derived credentials.
  EXPECT_TRUE(r.clients.at("name:RAS02.contoso.test").ntlm->via.has("event 4025: NTLMv1-derived credentials, blocked"));
  // 4020 without a version field: NTLM use by the logging machine, no NTLMv1 finding.
  const Client& out = r.clients.at("name:WKS12.contoso.test");
  EXPECT_TRUE(out.ntlm->versions.has("NTLM (version not logged)"));
  EXPECT_FALSE(finding(out, "ntlmv1").has_value());
  // 4022 without a client field: a fact of the server.
  EXPECT_TRUE(r.servers.at("FS02.contoso.test").facts.has("4022 incoming NTLM without a client address or name"));
}

// The field names of 4020-4023 are not in Microsoft's published text; the reader matches labels and
// EventData names loosely. These names are made up to exercise that match, not taken from Windows.
TEST(PassiveEventsSession, JsonEventDataMatchedLoosely) {
  const std::string json = R"([
    {"Id": 4023, "ProviderName": "Microsoft-Windows-NTLM", "LogName": "Microsoft-Windows-NTLM/Operational",
     "MachineName": "FS03.contoso.test", "TimeCreated": "2026-11-23T11:00:00Z",
     "Message": "A remote client is using NTLM to authenticate to this workstation.",
     "EventData": {"Client_IP": "::ffff:10.0.2.40", "Client Name": "LEGACYPOS", "NTLM_Version": "NTLMv1",
                   "User_Name": "pos", "Domain_Name": "CONTOSO"}},
    {"Id": 31017, "ProviderName": "Microsoft-Windows-SMBClient", "LogName": "Microsoft-Windows-SmbClient/Security",
     "MachineName": "WKS13.contoso.test", "TimeCreated": "2026-11-23T11:05:00Z",
     "Message": "Rejected an insecure guest logon.",
     "EventData": {"UserNameLength": 0, "UserName": "", "ServerNameLength": 14, "ServerName": "\\172.31.30.112"}},
    {"Id": 4021, "ProviderName": "Some-Other-Provider", "MachineName": "X", "Message": "not NTLM's"}
  ])";
  Report r;
  ASSERT_EQ(read_events_text(json, "inline.json", r), "");
  const Client& pos = r.clients.at("10.0.2.40");
  EXPECT_TRUE(pos.names.has("LEGACYPOS"));
  EXPECT_EQ(pos.ntlm->versions.count("NTLMv1"), 1u);
  EXPECT_TRUE(pos.ntlm->users.has("CONTOSO\\pos"));
  EXPECT_TRUE(pos.ntlm->servers.has("FS03.contoso.test"));
  EXPECT_EQ(r.clients.at("name:WKS13.contoso.test").smb->guest_rejected.count("172.31.30.112"), 1u);
  // The same id from another provider is not NTLM's event.
  EXPECT_EQ(r.source.events_used, 2u);
  EXPECT_EQ(r.clients.count("name:X"), 0u);
}

TEST(PassiveEventsSession, JsonAndCsvCarryTheGuestServers) {
  Report r;
  ASSERT_EQ(read_events_file(kDir + "session-audit.csv", r), "");
  const auto doc = to_json(r);
  bool seen = false;
  for (const auto& c : doc["clients"])
    if (c["names"].size() == 1 && c["names"][0] == "WKS11.contoso.test") {
      EXPECT_EQ(c["protocols"]["smb"]["guest_rejected"]["NAS02"], 2);
      seen = true;
    }
  EXPECT_TRUE(seen);
  EXPECT_NE(to_csv(r).find(",smb,guest_rejected,NAS02,2,"), std::string::npos);
}

}  // namespace
}  // namespace legacyscan::passive
