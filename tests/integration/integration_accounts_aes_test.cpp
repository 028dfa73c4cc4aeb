// SPDX-License-Identifier: Apache-2.0
// The account audit's TGT and service tickets with AES keys: a user whose KDC has no RC4 key for it
// (MIT-ALL.TEST's aesonly, exported from the KDC's own database with `kadmin.local ktadd -norandkey`),
// or a keytab without RC4 (from `samba-tool domain exportkeytab`, the rc4-hmac entry removed by ktutil:
// the stock DC's administrator; the accounts DC's account whose msDS-SupportedEncryptionTypes leaves RC4
// out) still gets service tickets, and a password makes the AES key with the salt the
// KDC names (MIT's xpuser). The etypes legacyscan reports are compared with what MIT's own client
// (kinit, kvno, klist -e) gets with the same keys from the same KDC.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/lab_support.hpp"

namespace {

using namespace legacyscan::testing;  // lab_info, run_command, run_in_lab, shell_quote
using nlohmann::json;

std::map<std::string, std::string> mit_info() {
  std::map<std::string, std::string> info;
  auto r = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab.d/mit info");
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);)
    if (auto eq = l.find('='); eq != std::string::npos) info[l.substr(0, eq)] = l.substr(eq + 1);
  return info;
}

std::string temp_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/" + name + "-" + std::to_string(::getpid());
  EXPECT_EQ(run_command("rm -rf " + shell_quote(dir) + " && mkdir -p " + shell_quote(dir)).exit_code, 0);
  return dir;
}

