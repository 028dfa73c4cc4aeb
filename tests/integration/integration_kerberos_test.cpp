// SPDX-License-Identifier: Apache-2.0
// The Kerberos probe against the lab's Samba 4.17 KDCs (scripts/lab), UDP and TCP. The expected
// verdicts are the scenarios' configuration (docs/lab.md), checked by hand with kinit first:
//   legacy   (functional level 2003: no AES keys)   alone: only rc4-hmac; with AES: rc4-hmac
//   hardened (kdc supported enctypes = 24)         alone: aes128, aes256; with AES: aes256 named
//   stock    (defaults)                            alone: aes128, aes256, rc4-hmac; with AES: aes256 named
// DES, des3, the RFC 8009 types, rc4-hmac-exp and camellia: Samba 4.17 has none of them (14).
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include "tests/integration/kerberos_support.hpp"
#include "tests/integration/lab_support.hpp"

namespace {

using legacyscan::testing::run_command;
using legacyscan::testing::scan_json;
using nlohmann::json;

const std::vector<std::string>& kAll = legacyscan::testing::kKerberosEtypeNames;

json kerberos_of(const json& doc) {
  if (!doc.contains("hosts") || doc["hosts"].empty()) return json::object();
  const auto& probes = doc["hosts"][0]["probes"];
  if (probes.is_object()) return probes.value("kerberos", json::object());
  for (const auto& p : probes)  // tolerate an array of {probe, result}
    if (p.value("probe", "") == "kerberos") return p.contains("result") ? p["result"] : p;
  return json::object();
}

json scan(const std::string& scenario, const std::string& realm, const std::string& principal) {
  auto doc =
      scan_json(scenario, {"127.0.0.1", "--probes", "kerberos", "--realm", realm, "--kerberos-principal", principal});
  return kerberos_of(doc);
}

// Every etype: the "alone" verdict over both transports, and the companion-mode verdict.
void expect_verdicts(const json& k, const std::set<std::string>& accepted_alone,
                     const std::map<std::string, std::string>& with_aes) {
  ASSERT_EQ(k.value("status", ""), "ok") << k.dump(2);
  EXPECT_EQ(k["transports"]["udp"]["status"], "ok");
  EXPECT_EQ(k["transports"]["tcp"]["status"], "ok");
  for (const auto& name : kAll) {
    const std::string want = accepted_alone.count(name) ? "accepted" : "rejected";
    EXPECT_EQ(k["etypes"][name], want) << name;
    EXPECT_EQ(k["etype_details"][name]["udp"], want) << name << " over UDP";
    EXPECT_EQ(k["etype_details"][name]["tcp"], want) << name << " over TCP";
    EXPECT_EQ(k["etype_details"][name]["error"],
              want == "accepted" ? "KDC_ERR_PREAUTH_REQUIRED" : "KDC_ERR_ETYPE_NOSUPP")
        << name;
    EXPECT_EQ(k["etypes_with_aes"][name], with_aes.at(name)) << name << " with AES";
    EXPECT_EQ(k["etype_details"][name]["udp_with_aes"], with_aes.at(name)) << name << " with AES over UDP";
    EXPECT_EQ(k["etype_details"][name]["tcp_with_aes"], with_aes.at(name)) << name << " with AES over TCP";
  }
  EXPECT_EQ(k["asrep_roastable"], false);
  EXPECT_EQ(k["transports"]["udp"]["too_big_seen"], false);
  ASSERT_TRUE(k["clock_skew_seconds"].is_number());
  EXPECT_LE(std::abs(k["clock_skew_seconds"].get<long>()), 5);  // same machine
  const auto& pa = k["preauth_types"];
  EXPECT_NE(std::find(pa.begin(), pa.end(), "PA-ENC-TIMESTAMP"), pa.end()) << pa.dump();
  EXPECT_NE(std::find(pa.begin(), pa.end(), "PA-FX-FAST"), pa.end()) << pa.dump();
}

std::map<std::string, std::string> all_of(const std::string& v) {
  std::map<std::string, std::string> m;
  for (const auto& n : kAll) m[n] = v;
  return m;
}

TEST(IntegrationKerberos, LegacyAcceptsOnlyRc4) {
  const auto k = scan("legacy", "LEGACY.TEST", "DC1$");
  EXPECT_EQ(k["realm"], "LEGACY.TEST");
  EXPECT_EQ(k["principal"], "DC1$@LEGACY.TEST");
  EXPECT_EQ(k["principal_source"], "option");
  // Level 2003: the account has only an RC4 key, so even with an AES companion RC4 is named, and
  // everything else (AES included) is ETYPE_NOSUPP.
  auto with_aes = all_of("rejected");
  with_aes["rc4-hmac"] = "accepted";
  expect_verdicts(k, {"rc4-hmac"}, with_aes);
  EXPECT_EQ(k["xp_offer"]["chosen"], "rc4-hmac");
  EXPECT_FALSE(k["salts"].contains("aes256-cts-hmac-sha1-96"));
}

TEST(IntegrationKerberos, HardenedAcceptsOnlyAes) {
  const auto k = scan("hardened", "HARDENED.TEST", "DC2$");
  // Heimdal names the strongest key: with aes256 offered second, every other etype is not chosen.
  auto with_aes = all_of("not-chosen");
  with_aes["aes256-cts-hmac-sha1-96"] = "accepted";
  expect_verdicts(k, {"aes128-cts-hmac-sha1-96", "aes256-cts-hmac-sha1-96"}, with_aes);
  EXPECT_EQ(k["xp_offer"]["error"], "KDC_ERR_ETYPE_NOSUPP");
  EXPECT_FALSE(k["xp_offer"].contains("chosen"));
  EXPECT_EQ(k["salts"]["aes256-cts-hmac-sha1-96"], "HARDENED.TESThostdc2.hardened.test");
}

TEST(IntegrationKerberos, StockAcceptsAesAndRc4) {
  const auto k = scan("stock", "STOCK.TEST", "DC3$");
  auto with_aes = all_of("not-chosen");
  with_aes["aes256-cts-hmac-sha1-96"] = "accepted";
  expect_verdicts(k, {"aes128-cts-hmac-sha1-96", "aes256-cts-hmac-sha1-96", "rc4-hmac"}, with_aes);
  EXPECT_EQ(k["xp_offer"]["chosen"], "rc4-hmac");
}

TEST(IntegrationKerberos, LegacyOverIpv6) {
  auto doc =
      scan_json("legacy", {"::1", "--probes", "kerberos", "--realm", "LEGACY.TEST", "--kerberos-principal", "DC1$"});
  const auto k = kerberos_of(doc);
  ASSERT_EQ(k.value("status", ""), "ok") << k.dump(2);
  EXPECT_EQ(k["etype_details"]["rc4-hmac"]["udp"], "accepted");
  EXPECT_EQ(k["etype_details"]["rc4-hmac"]["tcp"], "accepted");
  EXPECT_EQ(k["etypes"]["aes256-cts-hmac-sha1-96"], "rejected");
}

TEST(IntegrationKerberos, RealmAndPrincipalFromTheDnsName) {
  auto doc = scan_json("legacy", {"dc1.legacy.test", "--first-address", "--probes", "kerberos"});
  const auto k = kerberos_of(doc);
  ASSERT_EQ(k.value("status", ""), "ok") << doc.dump(2);
  EXPECT_EQ(k["realm"], "LEGACY.TEST");
  EXPECT_EQ(k["realm_source"], "dns-name");
  EXPECT_EQ(k["principal"], "DC1$@LEGACY.TEST");
  EXPECT_EQ(k["principal_source"], "dns-name");
  EXPECT_EQ(k["etypes"]["rc4-hmac"], "accepted");
}

TEST(IntegrationKerberos, RealmAndPrincipalFromTheSmbProbe) {
  auto doc = scan_json("stock", {"127.0.0.1", "--probes", "smb,kerberos"});
  const auto k = kerberos_of(doc);
  ASSERT_EQ(k.value("status", ""), "ok") << k.dump(2);
  EXPECT_EQ(k["realm"], "STOCK.TEST");
  EXPECT_EQ(k["realm_source"], "smb/ldap");
  EXPECT_EQ(k["principal"], "DC3$@STOCK.TEST");
  EXPECT_EQ(k["principal_source"], "smb/ldap");
  EXPECT_EQ(k["etypes"]["aes256-cts-hmac-sha1-96"], "accepted");
}

TEST(IntegrationKerberos, RealmAndPrincipalOfABareAddressFromOneLdapPing) {
  // --probes kerberos alone on an address: nothing else learned the realm, Samba's KDC echoes any realm
  // it is asked, so the probe asks the DC itself with one LDAP ping (CLDAP).
  const auto info = legacyscan::testing::lab_info("stock");
  auto doc = scan_json("stock", {"127.0.0.1", "--probes", "kerberos"});
  const auto k = kerberos_of(doc);
  ASSERT_EQ(k.value("status", ""), "ok") << k.dump(2);
  EXPECT_EQ(k["realm"], info.at("LAB_REALM"));
  EXPECT_EQ(k["realm_source"], "cldap");
  EXPECT_EQ(k["principal"], info.at("LAB_HOST") + "$@" + info.at("LAB_REALM"));
  EXPECT_EQ(k["principal_source"], "cldap");
  EXPECT_EQ(k["etypes"]["aes256-cts-hmac-sha1-96"], "accepted");
}

TEST(IntegrationKerberos, UnknownPrincipalIsInconclusiveNotRejected) {
  const auto k = scan("stock", "STOCK.TEST", "no-such-account-legacyscan");
  ASSERT_EQ(k.value("status", ""), "ok") << k.dump(2);
  for (const auto& name : kAll) {
    EXPECT_EQ(k["etypes"][name], "inconclusive") << name;
    EXPECT_EQ(k["etype_details"][name]["error"], "KDC_ERR_C_PRINCIPAL_UNKNOWN") << name;
  }
}

TEST(IntegrationKerberos, ClosedPortIsRefused) {
  auto doc = scan_json("legacy", {"127.0.0.1:4451", "--probes", "kerberos", "--realm", "LEGACY.TEST"}, 3);
  const auto k = kerberos_of(doc);
  EXPECT_EQ(k.value("status", ""), "refused") << k.dump(2);
  EXPECT_FALSE(k.value("reason", "").empty());
}

TEST(IntegrationKerberos, HttpServerIsProtocolError) {
  // TCP 8080 is a plain HTTP server; nothing listens on UDP 8080.
  auto doc =
      scan_json("legacy", {"127.0.0.1:8080", "--probes", "kerberos", "--realm", "LEGACY.TEST", "--timeout", "1s"}, 3);
  const auto k = kerberos_of(doc);
  EXPECT_EQ(k["transports"]["tcp"]["status"], "protocol-error") << k.dump(2);
  EXPECT_NE(k["transports"]["tcp"].value("reason", "").find("record mark"), std::string::npos);
  EXPECT_EQ(k["transports"]["udp"]["status"], "refused");
}

// The lab-only Administrator password, as `scripts/lab info` prints it (docs/lab.md).
std::string admin_password() {
  static const std::string pw = [] {
    auto r = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab info legacy");
    const auto p = r.out.find("LAB_ADMIN_PASSWORD=");
    if (p == std::string::npos) return std::string();
    const auto start = p + std::string("LAB_ADMIN_PASSWORD=").size();
    return r.out.substr(start, r.out.find('\n', start) - start);
  }();
  EXPECT_FALSE(pw.empty());
  return pw;
}

// The credentialed exchange with the Windows XP offer (--user/--password).
json xp_logon(const std::string& scenario, const std::string& realm, const std::string& dc,
              const std::string& password) {
  auto doc = scan_json(scenario, {"127.0.0.1", "--probes", "kerberos", "--realm", realm, "--kerberos-principal", dc,
                                  "--user", "Administrator", "--password", password});
  return kerberos_of(doc);
}

TEST(IntegrationKerberos, XpLogonLegacyIsRc4ThroughoutAfterUdpTooBig) {
  const auto k = xp_logon("legacy", "LEGACY.TEST", "DC1$", admin_password());
  const auto& x = k["xp_logon"];
  EXPECT_EQ(x["status"], "ok") << x.dump(2);
  EXPECT_EQ(x["user"], "Administrator@LEGACY.TEST");
  EXPECT_EQ(x["reply_etype"], "rc4-hmac");
  EXPECT_EQ(x["ticket_etype"], "rc4-hmac");  // level 2003: krbtgt has no AES key either
  EXPECT_EQ(x["session_key_etype"], "rc4-hmac");
  // Samba's AS-REP never fits a UDP reply: 52, then TCP, as Windows XP does it.
  EXPECT_EQ(x["udp_response_too_big"], true);
  EXPECT_EQ(x["transport"], "tcp");
  EXPECT_EQ(k["transports"]["udp"]["too_big_seen"], true);
}

TEST(IntegrationKerberos, XpLogonStockGetsAnAesTicketWithAnRc4SessionKey) {
  const auto k = xp_logon("stock", "STOCK.TEST", "DC3$", admin_password());
  const auto& x = k["xp_logon"];
  EXPECT_EQ(x["status"], "ok") << x.dump(2);
  EXPECT_EQ(x["reply_etype"], "rc4-hmac");
  EXPECT_EQ(x["ticket_etype"], "aes256-cts-hmac-sha1-96");
  EXPECT_EQ(x["session_key_etype"], "rc4-hmac");
  EXPECT_EQ(x["udp_response_too_big"], true);
}

TEST(IntegrationKerberos, XpLogonHardenedIsRefused) {
  const auto k = xp_logon("hardened", "HARDENED.TEST", "DC2$", admin_password());
  const auto& x = k["xp_logon"];
  EXPECT_EQ(x["status"], "ok") << x.dump(2);
  EXPECT_EQ(x["error"], "KDC_ERR_ETYPE_NOSUPP");
  EXPECT_FALSE(x.contains("session_key_etype"));
}

TEST(IntegrationKerberos, XpLogonWrongPasswordIsPreauthFailed) {
  const auto k = xp_logon("stock", "STOCK.TEST", "DC3$", "not-the-password");
  EXPECT_EQ(k["xp_logon"]["error"], "KDC_ERR_PREAUTH_FAILED") << k["xp_logon"].dump(2);
}

// --password-file, and the password appears nowhere: not in JSON, the table or the -vv debug log.
TEST(IntegrationKerberos, XpLogonFromPasswordFileNeverShowsThePassword) {
  const std::string file = ::testing::TempDir() + "/legacyscan-krb-pw";
  { std::ofstream(file) << admin_password() << "\n"; }
  for (const char* format : {"json", "table"}) {
    auto r = legacyscan::testing::run_in_lab(
        "legacy", {"scan", "127.0.0.1", "--probes", "kerberos", "--realm", "LEGACY.TEST", "--kerberos-principal",
                   "DC1$", "--user", "LEGACY\\Administrator", "--password-file", file, "--format", format, "-vv"});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out.substr(0, 400);
    EXPECT_NE(r.out.find("Administrator@LEGACY.TEST"), std::string::npos) << r.out.substr(0, 400);
    EXPECT_NE(r.out.find("rc4-hmac"), std::string::npos);
    EXPECT_FALSE(r.err.empty()) << "no -vv log";
    EXPECT_EQ(r.out.find(admin_password()), std::string::npos) << format;
    EXPECT_EQ(r.err.find(admin_password()), std::string::npos) << format << " log";
  }
  std::remove(file.c_str());
}

// nftables in the stock namespace drops 30% of the UDP datagrams to port 88; retries must keep every
// verdict what it is without loss (never "rejected" for a lost datagram).
TEST(IntegrationKerberos, UdpLossDoesNotTurnIntoRejection) {
  const std::string ns = "ip netns exec ls-stock nft ";
  auto add = run_command(ns +
                         "'add table inet legacyscan_krb_loss; "
                         "add chain inet legacyscan_krb_loss in { type filter hook input priority -10; }; "
                         "add rule inet legacyscan_krb_loss in udp dport 88 numgen random mod 10 < 3 drop'");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto doc = scan_json("stock", {"127.0.0.1", "--probes", "kerberos", "--realm", "STOCK.TEST", "--kerberos-principal",
                                 "DC3$", "--retries", "4", "--timeout", "500ms"});
  run_command(ns + "delete table inet legacyscan_krb_loss");
  const auto k = kerberos_of(doc);
  ASSERT_EQ(k.value("status", ""), "ok") << k.dump(2);
  for (const auto& name : kAll) {
    const std::string udp = k["etype_details"][name]["udp"];
    const bool accepted = name == "aes128-cts-hmac-sha1-96" || name == "aes256-cts-hmac-sha1-96" || name == "rc4-hmac";
    EXPECT_TRUE(udp == (accepted ? "accepted" : "rejected") || udp == "no-answer") << name << ": " << udp;
    EXPECT_EQ(k["etypes"][name], accepted ? "accepted" : "rejected") << name;
  }
}

}  // namespace
