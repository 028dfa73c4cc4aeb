// SPDX-License-Identifier: Apache-2.0
// The account audit in the matrix's Kerberos path, on the accounts DC: the audit (with the lab
// administrator) is saved, then a scan with --accounts judges the Kerberos path of the Windows XP and
// Windows 7 rows against the service accounts the audit shows as AES-only (msDS-SupportedEncryptionTypes
// without RC4) and as older than the domain's AES keys (pwd_before_aes). MIT's kinit + kvno, with a
// krb5.conf offering the profile's etypes that MIT can send, must get a service ticket exactly when
// the cell says the Kerberos path works.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "tests/integration/lab_support.hpp"

namespace {

using namespace legacyscan::testing;
using nlohmann::json;

// MIT's names of the profile's etypes it can send (no DES, no Microsoft negative RC4 variants).
std::string mit_etypes(const std::string& profile) {
  std::ifstream in(std::string(LEGACYSCAN_SOURCE_DIR) + "/src/compat/profiles/" + profile + ".json");
  const auto p = json::parse(in);
  std::string out;
  for (int e : p.at("kerberos").at("etypes").get<std::vector<int>>()) {
    const char* name = e == 18   ? "aes256-cts-hmac-sha1-96"
                       : e == 17 ? "aes128-cts-hmac-sha1-96"
                       : e == 23 ? "arcfour-hmac"
                                 : nullptr;
    if (name) out += std::string(out.empty() ? "" : " ") + name;
  }
  return out;
}

// kinit as the administrator, then kvno of `spn`, offering `etypes`: whether the ticket was issued.
bool kvno_works(const std::map<std::string, std::string>& info, const std::string& dir, const std::string& etypes,
                const std::string& spn) {
  const std::string realm = info.at("LAB_REALM");
  std::ofstream(dir + "/krb5.conf") << "[libdefaults]\n default_realm = " << realm
                                    << "\n dns_lookup_kdc = false\n dns_lookup_realm = false\n rdns = false\n"
                                       " allow_weak_crypto = true\n default_tkt_enctypes = "
                                    << etypes << "\n default_tgs_enctypes = " << etypes
                                    << "\n permitted_enctypes = " << etypes << "\n[realms]\n " << realm
                                    << " = {\n  kdc = 127.0.0.1\n }\n";
  run_command("rm -f " + shell_quote(dir + "/cc"));
  auto k = run_command("ip netns exec ls-accounts env KRB5_CONFIG=" + shell_quote(dir + "/krb5.conf") +
                       " KRB5CCNAME=" + shell_quote("FILE:" + dir + "/cc") + " sh -c " +
                       shell_quote("kinit " + info.at("LAB_ADMIN_USER") + "@" + realm + " < " + dir +
                                   "/pw >/dev/null && kvno " + shell_quote(spn)));
  return k.exit_code == 0;
}

// The lab administrator's password in a private directory, and the audit of the whole DC with it
// (`legacyscan accounts ... -o DIR/audit.json`), as an admin runs it before a scan with --accounts.
struct SavedAudit {
  std::map<std::string, std::string> info = lab_info("accounts");
  std::string dir = ::testing::TempDir() + "/matrix-accounts-" + std::to_string(::getpid());
  std::string realm = info.at("LAB_REALM");
  std::vector<std::string> creds{"--user", info.at("LAB_ADMIN_USER"), "--password-file", dir + "/pw"};
  json doc;
  std::string error;

  SavedAudit() {
    run_command("mkdir -p " + shell_quote(dir));
    std::ofstream(dir + "/pw") << info.at("LAB_ADMIN_PASSWORD") << "\n";
    std::vector<std::string> args{"accounts", "127.0.0.1", "--realm", realm, "--format", "json", "-o", file()};
    args.insert(args.end(), creds.begin(), creds.end());
    auto a = run_in_lab("accounts", args);
    if (a.exit_code != 0) {
      error = "accounts exit " + std::to_string(a.exit_code) + ": " + a.err;
      return;
    }
    std::ifstream saved(file());
    doc = json::parse(saved);
  }
  ~SavedAudit() { run_command("rm -rf " + shell_quote(dir)); }
  [[nodiscard]] std::string file() const { return dir + "/audit.json"; }

