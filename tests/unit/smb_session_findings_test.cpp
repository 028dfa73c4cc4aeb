// SPDX-License-Identifier: Apache-2.0
// The findings of the smb probe's sessions, from the real results of the lab's sessions scenario
// (tests/data/results/smb.json: opennas grants guest, NTLMv1, LM and an anonymous IPC$; strict refuses
// them), and the session structs' keys against the JSON schema.
#include <algorithm>

#include "probes/smb/smb_result.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::smb {
namespace {

using test::expect_keys_match_schema;

std::vector<Finding> findings_of(const nlohmann::json& result) {
  std::vector<Finding> out;
  fields::read<SmbResult>(result).findings(out);
  return out;
}

const Finding* find(const std::vector<Finding>& out, const std::string& check) {
  auto it =
      std::find_if(out.begin(), out.end(), [&](const Finding& f) { return f.port == "445/tcp" && f.check == check; });
  return it == out.end() ? nullptr : &*it;
}

Verdict verdict(const std::vector<Finding>& out, const std::string& check) {
  const Finding* f = find(out, check);
  EXPECT_NE(f, nullptr) << check;
  return f ? f->verdict : Verdict::info;
}

TEST(SmbSessionFindings, TheOpenNasIsBadWhereItGrantsLegacyLogons) {
  const auto out = findings_of(test::golden_results("smb").at("sessions/127.0.0.1"));
  EXPECT_EQ(verdict(out, "smb.session.guest"), Verdict::bad);
  EXPECT_EQ(verdict(out, "smb1.session.guest"), Verdict::bad);
  EXPECT_EQ(verdict(out, "smb.session.anonymous"), Verdict::warn);
  EXPECT_EQ(verdict(out, "smb.ntlm.v1"), Verdict::bad);
  EXPECT_EQ(verdict(out, "smb.ntlm.v1_ess"), Verdict::bad);
  EXPECT_EQ(verdict(out, "smb.ntlm.lm"), Verdict::bad);
  EXPECT_EQ(verdict(out, "smb.ntlm.v2"), Verdict::info);
  EXPECT_EQ(find(out, "smb.encryption_required")->value, "not required");
  EXPECT_NE(find(out, "smb.ntlm.challenge")->value.find("ESS"), std::string::npos);
}

TEST(SmbSessionFindings, TheStrictServerIsGoodWhereItRefuses) {
  const auto out = findings_of(test::golden_results("smb").at("sessions/127.0.0.3"));
  EXPECT_EQ(verdict(out, "smb.session.guest"), Verdict::good);
  EXPECT_EQ(verdict(out, "smb.session.anonymous"), Verdict::good);
  EXPECT_EQ(verdict(out, "smb.ntlm.v1"), Verdict::good);
  EXPECT_EQ(verdict(out, "smb.ntlm.lm"), Verdict::good);
  EXPECT_EQ(find(out, "smb.encryption_required")->value, "required");
}

TEST(SmbSessionFindings, ATreeConnectThatWasResetIsAFailedCheck) {
  auto result = test::golden_results("smb").at("sessions/127.0.0.1");
  auto& shares = result["ports"]["445"]["shares"];
  ASSERT_FALSE(shares.empty());
  const nlohmann::json reset = {{"status", "reset"},
                                {"reason", "read: connection reset by peer"},
                                {"name", "IPC$"},
                                {"session", "guest"},
                                {"via", "smb2 3.1.1"}};
  shares.push_back(reset);
  const auto out = findings_of(result);
  const bool failed = std::any_of(out.begin(), out.end(), [](const Finding& f) {
    return f.check == "smb.share.IPC$" && f.verdict == Verdict::failure &&
           f.value.find("connection reset") != std::string::npos;
  });
  EXPECT_TRUE(failed);
}

// The user's signed tree connect: an answer whose signature does not verify is BAD, a verified one a fact.
TEST(SmbSessionFindings, AnAnswerWithABadSignatureIsBad) {
  for (const std::string protection : {"bad", "valid"}) {
    auto result = test::golden_results("smb").at("sessions/127.0.0.3");
    result["ports"]["445"]["shares"] = nlohmann::json::array({{{"status", "ok"},
                                                               {"name", "IPC$"},
                                                               {"session", "user"},
                                                               {"via", "smb2 3.1.1"},
                                                               {"sent", "signed"},
                                                               {"connected", true},
                                                               {"answer", "STATUS_SUCCESS (0x00000000)"},
                                                               {"answer_protection", protection},
                                                               {"share_type", "pipe"},
                                                               {"share_flags", nlohmann::json::array()},
                                                               {"access", "read"}}});
    const auto out = findings_of(result);
    const Finding* f = find(out, "smb.share.IPC$");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, protection == "bad" ? Verdict::bad : Verdict::info) << f->value;
    EXPECT_NE(f->value.find("(sent signed)"), std::string::npos) << f->value;
    EXPECT_EQ(f->value.find("BAD") != std::string::npos, protection == "bad") << f->value;
  }
}

TEST(SmbSessionFindings, NoSessionRowsWithoutSessions) {
  const auto out = findings_of(test::golden_results("smb").at("hardened/127.0.0.1"));
  EXPECT_TRUE(std::none_of(out.begin(), out.end(),
                           [](const Finding& f) { return f.check.find("session") != std::string::npos; }));
}

TEST(SmbSessionFindings, KeysAreTheSchemas) {
  expect_keys_match_schema<Sessions>("/$defs/smb_sessions");
  expect_keys_match_schema<SessionAttempt>("/$defs/smb_session_attempt");
  expect_keys_match_schema<ShareAccess>("/$defs/smb_share");
  expect_keys_match_schema<NtlmResponseTypes>("/$defs/smb_sessions/properties/ntlm");
  expect_keys_match_schema<EncryptionRequired>("/$defs/smb_sessions/properties/encryption_required");
  expect_keys_match_schema<Smb1Sessions>("/$defs/smb_sessions/properties/smb1");
}

}  // namespace
}  // namespace legacyscan::smb
