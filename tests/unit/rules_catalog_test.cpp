// SPDX-License-Identifier: Apache-2.0
#include "src/compat/rules_catalog.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "src/compat/hardening.hpp"
#include "src/compat/policy.hpp"

namespace legacyscan::compat {
namespace {

TEST(RulesCatalog, EveryRuleAndTermOnceAndLinked) {
  const auto j = rules_catalog_json();
  ASSERT_EQ(j["policy_rules"].size(), policy_rule_help().size());
  ASSERT_EQ(j["whatif_terms"].size(), hardening_terms().size());
  EXPECT_EQ(j["policy_rules"][0]["rule"], "smb1=off|on");
  EXPECT_EQ(j["policy_rules"][0]["whatif_terms"], nlohmann::json::array({"smb1"}));
  std::vector<std::string_view> smb_min = terms_for_rule("smb.min=2.0.2|2.1|3.0|3.0.2|3.1.1");
  EXPECT_EQ(smb_min, (std::vector<std::string_view>{"smb2.0.2", "smb2.1"}));
  // Every term's rule parses and is listed among the rules with that term.
  for (const auto& t : j["whatif_terms"]) {
    if (t["policy_rule"].is_null()) continue;
    std::string err;
    EXPECT_TRUE(parse_policy_rule(t["policy_rule"].get<std::string>(), err)) << err;
    bool listed = false;
    for (const auto& r : j["policy_rules"])
      for (const auto& term : r["whatif_terms"]) listed = listed || term == t["term"];
    EXPECT_TRUE(listed) << t["term"];
  }
  for (const auto& t : j["whatif_terms"])
    if (t["term"] == "smb-signing") {
      EXPECT_EQ(t["kind"], "require");
    }
  EXPECT_TRUE(j["whatif_terms"][9]["policy_rule"].is_null());  // cldap: no rule
}

TEST(RulesCatalog, TableListsBoth) {
  const auto t = rules_catalog_table();
  EXPECT_NE(t.find("Policy rules (scan --require RULE, --policy FILE):"), std::string::npos);
  EXPECT_NE(t.find("  tls.min=1.0|1.1|1.2|1.3"), std::string::npos);
  EXPECT_NE(t.find("ssl3,tls1.0,tls1.1"), std::string::npos) << t;
  // Columns as wide as their longest entry: term, option, rule.
  EXPECT_TRUE(std::regex_search(t, std::regex("\n  ldap-signing +--require  ldap\\.signing=required"))) << t;
  EXPECT_TRUE(std::regex_search(t, std::regex("\n  rdp-nla +--require  rdp\\.nla=required"))) << t;
  EXPECT_TRUE(std::regex_search(t, std::regex("\n  smb-encryption +--require  smb\\.encryption=required +scan\n")))
      << t;
  // On an 80-column terminal no line is wider, and every description is still there.
  const auto narrow = rules_catalog_table(80);
  std::istringstream lines(narrow);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80u) << line;
  EXPECT_NE(narrow.find("      no SMB port accepts any SMB1 dialect"), std::string::npos) << narrow;
}

}  // namespace
}  // namespace legacyscan::compat