  // The service accounts the audit itself shows: AES only by attribute, and without AES keys by date.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> services() const {
    std::vector<std::pair<std::string, std::string>> out;  // account, SPN
    for (const auto& acc : doc.at("accounts")) {
      if (acc.at("spns").empty() || acc.at("name") == "krbtgt") continue;
      const auto spn = acc["spns"][0].get<std::string>();
      if (spn.find(':') != std::string::npos) continue;
      const auto& raw = acc.at("supported_etypes").at("raw");
      const bool aes_only =
          raw.is_number() && (raw.get<std::uint32_t>() & 0x4) == 0 && (raw.get<std::uint32_t>() & 0x18) != 0;
      const bool before_aes = acc.at("pwd_before_aes") == true;
      if (aes_only || before_aes) out.emplace_back(acc.at("name").get<std::string>(), spn);
    }
    return out;
  }

  // `scan` of the DC's SMB, Kerberos, LDAP and matrix for the XP and 7 rows, with the administrator as
  // the Kerberos client, `account` as the service, and `how` (--accounts FILE or --audit-accounts).
  [[nodiscard]] json scan(const std::string& account, const std::vector<std::string>& how) const {
    std::vector<std::string> args{"scan",
                                  "127.0.0.1",
                                  "--probes",
                                  "smb,kerberos,ldap,matrix",
                                  "--realm",
                                  realm,
                                  "--kerberos-principal",
                                  info.at("LAB_ADMIN_USER"),
                                  "--kerberos-service",
                                  account,
                                  "--profiles",
                                  "windows-xp-sp3,windows-7",
                                  "--format",
                                  "json"};
    args.insert(args.end(), how.begin(), how.end());
    args.insert(args.end(), creds.begin(), creds.end());
    auto r = run_in_lab("accounts", args);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    return json::parse(r.out, nullptr, false);
  }
};

// The cells whose transport works carry the authentication paths (SMB's session, LDAP's bind): each
// (profile, protocol) with the cell.
std::vector<std::tuple<std::string, std::string, json>> auth_cells(const json& doc) {
  std::vector<std::tuple<std::string, std::string, json>> out;
  for (const auto& row : doc.at("hosts").at(0).at("matrix"))
    for (const char* proto : {"smb", "ldap"}) {
      const auto& cells = row.at("protocols");
      if (!cells.contains(proto)) continue;
      const std::string reason = cells[proto].at("reason");
      if (reason.find(" with ") == std::string::npos && reason.find(" path") == std::string::npos) continue;
      out.emplace_back(row.at("profile"), proto, cells[proto]);
    }
  return out;
}

TEST(IntegrationMatrixAccounts, KerberosPathAgreesWithKvnoForAuditedServiceAccounts) {
  const SavedAudit saved;
  ASSERT_TRUE(saved.error.empty()) << saved.error;
  const auto& info = saved.info;
  const auto& dir = saved.dir;
  const auto services = saved.services();
  ASSERT_GE(services.size(), 2u) << "no AES-only or pre-AES service account in the audit";

  std::size_t compared = 0, refused = 0;
  for (const auto& [account, spn] : services) {
    const auto doc = saved.scan(account, {"--accounts", saved.file()});
    ASSERT_TRUE(doc.is_object());
    for (const auto& [profile, proto, cell] : auth_cells(doc)) {
      const bool kvno = kvno_works(info, dir, mit_etypes(profile), spn);
      const std::string reason = cell.at("reason");
      const bool kerberos = cell.value("auth", "").rfind("Kerberos", 0) == 0;
      EXPECT_EQ(kerberos, kvno) << profile << " " << proto << " for " << spn << ": " << reason;
      if (!kvno) {
        EXPECT_NE(reason.find("account " + account), std::string::npos) << reason;
        ++refused;
      }
      ++compared;
    }
  }
  EXPECT_GE(compared, 4u);
  EXPECT_GE(refused, 1u) << "no profile was refused a ticket: the lab's accounts do not exercise the path";
}

