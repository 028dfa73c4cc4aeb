// SPDX-License-Identifier: Apache-2.0
// The one-screen terminal report: a summary line per host, the BAD/WARN findings first, ports with the
// same findings folded, the width respected, down hosts counted, and the last line's counts.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "src/report/finding_view.hpp"
#include "src/report/render.hpp"

namespace legacyscan::report {
namespace {

using nlohmann::json;

json finding(const std::string& probe, const std::string& port, const std::string& check, const std::string& verdict,
             const std::string& value) {
  return {{"probe", probe}, {"port", port}, {"check", check}, {"verdict", verdict}, {"value", value}, {"evidence", ""}};
}

json smb_port(const std::string& port) {
  return json::array({finding("smb", port, "smb1", "bad", "ENABLED: NT LM 0.12"),
                      finding("smb", port, "smb.signing.3.0", "warn", "enabled, not required"),
                      finding("smb", port, "smb.signing.3.1.1", "warn", "enabled, not required"),
                      finding("smb", port, "smb.ntlm", "info", "LEGACY\\DC1")});
}

// One DC with SMB on 445 and 139 (the same findings), a long LDAP value, and `down` silent hosts.
json scan_doc(std::size_t down) {
  json findings = smb_port("445/tcp");
  for (const auto& f : smb_port("139/tcp")) findings.push_back(f);
  const std::string message = "\"8009030C: LdapErr: DSID-0C0904DC, comment: AcceptSecurityContext error, data 52e\"";
  std::string long_value = "unknown (";
  for (int i = 0; i < 4; ++i) long_value += "bind " + std::to_string(i) + ": invalidCredentials (49) " + message + "; ";
  findings.push_back(finding("ldap", "", "ldap.channel_binding", "bad", long_value + ")"));
  findings.push_back(finding("netbios", "137/udp", "netbios.unit_id", "info", "00:11:22:33:44:55"));
  json hosts = json::array({{{"target", "dc1.example.test"},
                             {"address", "10.0.0.5"},
                             {"probes", {{"smb", {{"status", "ok"}}}, {"ldap", {{"status", "ok"}}}}},
                             {"findings", findings}}});
  for (std::size_t i = 0; i < down; ++i)
    hosts.push_back({{"target", "10.0.1.0/24"},
                     {"address", "10.0.1." + std::to_string(i)},
                     {"probes", {{"smb", {{"status", "timeout"}, {"reason", "no answer"}}}}},
                     {"findings", json::array()}});
  return {{"hosts", hosts}, {"complete", true}};
}

std::string render(const json& doc, TextOptions o) {
  auto m = report_from_json(doc);
  EXPECT_TRUE(m) << m.error;
  std::ostringstream out;
  render_terminal_report(out, *m, o);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

TEST(ReportScreen, SummaryLineThenWhatToFixBadFirst) {
  const auto text = render(scan_doc(0), {});
  const auto lines = lines_of(text);
  ASSERT_GE(lines.size(), 4u) << text;
  EXPECT_TRUE(lines[0].starts_with("dc1.example.test (10.0.0.5)  SMB1:on signing:off channel-binding:off")) << text;
  EXPECT_NE(lines[0].find("(2 BAD, 2 WARN)"), std::string::npos) << text;
  EXPECT_TRUE(lines[1].starts_with("  BAD   445/tcp  smb1")) << text;
  const auto bad_ldap = text.find("BAD            ldap.channel_binding");
  const auto warn = text.find("WARN  445/tcp  smb.signing.{3.0,3.1.1}  enabled, not required");
  ASSERT_NE(bad_ldap, std::string::npos) << text;
  ASSERT_NE(warn, std::string::npos) << text;
  EXPECT_LT(bad_ldap, warn);
  EXPECT_EQ(text.find("smb.ntlm"), std::string::npos) << "info rows need --details";
  EXPECT_EQ(text.find("netbios.unit_id"), std::string::npos) << "unit id needs --details";
}

TEST(ReportScreen, IdenticalPortBlocksAreFolded) {
  for (bool details : {false, true}) {
    const auto text = render(scan_doc(0), {.details = details});
    EXPECT_NE(text.find("        139/tcp: same as 445/tcp\n"), std::string::npos) << text;
    EXPECT_EQ(text.find(" 139/tcp  smb1"), std::string::npos) << text;
  }
  auto doc = scan_doc(0);
  doc["hosts"][0]["findings"][4]["value"] = "disabled";  // 139's smb1 differs now
  const auto text = render(doc, {});
  EXPECT_EQ(text.find("same as"), std::string::npos) << text;
  EXPECT_NE(text.find(" 139/tcp  smb.signing"), std::string::npos) << text;
}

TEST(ReportScreen, DetailsShowEveryCheck) {
  const auto text = render(scan_doc(0), {.details = true});
  EXPECT_NE(text.find("smb.ntlm"), std::string::npos) << text;
  EXPECT_NE(text.find("netbios.unit_id"), std::string::npos) << text;
}

TEST(ReportScreen, EightyColumnsWrapOnWordsAndLongValuesAreSummarised) {
  const auto text = render(scan_doc(0), {.width = 80});
  for (const auto& l : lines_of(text)) {
    EXPECT_LE(l.size(), 80u) << l;
    EXPECT_FALSE(l.ends_with(' ')) << l;
  }
  // The repeated server message is written once; the rest is in the JSON.
  const std::string msg = "AcceptSecurityContext";
  EXPECT_EQ(text.find(msg), text.rfind(msg)) << text;
  EXPECT_NE(text.find("(see JSON)"), std::string::npos) << text;
  // A word is never cut at the end of a line: every wrapped value word is whole.
  EXPECT_EQ(text.find("~"), std::string::npos) << text;
  EXPECT_EQ(summarise("a \"long repeated server message\" b \"long repeated server message\""),
            "a \"long repeated server message\" b (same message)");
}

TEST(ReportScreen, DownHostsAreCountedAndTheLastLineCounts) {
  const auto text = render(scan_doc(254), {});
  const auto lines = lines_of(text);
  EXPECT_EQ(text.find("10.0.1.7"), std::string::npos);
  EXPECT_NE(text.find("\n254 host(s) down: no probe got an answer (--show-down lists them)\n"), std::string::npos);
  EXPECT_EQ(lines.back(), "255 host(s): 1 up, 254 down; 2 BAD, 2 WARN");
  EXPECT_LT(lines.size(), 20u);
  const auto shown = render(scan_doc(3), {.show_down = true});
  EXPECT_NE(shown.find("10.0.1.0/24 (10.0.1.2)  down (no answer: timeout)\n"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("--show-down"), std::string::npos) << shown;
  auto partial = scan_doc(0);
  partial["complete"] = false;
  EXPECT_TRUE(render(partial, {}).ends_with("2 WARN (interrupted: results are partial)\n"));
}

}  // namespace
}  // namespace legacyscan::report
