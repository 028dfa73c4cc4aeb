// SPDX-License-Identifier: Apache-2.0
// The account audit's pure parts: the verdict from three AS-REQ answers, the principal list reader,
// and the keys of its JSON against docs/schema/accounts.schema.json.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "src/cli/principal_list.hpp"
#include "src/compat/accounts_ldap.hpp"
#include "src/compat/accounts_result.hpp"
#include "src/compat/policy.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::accounts {
namespace {

AsRequest preauth(std::vector<std::string> keys) {
  AsRequest r;
  r.answer = AsAnswer::preauth_required;
  r.error = "KDC_ERR_PREAUTH_REQUIRED";
  r.keys = std::move(keys);
  return r;
}

AsRequest error(AsAnswer a, const char* name) {
  AsRequest r;
  r.answer = a;
  r.error = name;
  return r;
}

AccountResult account(AsRequest aes, AsRequest rc4, AsRequest des) {
  AccountResult a;
  a.name = "x";
  a.aes = std::move(aes);
  a.rc4 = std::move(rc4);
  a.des = std::move(des);
  decide(a);
  return a;
}

const AsRequest kNoSupp = error(AsAnswer::etype_nosupp, "KDC_ERR_ETYPE_NOSUPP");

TEST(AccountsVerdict, AesKeysAreOk) {
  auto a = account(preauth({"aes256-cts-hmac-sha1-96"}), preauth({"rc4-hmac"}), kNoSupp);
  EXPECT_EQ(a.verdict, AccountVerdict::ok);
  EXPECT_TRUE(a.exists);
  EXPECT_EQ(a.keys, (std::vector<std::string>{"aes256-cts-hmac-sha1-96", "rc4-hmac"}));
}

TEST(AccountsVerdict, Rc4OnlyBreaks) {
  auto a = account(kNoSupp, preauth({"rc4-hmac"}), kNoSupp);
  EXPECT_EQ(a.verdict, AccountVerdict::breaks);
  EXPECT_NE(a.remedy.find("reset the password twice"), std::string::npos);
}

TEST(AccountsVerdict, DesOnlyKeysAreDes) {
  EXPECT_EQ(account(kNoSupp, kNoSupp, preauth({"des-cbc-md5"})).verdict, AccountVerdict::des);
  // Samba's answer for USE_DES_KEY_ONLY and for an account without a password alike.
  auto a = account(preauth({}), preauth({}), kNoSupp);
  EXPECT_EQ(a.verdict, AccountVerdict::unknown);
  EXPECT_NE(a.reason.find("USE_DES_KEY_ONLY"), std::string::npos);
}

TEST(AccountsVerdict, NoKeyAtAllIsUnknown) {
  EXPECT_EQ(account(kNoSupp, kNoSupp, kNoSupp).verdict, AccountVerdict::unknown);
}

TEST(AccountsVerdict, ExplicitRc4IsAnException) {
  AccountResult a;
  a.aes = preauth({"aes256-cts-hmac-sha1-96"});
  a.rc4 = preauth({"rc4-hmac"});
  a.des = kNoSupp;
  a.supported_etypes.raw = 0x1C;
  decide(a);
  EXPECT_EQ(a.verdict, AccountVerdict::rc4_exception);
  // RC4 allowed explicitly keeps working without AES keys too; the remedy starts with the resets.
  a.aes = kNoSupp;
  a.supported_etypes.raw = 0x4;
  decide(a);
  EXPECT_EQ(a.verdict, AccountVerdict::rc4_exception);
  EXPECT_EQ(a.remedy.rfind("reset the password twice", 0), 0u) << a.remedy;
}

TEST(AccountsVerdict, UnknownRevokedAndSilent) {
  auto unknown = error(AsAnswer::principal_unknown, "KDC_ERR_C_PRINCIPAL_UNKNOWN");
  auto a = account(unknown, unknown, unknown);
  EXPECT_EQ(a.verdict, AccountVerdict::unknown);
  EXPECT_FALSE(a.exists);
  auto revoked = error(AsAnswer::client_revoked, "KDC_ERR_CLIENT_REVOKED");
  auto b = account(revoked, revoked, revoked);
  EXPECT_EQ(b.verdict, AccountVerdict::unknown);
  EXPECT_TRUE(b.exists);
  AsRequest silent;
  silent.answer = AsAnswer::no_answer;
  silent.detail = "timed out";
  auto c = account(silent, silent, silent);
  EXPECT_EQ(c.verdict, AccountVerdict::unknown);
  EXPECT_NE(c.reason.find("timed out"), std::string::npos);
}

TEST(AccountsVerdict, AsRepMeansRoastable) {
  AsRequest rep;
  rep.answer = AsAnswer::as_rep;
  rep.keys = {"aes256-cts-hmac-sha1-96"};
  auto a = account(rep, preauth({"rc4-hmac"}), kNoSupp);
  EXPECT_FALSE(a.preauth_required);
  EXPECT_EQ(a.verdict, AccountVerdict::ok);
  EXPECT_NE(a.remedy.find("DONT_REQ_PREAUTH"), std::string::npos);
}

TEST(AccountsVerdict, KindFromName) {
  EXPECT_EQ(kind_from_name("krbtgt"), "krbtgt");
  EXPECT_EQ(kind_from_name("WEB01$"), "computer");
  EXPECT_EQ(kind_from_name("HTTP/web.example.test"), "service");
  EXPECT_EQ(kind_from_name("alice@EXAMPLE.TEST"), "user");
}

TEST(AccountsPrincipals, ProblemsAreNamed) {
  EXPECT_EQ(cli::principal_problem("alice"), "");
  EXPECT_EQ(cli::principal_problem("HTTP/web.example.test@EXAMPLE.TEST"), "");
  EXPECT_NE(cli::principal_problem("two words"), "");
  EXPECT_NE(cli::principal_problem("DOMAIN\\alice"), "");
  EXPECT_NE(cli::principal_problem("a@b@c"), "");
  EXPECT_NE(cli::principal_problem("alice@"), "");
  EXPECT_NE(cli::principal_problem("HTTP//x"), "");
  EXPECT_NE(cli::principal_problem(std::string(300, 'a')), "");
  EXPECT_NE(cli::principal_problem("a\x01"), "");
}

TEST(AccountsPrincipals, FileErrorsCarryTheLine) {
  const std::string path = ::testing::TempDir() + "/principals-" + std::to_string(::getpid());
  std::ofstream(path) << "# comment\nalice\n\n  bob  \ncarol;dave\n";
  std::string err;
  EXPECT_FALSE(cli::read_principal_file(path, err));
  EXPECT_EQ(err.rfind(path + ":5: ", 0), 0u) << err;
  std::ofstream(path) << "# comment\nalice\n\n  bob  \r\n";
  auto names = cli::read_principal_file(path, err);
  ASSERT_TRUE(names) << err;
  EXPECT_EQ(*names, (std::vector<std::string>{"alice", "bob"}));
  std::ofstream(path) << "# only a comment\n";
  EXPECT_FALSE(cli::read_principal_file(path, err));
}

std::set<std::string> accounts_schema_keys(const std::string& pointer) {
  static const auto schema = test::load_json("docs/schema/accounts.schema.json");
  std::set<std::string> keys;
  test::collect_schema_keys(schema, schema.at(nlohmann::json::json_pointer(pointer)), keys);
  return keys;
}

template <class T>
void expect_keys(const std::string& pointer, std::vector<std::string> extra = {}) {
  auto declared = fields::keys_of<T>();
  declared.insert(declared.end(), extra.begin(), extra.end());
  EXPECT_EQ(std::set<std::string>(declared.begin(), declared.end()), accounts_schema_keys(pointer)) << pointer;
}

TEST(AccountsResultFields, KeysAreTheSchemas) {
  expect_keys<AccountResult>("/$defs/account", {"dc"});
  expect_keys<AsRequest>("/$defs/as_request");
  expect_keys<Posture>("/$defs/posture");
  expect_keys<DirectoryStatus>("/$defs/directory");
  expect_keys<SupportedEtypes>("/$defs/account/properties/supported_etypes");
  expect_keys<Tickets>("/$defs/account/properties/tickets");
  expect_keys<TgtEtypes>("/$defs/account/properties/tgt");
}

TEST(AccountsResultFields, RoundTrip) {
  auto a = account(preauth({"aes256-cts-hmac-sha1-96"}), preauth({"rc4-hmac"}), kNoSupp);
  a.salt = "EXAMPLE.TESTx";
  const auto j = fields::to_json(a);
  AccountResult back;
  fields::from_json(j, back);
  EXPECT_EQ(fields::to_json(back), j);
}

}  // namespace
}  // namespace legacyscan::accounts