// One command (`scan --audit-accounts`) against two (`accounts > audit.json`, then `scan --accounts
// audit.json`): the same rows for the service account, the same cells, and kvno agrees with both.
TEST(IntegrationMatrixAccounts, AuditInTheScanMatchesTheSavedAuditAndKvno) {
  const SavedAudit saved;
  ASSERT_TRUE(saved.error.empty()) << saved.error;
  const auto services = saved.services();
  ASSERT_GE(services.size(), 2u) << "no AES-only or pre-AES service account in the audit";
  std::size_t compared = 0, refused = 0;
  for (const auto& [account, spn] : services) {
    const auto two = saved.scan(account, {"--accounts", saved.file()});
    const auto one = saved.scan(account, {"--audit-accounts"});
    ASSERT_TRUE(one.is_object() && two.is_object());
    EXPECT_FALSE(two.at("hosts").at(0).at("probes").contains("accounts"));

    // The audit under the host, with the accounts subcommand's keys; the service's row as saved.
    std::ofstream(saved.dir + "/one.json") << one.dump();
    const auto valid =
        run_command("python3 -c " +
                    shell_quote("import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), "
                                "json.load(open(sys.argv[1])))") +
                    " " + std::string(LEGACYSCAN_SOURCE_DIR) + "/docs/schema/legacyscan-result.schema.json " +
                    saved.dir + "/one.json");
    EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
    const auto& probe = one.at("hosts").at(0).at("probes").at("accounts");
    EXPECT_EQ(probe.at("status"), "ok") << probe.dump();
    EXPECT_EQ(probe.at("realm"), saved.realm);
    const json* mine = nullptr;
    for (const auto& row : probe.at("accounts"))
      if (row.at("name") == account) mine = &row;
    ASSERT_NE(mine, nullptr) << account << " not audited: " << probe.dump();
    const json* theirs = nullptr;
    for (const auto& row : saved.doc.at("accounts"))
      if (row.at("name") == account) theirs = &row;
    ASSERT_NE(theirs, nullptr);
    for (const auto& [key, value] : mine->items()) {
      EXPECT_TRUE(theirs->contains(key)) << key << " is not a key of the accounts subcommand's rows";
      if (key != "dc") {
        EXPECT_EQ(value, theirs->at(key)) << account << " " << key;
      }
    }
    for (const auto& [key, value] : theirs->items()) {
      if (key != "dc") {
        EXPECT_TRUE(mine->contains(key)) << key << " missing from the scan's audit";
      }
    }

    // The same cells, and the cells agree with MIT's kvno offering the profile's etypes.
    const auto cells_one = auth_cells(one);
    const auto cells_two = auth_cells(two);
    ASSERT_EQ(cells_one.size(), cells_two.size());
    for (std::size_t i = 0; i < cells_one.size(); ++i) {
      const auto& [profile, proto, cell] = cells_one[i];
      EXPECT_EQ(cell, std::get<2>(cells_two[i])) << profile << " " << proto << " for " << account;
      const bool kvno = kvno_works(saved.info, saved.dir, mit_etypes(profile), spn);
      const bool kerberos = cell.value("auth", "").rfind("Kerberos", 0) == 0;
      EXPECT_EQ(kerberos, kvno) << profile << " " << proto << " for " << spn << ": " << cell.dump();
      refused += kvno ? 0 : 1;
      ++compared;
    }
  }
  EXPECT_GE(compared, 4u);
  EXPECT_GE(refused, 1u) << "no profile was refused a ticket: the lab's accounts do not exercise the path";
}

// --kerberos-service names the service of an audit: without --accounts or --audit-accounts it is an error.
TEST(IntegrationMatrixAccounts, KerberosServiceWithoutAnAuditIsAUsageError) {
  auto r =
      run_in_lab("accounts", {"scan", "127.0.0.1", "--probes", "kerberos,matrix", "--kerberos-service", "svc_aes"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--audit-accounts"), std::string::npos) << r.err;
}

TEST(IntegrationMatrixAccounts, NotAnAuditIsAUsageError) {
  const std::string file = ::testing::TempDir() + "/matrix-not-audit-" + std::to_string(::getpid()) + ".json";
  std::ofstream(file) << R"({"command": "scan"})";
  auto r = run_in_lab("accounts", {"scan", "127.0.0.1", "--probes", "kerberos,matrix", "--accounts", file});
  std::remove(file.c_str());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--accounts"), std::string::npos) << r.err;
}

}  // namespace
