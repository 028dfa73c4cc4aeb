// SPDX-License-Identifier: Apache-2.0
// `legacyscan accounts --user` against the lab's "trust" scenario (scripts/lab.d/trust): two Samba AD
// DCs, NORTH.TEST and SOUTH.TEST, with a two-way trust whose NORTH side is RC4 only. Every trust row is
// checked against the DC's own trusted domain object (tests/integration/lab_trust_facts.py: direction,
// type, attributes, msDS-SupportedEncryptionTypes and the kind of trust password stored, from which
// the KDC makes its keys), the trust accounts against their stored keys (lab_account_keys.py), and the
// referral tickets against MIT's kvno and klist -e across the same trust.
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

using legacyscan::testing::run_command;
using legacyscan::testing::shell_quote;
using nlohmann::json;

constexpr std::uint32_t kInterdomainTrust = 0x800;  // [MS-ADTS] 2.2.16 userAccountControl

// KEY=VALUE lines of `scripts/lab.d/trust info`.
std::map<std::string, std::string> trust_info() {
  std::map<std::string, std::string> m;
  auto r = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab.d/trust info");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (auto eq = line.find('='); eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 1);
  return m;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A scratch directory with the admin's password file and a krb5.conf naming both realms' KDCs.
struct Scratch {
  std::string dir = ::testing::TempDir() + "/accounts-trust-" + std::to_string(::getpid());
  explicit Scratch(std::map<std::string, std::string>& info) {
    run_command("mkdir -p " + shell_quote(dir));
    std::ofstream(dir + "/pw") << info["TRUST_ADMIN_PASSWORD"] << "\n";
    std::ofstream conf(dir + "/krb5.conf");
    conf << "[libdefaults]\n dns_lookup_kdc = false\n dns_lookup_realm = false\n rdns = false\n"
            " allow_weak_crypto = true\n permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 "
            "arcfour-hmac\n[realms]\n";
    for (const char* side : {"NORTH", "SOUTH"})
      conf << " " << info[std::string("TRUST_") + side + "_REALM"]
           << " = {\n  kdc = " << info[std::string("TRUST_") + side + "_ADDR"] << "\n }\n";
  }
  ~Scratch() { run_command("rm -rf " + shell_quote(dir)); }
};

// The audit of one DC ("NORTH" or "SOUTH") as its Administrator.
json audit(std::map<std::string, std::string>& info, const std::string& side, const Scratch& s) {
  const std::string p = "TRUST_" + side + "_";
  const std::string cmd = "ip netns exec " + info["TRUST_NS"] + " " + shell_quote(LEGACYSCAN_BINARY) + " accounts " +
                          info[p + "ADDR"] + " --realm " + info[p + "REALM"] + " --user " + info["TRUST_ADMIN_USER"] +
                          " --password-file " + shell_quote(s.dir + "/pw") + " --format json";
  auto r = run_command(cmd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out.substr(0, 400);
  return doc;
}

json from_sam_ldb(std::map<std::string, std::string>& info, const std::string& side, const char* script) {
  const std::string p = "TRUST_" + side + "_";
  auto r = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/integration/" + script + " " +
                       shell_quote(info[p + "SAM_LDB"]) + " " + shell_quote(info[p + "SMB_CONF"]));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

bool has(const json& list, const char* v) { return std::find(list.begin(), list.end(), v) != list.end(); }

// What the KDC can issue across the trust, from the TDO: keys come from the stored trust password (a
// cleartext one makes AES and RC4 keys, an NT hash only RC4), the etypes it may use from
// msDS-SupportedEncryptionTypes ([MS-KILE] 3.3.5.7: none means RC4 only).
struct Expected {
  bool aes = false;
  bool rc4 = false;
  std::string verdict;
};

Expected expected(const json& tdo) {
  const auto& incoming = tdo.at("incoming");
  const bool clear = has(incoming, "clear");
  const bool nt_hash = clear || has(incoming, "nt4owf");
  const auto& attr = tdo.at("supported_etypes");
  const std::uint32_t bits = attr.is_null() ? 0x4u : attr.get<std::uint32_t>();
  Expected e;
  e.aes = clear && (bits & 0x18u) != 0;
  e.rc4 = nt_hash && (bits & 0x4u) != 0;
  e.verdict = !e.aes ? "breaks" : (e.rc4 && !attr.is_null() ? "rc4-exception" : "ok");
  return e;
}

TEST(IntegrationAccountsTrust, TrustRowsFollowTheTrustedDomainObjects) {
  auto info = trust_info();
  Scratch scratch(info);
  std::set<std::string> verdicts;
  for (const std::string side : {"NORTH", "SOUTH"}) {
    const auto tdos = from_sam_ldb(info, side, "lab_trust_facts.py");
    ASSERT_FALSE(tdos.empty()) << side << ": the lab made no trust";
    const auto doc = audit(info, side, scratch);
    ASSERT_EQ(doc.at("dcs").size(), 1u);
    EXPECT_EQ(doc["dcs"][0]["directory"]["trusts"], tdos.size()) << side;
    const std::string realm = info["TRUST_" + side + "_REALM"];
    std::map<std::string, json> rows;
    for (const auto& a : doc.at("accounts"))
      if (a.contains("trust")) rows[a.at("name").get<std::string>()] = a;
    ASSERT_EQ(rows.size(), tdos.size()) << doc.dump();
    for (const auto& [partner, tdo] : tdos.items()) {
      SCOPED_TRACE(side + " -> " + partner);
      const auto& a = rows.at(partner);
      EXPECT_EQ(a.at("kind"), "trust");
      // [MS-ADTS] 6.1.6.7.12 trustDirection, 6.1.6.7.15 trustType.
      const std::vector<std::string> directions{"disabled", "inbound", "outbound", "bidirectional"};
      const std::vector<std::string> types{"", "downlevel", "uplevel", "mit", "dce"};
      EXPECT_EQ(a.at("trust").at("direction"), directions.at(tdo.at("direction").get<std::size_t>()));
      EXPECT_EQ(a.at("trust").at("type"), types.at(tdo.at("type").get<std::size_t>()));
      EXPECT_EQ(has(a.at("trust").at("attributes"), "QUARANTINED_DOMAIN"),
                (tdo.at("attributes").get<std::uint32_t>() & 0x4u) != 0);
      EXPECT_EQ(a.at("supported_etypes").at("raw"), tdo.at("supported_etypes"));
      EXPECT_EQ(a.at("trust").at("referral"), "krbtgt/" + upper(partner) + "@" + realm);
      const auto e = expected(tdo);
      const auto& t = a.at("tickets");
      if (e.aes) {
        EXPECT_EQ(t.at("aes_only").get<std::string>().rfind("aes", 0), 0u) << t.dump();
      } else {
        EXPECT_EQ(t.at("aes_only"), "KDC_ERR_ETYPE_NOSUPP") << t.dump();
      }
      EXPECT_EQ(t.at("rc4_only"), e.rc4 ? "rc4-hmac" : "KDC_ERR_ETYPE_NOSUPP") << t.dump();
      EXPECT_EQ(a.at("verdict"), e.verdict) << a.dump();
      EXPECT_NE(a.at("reason").get<std::string>().find("referral tickets for"), std::string::npos) << a.dump();
      verdicts.insert(a.at("verdict").get<std::string>());
    }
    // The inter-realm trust accounts (PARTNER$, INTERDOMAIN_TRUST_ACCOUNT) are rows of kind trust too,
    // and every key the KDC names for one is a key the DC stores.
    const auto stored = from_sam_ldb(info, side, "lab_account_keys.py");
    std::size_t accounts = 0;
    for (const auto& [name, s] : stored.items()) {
      if (!s.at("exists").get<bool>() || (s.at("uac").get<std::uint32_t>() & kInterdomainTrust) == 0) continue;
      ++accounts;
      const auto it = std::find_if(doc.at("accounts").begin(), doc.at("accounts").end(),
                                   [&](const json& a) { return a.at("name") == name; });
      ASSERT_NE(it, doc.at("accounts").end()) << name << " not audited";
      EXPECT_EQ(it->at("kind"), "trust") << it->dump();
      const auto types = s.at("key_types").get<std::vector<int>>();
      for (const auto& k : it->at("keys")) {
        const int n = k == "rc4-hmac"                  ? 23
                      : k == "aes256-cts-hmac-sha1-96" ? 18
                      : k == "aes128-cts-hmac-sha1-96" ? 17
                                                       : 0;
        EXPECT_NE(std::find(types.begin(), types.end(), n), types.end()) << name << " shows " << k;
      }
    }
    EXPECT_GE(accounts, 1u) << side << ": no trust account in the directory";
  }
  // The lab's two sides: one RC4-only trust, one AES trust.
  EXPECT_TRUE(verdicts.count("breaks"));
  EXPECT_TRUE(verdicts.count("ok"));
}

// MIT's kvno, from a TGT of the same admin, gets the referral ticket with the same etypes as
// legacyscan's TGS-REQ offering AES and RC4 (klist -e), and is refused an AES-only one exactly when
// legacyscan's AES-only request is (and an RC4-only one when its RC4-only request is).
TEST(IntegrationAccountsTrust, ReferralTicketsAgreeWithKvno) {
  auto info = trust_info();
  Scratch scratch(info);
  std::size_t compared = 0;
  for (const std::string side : {"NORTH", "SOUTH"}) {
    const auto doc = audit(info, side, scratch);
    const std::string realm = info["TRUST_" + side + "_REALM"];
    for (const auto& a : doc.at("accounts")) {
      if (!a.contains("trust") || a["trust"]["referral"].is_null()) continue;
      const std::string referral = a["trust"]["referral"];
      SCOPED_TRACE(referral);
      const std::string env = "ip netns exec " + info["TRUST_NS"] +
                              " env KRB5_CONFIG=" + shell_quote(scratch.dir + "/krb5.conf") +
                              " KRB5CCNAME=" + shell_quote("FILE:" + scratch.dir + "/cc-" + side) + " sh -c ";
      auto k = run_command(env + shell_quote("kinit " + info["TRUST_ADMIN_USER"] + "@" + realm + " < " + scratch.dir +
                                             "/pw >/dev/null && kvno " + referral + " >/dev/null && klist -e"));
      ASSERT_EQ(k.exit_code, 0) << k.err;
      // "... krbtgt/SOUTH.TEST@NORTH.TEST" then "... Etype (skey, tkt): A, B".
      const auto at = k.out.find(" " + referral + "\n");
      ASSERT_NE(at, std::string::npos) << k.out;
      const auto etype = k.out.find("Etype (skey, tkt): ", at);
      ASSERT_NE(etype, std::string::npos) << k.out;
      auto mit = [](std::string e) {
        if (auto colon = e.find(':'); colon != std::string::npos) e = e.substr(colon + 1);
        while (!e.empty() && (e.back() == ' ' || e.back() == ',' || e.back() == '\n')) e.pop_back();
        return e == "arcfour-hmac" ? std::string("rc4-hmac") : e;
      };
      const auto line = k.out.substr(etype + 19, k.out.find('\n', etype) - etype - 19);
      const auto comma = line.find(", ");
      EXPECT_EQ(a["session_keys"]["default"], mit(line.substr(0, comma)));
      EXPECT_EQ(a["tickets"]["default"], mit(line.substr(comma + 2)));
      // kvno -e asks the KDC for that etype alone, as the AES-only and RC4-only requests do.
      for (const auto& [mit_etype, key] :
           {std::pair{"aes256-cts-hmac-sha1-96", "aes_only"}, std::pair{"arcfour-hmac", "rc4_only"}}) {
        auto one = run_command(env + shell_quote(std::string("kvno -e ") + mit_etype + " " + referral));
        const bool refused = a["tickets"][key] == "KDC_ERR_ETYPE_NOSUPP";
        EXPECT_EQ(one.exit_code != 0, refused) << key << ": " << one.err;
        if (refused) {
          EXPECT_NE(one.err.find("no support for encryption type"), std::string::npos) << one.err;
        }
      }
      ++compared;
    }
  }
  EXPECT_EQ(compared, 2u);
}

}  // namespace
