// SPDX-License-Identifier: Apache-2.0
// `legacyscan accounts` against the lab: the "accounts" Samba DC (provisioned at functional level 2003,
// populated by scripts/lab-accounts, raised to 2008 R2) and the MIT KDC of MIT-ALL.TEST. Every expected
// verdict comes from the KDC's own database: Samba's sam.ldb through tests/integration/lab_account_keys.py
// (the key types stored per account, userAccountControl), MIT's through `kadmin.local getprinc`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/lab_support.hpp"

namespace {

using legacyscan::testing::lab_info;
using legacyscan::testing::run_command;
using legacyscan::testing::run_in_lab;
using legacyscan::testing::shell_quote;
using nlohmann::json;

constexpr std::uint32_t kUseDesKeyOnly = 0x200000;  // [MS-ADTS] 2.2.16 userAccountControl

// The etype numbers of the names legacyscan writes (docs/probes/kerberos.md).
const std::map<std::string, int> kEtypeNumbers{{"aes256-cts-hmac-sha1-96", 18},
                                               {"aes128-cts-hmac-sha1-96", 17},
                                               {"rc4-hmac", 23},
                                               {"des-cbc-md5", 3},
                                               {"des-cbc-crc", 1},
                                               {"des3-cbc-sha1", 16}};

json audit(const std::string& scenario, std::vector<std::string> args) {
  args.insert(args.begin(), "accounts");
  args.insert(args.end(), {"--format", "json"});
  auto r = run_in_lab(scenario, args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out.substr(0, 400);
  return doc;
}

std::map<std::string, json> by_name(const json& doc) {
  std::map<std::string, json> m;
  for (const auto& a : doc.at("accounts")) m[a.at("name").get<std::string>()] = a;
  return m;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name + "-" + std::to_string(::getpid());
  std::ofstream(path) << text;
  return path;
}

// The JSON a tests/integration helper prints from the accounts DC's own sam.ldb.
json from_sam_ldb(const char* script) {
  const auto info = lab_info("accounts");
  const std::string conf = info.at("LAB_SMB_CONF");
  const std::string dir = conf.substr(0, conf.rfind("/etc/"));
  auto r = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/integration/" + script + " " +
                       shell_quote(dir + "/private/sam.ldb") + " " + shell_quote(conf));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

// What the Samba DC stores for every account (lab_account_keys.py), keyed by sAMAccountName.
json samba_accounts() { return from_sam_ldb("lab_account_keys.py"); }

// The verdict without credentials, from the stored keys: an AES key is ok (msDS-SupportedEncryptionTypes
// needs LDAP, so no rc4-exception here), an RC4 key without AES breaks, no key at all is unknown.
// USE_DES_KEY_ONLY leaves only the DES keys, which Samba's KDC does not use: as if there were none.
std::string expected_verdict(const json& stored) {
  if (!stored.at("exists").get<bool>()) return "unknown";
  const auto types = stored.at("key_types").get<std::vector<int>>();
  auto has = [&](int t) { return std::find(types.begin(), types.end(), t) != types.end(); };
  if (stored.at("uac").get<std::uint32_t>() & kUseDesKeyOnly) return "unknown";
  if (has(17) || has(18)) return "ok";
  if (has(23)) return "breaks";
  return "unknown";
}

TEST(IntegrationAccounts, SambaVerdictsFollowTheStoredKeys) {
  const json stored = samba_accounts();
  ASSERT_GE(stored.size(), 15u);
  std::string list = "# every account of the accounts DC\n\n";
  for (const auto& [name, _] : stored.items()) list += name + "\n";
  list += "no-such-account-legacyscan\n";
  const auto file = write_temp("accounts-samba", list);
  const auto doc =
      audit("accounts", {"127.0.0.1", "--realm", lab_info("accounts").at("LAB_REALM"), "--principals", file});
  ASSERT_EQ(doc.at("dcs").size(), 1u);
  EXPECT_EQ(doc["dcs"][0]["status"], "ok");
  const auto got = by_name(doc);
  ASSERT_EQ(got.size(), stored.size() + 1);
  std::set<std::string> verdicts;
  for (const auto& [name, s] : stored.items()) {
    const auto& a = got.at(name);
    EXPECT_EQ(a.at("verdict"), expected_verdict(s)) << name << ": " << a.dump();
    verdicts.insert(a.at("verdict").get<std::string>());
    // Every key the KDC showed is one the DC stores.
    const auto types = s.at("key_types").get<std::vector<int>>();
    for (const auto& k : a.at("keys")) {
      ASSERT_TRUE(kEtypeNumbers.count(k.get<std::string>())) << name << ": " << k;
      EXPECT_NE(std::find(types.begin(), types.end(), kEtypeNumbers.at(k.get<std::string>())), types.end())
          << name << " shows " << k << " which the DC does not store";
    }
    EXPECT_FALSE(a.at("reason").get<std::string>().empty()) << name;
    EXPECT_FALSE(a.at("remedy").get<std::string>().empty()) << name;
  }
  // The lab's accounts give each verdict a Samba KDC can show without credentials.
  for (const char* v : {"ok", "breaks", "unknown"}) EXPECT_TRUE(verdicts.count(v)) << v;
  const auto& nosuch = got.at("no-such-account-legacyscan");
  EXPECT_EQ(nosuch.at("verdict"), "unknown");
  EXPECT_FALSE(nosuch.at("exists").get<bool>());
  EXPECT_EQ(nosuch.at("as_req").at("aes").at("error"), "KDC_ERR_C_PRINCIPAL_UNKNOWN");
  // Accounts with AES keys answer an RC4-only AS-REQ with their RC4 key on this DC.
  EXPECT_EQ(doc["dcs"][0]["posture"]["rc4_as_exchange"], "allowed");
  EXPECT_EQ(doc.at("counts").at("breaks"),
            std::count_if(got.begin(), got.end(), [](const auto& p) { return p.second.at("verdict") == "breaks"; }));
}

TEST(IntegrationAccounts, JsonMatchesTheSchemaAndTableFitsEightyColumns) {
  const auto realm = lab_info("accounts").at("LAB_REALM");
  const std::vector<std::string> base{"accounts", "127.0.0.1",   "--realm",     realm,         "--principal",
                                      "old_user", "--principal", "reset_twice", "--principal", "des_user"};
  auto args = base;
  args.insert(args.end(), {"-o", ::testing::TempDir() + "/accounts.json"});
  auto r = run_in_lab("accounts", args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto v = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/validate-json " +
                       shell_quote(::testing::TempDir() + "/accounts.json"));
  EXPECT_EQ(v.exit_code, 0) << v.err;

  auto t = run_command("COLUMNS=80 ip netns exec ls-accounts " + shell_quote(LEGACYSCAN_BINARY) + " " + [&] {
    std::string s;
    for (const auto& a : base) s += shell_quote(a) + " ";
    return s;
  }());
  ASSERT_EQ(t.exit_code, 0) << t.err;
  std::istringstream in(t.out);
  std::vector<std::string> verdict_order;
  for (std::string line; std::getline(in, line);) {
    EXPECT_LE(line.size(), 80u) << line;
    for (const char* v : {"breaks ", "unknown ", "ok "})
      if (line.rfind(v, 0) == 0) verdict_order.push_back(v);
  }
  // Worst first: breaks, then unknown, then ok.
  EXPECT_EQ(verdict_order, (std::vector<std::string>{"breaks ", "unknown ", "ok "})) << t.out;
  EXPECT_NE(t.out.find("Accounts: breaks 1, des 0, rc4-exception 0, unknown 1, ok 1"), std::string::npos) << t.out;

  args = base;
  args.insert(args.end(), {"--format", "csv"});
  auto c = run_in_lab("accounts", args);
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(std::count(c.out.begin(), c.out.end(), '\n'), 4) << c.out;
}

// `kadmin.local getprinc NAME` of MIT-ALL.TEST: the key etypes and the attributes.
struct MitPrincipal {
  std::vector<std::string> keys;
  std::string attributes;
};

MitPrincipal getprinc(const std::string& name) {
  std::map<std::string, std::string> info;
  auto r = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab.d/mit info");
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);)
    if (auto eq = l.find('='); eq != std::string::npos) info[l.substr(0, eq)] = l.substr(eq + 1);
  auto g = run_command("env KRB5_CONFIG=" + shell_quote(info["MIT_ALL_KRB5_CONFIG"]) +
                       " KRB5_KDC_PROFILE=" + shell_quote(info["MIT_ALL_KDC_PROFILE"]) +
                       " kadmin.local -r MIT-ALL.TEST -q " + shell_quote("getprinc " + name));
  EXPECT_EQ(g.exit_code, 0) << g.err;
  MitPrincipal p;
  std::istringstream in(g.out);
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("Key: ", 0) == 0) {
      // "Key: vno 1, aes256-cts-hmac-sha1-96" or "Key: vno 1, DEPRECATED:arcfour-hmac"
      auto e = l.substr(l.rfind(' ') + 1);
      if (auto colon = e.find(':'); colon != std::string::npos) e = e.substr(colon + 1);
      p.keys.push_back(e == "arcfour-hmac" ? "rc4-hmac" : e);
    }
    if (l.rfind("Attributes:", 0) == 0) p.attributes = l;
  }
  return p;
}

