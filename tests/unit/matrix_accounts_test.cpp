// SPDX-License-Identifier: Apache-2.0
// The account audit in the matrix's Kerberos path: which of the audit's service-ticket answers a
// client's etypes meet, what the keys and attributes say when no ticket was asked, and the saved
// audit read back.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>

#include "src/compat/matrix_accounts.hpp"
#include "src/compat/matrix_auth.hpp"
#include "src/compat/matrix_cells.hpp"

namespace legacyscan::matrix {
namespace {

const std::vector<std::int32_t> kXp{23, -133, -128, 3, 1}, kSeven{18, 17, 23, -133, -128, 3, 1}, kAesOnly{18, 17};

accounts::AccountResult service(const std::string& name) {
  accounts::AccountResult a;
  a.name = name;
  a.exists = true;
  a.spns = {"HTTP/" + name + ".example.test"};
  return a;
}

TEST(MatrixAccounts, AesOnlyServiceRefusesAnRc4OnlyClient) {
  auto s = service("svc_aes");
  s.tickets.default_offer = "aes256-cts-hmac-sha1-96";
  s.tickets.rc4_only = "KDC_ERR_ETYPE_NOSUPP";
  s.tickets.aes_only = "aes256-cts-hmac-sha1-96";
  const auto xp = service_ticket(kXp, s);
  EXPECT_EQ(xp.verdict, CellVerdict::fails);
  EXPECT_NE(xp.reason.find("svc_aes"), std::string::npos) << xp.reason;
  EXPECT_NE(xp.reason.find("KDC_ERR_ETYPE_NOSUPP"), std::string::npos) << xp.reason;
  const auto seven = service_ticket(kSeven, s);
  EXPECT_EQ(seven.verdict, CellVerdict::works);
  EXPECT_EQ(seven.etype, "aes256-cts-hmac-sha1-96");
}

TEST(MatrixAccounts, Rc4TicketIsDegraded) {
  auto s = service("svc_rc4");
  s.tickets.default_offer = "rc4-hmac";
  s.tickets.aes_only = "KDC_ERR_ETYPE_NOSUPP";
  EXPECT_EQ(service_ticket(kSeven, s).verdict, CellVerdict::degraded);
  EXPECT_EQ(service_ticket(kAesOnly, s).verdict, CellVerdict::fails);
}

TEST(MatrixAccounts, WithoutTicketsTheKeysAndAttributesDecide) {
  auto old = service("svc_legacy");
  old.keys = {"rc4-hmac"};
  old.pwd_before_aes = true;
  old.pwd_last_set = "2020-01-01T00:00:00Z";
  const auto aes = service_ticket(kAesOnly, old);
  EXPECT_EQ(aes.verdict, CellVerdict::fails);
  EXPECT_NE(aes.reason.find("svc_legacy has no AES key"), std::string::npos) << aes.reason;
  EXPECT_EQ(service_ticket(kXp, old).verdict, CellVerdict::degraded);

  auto only_aes = service("svc_aes");
  only_aes.keys = {"aes256-cts-hmac-sha1-96", "aes128-cts-hmac-sha1-96", "rc4-hmac"};
  only_aes.supported_etypes.raw = 0x18;
  const auto xp = service_ticket(kXp, only_aes);
  EXPECT_EQ(xp.verdict, CellVerdict::fails);
  EXPECT_NE(xp.reason.find("0x18"), std::string::npos) << xp.reason;
  EXPECT_EQ(service_ticket(kAesOnly, only_aes).etype, "aes256-cts-hmac-sha1-96");

  auto unknown = service("nobody");
  unknown.exists = false;
  EXPECT_EQ(service_ticket(kSeven, unknown).verdict, CellVerdict::unknown);
  EXPECT_EQ(service_ticket({1, 3}, only_aes).verdict, CellVerdict::unknown);  // DES only: never asked
}

TEST(MatrixAccounts, KerberosPathNeedsTheServiceTicket) {
  auto s = service("svc_aes");
  s.tickets.rc4_only = "KDC_ERR_ETYPE_NOSUPP";
  s.tickets.aes_only = "aes128-cts-hmac-sha1-96";
  AuthFacts f;
  f.kerberos = make_cell(CellVerdict::works, "KDC answers with rc4-hmac", "rc4-hmac");
  f.client_etypes = kXp;
  f.service = &s;
  const auto xp = kerberos_path(f);
  EXPECT_EQ(xp.verdict, CellVerdict::fails);
  EXPECT_TRUE(xp.path.empty());
  EXPECT_NE(xp.why.find("svc_aes"), std::string::npos) << xp.why;

  f.kerberos = make_cell(CellVerdict::works, "KDC answers with aes256-cts-hmac-sha1-96", "aes256-cts-hmac-sha1-96");
  f.client_etypes = kAesOnly;
  const auto aes = kerberos_path(f);
  EXPECT_EQ(aes.verdict, CellVerdict::works);
  EXPECT_EQ(aes.path, "Kerberos AES128");  // the service ticket's etype, not the TGT's

  f.service = nullptr;
  f.service_name = "svc_missing";
  const auto missing = kerberos_path(f);
  EXPECT_EQ(missing.verdict, CellVerdict::works);
  EXPECT_NE(missing.why.find("svc_missing not in the accounts audit"), std::string::npos) << missing.why;
}

TEST(MatrixAccounts, SavedAuditReadBackAndSearched) {
  const std::string dir = ::testing::TempDir() + "/matrix-accounts-" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST, true);
  nlohmann::json doc{{"command", "accounts"},
                     {"dcs", {{{"target", "dc4"}, {"address", "127.0.0.1"}, {"realm", "EXAMPLE.TEST"}}}},
                     {"accounts", nlohmann::json::array()}};
  auto row = fields::to_json(service("svc_aes"));
  row["dc"] = "127.0.0.1";
  doc["accounts"].push_back(row);
  std::ofstream(dir + "/audit.json") << doc.dump();
  std::ofstream(dir + "/scan.json") << R"({"command": "scan", "hosts": []})";
  AccountAudit audit;
  ASSERT_EQ(load_account_audit(dir + "/audit.json", audit), "");
  ASSERT_EQ(audit.rows.size(), 1u);
  EXPECT_EQ(audit.rows[0].realm, "EXAMPLE.TEST");
  EXPECT_NE(find_account(audit, "SVC_AES", "example.test"), nullptr);
  EXPECT_NE(find_account(audit, "http/svc_aes.example.test", ""), nullptr);
  EXPECT_NE(find_account(audit, "svc_aes@EXAMPLE.TEST", "OTHER.TEST"), nullptr);
  EXPECT_EQ(find_account(audit, "svc_aes", "OTHER.TEST"), nullptr);
  EXPECT_EQ(find_account(audit, "svc", "EXAMPLE.TEST"), nullptr);
  EXPECT_NE(load_account_audit(dir + "/scan.json", audit).find("not a legacyscan accounts"), std::string::npos);
  EXPECT_NE(load_account_audit(dir + "/absent.json", audit).find("cannot read"), std::string::npos);
  std::remove((dir + "/audit.json").c_str());
  std::remove((dir + "/scan.json").c_str());
  ::rmdir(dir.c_str());
}

// `scan --audit-accounts`: the accounts probe's own result (its to_json, as the engine hands it to the
// matrix) read as an audit, in the realm it found.
TEST(MatrixAccounts, AuditOfTheSameScanReadFromTheProbeResult) {
  accounts::AccountsResult result;
  result.status = Status::ok;
  result.realm = "EXAMPLE.TEST";
  auto svc = service("svc_aes");
  svc.tickets.rc4_only = "KDC_ERR_ETYPE_NOSUPP";
  result.accounts.push_back(svc);
  AccountAudit audit;
  ASSERT_EQ(audit_from_result(result.to_json(), audit), "");
  ASSERT_EQ(audit.rows.size(), 1u);
  EXPECT_EQ(audit.rows[0].realm, "EXAMPLE.TEST");
  const auto* found = find_account(audit, "http/svc_aes.example.test", "EXAMPLE.TEST");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->tickets.rc4_only, "KDC_ERR_ETYPE_NOSUPP");
  EXPECT_EQ(find_account(audit, "svc_aes", "OTHER.TEST"), nullptr);
  EXPECT_NE(audit_from_result(nlohmann::json{{"status", "ok"}}, audit), "");
  EXPECT_TRUE(audit.rows.empty());
}

}  // namespace
}  // namespace legacyscan::matrix