// `legacyscan accounts ARGS --format json` in the namespace: the accounts by name.
std::map<std::string, json> audit(const std::string& scenario, std::vector<std::string> args) {
  args.insert(args.begin(), "accounts");
  args.insert(args.end(), {"--format", "json"});
  auto r = run_in_lab(scenario, args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = json::parse(r.out, nullptr, false);
  std::map<std::string, json> m;
  if (doc.is_discarded() || !doc.contains("accounts")) {
    ADD_FAILURE() << "not an audit: " << r.out.substr(0, 400) << r.err;
    return m;
  }
  for (const auto& a : doc.at("accounts")) m[a.at("name").get<std::string>()] = a;
  return m;
}

// MIT's client in namespace `ns`: `login` (a kinit command line) then kvno of each SPN, and `klist -e`
// read back as service principal (without realm) -> {session key etype, ticket etype}, with MIT's
// names turned into legacyscan's ("DEPRECATED:arcfour-hmac" is rc4-hmac).
std::map<std::string, std::pair<std::string, std::string>> mit_client(const std::string& ns, const std::string& conf,
                                                                      const std::string& dir, const std::string& login,
                                                                      const std::vector<std::string>& spns) {
  std::string kvno;
  for (const auto& s : spns) kvno += " " + shell_quote(s);
  auto k = run_command("ip netns exec " + ns + " env KRB5_CONFIG=" + shell_quote(conf) +
                       " KRB5CCNAME=" + shell_quote("FILE:" + dir + "/cc") + " sh -c " +
                       shell_quote(login + " >/dev/null && kvno" + kvno + " >/dev/null && klist -e"));
  EXPECT_EQ(k.exit_code, 0) << k.err;
  auto name = [](std::string e) {
    if (auto colon = e.find(':'); colon != std::string::npos) e = e.substr(colon + 1);
    while (!e.empty() && (e.back() == ' ' || e.back() == ',')) e.pop_back();
    return e == "arcfour-hmac" ? std::string("rc4-hmac") : e;
  };
  std::map<std::string, std::pair<std::string, std::string>> got;
  std::istringstream in(k.out);
  std::string server;
  for (std::string line; std::getline(in, line);) {
    if (auto at = line.find("Etype (skey, tkt): "); at != std::string::npos) {
      const auto pair = line.substr(at + 19);
      const auto comma = pair.find(", ");
      got[server] = {name(pair.substr(0, comma)), name(pair.substr(comma + 2))};
    } else if (auto sp = line.rfind(' '); sp != std::string::npos && line.find('@') != std::string::npos) {
      server = line.substr(sp + 1, line.find('@', sp) - sp - 1);
    }
  }
  return got;
}

// The etypes a keytab holds, as `klist -k -e` names them.
std::string keytab_etypes(const std::string& keytab) {
  auto k = run_command("klist -k -e " + shell_quote(keytab));
  EXPECT_EQ(k.exit_code, 0) << k.err;
  return k.out;
}

void expect_same_tickets(const std::map<std::string, json>& audited,
                         const std::map<std::string, std::pair<std::string, std::string>>& mit,
                         const std::vector<std::string>& spns) {
  for (const auto& spn : spns) {
    ASSERT_TRUE(audited.count(spn)) << spn;
    ASSERT_TRUE(mit.count(spn)) << spn;
    const auto& a = audited.at(spn);
    EXPECT_EQ(a.at("session_keys").at("default"), mit.at(spn).first) << spn << ": " << a.dump();
    EXPECT_EQ(a.at("tickets").at("default"), mit.at(spn).second) << spn << ": " << a.dump();
  }
}

// aesonly has AES keys only (kadmin getprinc): the KDC cannot answer it in RC4. Its keytab gives a TGT
// with an AES session key and the TGS exchanges work.
TEST(IntegrationAccountsAes, MitPrincipalWithoutRc4KeyGetsServiceTickets) {
  auto info = mit_info();
  const std::string dir = temp_dir("accounts-aes-mit");
  const std::string keytab = dir + "/aesonly.keytab", user = info["MIT_AES_ONLY_PRINCIPAL"];
  const std::string env = "env KRB5_CONFIG=" + shell_quote(info["MIT_ALL_KRB5_CONFIG"]) +
                          " KRB5_KDC_PROFILE=" + shell_quote(info["MIT_ALL_KDC_PROFILE"]);
  auto g = run_command(env + " kadmin.local -r " + info["MIT_ALL_REALM"] + " -q " + shell_quote("getprinc " + user));
  ASSERT_EQ(g.exit_code, 0) << g.err;
  ASSERT_EQ(g.out.find("arcfour"), std::string::npos) << "the lab's " << user << " has an RC4 key: " << g.out;
  auto x = run_command(env + " kadmin.local -r " + info["MIT_ALL_REALM"] + " -q " +
                       shell_quote("ktadd -norandkey -k " + keytab + " " + user));
  ASSERT_EQ(x.exit_code, 0) << x.err;
  ASSERT_EQ(keytab_etypes(keytab).find("arcfour"), std::string::npos);
  const std::vector<std::string> spns{"krbtgt/" + info["MIT_ALL_REALM"]};
  const auto got = audit("mit", {info["MIT_ALL_ADDR"], "--realm", info["MIT_ALL_REALM"], "--user", user, "--keytab",
                                 keytab, "--principal", spns[0]});
  const auto mit = mit_client(info["MIT_NS"], info["MIT_ALL_KRB5_CONFIG"], dir,
                              "kinit -k -t " + shell_quote(keytab) + " " + user, spns);
  run_command("rm -rf " + shell_quote(dir));
  expect_same_tickets(got, mit, spns);
}

// With a password the AES key is made from the salt the KDC names (PBKDF2 string-to-key): kinit with
// the same password gets the same etypes.
TEST(IntegrationAccountsAes, MitPasswordMakesTheAesKeyWithTheKdcSalt) {
  auto info = mit_info();
  const std::string dir = temp_dir("accounts-aes-pw");
  { std::ofstream(dir + "/pw") << info["MIT_XP_PASSWORD"] << "\n"; }
  const std::string user = info["MIT_XP_USER"];
  const std::vector<std::string> spns{"krbtgt/" + info["MIT_ALL_REALM"]};
  const auto got = audit("mit", {info["MIT_ALL_ADDR"], "--realm", info["MIT_ALL_REALM"], "--user", user,
                                 "--password-file", dir + "/pw", "--principal", spns[0]});
  const auto mit = mit_client(info["MIT_NS"], info["MIT_ALL_KRB5_CONFIG"], dir,
                              "kinit " + user + " < " + shell_quote(dir + "/pw"), spns);
  run_command("rm -rf " + shell_quote(dir));
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.begin()->second.at("session_keys").at("default").get<std::string>().rfind("aes", 0), 0u)
      << "the TGS-REP of an AES offer decrypted: " << got.begin()->second.dump();
  expect_same_tickets(got, mit, spns);
}

