// SPDX-License-Identifier: Apache-2.0
// `legacyscan accounts --user U --keytab K` without any password against the accounts DC: the
// directory is read after a SASL GSSAPI bind with a ticket from the keytab's TGT, and names the same
// accounts, with the same verdicts, as the run with the password; the accounts agree with what MIT's
// ldapsearch -Y GSSAPI lists after kinit -k -t with the same keytab (exported from the DC's own
// database by samba-tool domain exportkeytab). A keytab without the user's key leaves the directory
// unread with the reason while the credential-free part still runs; a missing or garbage keytab file
// is a usage error (exit 2).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/lab_support.hpp"

namespace {

using namespace legacyscan::testing;  // lab_info, run_command, run_in_lab, shell_quote
using nlohmann::json;

std::string temp_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/" + name + "-" + std::to_string(::getpid());
  EXPECT_EQ(run_command("rm -rf " + shell_quote(dir) + " && mkdir -p " + shell_quote(dir)).exit_code, 0);
  return dir;
}

// The keys of `principal` from the DC's own database, into `path`.
void export_keytab(const std::map<std::string, std::string>& info, const std::string& principal,
                   const std::string& path) {
  auto x = run_command("samba-tool domain exportkeytab " + shell_quote(path) +
                       " --principal=" + shell_quote(principal) + " -s " + shell_quote(info.at("LAB_SMB_CONF")));
  ASSERT_EQ(x.exit_code, 0) << x.err;
}

json audit(std::vector<std::string> args, RunResult& r) {
  args.insert(args.begin(), "accounts");
  args.insert(args.end(), {"--format", "json"});
  r = run_in_lab("accounts", args);
  auto doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out.substr(0, 400) << r.err;
  return doc;
}

