// SPDX-License-Identifier: Apache-2.0
// Typed findings: the JSON of one finding, hosts[].findings[] (protocol probes only, in table order, each
// with its probe's name), and the table rendered from the same findings.
#include <gtest/gtest.h>

#include <sstream>

#include "legacyscan/engine/probe.hpp"
#include "src/report/render.hpp"
#include "src/report/report.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan {
namespace {

using nlohmann::json;

// A result with fixed findings, as a probe's result would give them.
struct FixedResult final : ProbeResult {
  std::vector<Finding> fixed;
  [[nodiscard]] json to_json() const override { return json{{"status", "ok"}}; }
  void findings(std::vector<Finding>& out) const override { out.insert(out.end(), fixed.begin(), fixed.end()); }
};

ProbeRun run_of(const std::string& probe, std::vector<Finding> fixed) {
  auto r = std::make_unique<FixedResult>();
  r->fixed = std::move(fixed);
  ProbeRun run;
  run.probe = probe;
  run.result = std::move(r);
  return run;
}

HostResult sample_host() {
  HostResult h;
  h.target = h.address = "192.0.2.1";
  h.probes.push_back(
      run_of("smb", {{"445/tcp", "smb1", "SMB1", "ENABLED: NT LM 0.12", Verdict::bad, "NT LM 0.12: accepted"},
                     {"445/tcp", "smb.signing.3.1.1", "Signing 3.1.1", "required", Verdict::good}}));
  h.probes.push_back(run_of("matrix", {{"", "matrix.winxp", "Windows XP", "SMB fails", Verdict::bad}}));
  h.probes.push_back(
      run_of("kerberos", {{"", "kerberos.realm", "Realm / principal", "LEGACY.TEST", Verdict::failure}}));
  return h;
}

TEST(Findings, KeysAreTheSchemas) { test::expect_keys_match_schema<Finding>("/$defs/finding"); }

TEST(Findings, JsonOfOneFinding) {
  Finding f{"88/udp", "kerberos.etype.rc4-hmac", "etype rc4-hmac", "alone: udp accepted", Verdict::failure, "why"};
  f.probe = "kerberos";
  EXPECT_EQ(finding_to_json(f), (json{{"probe", "kerberos"},
                                      {"port", "88/udp"},
                                      {"check", "kerberos.etype.rc4-hmac"},
                                      {"verdict", "failed"},
                                      {"value", "alone: udp accepted"},
                                      {"evidence", "why"}}));
  Finding back;
  fields::from_json(finding_to_json(f), back);
  EXPECT_EQ(back.verdict, Verdict::failure);
  EXPECT_EQ(back.check, f.check);
}

TEST(Findings, HostJsonHasTheProtocolProbesFindingsInTableOrder) {
  const json j = host_to_json(sample_host());
  ASSERT_EQ(j["findings"].size(), 3u);
  EXPECT_EQ(j["findings"][0]["probe"], "smb");
  EXPECT_EQ(j["findings"][0]["check"], "smb1");
  EXPECT_EQ(j["findings"][0]["verdict"], "bad");
  EXPECT_EQ(j["findings"][0]["evidence"], "NT LM 0.12: accepted");
  EXPECT_EQ(j["findings"][1]["check"], "smb.signing.3.1.1");
  EXPECT_EQ(j["findings"][2]["probe"], "kerberos");
}

TEST(Findings, TableIsRenderedFromTheJsonFindings) {
  std::vector<HostResult> hosts;
  hosts.push_back(sample_host());
  auto model = report::report_from_json(scan_to_json(ScanSummary{}, hosts));
  ASSERT_TRUE(model) << model.error;
  std::ostringstream brief, details;
  report::render_terminal_report(brief, *model, report::TextOptions{});
  report::render_terminal_report(details, *model, report::TextOptions{.details = true});
  // By default only what to fix; the failed and good checks with --details.
  EXPECT_NE(brief.str().find("  BAD   445/tcp  smb1  ENABLED: NT LM 0.12\n"), std::string::npos) << brief.str();
  EXPECT_EQ(brief.str().find("smb.signing.3.1.1"), std::string::npos) << brief.str();
  EXPECT_EQ(brief.str().find("matrix.winxp"), std::string::npos) << brief.str();
  EXPECT_NE(details.str().find("  OK    445/tcp  smb.signing.3.1.1  required\n"), std::string::npos) << details.str();
  EXPECT_NE(details.str().find("  n/a            kerberos.realm     LEGACY.TEST\n"), std::string::npos)
      << details.str();
}

}  // namespace
}  // namespace legacyscan
