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

TEST(IntegrationMatrixAccounts, KerberosPathAgreesWithKvnoForAuditedServiceAccounts) {
  const auto info = lab_info("accounts");
  const std::string dir = ::testing::TempDir() + "/matrix-accounts-" + std::to_string(::getpid());
  ASSERT_EQ(run_command("mkdir -p " + shell_quote(dir)).exit_code, 0);
  std::ofstream(dir + "/pw") << info.at("LAB_ADMIN_PASSWORD") << "\n";
  const std::string realm = info.at("LAB_REALM");
  const std::vector<std::string> creds{"--user", info.at("LAB_ADMIN_USER"), "--password-file", dir + "/pw"};

  std::vector<std::string> audit_args{"accounts", "127.0.0.1", "--realm", realm,
                                      "--format", "json",      "-o",      dir + "/audit.json"};
  audit_args.insert(audit_args.end(), creds.begin(), creds.end());
  auto a = run_in_lab("accounts", audit_args);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  std::ifstream saved(dir + "/audit.json");
  const auto audit = json::parse(saved);

  // The service accounts the audit itself shows: AES only by attribute, and without AES keys by date.
  std::vector<std::pair<std::string, std::string>> services;  // account, SPN
  for (const auto& acc : audit.at("accounts")) {
    if (acc.at("spns").empty() || acc.at("name") == "krbtgt") continue;
    const auto spn = acc["spns"][0].get<std::string>();
    if (spn.find(':') != std::string::npos) continue;
    const auto& raw = acc.at("supported_etypes").at("raw");
    const bool aes_only =
        raw.is_number() && (raw.get<std::uint32_t>() & 0x4) == 0 && (raw.get<std::uint32_t>() & 0x18) != 0;
    const bool before_aes = acc.at("pwd_before_aes") == true;
    if (aes_only || before_aes) services.emplace_back(acc.at("name").get<std::string>(), spn);
  }
  ASSERT_GE(services.size(), 2u) << "no AES-only or pre-AES service account in the audit";

  std::size_t compared = 0, refused = 0;
  for (const auto& [account, spn] : services) {
    std::vector<std::string> scan{"scan",
                                  "127.0.0.1",
                                  "--probes",
                                  "smb,kerberos,ldap,matrix",
                                  "--realm",
                                  realm,
                                  "--kerberos-principal",
                                  info.at("LAB_ADMIN_USER"),
                                  "--accounts",
                                  dir + "/audit.json",
                                  "--kerberos-service",
                                  account,
                                  "--profiles",
                                  "windows-xp-sp3,windows-7",
                                  "--format",
                                  "json"};
    scan.insert(scan.end(), creds.begin(), creds.end());
    auto r = run_in_lab("accounts", scan);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    const auto doc = json::parse(r.out);
    for (const auto& row : doc.at("hosts").at(0).at("matrix")) {
      const std::string profile = row.at("profile");
      const bool kvno = kvno_works(info, dir, mit_etypes(profile), spn);
      // The cell whose transport works carries the authentication paths: SMB's session, LDAP's bind.
      for (const char* proto : {"smb", "ldap"}) {
        const auto& cells = row.at("protocols");
        if (!cells.contains(proto)) continue;
        const auto& cell = cells[proto];
        const std::string reason = cell.at("reason");
        if (reason.find(" with ") == std::string::npos && reason.find(" path") == std::string::npos) continue;
        const bool kerberos = cell.value("auth", "").rfind("Kerberos", 0) == 0;
        EXPECT_EQ(kerberos, kvno) << profile << " " << proto << " for " << spn << ": " << reason;
        if (!kvno) {
          EXPECT_NE(reason.find("account " + account), std::string::npos) << reason;
          ++refused;
        }
        ++compared;
      }
    }
  }
  run_command("rm -rf " + shell_quote(dir));
  EXPECT_GE(compared, 4u);
  EXPECT_GE(refused, 1u) << "no profile was refused a ticket: the lab's accounts do not exercise the path";
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
