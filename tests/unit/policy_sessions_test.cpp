// SPDX-License-Identifier: Apache-2.0
// The session policy rules over the real results of the lab's sessions scenario
// (tests/data/results/smb.json: opennas maps unknown users to guest, takes NTLMv1 and LM and lets the
// null session reach IPC$; strict refuses all of that).
#include <gtest/gtest.h>

#include "src/compat/policy.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan {
namespace {

using nlohmann::json;

json host(const std::string& key) {
  return json{{"target", key}, {"address", key}, {"probes", {{"smb", test::golden_results("smb").at(key)}}}};
}

std::vector<RuleResult> evaluate(const std::string& key, const std::vector<std::string>& texts) {
  std::string e;
  std::vector<PolicyRule> rules;
  for (const auto& t : texts) {
    auto r = parse_policy_rule(t, e);
    EXPECT_TRUE(r) << t << ": " << e;
    if (r) rules.push_back(*r);
  }
  return evaluate_policy(rules, host(key));
}

const std::vector<std::string> kRules{"smb.guest=off", "smb.anonymous=off", "ntlm.v1=off", "ntlm.lm=off",
                                      "smb.encryption=required"};

TEST(PolicySessions, TheOpenNasFailsEveryRule) {
  auto r = evaluate("sessions/127.0.0.1", kRules);
  ASSERT_EQ(r.size(), kRules.size());
  for (const auto& x : r) EXPECT_FALSE(x.passed) << x.rule << ": " << x.evidence;
  EXPECT_NE(r[0].evidence.find("445: a guest logon (made-up user) accepted"), std::string::npos) << r[0].evidence;
  EXPECT_NE(r[1].evidence.find("anonymous session connected IPC$"), std::string::npos) << r[1].evidence;
  EXPECT_NE(r[2].evidence.find("NTLMv1"), std::string::npos) << r[2].evidence;
  EXPECT_NE(r[3].evidence.find("LM logon accepted"), std::string::npos) << r[3].evidence;
  EXPECT_NE(r[4].evidence.find("encryption not required"), std::string::npos) << r[4].evidence;
}

TEST(PolicySessions, TheStrictServerPassesWhatItWasTestedFor) {
  auto r = evaluate("sessions/127.0.0.3", kRules);
  ASSERT_EQ(r.size(), kRules.size());
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(r[i].passed) << r[i].rule << ": " << r[i].evidence;
}

TEST(PolicySessions, RulesParseAndBadValuesSayWhy) {
  std::string e;
  EXPECT_FALSE(parse_policy_rule("smb.guest=on", e));
  EXPECT_NE(e.find("off"), std::string::npos);
  EXPECT_FALSE(parse_policy_rule("smb.encryption=off", e));
  EXPECT_NE(e.find("required"), std::string::npos);
  EXPECT_FALSE(parse_policy_rule("ntlm.v3=off", e));
}

TEST(PolicySessions, APortThatDidNotTestItCannotPass) {
  json h = host("sessions/127.0.0.3");
  for (auto& [port, p] : h["probes"]["smb"]["ports"].items()) p.erase("sessions");
  std::string e;
  auto r = evaluate_policy({*parse_policy_rule("ntlm.v1=off", e)}, h);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].passed);
  EXPECT_NE(r[0].evidence.find("cannot check"), std::string::npos) << r[0].evidence;
}

}  // namespace
}  // namespace legacyscan
