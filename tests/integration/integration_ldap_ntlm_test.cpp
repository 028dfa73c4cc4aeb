// SPDX-License-Identifier: Apache-2.0
// The ldap probe's NTLM response types (one NTLM SASL bind per type, with --user) against the lab's
// DCs. What each DC must accept is derived from its smb.conf as testparm reads it back: `ntlm auth`
// (disabled: no NTLM bind at all; ntlmv2-only: NTLMv2 only; ntlmv1-permitted or yes: NTLMv1 too)
// and `lanman auth` (the LM response, only where NTLMv1 is allowed).
#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

std::string testparm(const std::string& conf, const std::string& parameter) {
  auto r = run_command("testparm -s --section-name=global --parameter-name=" + shell_quote(parameter) + " " +
                       shell_quote(conf) + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << parameter << ": " << r.err;
  std::string v = r.out;
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v;
}

void check(const std::string& scenario) {
  auto info = lab_info(scenario);
  const std::string conf = info["LAB_SMB_CONF"];
  const std::string password = info["LAB_ADMIN_PASSWORD"];
  ASSERT_FALSE(password.empty());
  const std::string ntlm = testparm(conf, "ntlm auth");
  const bool v2 = ntlm != "disabled";
  const bool v1 = ntlm == "ntlmv1-permitted" || ntlm == "yes";
  const bool lm = v1 && testparm(conf, "lanman auth") == "Yes";
  SCOPED_TRACE(scenario + ": ntlm auth = " + ntlm);
  auto r = run_in_lab(scenario, {"scan", "127.0.0.1", "--probes", "ldap", "--ports", "389", "--no-ping", "--user",
                                 info["LAB_ADMIN_USER"], "--password", password, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find(password), std::string::npos);
  EXPECT_EQ(r.err.find(password), std::string::npos);
  const json doc = json::parse(r.out);
  const json& n = doc.at("hosts").at(0).at("probes").at("ldap").at("ntlm");
  const std::vector<std::pair<std::string, bool>> want{{"v2", v2}, {"v1", v1}, {"v1_ess", v1}, {"lm", lm}};
  for (const auto& [type, accepted] : want) {
    SCOPED_TRACE(type);
    if (type == "lm" && password.size() > 14) {
      // No LM hash exists for a longer password: the LM bind is not sent.
      EXPECT_EQ(n.at(type).at("status"), "skipped") << n.at(type).dump();
      continue;
    }
    ASSERT_EQ(n.at(type).at("status"), "ok") << n.at(type).dump();
    EXPECT_EQ(n.at(type).at("accepted").get<bool>(), accepted) << n.at(type).dump();
    // A refusal is an answer of the DC, never a success code.
    if (!accepted) {
      EXPECT_NE(n.at(type).value("result_code", 0), 0);
    }
    if (type == "v2") continue;
    std::string verdict;
    for (const auto& f : doc.at("hosts").at(0).at("findings"))
      if (f.at("check") == "ldap.ntlm." + type) verdict = f.at("verdict");
    EXPECT_EQ(verdict, accepted ? "bad" : "good");
  }
}

TEST(IntegrationLdapNtlm, LegacyDcAgreesWithTestparm) { check("legacy"); }
TEST(IntegrationLdapNtlm, HardenedDcAgreesWithTestparm) { check("hardened"); }
TEST(IntegrationLdapNtlm, StockDcAgreesWithTestparm) { check("stock"); }

TEST(IntegrationLdapNtlm, WithoutCredentialsNothingIsTried) {
  const json doc = scan_json("legacy", {"127.0.0.1", "--probes", "ldap", "--ports", "389", "--no-ping"});
  const json& n = doc.at("hosts").at(0).at("probes").at("ldap").at("ntlm");
  for (const std::string type : {"v2", "v1", "v1_ess", "lm"}) EXPECT_EQ(n.at(type).at("status"), "skipped") << type;
}

}  // namespace
}  // namespace legacyscan::testing