// name -> verdict of every account row.
std::map<std::string, std::string> verdicts(const json& doc) {
  std::map<std::string, std::string> m;
  for (const auto& a : doc.at("accounts")) m[a.at("name").get<std::string>()] = a.at("verdict").get<std::string>();
  return m;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(IntegrationAccountsKeytab, KeytabAloneReadsTheDirectoryLikeThePassword) {
  const auto info = lab_info("accounts");
  const std::string dir = temp_dir("accounts-keytab");
  const std::string user = info.at("LAB_ADMIN_USER"), realm = info.at("LAB_REALM");
  export_keytab(info, user, dir + "/user.keytab");
  std::ofstream(dir + "/pw") << info.at("LAB_ADMIN_PASSWORD") << "\n";
  RunResult rk, rp;
  const auto keytab = audit({"127.0.0.1", "--realm", realm, "--user", user, "--keytab", dir + "/user.keytab"}, rk);
  const auto password = audit({"127.0.0.1", "--realm", realm, "--user", user, "--password-file", dir + "/pw"}, rp);
  ASSERT_EQ(rk.exit_code, 0) << rk.err;
  ASSERT_EQ(rp.exit_code, 0) << rp.err;
  const auto& d = keytab.at("dcs").at(0).at("directory");
  EXPECT_EQ(d.at("status"), "ok") << d.dump();
  EXPECT_EQ(d.at("accounts"), password["dcs"][0]["directory"]["accounts"]);
  EXPECT_EQ(d.at("aes_keys_since"), password["dcs"][0]["directory"]["aes_keys_since"]);
  EXPECT_EQ(verdicts(keytab), verdicts(password));
  EXPECT_EQ(rk.err.find("directory of"), std::string::npos) << rk.err;

  // MIT's client with the same keytab: kinit, then ldapsearch -Y GSSAPI (sign/seal by default).
  std::ofstream(dir + "/krb5.conf") << "[libdefaults]\n default_realm = " << realm
                                    << "\n dns_lookup_kdc = false\n dns_lookup_realm = false\n rdns = false\n"
                                       "[realms]\n "
                                    << realm << " = {\n  kdc = 127.0.0.1\n }\n[domain_realm]\n ." << lower(realm)
                                    << " = " << realm << "\n " << lower(realm) << " = " << realm << "\n";
  std::string base;
  for (std::size_t at = 0, dot; at <= realm.size(); at = dot + 1) {
    dot = std::min(realm.find('.', at), realm.size());
    base += (base.empty() ? "DC=" : ",DC=") + realm.substr(at, dot - at);
  }
  const std::string script = "kinit -k -t " + shell_quote(dir + "/user.keytab") + " " +
                             shell_quote(user + "@" + realm) + " && ldapsearch -N -Q -LLL -Y GSSAPI -H ldap://" +
                             lower(info.at("LAB_FQDN")) + " -E pr=500/noprompt -b " + shell_quote(base) +
                             " '(objectClass=user)' sAMAccountName";
  auto l = run_command("ip netns exec ls-accounts env KRB5_CONFIG=" + shell_quote(dir + "/krb5.conf") +
                       " KRB5CCNAME=" + shell_quote("FILE:" + dir + "/cc") + " sh -c " + shell_quote(script));
  ASSERT_EQ(l.exit_code, 0) << l.err;
  std::set<std::string> mit;
  std::istringstream in(l.out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("sAMAccountName: ", 0) == 0) mit.insert(line.substr(16));
  ASSERT_FALSE(mit.empty()) << l.out;
  EXPECT_EQ(d.at("accounts").get<std::size_t>(), mit.size());
  for (const auto& name : mit) EXPECT_TRUE(verdicts(keytab).count(name)) << name;
  run_command("rm -rf " + shell_quote(dir));
}

TEST(IntegrationAccountsKeytab, KeytabWithoutTheUsersKeyStillAuditsThePrincipals) {
  const auto info = lab_info("accounts");
  const std::string dir = temp_dir("accounts-keytab-other");
  export_keytab(info, "krbtgt", dir + "/other.keytab");
  RunResult r;
  const auto doc = audit({"127.0.0.1", "--realm", info.at("LAB_REALM"), "--user", info.at("LAB_ADMIN_USER"), "--keytab",
                          dir + "/other.keytab", "--principal", "krbtgt"},
                         r);
  run_command("rm -rf " + shell_quote(dir));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto& d = doc.at("dcs").at(0).at("directory");
  EXPECT_NE(d.at("status"), "ok") << d.dump();
  EXPECT_NE(d.at("reason").get<std::string>().find("no TGT"), std::string::npos) << d.dump();
  EXPECT_NE(r.err.find("directory of"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("keytab"), std::string::npos) << r.err;
  // The credential-free AS-REQs still ran: krbtgt's keys are named by the KDC.
  ASSERT_EQ(verdicts(doc).count("krbtgt"), 1u);
  for (const auto& a : doc.at("accounts"))
    if (a.at("name") == "krbtgt") {
      EXPECT_EQ(a.at("as_req").at("aes").at("answer"), "preauth-required") << a.dump();
    }
}

TEST(IntegrationAccountsKeytab, MissingOrGarbageKeytabIsAUsageError) {
  const auto info = lab_info("accounts");
  const std::string dir = temp_dir("accounts-keytab-bad");
  std::ofstream(dir + "/garbage.keytab") << "this is not a keytab\n";
  for (const auto& [file, why] : std::vector<std::pair<std::string, std::string>>{
           {dir + "/missing.keytab", "cannot read"}, {dir + "/garbage.keytab", "not a keytab"}}) {
    auto r = run_in_lab("accounts", {"accounts", "127.0.0.1", "--realm", info.at("LAB_REALM"), "--user",
                                     info.at("LAB_ADMIN_USER"), "--keytab", file});
    EXPECT_EQ(r.exit_code, 2) << file << ": " << r.err;
    EXPECT_NE(r.err.find("legacyscan: --keytab: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
  }
  run_command("rm -rf " + shell_quote(dir));
}

}  // namespace