TEST(IntegrationAccounts, MitPrincipalsWithChosenKeys) {
  const std::vector<std::string> names{"acct_rc4only", "acct_aesrc4", "acct_locked", "aesonly", "roast"};
  std::vector<std::string> args{"127.0.0.2", "--realm", "MIT-ALL.TEST"};
  for (const auto& n : names) args.insert(args.end(), {"--principal", n});
  const auto got = by_name(audit("mit", args));
  for (const auto& n : names) {
    const auto p = getprinc(n);
    const auto& a = got.at(n);
    const bool aes = std::any_of(p.keys.begin(), p.keys.end(), [](const auto& k) { return k.rfind("aes", 0) == 0; });
    const bool rc4 = std::find(p.keys.begin(), p.keys.end(), "rc4-hmac") != p.keys.end();
    if (p.attributes.find("DISALLOW_ALL_TIX") != std::string::npos) {
      EXPECT_EQ(a.at("as_req").at("aes").at("answer"), "client-revoked") << n;
      EXPECT_EQ(a.at("verdict"), "unknown") << n;
      continue;
    }
    EXPECT_EQ(a.at("verdict"), aes ? "ok" : (rc4 ? "breaks" : "unknown")) << n << ": " << a.dump();
    EXPECT_EQ(a.at("preauth_required").get<bool>(), p.attributes.find("REQUIRES_PRE_AUTH") != std::string::npos)
        << n << ": " << p.attributes;
    for (const auto& k : a.at("keys"))
      EXPECT_NE(std::find(p.keys.begin(), p.keys.end(), k.get<std::string>()), p.keys.end()) << n << ": " << k;
  }
}