namespace legacyscan::accounts {
namespace {

// The host JSON `legacyscan accounts --require` checks: probes.accounts of one DC.
nlohmann::json host_with(const std::vector<AccountResult>& accounts) {
  AccountsResult r;
  r.realm = "EXAMPLE.TEST";
  r.transport = "udp";
  r.accounts = accounts;
  return {{"target", "dc1"}, {"address", "127.0.0.1"}, {"probes", {{"accounts", r.to_json()}}}};
}

TEST(AccountsPolicy, RulesNameTheAccounts) {
  std::string err;
  auto rule = parse_policy_rule("accounts.breaks=none", err);
  ASSERT_TRUE(rule) << err;
  EXPECT_FALSE(parse_policy_rule("accounts.breaks=some", err));
  EXPECT_FALSE(parse_policy_rule("accounts.fine=none", err));
  auto old = account(kNoSupp, preauth({"rc4-hmac"}), kNoSupp);
  old.name = "svc_old";
  auto fine = account(preauth({"aes256-cts-hmac-sha1-96"}), preauth({"rc4-hmac"}), kNoSupp);
  auto failed = evaluate_policy({*rule}, host_with({old, fine}));
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_FALSE(failed[0].passed);
  EXPECT_TRUE(failed[0].decided);
  EXPECT_NE(failed[0].evidence.find("svc_old"), std::string::npos);
  auto passed = evaluate_policy({*parse_policy_rule("accounts.des=none", err)}, host_with({old, fine}));
  EXPECT_TRUE(passed[0].passed);
  auto undecided = evaluate_policy({*rule}, nlohmann::json{{"target", "dc1"}, {"probes", nlohmann::json::object()}});
  EXPECT_FALSE(undecided[0].decided);
}

}  // namespace
}  // namespace legacyscan::accounts

