// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "src/compat/policy.hpp"

namespace legacyscan {
namespace {

using nlohmann::json;

TEST(Policy, RulesParseAndBadOnesSayWhy) {
  std::string e;
  for (const char* ok : {"smb1=off", "smb.signing=required", "smb.min=3.0", "tls.min=1.2", "tls.pfs=required",
                         "kerberos.rc4=off", "kerberos.des=off", "ldap.cleartext-bind=off", "netbios.samlogon=off",
                         "client:windows-xp-sp3=broken"})
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

TEST(Policy, JunitAndSarifRenderFailures) {
  std::vector<RuleResult> results{{"smb1=off", "dc<1>", false, "445: SMB1 enabled & \"on\""},
                                  {"tls.min=1.2", "dc<1>", true, "ok"}};
  const auto xml = policy_to_junit(results);
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("dc&lt;1&gt;"), std::string::npos);
  EXPECT_NE(xml.find("&amp; &quot;on&quot;"), std::string::npos);
  EXPECT_EQ(xml.find("dc<1>"), std::string::npos);
  const auto sarif = policy_to_sarif(results);
  EXPECT_EQ(sarif.at("version"), "2.1.0");
  EXPECT_EQ(sarif.at("runs").at(0).at("results").size(), 1u);
}

}  // namespace
}  // namespace legacyscan
