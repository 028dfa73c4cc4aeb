// SPDX-License-Identifier: Apache-2.0
// Typed findings: the JSON of one finding, hosts[].findings[] (protocol probes only, in table order, each
// with its probe's name), and the table rendered from the same findings.
#include <gtest/gtest.h>

#include <sstream>

#include "legacyscan/engine/port_state.hpp"
#include "legacyscan/engine/probe.hpp"
#include "probes/ldap/ldap_result.hpp"
#include "probes/smb/smb_result.hpp"
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

TEST(Findings, RefusedPortIsClosedNotFailed) {
  const Outcome refused = Outcome::failure(Status::refused, "connect: connection refused");
  const Finding f = closed_port("443/tcp", "tls.endpoint", "TLS (https)", refused);
  EXPECT_EQ(f.value, "closed (connect: connection refused)");
  EXPECT_EQ(f.verdict, Verdict::info);
  EXPECT_TRUE(is_closed_finding(f));
  std::vector<Finding> out;
  BareResult(Status::refused, "connect: connection refused").findings(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].verdict, Verdict::info);
  out.clear();
  BareResult(Status::timeout, "no answer").findings(out);
  EXPECT_EQ(out[0].verdict, Verdict::failure);
}

TEST(Findings, HostWithEveryPortClosedIsOneLine) {
  const Outcome refused = Outcome::failure(Status::refused, "connect: connection refused");
  HostResult h;
  h.target = h.address = "127.0.0.9";
  h.probes.push_back(run_of("smb", {closed_port("445/tcp", "smb.port", "port", refused),
                                    closed_port("139/tcp", "smb.port", "port", refused, Verdict::good)}));
  h.probes.push_back(run_of("tls", {closed_port("636/tcp", "tls.endpoint", "TLS (ldaps)", refused)}));
  h.probes.push_back(run_of("netbios", {{"138/udp", "netbios.sam_logon.v1", "SAM LOGON V1",
                                         "skipped: NetBIOS domain unknown", Verdict::info}}));
  const auto lines = host_findings(h, true);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].check, "host.closed");
  EXPECT_EQ(lines[0].probe, "host");
  EXPECT_EQ(lines[0].value, "every probed port closed: 445/tcp 139/tcp 636/tcp");
  // One open port keeps every line.
  h.probes.push_back(run_of("ldap", {{"389/tcp", "ldap.rootdse", "rootDSE", "dc.example", Verdict::info}}));
  EXPECT_EQ(host_findings(h, true).size(), 5u);
}

// The legacy lab DC: NTLM says 6.1.0, the rootDSE DC level 4 (2008 R2), but Samba at domain level 2003
// leaves FULL_SECRET_DOMAIN_6 out of the LDAP ping flags (0x3fd).
TEST(Findings, OneReconciledOsLineSaysWhichSourceSaysWhat) {
  HostResult h;
  h.target = h.address = "127.0.0.1";
  auto smb = std::make_unique<smb::SmbResult>();
  smb->ports.emplace_back();
  smb->ports[0].port = 445;
  smb->ports[0].ntlm.emplace();
  smb->ports[0].ntlm->os_version = "6.1.0";
  h.probes.push_back(ProbeRun{"smb", {445}, std::move(smb), {}});
  auto ldap_at = [](int domain_level, std::uint32_t flags) {
    auto ldap = std::make_unique<ldap::LdapResult>();
    ldap->rootdse.emplace();
    ldap->rootdse->dc_functionality = 4;
    ldap->rootdse->domain_functionality = domain_level;
    ldap->cldap.emplace();
    ldap->cldap->response.emplace();
    ldap->cldap->response->variant = netlogon::NetlogonVariant::V5EX;
    ldap->cldap->response->Flags = flags;
    return ProbeRun{"ldap", {389}, std::move(ldap), {}};
  };
  h.probes.push_back(ldap_at(2, 0x3fd));
  const auto lines = host_findings(h, false);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].check, "host.os");
  EXPECT_EQ(lines[0].value,
            "Windows Server 2008 R2 (rootDSE DC level 4: 2008 R2; NTLM 6.1.0: 2008 R2; LDAP ping flags: 2003 R2 or "
            "earlier; they disagree)");
  EXPECT_NE(lines[0].evidence.find("domain functional level (here 2003)"), std::string::npos) << lines[0].evidence;
  // At domain level 2008 R2 the flags (0x13fd: FULL_SECRET_DOMAIN_6) agree.
  h.probes[1] = ldap_at(4, 0x13fd);
  const auto agreed = host_findings(h, false);
  EXPECT_EQ(
      agreed[0].value,
      "Windows Server 2008 R2 (rootDSE DC level 4: 2008 R2; NTLM 6.1.0: 2008 R2; LDAP ping flags: 2008 or 2008 R2)");
  EXPECT_EQ(agreed[0].evidence, "");
}

}  // namespace
}  // namespace legacyscan