// With the directory: RC4 in msDS-SupportedEncryptionTypes (of an account with a key) is an
// rc4-exception and USE_DES_KEY_ONLY is des, as the attributes in sam.ldb say.
std::string expected_with_directory(const json& stored) {
  const auto types = stored.at("key_types").get<std::vector<int>>();
  const bool aes = std::find(types.begin(), types.end(), 18) != types.end() ||
                   std::find(types.begin(), types.end(), 17) != types.end();
  if (stored.at("uac").get<std::uint32_t>() & kUseDesKeyOnly) return "des";
  const bool rc4 = std::find(types.begin(), types.end(), 23) != types.end();
  if ((aes || rc4) && !stored.at("supported_etypes").is_null() &&
      (stored.at("supported_etypes").get<std::uint32_t>() & 0x4))
    return "rc4-exception";
  return expected_verdict(stored);
}

TEST(IntegrationAccounts, DirectoryWithCredentials) {
  const json stored = samba_accounts();
  const auto info = lab_info("accounts");
  const auto pw = write_temp("accounts-pw", info.at("LAB_ADMIN_PASSWORD") + "\n");
  const auto doc = audit("accounts", {"127.0.0.1", "--realm", info.at("LAB_REALM"), "--user", info.at("LAB_ADMIN_USER"),
                                      "--password-file", pw});
  std::remove(pw.c_str());
  ASSERT_EQ(doc.at("dcs").size(), 1u);
  EXPECT_EQ(doc["dcs"][0]["directory"]["status"], "ok") << doc["dcs"][0].dump();
  EXPECT_EQ(doc["dcs"][0]["directory"]["accounts"], stored.size());
  const auto got = by_name(doc);
  std::set<std::string> verdicts;
  for (const auto& [name, s] : stored.items()) {
    ASSERT_TRUE(got.count(name)) << name;
    const auto& a = got.at(name);
    EXPECT_EQ(a.at("verdict"), expected_with_directory(s)) << name << ": " << a.dump();
    verdicts.insert(a.at("verdict").get<std::string>());
    EXPECT_EQ(a.at("supported_etypes").at("raw"), s.at("supported_etypes")) << name;
    auto spns = a.at("spns").get<std::vector<std::string>>();
    auto want = s.at("spns").get<std::vector<std::string>>();
    std::sort(spns.begin(), spns.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(spns, want) << name;
    const auto control = a.value("account_control", std::vector<std::string>{});
    const bool disabled = std::find(control.begin(), control.end(), "ACCOUNTDISABLE") != control.end();
    EXPECT_EQ(disabled, (s.at("uac").get<std::uint32_t>() & 0x2) != 0) << name;
  }
  for (const char* v : {"ok", "breaks", "des", "rc4-exception", "unknown"}) EXPECT_TRUE(verdicts.count(v)) << v;
}

// MIT's kvno, from a TGT of the same user, gets tickets of the same etypes, with session keys of the
// same etypes, as legacyscan's TGS-REQ offering AES and RC4 (klist -e shows both).
TEST(IntegrationAccounts, ServiceTicketsAgreeWithKvno) {
  const auto info = lab_info("accounts");
  const std::string dir = ::testing::TempDir() + "/accounts-kvno-" + std::to_string(::getpid());
  ASSERT_EQ(run_command("mkdir -p " + shell_quote(dir)).exit_code, 0);
  const std::string realm = info.at("LAB_REALM");
  std::ofstream(dir + "/krb5.conf") << "[libdefaults]\n default_realm = " << realm
                                    << "\n dns_lookup_kdc = false\n dns_lookup_realm = false\n rdns = false\n"
                                       " allow_weak_crypto = true\n"
                                       " default_tkt_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 "
                                       "arcfour-hmac\n"
                                       " default_tgs_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 "
                                       "arcfour-hmac\n"
                                       " permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 "
                                       "arcfour-hmac\n[realms]\n "
                                    << realm << " = {\n  kdc = 127.0.0.1\n }\n";
  std::ofstream(dir + "/pw") << info.at("LAB_ADMIN_PASSWORD") << "\n";
  const auto doc = audit(
      "accounts", {"127.0.0.1", "--realm", realm, "--user", info.at("LAB_ADMIN_USER"), "--password-file", dir + "/pw"});
  EXPECT_NE(doc["dcs"][0]["posture"]["rc4_service_tickets"], "not-tested") << doc["dcs"][0].dump();
  std::map<std::string, json> by_spn;
  std::string spns;
  for (const auto& a : doc.at("accounts"))
    if (!a.at("spns").empty() && a.at("name") != "krbtgt") {
      const auto spn = a["spns"][0].get<std::string>();
      by_spn[spn + "@" + realm] = a;
      spns += " " + shell_quote(spn);
    }
  ASSERT_GE(by_spn.size(), 6u);
  // The user's own row carries its TGT's etypes; klist -e lists the TGT as krbtgt/REALM@REALM.
  json user_tgt;
  for (const auto& a : doc.at("accounts"))
    if (lower(a.at("name").get<std::string>()) == lower(info.at("LAB_ADMIN_USER"))) {
      EXPECT_TRUE(user_tgt.is_null()) << "two rows of the user: " << a.dump();
      user_tgt = a.value("tgt", json::object());
    } else {
      EXPECT_FALSE(a.contains("tgt")) << a.dump();
    }
  ASSERT_TRUE(user_tgt.contains("session_key")) << "no TGT etypes on the user's row";
  const std::string krbtgt = "krbtgt/" + realm + "@" + realm;
  auto k = run_command("ip netns exec ls-accounts env KRB5_CONFIG=" + shell_quote(dir + "/krb5.conf") +
                       " KRB5CCNAME=" + shell_quote("FILE:" + dir + "/cc") + " sh -c " +
                       shell_quote("kinit " + info.at("LAB_ADMIN_USER") + "@" + realm + " < " + dir +
                                   "/pw >/dev/null && kvno" + spns + " >/dev/null && klist -e"));
  run_command("rm -rf " + shell_quote(dir));
  ASSERT_EQ(k.exit_code, 0) << k.err;
  // "... HTTP/aes-app.accounts.test@ACCOUNTS.TEST" then "... Etype (skey, tkt): A, B".
  auto mit_name = [](std::string e) {
    if (auto colon = e.find(':'); colon != std::string::npos) e = e.substr(colon + 1);
    while (!e.empty() && (e.back() == ' ' || e.back() == ',')) e.pop_back();
    return e == "arcfour-hmac" ? std::string("rc4-hmac") : e;
  };
  std::istringstream in(k.out);
  std::string line, server;
  std::size_t compared = 0;
  bool tgt_compared = false;
  while (std::getline(in, line)) {
    if (auto etype = line.find("Etype (skey, tkt): "); etype != std::string::npos && server == krbtgt) {
      const auto pair = line.substr(etype + 19);
      const auto comma = pair.find(", ");
      EXPECT_EQ(user_tgt["session_key"], mit_name(pair.substr(0, comma))) << user_tgt.dump();
      EXPECT_EQ(user_tgt["ticket"], mit_name(pair.substr(comma + 2))) << user_tgt.dump();
      tgt_compared = true;
    } else if (etype != std::string::npos && by_spn.count(server)) {
      const auto pair = line.substr(etype + 19);
      const auto comma = pair.find(", ");
      const auto& a = by_spn.at(server);
      EXPECT_EQ(a["session_keys"]["default"], mit_name(pair.substr(0, comma))) << server;
      EXPECT_EQ(a["tickets"]["default"], mit_name(pair.substr(comma + 2))) << server;
      ++compared;
    } else if (auto sp = line.rfind(' '); sp != std::string::npos && line.find('@') != std::string::npos) {
      server = line.substr(sp + 1);
    }
  }
  EXPECT_EQ(compared, by_spn.size()) << k.out;
  EXPECT_TRUE(tgt_compared) << k.out;
}

// --keytab: the TGT comes from the keytab's rc4-hmac key (MIT-ALL.TEST's xpuser), there is no
// directory to read (an MIT KDC has no LDAP server), and a TGS-REQ for an SPN the KDC does not know is answered as
// MIT's kvno is answered.
TEST(IntegrationAccounts, KeytabTgtOnMit) {
  std::map<std::string, std::string> info;
  auto r = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab.d/mit info");
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);)
    if (auto eq = l.find('='); eq != std::string::npos) info[l.substr(0, eq)] = l.substr(eq + 1);
  const std::string spn = "nosuch-service/host.mit-all.test";
  const auto got = by_name(audit("mit", {info["MIT_ALL_ADDR"], "--realm", info["MIT_ALL_REALM"], "--user",
                                         info["MIT_XP_USER"], "--keytab", info["MIT_ALL_KEYTAB"], "--principal", spn}));
  const auto& a = got.at(spn);
  const std::string cache = ::testing::TempDir() + "/accounts-kvno-cc-" + std::to_string(::getpid());
  auto kvno =
      run_command("ip netns exec " + info["MIT_NS"] + " env KRB5_CONFIG=" + shell_quote(info["MIT_ALL_KRB5_CONFIG"]) +
                  " KRB5CCNAME=" + shell_quote("FILE:" + cache) + " sh -c " +
                  shell_quote("kinit -k -t " + info["MIT_ALL_KEYTAB"] + " " + info["MIT_XP_USER"] + " && kvno " + spn));
  std::remove(cache.c_str());
  ASSERT_NE(kvno.exit_code, 0);
  ASSERT_NE(kvno.err.find("not found in Kerberos database"), std::string::npos) << kvno.err;
  for (const char* offer : {"default", "rc4_only", "aes_only"})
    EXPECT_EQ(a.at("tickets").at(offer), "KDC_ERR_S_PRINCIPAL_UNKNOWN") << offer << ": " << a.dump();
}