namespace legacyscan::accounts {
namespace {

TEST(AccountsDirectory, KindsAndBits) {
  EXPECT_EQ(kind_of({"top", "person", "user", "computer"}, 0x1000, "WEB01$", false), "computer");
  EXPECT_EQ(kind_of({"top", "user"}, 0x200, "krbtgt", true), "krbtgt");
  EXPECT_EQ(kind_of({"top", "user"}, 0x200, "svc_sql", true), "service");
  EXPECT_EQ(kind_of({"top", "user"}, 0x800, "OTHER$", false), "trust");
  EXPECT_EQ(kind_of({"top", "user", "computer", "msDS-GroupManagedServiceAccount"}, 0x1000, "gmsa$", true), "service");
  EXPECT_EQ(kind_of({"top", "user"}, 0x200, "alice", false), "user");
  EXPECT_EQ(supported_etype_names(0x24), (std::vector<std::string>{"rc4-hmac", "aes256-sk"}));
  EXPECT_EQ(supported_etype_names(0x18),
            (std::vector<std::string>{"aes128-cts-hmac-sha1-96", "aes256-cts-hmac-sha1-96"}));
  EXPECT_EQ(supported_etype_names(0x80000000u), (std::vector<std::string>{"bit-0x80000000"}));
  EXPECT_EQ(account_control_names(0x200000 | 0x2), (std::vector<std::string>{"ACCOUNTDISABLE", "USE_DES_KEY_ONLY"}));
}

TEST(AccountsDirectory, AttributesRefineTheVerdict) {
  AccountResult des;
  des.aes = preauth({});
  des.rc4 = preauth({});
  des.des = kNoSupp;
  des.account_control = {"USE_DES_KEY_ONLY"};
  decide(des);
  EXPECT_EQ(des.verdict, AccountVerdict::des);
  AccountResult mismatch;
  mismatch.aes = kNoSupp;
  mismatch.rc4 = preauth({"rc4-hmac"});
  mismatch.des = kNoSupp;
  mismatch.supported_etypes.raw = 0x18;
  decide(mismatch);
  EXPECT_EQ(mismatch.verdict, AccountVerdict::breaks);
  EXPECT_NE(mismatch.reason.find("asks for AES"), std::string::npos) << mismatch.reason;
}

}  // namespace
}  // namespace legacyscan::accounts

namespace legacyscan::accounts {
namespace {

AccountResult with_rc4_only_ticket(const char* name, const char* got) {
  AccountResult a;
  a.name = name;
  a.spns = {"HTTP/x"};
  a.tickets.rc4_only = got;
  return a;
}

TEST(AccountsPosture, Rc4ServiceTicketsFromTheFirstAnsweringAccount) {
  AccountsResult r;
  r.accounts = {with_rc4_only_ticket("policy", "KDC_ERR_POLICY"), with_rc4_only_ticket("svc", "rc4-hmac")};
  derive_posture(r);
  EXPECT_EQ(r.posture.rc4_service_tickets, "issued");
  EXPECT_NE(r.posture.evidence.find("svc"), std::string::npos);
  AccountsResult refused;
  refused.accounts = {with_rc4_only_ticket("svc", "KDC_ERR_ETYPE_NOSUPP")};
  derive_posture(refused);
  EXPECT_EQ(refused.posture.rc4_service_tickets, "refused");
  AccountsResult explicit_etypes;
  explicit_etypes.accounts = {with_rc4_only_ticket("svc", "rc4-hmac")};
  explicit_etypes.accounts[0].supported_etypes.raw = 0x4;
  derive_posture(explicit_etypes);
  EXPECT_EQ(explicit_etypes.posture.rc4_service_tickets, "not-tested");
}

}  // namespace
}  // namespace legacyscan::accounts