// A Samba DC: the keys of `user` exported from sam.ldb, without the rc4-hmac one. The TGT comes from
// the AES key, and the service tickets of `spns` agree with MIT's kvno from the same keytab.
void samba_keytab_without_rc4(const std::string& scenario, const std::string& user,
                              const std::vector<std::string>& spns) {
  auto info = lab_info(scenario);
  const std::string dir = temp_dir("accounts-aes-" + scenario);
  const std::string all = dir + "/all.keytab", aes = dir + "/aes.keytab";
  auto x = run_command("samba-tool domain exportkeytab " + shell_quote(all) + " --principal=" + shell_quote(user) +
                       " -s " + shell_quote(info.at("LAB_SMB_CONF")));
  ASSERT_EQ(x.exit_code, 0) << x.err;
  // ktutil numbers the entries from 1; deleting the rc4-hmac ones from the highest slot down.
  // run_command gives the command line </dev/null: ktutil reads its script through sh -c.
  auto ktutil = [](const std::string& script) {
    return run_command("sh -c " + shell_quote("printf " + shell_quote(script) + " | ktutil"));
  };
  auto list = ktutil("rkt " + all + "\\nlist -e\\n");
  std::vector<int> rc4_slots;  // "   3    1   Administrator@STOCK.TEST (DEPRECATED:arcfour-hmac)"
  std::istringstream in(list.out);
  for (std::string l; std::getline(in, l);)
    if (l.find("arcfour") != std::string::npos) rc4_slots.insert(rc4_slots.begin(), std::stoi(l));
  std::string script = "rkt " + all + "\\n";
  for (int slot : rc4_slots) script += "delent " + std::to_string(slot) + "\\n";
  script += "wkt " + aes + "\\n";
  ASSERT_EQ(ktutil(script).exit_code, 0);
  const auto held = keytab_etypes(aes);
  ASSERT_EQ(held.find("arcfour"), std::string::npos) << held;
  ASSERT_NE(held.find("aes256"), std::string::npos) << "no AES key to test with: " << held;
  std::ofstream(dir + "/krb5.conf") << "[libdefaults]\n default_realm = " << info.at("LAB_REALM")
                                    << "\n dns_lookup_kdc = false\n rdns = false\n[realms]\n " << info.at("LAB_REALM")
                                    << " = {\n  kdc = " << info.at("LAB_ADDR") << "\n }\n";
  std::vector<std::string> args{info.at("LAB_ADDR"), "--realm", info.at("LAB_REALM"), "--user", user, "--keytab", aes};
  for (const auto& s : spns) args.insert(args.end(), {"--principal", s});
  const auto got = audit(scenario, args);
  const auto mit = mit_client("ls-" + scenario, dir + "/krb5.conf", dir,
                              "kinit -k -t " + shell_quote(aes) + " " + user + "@" + info.at("LAB_REALM"), spns);
  run_command("rm -rf " + shell_quote(dir));
  expect_same_tickets(got, mit, spns);
}

TEST(IntegrationAccountsAes, SambaAdministratorKeytabWithoutRc4GetsServiceTickets) {
  auto info = lab_info("stock");
  samba_keytab_without_rc4("stock", info.at("LAB_ADMIN_USER"),
                           {"HTTP/" + info.at("LAB_FQDN"), "cifs/" + info.at("LAB_FQDN")});
}

// The accounts DC: an account whose msDS-SupportedEncryptionTypes leaves RC4 out (read from sam.ldb by
// lab_account_keys.py), with AES keys, logs on with its AES keys and gets the tickets of every SPN.
TEST(IntegrationAccountsAes, SambaAccountWithoutRc4GetsServiceTickets) {
  auto info = lab_info("accounts");
  const std::string conf = info.at("LAB_SMB_CONF");
  auto r =
      run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/integration/lab_account_keys.py " +
                  shell_quote(conf.substr(0, conf.rfind("/etc/")) + "/private/sam.ldb") + " " + shell_quote(conf));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json stored = json::parse(r.out);
  std::string user;
  std::vector<std::string> spns;
  for (const auto& [name, a] : stored.items()) {
    const auto types = a.at("key_types").get<std::vector<int>>();
    const bool aes256 = std::find(types.begin(), types.end(), 18) != types.end();
    const auto& set = a.at("supported_etypes");
    if (user.empty() && aes256 && !set.is_null() && (set.get<std::uint32_t>() & 0x4) == 0) user = name;
    // --principal takes no ':' (MSSQLSvc/host:port): such SPNs are left to the directory run.
    for (const auto& spn : a.at("spns"))
      if (name != "krbtgt" && spns.size() < 6 && spn.get<std::string>().find(':') == std::string::npos) {
        spns.push_back(spn);
        break;
      }
  }
  ASSERT_FALSE(user.empty()) << "no account without RC4 in msDS-SupportedEncryptionTypes: " << r.out;
  ASSERT_FALSE(spns.empty());
  samba_keytab_without_rc4("accounts", user, spns);
}

}  // namespace