// A refused bind is a clear error in the DC's directory status; the principals given are still audited.
TEST(IntegrationAccounts, RefusedBindStillAuditsThePrincipals) {
  const auto info = lab_info("accounts");
  const auto pw = write_temp("accounts-badpw", "not-the-password\n");
  auto r = run_in_lab("accounts",
                      {"accounts", "127.0.0.1", "--realm", info.at("LAB_REALM"), "--user", info.at("LAB_ADMIN_USER"),
                       "--password-file", pw, "--principal", "old_user", "--format", "json"});
  std::remove(pw.c_str());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("invalidCredentials"), std::string::npos) << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc["dcs"][0]["directory"]["status"], "refused");
  EXPECT_NE(doc["dcs"][0]["directory"]["reason"].get<std::string>().find("invalidCredentials"), std::string::npos);
  const auto got = by_name(doc);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got.at("old_user").at("verdict"), expected_verdict(samba_accounts().at("old_user")));
  // Without principals a refused bind leaves nothing to audit.
  const auto pw2 = write_temp("accounts-badpw2", "not-the-password\n");
  auto none = run_in_lab("accounts", {"accounts", "127.0.0.1", "--realm", info.at("LAB_REALM"), "--user",
                                      info.at("LAB_ADMIN_USER"), "--password-file", pw2});
  std::remove(pw2.c_str());
  EXPECT_EQ(none.exit_code, 3) << none.err;
  EXPECT_NE(none.err.find("nothing could be audited"), std::string::npos) << none.err;
}

