// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "src/compat/policy.hpp"

namespace legacyscan {
namespace {

using nlohmann::json;

TEST(Policy, RulesParseAndBadOnesSayWhy) {
  std::string e;
  for (const char* ok :
       {"smb1=off", "smb.signing=required", "smb.min=3.0", "tls.min=1.2", "tls.pfs=required", "kerberos.rc4=off",
        "kerberos.des=off", "ldap.cleartext-bind=off", "netbios.samlogon=off", "client:windows-xp-sp3=broken"})
    EXPECT_TRUE(parse_policy_rule(ok, e)) << ok << ": " << e;
  EXPECT_FALSE(parse_policy_rule("smb1", e));
  EXPECT_NE(e.find("KEY=VALUE"), std::string::npos);
  EXPECT_FALSE(parse_policy_rule("smb1=maybe", e));
  EXPECT_NE(e.find("off"), std::string::npos);
  EXPECT_FALSE(parse_policy_rule("tls.min=2.0", e));
  EXPECT_FALSE(parse_policy_rule("ftp=off", e));
  EXPECT_NE(e.find("unknown policy rule"), std::string::npos);
}

json host_with_smb(bool smb1, bool required) {
  return json{{"target", "dc1"},
              {"address", "10.0.0.1"},
              {"probes",
               {{"smb",
                 {{"status", "ok"},
                  {"ports",
                   {{"445",
                     {{"status", "ok"},
                      {"smb1", {{"enabled", smb1}, {"dialects", smb1 ? json{"NT LM 0.12"} : json::array()}}},
                      {"smb2",
                       {{"dialects", {"2.1", "3.1.1"}},
                        {"details",
                         {{"2.1", {{"signing", {{"enabled", true}, {"required", required}}}}},
                          {"3.1.1", {{"signing", {{"enabled", true}, {"required", required}}}}}}}}}}}}}}}}}};
}

TEST(Policy, SmbRulesOnHostJson) {
  std::string e;
  std::vector<PolicyRule> rules{*parse_policy_rule("smb1=off", e), *parse_policy_rule("smb.signing=required", e),
                                *parse_policy_rule("smb.min=3.0", e), *parse_policy_rule("tls.min=1.2", e)};
  auto bad = evaluate_policy(rules, host_with_smb(true, false));
  ASSERT_EQ(bad.size(), 4u);
  EXPECT_FALSE(bad[0].passed);
  EXPECT_NE(bad[0].evidence.find("SMB1 enabled"), std::string::npos);
  EXPECT_FALSE(bad[1].passed);
  EXPECT_FALSE(bad[2].passed);
  EXPECT_NE(bad[2].evidence.find("SMB 2.1 accepted"), std::string::npos);
  // A rule whose probe did not run cannot pass.
  EXPECT_FALSE(bad[3].passed);
  EXPECT_NE(bad[3].evidence.find("not run"), std::string::npos);
  EXPECT_EQ(bad[0].host, "dc1 (10.0.0.1)");

  auto good = evaluate_policy({rules[0], rules[1]}, host_with_smb(false, true));
  EXPECT_TRUE(good[0].passed);
  EXPECT_TRUE(good[1].passed);
  EXPECT_FALSE(policy_to_json(bad).at("passed").get<bool>());
  EXPECT_TRUE(policy_to_json(good).at("passed").get<bool>());
}

TEST(Policy, RulesSayWhetherTheEvidenceDecidedThem) {
  std::string e;
  // Every port refused or unreachable: no protocol answer anywhere.
  const json silent{{"target", "dc1"},
                    {"address", "10.0.0.1"},
                    {"probes",
                     {{"smb", {{"status", "refused"}, {"reason", "connect: connection refused"}}},
                      {"netbios", {{"status", "refused"}, {"reason", "ICMP port unreachable"}}}}}};
  auto r = evaluate_policy({*parse_policy_rule("netbios.samlogon=off", e), *parse_policy_rule("smb1=off", e)}, silent);
  ASSERT_EQ(r.size(), 2u);
  // A closed NetBIOS port does not answer the mailslot SAM LOGON: the rule holds, decided.
  EXPECT_TRUE(r[0].passed);
  EXPECT_TRUE(r[0].decided);
  // A refused SMB port tells nothing about SMB1: failed, but not decided.
  EXPECT_FALSE(r[1].passed);
  EXPECT_FALSE(r[1].decided);
  // Answers decide, whichever way.
  const auto smb = evaluate_policy({*parse_policy_rule("smb1=off", e)}, host_with_smb(true, false));
  EXPECT_FALSE(smb.at(0).passed);
  EXPECT_TRUE(smb.at(0).decided);
  EXPECT_TRUE(evaluate_policy({*parse_policy_rule("smb1=off", e)}, host_with_smb(false, true)).at(0).decided);
}

TEST(Policy, JunitAndSarifRenderFailures) {
  std::vector<RuleResult> results{
      {"smb1=off", "dc<1>", false, "445: SMB1 enabled & \"on\"", "10.0.0.1", true, {}},
      {"tls.min=1.2", "dc<1>", true, "ok", "10.0.0.1", true, {}},
      {"kerberos.rc4=off", "dc1.example.test (fd00::5)", false, "rc4-hmac accepted", "fd00::5", true, {}}};
  const auto xml = policy_to_junit(results);
  EXPECT_NE(xml.find("tests=\"3\" failures=\"2\""), std::string::npos);
  // Jenkins splits classnames at dots: a host's dots must not become packages.
  EXPECT_NE(xml.find("classname=\"legacyscan.dc1_example_test (fd00::5)\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("dc&lt;1&gt;"), std::string::npos);
  EXPECT_NE(xml.find("&amp; &quot;on&quot;"), std::string::npos);
  EXPECT_EQ(xml.find("dc<1>"), std::string::npos);
  const auto sarif = policy_to_sarif(results);
  EXPECT_EQ(sarif.at("version"), "2.1.0");
  const auto& run = sarif.at("runs").at(0);
  ASSERT_EQ(run.at("results").size(), 2u);
  EXPECT_EQ(run.at("results").at(0).at("locations").at(0).at("physicalLocation").at("artifactLocation").at("uri"),
            "smb://10.0.0.1/");
  EXPECT_EQ(run.at("results").at(1).at("locations").at(0).at("physicalLocation").at("artifactLocation").at("uri"),
            "krb5://[fd00::5]:88/");
  EXPECT_EQ(run.at("results").at(1).at("locations").at(0).at("logicalLocations").at(0).at("name"),
            "dc1.example.test (fd00::5)");
  // Every rule carries a description and help text.
  for (const auto& rule : run.at("tool").at("driver").at("rules")) {
    EXPECT_GT(rule.at("fullDescription").at("text").get<std::string>().size(), 20u) << rule.dump();
    EXPECT_GT(rule.at("help").at("text").get<std::string>().size(), 20u) << rule.dump();
  }
  EXPECT_NE(run.at("tool").at("driver").at("rules").at(2).at("help").at("text").get<std::string>().find("refuses"),
            std::string::npos);
}

}  // namespace
}  // namespace legacyscan

namespace legacyscan {
namespace {

// The legacy lab DC's Kerberos result as the probe wrote it (tests/data/report/legacy-scan.json, a
// scan of the lab's legacy DC): rc4-hmac accepted alone and beside AES, everything else rejected.
json legacy_kerberos_host() {
  std::ifstream in(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/report/legacy-scan.json");
  const json doc = json::parse(in);
  return doc.at("hosts").at(0);
}

TEST(Policy, KerberosEtypeNamesAreOneClosedCaseInsensitiveList) {
  const json host = legacy_kerberos_host();
  ASSERT_EQ(host["probes"]["kerberos"]["etypes"]["rc4-hmac"], "accepted");
  std::string e;
  // Every spelling of RC4 fails against a KDC that accepts it; none may pass by matching nothing.
  for (const char* text : {"kerberos.rc4=off", "kerberos.RC4=off", "kerberos.arcfour-hmac=off", "kerberos.23=off",
                           "kerberos.rc4-hmac=off", "kerberos.ARCFOUR-HMAC-MD5=off"}) {
    auto rule = parse_policy_rule(text, e);
    ASSERT_TRUE(rule) << text << ": " << e;
    const auto r = evaluate_policy({*rule}, host).at(0);
    EXPECT_FALSE(r.passed) << text << ": " << r.evidence;
    EXPECT_NE(r.evidence.find("rc4-hmac accepted"), std::string::npos) << text << ": " << r.evidence;
  }
  // Etypes the KDC refuses pass, under their aliases too.
  for (const char* text : {"kerberos.des=off", "kerberos.DES3=off", "kerberos.des3-hmac-sha1=off", "kerberos.1=off"}) {
    auto rule = parse_policy_rule(text, e);
    ASSERT_TRUE(rule) << text << ": " << e;
    const auto r = evaluate_policy({*rule}, host).at(0);
    EXPECT_TRUE(r.passed) << text << ": " << r.evidence;
  }
  // Unknown names are usage errors naming the known ones.
  for (const char* text : {"kerberos.bogus=off", "kerberos.=off", "kerberos.rc5=off"}) {
    EXPECT_FALSE(parse_policy_rule(text, e)) << text;
    EXPECT_NE(e.find("unknown Kerberos etype"), std::string::npos) << e;
    EXPECT_NE(e.find("arcfour-hmac"), std::string::npos) << e;
  }
  // An etype the probe never tests cannot pass.
  auto untested = parse_policy_rule("kerberos.-133=off", e);
  ASSERT_TRUE(untested) << e;
  const auto r = evaluate_policy({*untested}, host).at(0);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.evidence.find("does not test rc4-hmac-old"), std::string::npos) << r.evidence;
}

TEST(Policy, KerberosAnswersThatDecideNothingCannotPass) {
  json host = legacy_kerberos_host();
  // Every answer the verdicts are computed from (etype_details) says nothing came back.
  for (const char* mode : {"udp", "tcp", "udp_with_aes", "tcp_with_aes"})
    host["probes"]["kerberos"]["etype_details"]["rc4-hmac"]["answers"][mode] = {{"verdict", "no-answer"}};
  std::string e;
  const auto r = evaluate_policy({*parse_policy_rule("kerberos.rc4=off", e)}, host).at(0);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.evidence.find("did not decide"), std::string::npos) << r.evidence;
}

TEST(Policy, LdapSigningRuleAndNoJsonInEvidence) {
  const json host = legacy_kerberos_host();
  std::string e;
  auto rules =
      std::vector<PolicyRule>{*parse_policy_rule("ldap.signing=required", e), *parse_policy_rule("smb1=off", e)};
  const auto results = evaluate_policy(rules, host);
  EXPECT_EQ(host["probes"]["ldap"]["signing_required"], false);
  EXPECT_FALSE(results[0].passed);
  EXPECT_NE(results[0].evidence.find("signing not required"), std::string::npos) << results[0].evidence;
  EXPECT_FALSE(results[1].passed);
  EXPECT_NE(results[1].evidence.find("SMB1 enabled (NT LM 0.12)"), std::string::npos) << results[1].evidence;
  for (const auto& res : results) EXPECT_EQ(res.evidence.find_first_of("[]\""), std::string::npos) << res.evidence;
}

}  // namespace
}  // namespace legacyscan

#include "src/compat/hardening.hpp"
#include "src/compat/whatif.hpp"

namespace legacyscan {
namespace {

TEST(Hardening, OneVocabularyForWhatifAndPolicy) {
  using compat::TermKind;
  // Every term that names a policy rule names one that parses.
  for (const auto& t : compat::hardening_terms()) {
    if (t.policy_rule.empty()) continue;
    std::string e;
    EXPECT_TRUE(parse_policy_rule(t.policy_rule, e)) << t.id << " -> " << t.policy_rule << ": " << e;
  }
  ASSERT_NE(compat::find_hardening_term("TLS1.0", TermKind::disable), nullptr);
  EXPECT_EQ(compat::find_hardening_term("TLS1.0", TermKind::disable)->policy_rule, "tls.min=1.1");
  EXPECT_EQ(compat::find_hardening_term("smb-signing", TermKind::disable), nullptr);
  // The scan what-if takes the vocabulary's terms in any case, stores them as spelt there, and names
  // the known ones when a term is unknown.
  std::string e;
  auto w = matrix::parse_whatif({"SMB1", "Rc4"}, {"LDAP-Signing"}, e);
  ASSERT_TRUE(w) << e;
  EXPECT_EQ(w->disable, (std::vector<std::string>{"smb1", "rc4"}));
  EXPECT_EQ(w->require, (std::vector<std::string>{"ldap-signing"}));
  EXPECT_TRUE(matrix::parse_whatif({"ntlmv1", "guest"}, {}, e)) << e;  // the cells' authentication paths
  EXPECT_FALSE(matrix::parse_whatif({"ipx"}, {}, e));
  EXPECT_NE(e.find(compat::hardening_term_list(TermKind::disable, false)), std::string::npos) << e;
}

}  // namespace
}  // namespace legacyscan

namespace legacyscan {
namespace {

TEST(Policy, PolicyFilesAreReadStrictly) {
  const std::string dir = ::testing::TempDir();
  std::string e;
  EXPECT_FALSE(read_policy_file(dir, e));
  EXPECT_NE(e.find("directory"), std::string::npos) << e;
  EXPECT_FALSE(read_policy_file(dir + "/no-such-legacyscan-policy", e));
  EXPECT_NE(e.find("No such file"), std::string::npos) << e;
  const std::string empty = dir + "/legacyscan-empty.rules", comments = dir + "/legacyscan-comments.rules",
                    good = dir + "/legacyscan-good.rules";
  { std::ofstream(empty) << ""; }
  { std::ofstream(comments) << "# nothing yet\n\n"; }
  { std::ofstream(good) << "# DCs\nsmb1=off\n  tls.min=1.2  # and TLS\n"; }
  EXPECT_FALSE(read_policy_file(empty, e));
  EXPECT_NE(e.find("empty"), std::string::npos) << e;
  EXPECT_FALSE(read_policy_file(comments, e));
  EXPECT_NE(e.find("no rules"), std::string::npos) << e;
  auto rules = read_policy_file(good, e);
  ASSERT_TRUE(rules) << e;
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ(rules->at(1).text, "tls.min=1.2");
}

// A failed rule rests on the host's findings: the saved lab scan (written before findings were part
// of the JSON, so they are derived from its typed results) gives smb1=off the smb1 findings of both
// SMB ports, and JUnit and SARIF render those, each SARIF location on its port.
TEST(Policy, FailedRulesRenderTheFindingsTheyRestOn) {
  const json host = legacy_kerberos_host();
  ASSERT_FALSE(host.contains("findings"));
  std::string e;
  const auto results = evaluate_policy({*parse_policy_rule("smb1=off", e), *parse_policy_rule("kerberos.rc4=off", e),
                                        *parse_policy_rule("tls.min=1.0", e)},
                                       host);
  ASSERT_EQ(results.size(), 3u);
  std::vector<std::string> smb_ports;
  for (const auto& f : results[0].findings) {
    EXPECT_EQ(f.check, "smb1");
    EXPECT_EQ(f.probe, "smb");
    EXPECT_EQ(f.verdict, Verdict::bad);
    smb_ports.push_back(f.port);
  }
  std::vector<std::string> enabled_ports;
  for (const auto& [port, p] : host["probes"]["smb"]["ports"].items())
    if (p.contains("smb1") && p["smb1"].value("enabled", false)) enabled_ports.push_back(port + "/tcp");
  std::sort(smb_ports.begin(), smb_ports.end());
  std::sort(enabled_ports.begin(), enabled_ports.end());
  ASSERT_FALSE(enabled_ports.empty());
  EXPECT_EQ(smb_ports, enabled_ports);
  ASSERT_EQ(results[1].findings.size(), 1u);
  EXPECT_EQ(results[1].findings[0].check, "kerberos.etype.rc4-hmac");
  EXPECT_TRUE(results[2].passed);
  EXPECT_TRUE(results[2].findings.empty());

  const auto xml = policy_to_junit(results);
  EXPECT_NE(xml.find("smb1 " + enabled_ports[0] + " [bad] ENABLED"), std::string::npos) << xml;
  const auto sarif = policy_to_sarif(results);
  const auto& locations = sarif.at("runs").at(0).at("results").at(0).at("locations");
  ASSERT_EQ(locations.size(), enabled_ports.size());
  const std::string address = host.at("address");
  for (std::size_t i = 0; i < locations.size(); ++i) {
    const std::string uri = locations[i].at("physicalLocation").at("artifactLocation").at("uri");
    EXPECT_TRUE(uri.starts_with("smb://" + address + ":")) << uri;
  }
  const auto j = policy_to_json(results);
  EXPECT_EQ(j.at("rules").at(0).at("findings").size(), enabled_ports.size());
  EXPECT_FALSE(j.at("rules").at(2).contains("findings"));
}

}  // namespace
}  // namespace legacyscan