// accounts.breaks=none fails exactly when an audited account has an RC4 key and no AES key in sam.ldb.
TEST(IntegrationAccounts, PolicyRuleFollowsTheStoredKeys) {
  const json stored = samba_accounts();
  const auto realm = lab_info("accounts").at("LAB_REALM");
  for (const char* name : {"old_user", "reset_twice"}) {
    const bool breaks = expected_verdict(stored.at(name)) == "breaks";
    auto r = run_in_lab("accounts", {"accounts", "127.0.0.1", "--realm", realm, "--principal", name, "--require",
                                     "accounts.breaks=none"});
    EXPECT_EQ(r.exit_code, breaks ? 1 : 0) << name << ": " << r.err;
    EXPECT_EQ(r.err.find("policy failed") != std::string::npos, breaks) << name << ": " << r.err;
  }
  auto bad = run_in_lab("accounts", {"accounts", "127.0.0.1", "--principal", "x", "--require", "accounts.breaks=few"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

// --domain finds the DC through the DC's own DNS (SRV records) and names the realm.
TEST(IntegrationAccounts, DomainFindsTheDcAndTheRealm) {
  const auto info = lab_info("accounts");
  const auto fqdn = info.at("LAB_FQDN");
  const auto domain = fqdn.substr(fqdn.find('.') + 1);
  const auto doc = audit("accounts", {"--domain", domain, "--dns-server", "127.0.0.1", "--principal", "old_user"});
  ASSERT_EQ(doc.at("dcs").size(), 1u) << doc.dump();
  EXPECT_EQ(doc["dcs"][0]["status"], "ok");
  EXPECT_EQ(doc["dcs"][0]["realm"], info.at("LAB_REALM"));
  EXPECT_EQ(doc["accounts"][0]["exists"], true);
}

TEST(IntegrationAccounts, KdcThatDoesNotAnswer) {
  const auto info = lab_info("accounts");
  for (const std::string& target : {"127.0.0.1:" + info.at("LAB_DROP_PORT"), info.at("LAB_UNROUTABLE_ADDR")}) {
    auto r = run_in_lab("accounts", {"accounts", target, "--realm", info.at("LAB_REALM"), "--principal", "old_user",
                                     "--timeout", "500ms", "--retries", "0", "--format", "json"});
    EXPECT_EQ(r.exit_code, 3) << target << ": " << r.err;
    auto doc = json::parse(r.out, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << r.out;
    EXPECT_NE(doc["dcs"][0]["status"], "ok") << target;
    EXPECT_NE(doc["dcs"][0]["reason"].get<std::string>().find("no Kerberos answer"), std::string::npos);
    EXPECT_TRUE(doc["accounts"].empty());
  }
}

TEST(IntegrationAccounts, JunkPrincipalListIsAUsageErrorWithFileAndLine) {
  const auto file = write_temp("accounts-junk", "# list\nold_user\n\nthis is not a principal\nreset_once\n");
  auto r = run_in_lab("accounts", {"accounts", "127.0.0.1", "--principals", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file + ":4: "), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  auto missing = run_in_lab("accounts", {"accounts", "127.0.0.1", "--principals", file + ".missing"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find(file + ".missing"), std::string::npos) << missing.err;
}

}  // namespace

namespace {

// What sam.ldb says of the domain (lab_domain_facts.py): the level's change, the RID 521 group, every
// account's pwdLastSet and the trusted domain objects.
json samba_domain_facts() { return from_sam_ldb("lab_domain_facts.py"); }

// "2026-12-07T14:38:16Z" in seconds since 1601, through date(1).
long long seconds_1601(const std::string& rfc3339) {
  auto r = run_command("date -u -d " + shell_quote(rfc3339) + " +%s");
  return std::stoll(r.out) + 11644473600LL;
}

json audit_with_directory() {
  const auto info = lab_info("accounts");
  const auto pw = write_temp("accounts-pw-facts", info.at("LAB_ADMIN_PASSWORD") + "\n");
  auto r = run_in_lab("accounts",
                      {"accounts", "127.0.0.1", "--realm", info.at("LAB_REALM"), "--user", info.at("LAB_ADMIN_USER"),
                       "--password-file", pw, "--format", "json", "-o", ::testing::TempDir() + "/accounts-facts.json"});
  std::remove(pw.c_str());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(::testing::TempDir() + "/accounts-facts.json");
  return json::parse(in);
}

}  // namespace

// The date the domain could make AES keys and each account's password against it, as sam.ldb says
// (the password dates beside the stored keys); the count of trusted domain objects.
TEST(IntegrationAccounts, DomainFactsAndTrustsFromTheDirectory) {
  const json facts = samba_domain_facts();
  const json stored = samba_accounts();
  const auto doc = audit_with_directory();
  const auto& dir = doc["dcs"][0]["directory"];
  const auto& since = dir["aes_keys_since"];
  EXPECT_EQ(since["functional_level"], facts["level"]);
  const long long level_set = facts["level_version"].get<int>() > 1 ? facts["level_changed"].get<long long>()
                                                                    : facts["domain_created"].get<long long>();
  long long date = level_set;
  if (!facts["rodc_created"].is_null()) {
    EXPECT_EQ(seconds_1601(since["rodc_group_created"].get<std::string>()), facts["rodc_created"].get<long long>());
    date = std::max(date, facts["rodc_created"].get<long long>());
  }
  EXPECT_EQ(seconds_1601(since["functional_level_changed"].get<std::string>()), level_set);
  ASSERT_TRUE(since["date"].is_string()) << since.dump();
  EXPECT_EQ(seconds_1601(since["date"].get<std::string>()), date);

  const auto got = by_name(doc);
  std::size_t before = 0;
  for (const auto& [name, pwd] : facts["pwd_last_set"].items()) {
    ASSERT_TRUE(got.count(name)) << name;
    const auto& a = got.at(name);
    json want = nullptr;
    if (!pwd.is_null() && pwd.get<long long>() != date) want = pwd.get<long long>() < date;
    EXPECT_EQ(a["pwd_before_aes"], want) << name << ": " << a.dump();
    if (want == true) ++before;
    // The reason says where the date and the keys in sam.ldb disagree.
    const auto types = stored.at(name).at("key_types").get<std::vector<int>>();
    const bool aes = std::count(types.begin(), types.end(), 18) + std::count(types.begin(), types.end(), 17) > 0;
    if (want == true && aes) {
      EXPECT_NE(a["reason"].get<std::string>().find("yet the KDC has AES keys"), std::string::npos) << name;
    }
  }
  EXPECT_GE(before, 1u);  // the accounts provisioned before the raise

  // The lab DC has no trusted domain object (docs/lab.md); any it has is a row with its verdict.
  EXPECT_EQ(dir["trusts"], facts["trusts"].size());
  for (const auto& [partner, t] : facts["trusts"].items()) {
    ASSERT_TRUE(got.count(partner)) << partner;
    const auto& a = got.at(partner);
    EXPECT_EQ(a["kind"], "trust");
    EXPECT_EQ(a["supported_etypes"]["raw"], t["supported_etypes"]) << partner;
    const std::uint32_t bits = t["supported_etypes"].is_null() ? 0 : t["supported_etypes"].get<std::uint32_t>();
    EXPECT_EQ(a["verdict"], (bits & 0x18) == 0 ? "breaks" : ((bits & 0x4) ? "rc4-exception" : "ok")) << partner;
    EXPECT_EQ(a["trust"]["direction"],
              (std::map<int, std::string>{{1, "inbound"}, {2, "outbound"}, {3, "bidirectional"}}).at(t["direction"]));
  }
  auto v = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/validate-json " +
                       shell_quote(::testing::TempDir() + "/accounts-facts.json"));
  EXPECT_EQ(v.exit_code, 0) << v.err;
}

// The saved audit as HTML (report) and through the 2026 wave: every account is in both, breaks first.
TEST(IntegrationAccounts, HtmlReportAndTheRc4Wave) {
  const auto doc = audit_with_directory();
  const std::string saved = ::testing::TempDir() + "/accounts-facts.json";
  auto html = run_command(shell_quote(LEGACYSCAN_BINARY) + " report " + shell_quote(saved) + " --format html");
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("<section id=\"accounts\">"), std::string::npos);
  std::size_t rows = 0;
  for (auto at = html.out.find("data-verdict="); at != std::string::npos; at = html.out.find("data-verdict=", at + 1))
    ++rows;
  EXPECT_EQ(rows, doc["accounts"].size());
  EXPECT_NE(html.out.find("breaks " + std::to_string(doc["counts"]["breaks"].get<int>())), std::string::npos);

  auto wave =
      run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif --wave rc4-2026 --format json " + shell_quote(saved));
  ASSERT_EQ(wave.exit_code, 0) << wave.err;
  const auto w = json::parse(wave.out);
  ASSERT_EQ(w["accounts"].size(), doc["accounts"].size());
  EXPECT_EQ(w["accounts"][0]["verdict"], "breaks");
  const auto got = by_name(doc);
  for (const auto& row : w["accounts"]) {
    const auto& a = got.at(row["account"].get<std::string>());
    const std::string v = a["verdict"];
    if (v == "breaks" || v == "des") {
      EXPECT_EQ(row["verdict"], "breaks") << row.dump();
    }
    if (v == "rc4-exception") {
      EXPECT_EQ(row["verdict"], "keeps-rc4") << row.dump();
    }
    // On this DC accounts without the attribute get rc4-hmac tickets today: AES after the wave.
    if (v == "ok" && a["supported_etypes"]["raw"].is_null() && a["tickets"]["default"] == "rc4-hmac") {
      EXPECT_EQ(row["verdict"], "changes") << row.dump();
    }
  }
  EXPECT_EQ(w["counts"]["breaks"], doc["counts"]["breaks"].get<int>() + doc["counts"]["des"].get<int>());
}
