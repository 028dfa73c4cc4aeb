// SPDX-License-Identifier: Apache-2.0
// The LDAP probe against the lab's Samba 4.17 DCs (scripts/lab). What the probe reports is compared with
// what each DC's own database and smb.conf say (read with ldbsearch from the scenario's state
// directory), not with names copied into this file:
//   legacy   functional level 2003, `ldap server require strong auth = no`  -> cleartext bind allowed (49)
//   hardened functional level 2008 R2, `= yes`                               -> rejected (8)
//   stock    functional level 2008 R2, default (yes)                         -> rejected (8)
// and the anonymous NTLM SASL bind without signing: success (0) on legacy, strongerAuthRequired (8,
// "Sign or Seal are required.") on hardened and stock.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include "tests/integration/lab_support.hpp"

namespace {

using legacyscan::testing::lab_info;
using legacyscan::testing::run_command;
using legacyscan::testing::scan_json;
using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// The first value of `attr` in an ldbsearch of the DC's sam.ldb.
std::string ldb_value(const std::string& sam, const std::string& base, const std::string& scope,
                      const std::string& filter, const std::string& attr) {
  auto r =
      run_command("ldbsearch -H " + legacyscan::testing::shell_quote(sam) + " -s " + scope + " -b " +
                  legacyscan::testing::shell_quote(base) + " " + legacyscan::testing::shell_quote(filter) + " " + attr);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(attr + ": ", 0) == 0) return trim(line.substr(attr.size() + 2));
  ADD_FAILURE() << "no " << attr << " under " << base << " in " << sam;
  return {};
}

// What the scenario's DC says about itself.
struct DcFacts {
  std::string realm;           // LEGACY.TEST
  std::string netbios_domain;  // LEGACY
  std::string netbios_host;    // DC1
  std::string base_dn;         // DC=legacy,DC=test
  std::string domain_guid;
  std::string site;
  std::string dns_hostname;  // the DC's dNSHostName
  int domain_level = -1;
  int forest_level = -1;
  bool strong_auth_required = true;  // smb.conf `ldap server require strong auth` (default yes)
  bool ntlm_disabled = false;        // smb.conf `ntlm auth = disabled`
  std::string admin_user;            // LAB_ADMIN_USER
  std::string admin_password;        // LAB_ADMIN_PASSWORD
};

DcFacts dc_facts(const std::string& scenario) {
  auto info = lab_info(scenario);
  DcFacts f;
  f.realm = info["LAB_REALM"];
  f.netbios_domain = info["LAB_DOMAIN"];
  f.netbios_host = info["LAB_HOST"];
  f.admin_user = info["LAB_ADMIN_USER"];
  f.admin_password = info["LAB_ADMIN_PASSWORD"];
  const std::string conf = info["LAB_SMB_CONF"];
  const std::string state = conf.substr(0, conf.rfind("/etc/"));
  const std::string sam = state + "/private/sam.ldb";
  std::string realm = lower(f.realm);
  f.base_dn = "DC=" + realm;
  for (std::size_t p; (p = f.base_dn.find('.')) != std::string::npos;) f.base_dn.replace(p, 1, ",DC=");
  f.domain_guid = lower(ldb_value(sam, f.base_dn, "base", "(objectClass=*)", "objectGUID"));
  f.domain_level = std::stoi(ldb_value(sam, f.base_dn, "base", "(objectClass=*)", "msDS-Behavior-Version"));
  f.forest_level = std::stoi(ldb_value(sam, "CN=Partitions,CN=Configuration," + f.base_dn, "base", "(objectClass=*)",
                                       "msDS-Behavior-Version"));
  f.site = ldb_value(sam, "CN=Sites,CN=Configuration," + f.base_dn, "one", "(objectClass=site)", "cn");
  f.dns_hostname = ldb_value(sam, f.base_dn, "sub", "(&(objectClass=computer)(sAMAccountName=" + f.netbios_host + "$))",
                             "dNSHostName");
  const std::string smbconf = legacyscan::testing::slurp(conf);
  std::istringstream in(smbconf);
  for (std::string line; std::getline(in, line);) {
    const auto t = lower(trim(line));
    if (t.rfind("ldap server require strong auth", 0) == 0) {
      const auto v = trim(t.substr(t.find('=') + 1));
      f.strong_auth_required = !(v == "no" || v == "false" || v == "0");
    }
    if (t.rfind("ntlm auth", 0) == 0) f.ntlm_disabled = trim(t.substr(t.find('=') + 1)) == "disabled";
  }
  return f;
}

std::string level_name(int level) {
  switch (level) {
    case 0: return "2000";
    case 2: return "2003";
    case 3: return "2008";
    case 4: return "2008 R2";
    case 5: return "2012";
    case 6: return "2012 R2";
    case 7: return "2016";
    default: return "level " + std::to_string(level);
  }
}

json ldap_of(const json& doc) {
  if (!doc.contains("hosts") || doc["hosts"].empty()) return json::object();
  return doc["hosts"][0]["probes"].value("ldap", json::object());
}

void expect_v5ex_ping(const json& p, const DcFacts& f, const std::string& transport) {
  SCOPED_TRACE(transport);
  ASSERT_EQ(p.value("status", ""), "ok") << p.dump(2);
  EXPECT_EQ(p["transport"], transport);
  EXPECT_EQ(p["variant"], "NETLOGON_SAM_LOGON_RESPONSE_EX");
  EXPECT_EQ(p["opcode"], 23);
  EXPECT_EQ(p["opcode_name"], "LOGON_SAM_LOGON_RESPONSE_EX");
  EXPECT_EQ(p["nt_version_requested"], 0xc);
  EXPECT_EQ(p["nt_version"], 0xd);  // V1 | V5EX | V5EP, as Samba answers
  EXPECT_EQ(lower(p.value("dns_forest", "")), lower(f.realm));
  EXPECT_EQ(lower(p.value("dns_domain", "")), lower(f.realm));
  EXPECT_EQ(lower(p.value("dns_hostname", "")), lower(f.dns_hostname));
  EXPECT_EQ(p["netbios_domain"], f.netbios_domain);
  EXPECT_EQ(p["netbios_hostname"], f.netbios_host);
  EXPECT_EQ(p["user"], "");
  EXPECT_EQ(p["server_site"], f.site);
  EXPECT_EQ(p["client_site"], f.site);
  EXPECT_EQ(p["domain_guid"], f.domain_guid);
  EXPECT_EQ(p["dc_address"], "127.0.0.1");
  EXPECT_EQ(p["lm_nt_token"], 0xffff);
  EXPECT_EQ(p["lm20_token"], 0xffff);
  const auto flags = p["flags"].get<std::vector<std::string>>();
  for (const char* want : {"PDC", "GC", "LDAP", "DS", "KDC", "TIMESERV", "CLOSEST", "WRITABLE", "GOOD_TIMESERV"})
    EXPECT_NE(std::find(flags.begin(), flags.end(), want), flags.end()) << want;
  // Samba 4.17 sets FULL_SECRET_DOMAIN_6 from functional level 2008 on, and never DS_8 or later.
  const bool fsd6 = std::find(flags.begin(), flags.end(), "FULL_SECRET_DOMAIN_6") != flags.end();
  EXPECT_EQ(fsd6, f.domain_level >= 3);
  EXPECT_EQ(p["os_generation"], f.domain_level >= 3 ? "2008 or 2008 R2" : "2003 R2 or earlier");
}

void check_scenario(const std::string& scenario) {
  const DcFacts f = dc_facts(scenario);
  ASSERT_FALSE(f.realm.empty());
  auto doc = scan_json(scenario, {"127.0.0.1", "--probes", "ldap"});
  const json l = ldap_of(doc);
  ASSERT_EQ(l.value("status", ""), "ok") << l.dump(2);

  // Every LDAP port of a Samba DC listens.
  EXPECT_EQ(l["ports_open"], json::array({389, 636, 3268, 3269})) << l.dump(2);

  expect_v5ex_ping(l["cldap"], f, "udp");
  EXPECT_EQ(l["cldap"]["attempts"], 1);
  expect_v5ex_ping(l["cldap_tcp"], f, "tcp");

  // The NT4-style answer an NtVer=1 client gets.
  const json& v1 = l["cldap_v1"];
  ASSERT_EQ(v1.value("status", ""), "ok") << v1.dump(2);
  EXPECT_EQ(v1["variant"], "NETLOGON_SAM_LOGON_RESPONSE_NT40");
  EXPECT_EQ(v1["opcode"], 19);
  EXPECT_EQ(v1["nt_version"], 1);
  EXPECT_EQ(v1["netbios_hostname"], f.netbios_host);
  EXPECT_EQ(v1["netbios_domain"], f.netbios_domain);
  EXPECT_TRUE(v1["domain_guid"].is_null());

  const json& r = l["rootdse"];
  ASSERT_EQ(r.value("status", ""), "ok") << r.dump(2);
  EXPECT_EQ(r["ldap_versions"], json::array({2, 3}));
  EXPECT_EQ(r["sasl_mechanisms"], json::array({"GSS-SPNEGO", "GSSAPI", "NTLM"}));
  EXPECT_EQ(r["domain_functionality"], level_name(f.domain_level));
  EXPECT_EQ(r["forest_functionality"], level_name(f.forest_level));
  EXPECT_EQ(r["domain_functionality_level"], f.domain_level);
  EXPECT_TRUE(r["dc_functionality"].is_string());
  EXPECT_EQ(lower(r.value("dns_hostname", "")), lower(f.dns_hostname));
  EXPECT_EQ(r["default_naming_context"], f.base_dn);
  EXPECT_EQ(r.value("current_time", "").size(), 20u);  // 2026-11-23T15:10:30Z
  ASSERT_TRUE(r["clock_skew_seconds"].is_number());
  EXPECT_LE(std::abs(r["clock_skew_seconds"].get<long long>()), 5);  // the DC runs on this machine

  // Cleartext simple bind posture.
  if (f.strong_auth_required) {
    EXPECT_EQ(l["simple_bind_cleartext"], "rejected");
    EXPECT_EQ(l["simple_bind"]["result_code"], 8);
    EXPECT_EQ(l["simple_bind"]["result_name"], "strongerAuthRequired");
    EXPECT_EQ(l["signing_required"], true);
    EXPECT_EQ(l["sasl_ntlm_unsigned"]["result_code"], 8);
    EXPECT_EQ(l["sasl_ntlm_unsigned"]["stage"], "authenticate");
    EXPECT_EQ(l["sasl_ntlm_unsigned"]["diagnostic_message"], "SASL:[GSS-SPNEGO]: Sign or Seal are required.");
  } else {
    EXPECT_EQ(l["simple_bind_cleartext"], "allowed");
    EXPECT_EQ(l["simple_bind"]["result_code"], 49);
    EXPECT_NE(l["simple_bind"].value("diagnostic_message", "").find("data 52e"), std::string::npos);
    EXPECT_EQ(l["signing_required"], false);
    EXPECT_EQ(l["sasl_ntlm_unsigned"]["result_code"], 0);  // the anonymous unsigned bind goes through
  }
  // The direct check decided, not the inference from the simple bind.
  EXPECT_EQ(l.value("signing_evidence", "").rfind("anonymous NTLM SASL bind without signing got", 0), 0u)
      << l.value("signing_evidence", "");
  // Without credentials the channel-binding check uses a fake account: no bind succeeds, so unknown,
  // with the binds as evidence, on LDAPS and on 389 after StartTLS.
  EXPECT_EQ(l["channel_binding"], "unknown");
  ASSERT_EQ(l["channel_binding_checks"].size(), 2u) << l.dump(2);
  EXPECT_EQ(l["channel_binding_checks"][0]["transport"], "ldaps");
  EXPECT_EQ(l["channel_binding_checks"][0]["port"], 636);
  EXPECT_EQ(l["channel_binding_checks"][1]["transport"], "starttls");
  EXPECT_EQ(l["channel_binding_checks"][1]["port"], 389);
  for (const auto& c : l["channel_binding_checks"]) {
    EXPECT_EQ(c["status"], "ok") << c.dump(2);
    EXPECT_EQ(c["credentials"], false);
    EXPECT_EQ(c["attempts"].size(), 2u);
    for (const auto& a : c["attempts"]) EXPECT_NE(a["result_code"], 0) << a.dump();
    EXPECT_NE(c["evidence"].get<std::string>().find("--user"), std::string::npos);
  }
  EXPECT_NE(l.value("channel_binding_evidence", "").find("bind without a token"), std::string::npos);

  // The Global Catalog port answers the same ping and its rootDSE says the GC is ready.
  ASSERT_TRUE(l.contains("gc")) << l.dump(2);
  expect_v5ex_ping(l["gc"]["cldap_tcp"], f, "tcp");
  EXPECT_EQ(l["gc"]["port"], 3268);
  EXPECT_EQ(l["gc"]["rootdse"]["status"], "ok");
  EXPECT_EQ(l["gc"]["rootdse"]["is_global_catalog_ready"], true);
  EXPECT_EQ(l["gc"]["rootdse"]["default_naming_context"], f.base_dn);
}

// The channel-binding check with the scenario's Administrator account (--user/--password): NTLM over
// LDAPS and over StartTLS, without a token, with a wrong one and with the right one. What each DC does,
// from its smb.conf:
//   `ntlm auth = disabled` (hardened): every NTLM logon fails (49), so the tokens decide nothing: unknown;
//   `ldap server require strong auth = yes` (stock): an NTLM SASL bind over TLS without signing gets
//     strongerAuthRequired "Sign or Seal are required.", with signing unwillingToPerform "Sign or Seal
//     are not allowed if TLS is used": no NTLM bind over TLS can succeed: unknown;
//   otherwise (legacy): Samba 4.17 does not check the token: every bind succeeds: never.
void check_channel_binding(const std::string& scenario) {
  const DcFacts f = dc_facts(scenario);
  ASSERT_FALSE(f.admin_password.empty());
  const json l = ldap_of(scan_json(scenario, {"127.0.0.1", "--probes", "ldap", "--ports", "389,636", "--user",
                                              f.admin_user, "--password", f.admin_password}));
  const bool decidable = !f.ntlm_disabled && !f.strong_auth_required;
  std::int64_t want_code = 0;
  if (f.ntlm_disabled)
    want_code = 49;
  else if (f.strong_auth_required)
    want_code = 53;
  ASSERT_EQ(l["channel_binding_checks"].size(), 2u) << l.dump(2);
  for (const auto& c : l["channel_binding_checks"]) {
    SCOPED_TRACE(c["transport"].get<std::string>());
    EXPECT_EQ(c["status"], "ok") << c.dump(2);
    EXPECT_EQ(c["credentials"], true);
    ASSERT_EQ(c["attempts"].size(), 3u);
    EXPECT_EQ(c["attempts"][0]["token"], "none");
    EXPECT_EQ(c["attempts"][1]["token"], "wrong");
    EXPECT_EQ(c["attempts"][2]["token"], "correct");
    for (const auto& a : c["attempts"]) EXPECT_EQ(a["result_code"], want_code) << a.dump();
    EXPECT_EQ(c["sasl_signing"], !f.ntlm_disabled && f.strong_auth_required);
    EXPECT_EQ(c["verdict"], decidable ? "never" : "unknown");
    EXPECT_FALSE(c["tls_version"].get<std::string>().empty());
    if (c["sasl_signing"] == true) {
      EXPECT_NE(c["evidence"].get<std::string>().find("Sign or Seal are required"), std::string::npos) << c["evidence"];
      EXPECT_NE(c["evidence"].get<std::string>().find("not allowed if TLS is used"), std::string::npos)
          << c["evidence"];
    }
  }
  if (decidable) {
    EXPECT_EQ(l["channel_binding"], "never");
    EXPECT_EQ(l["channel_binding_evidence"].get<std::string>().rfind(
                  "ldaps 636: bind without/with a wrong token succeeded", 0),
              0u)
        << l["channel_binding_evidence"];
  } else {
    EXPECT_EQ(l["channel_binding"], "unknown");
    EXPECT_NE(l["channel_binding_evidence"].get<std::string>().find("decide nothing"), std::string::npos)
        << l["channel_binding_evidence"];
  }
  // A wrong password: every bind fails, so nothing is decided.
  const json bad = ldap_of(scan_json(scenario, {"127.0.0.1", "--probes", "ldap", "--ports", "636", "--user",
                                                f.admin_user, "--password", f.admin_password + "-wrong"}));
  EXPECT_EQ(bad["channel_binding"], "unknown") << bad.dump(2);
  EXPECT_EQ(bad["channel_binding_checks"].size(), 1u);
}

TEST(IntegrationLdapChannelBinding, Legacy) { check_channel_binding("legacy"); }
TEST(IntegrationLdapChannelBinding, Hardened) { check_channel_binding("hardened"); }
TEST(IntegrationLdapChannelBinding, Stock) { check_channel_binding("stock"); }

// AAC: the ping for a user asks the DC whether that account has those account-control bits.
TEST(IntegrationLdap, AccountControlBitsInThePing) {
  const DcFacts f = dc_facts("stock");
  const json normal = ldap_of(scan_json("stock", {"127.0.0.1", "--probes", "ldap", "--ports", "389", "--ldap-user",
                                                  f.admin_user, "--ldap-aac", "normal"}));
  EXPECT_EQ(normal["cldap"]["aac_requested"], 0x10);
  EXPECT_EQ(normal["cldap"]["opcode_name"], "LOGON_SAM_LOGON_RESPONSE_EX") << normal["cldap"].dump(2);
  EXPECT_EQ(normal["cldap"]["user"], f.admin_user);
  // Administrator is a normal account, not a workstation trust: user unknown for those bits.
  const json ws = ldap_of(scan_json("stock", {"127.0.0.1", "--probes", "ldap", "--ports", "389", "--ldap-user",
                                              f.admin_user, "--ldap-aac", "workstation"}));
  EXPECT_EQ(ws["cldap"]["aac_requested"], 0x80);
  EXPECT_EQ(ws["cldap"]["opcode_name"], "LOGON_SAM_USER_UNKNOWN_EX") << ws["cldap"].dump(2);
}

TEST(IntegrationLdap, LegacyDc) {
  const DcFacts f = dc_facts("legacy");
  EXPECT_FALSE(f.strong_auth_required);  // the scenario's own setting
  EXPECT_EQ(f.domain_level, 2);
  check_scenario("legacy");
}

TEST(IntegrationLdap, HardenedDc) {
  const DcFacts f = dc_facts("hardened");
  EXPECT_TRUE(f.strong_auth_required);
  EXPECT_EQ(f.domain_level, 4);
  check_scenario("hardened");
}

TEST(IntegrationLdap, StockDc) {
  const DcFacts f = dc_facts("stock");
  EXPECT_TRUE(f.strong_auth_required);
  EXPECT_EQ(f.domain_level, 4);
  check_scenario("stock");
}

// The DnsDomain of the ping must match: a foreign domain gets SearchResultDone without an entry.
TEST(IntegrationLdap, ForeignDnsDomainGetsNoEntry) {
  auto doc = scan_json("stock", {"127.0.0.1", "--probes", "ldap", "--ldap-dns-domain", "nosuch.example"});
  const json l = ldap_of(doc);
  ASSERT_EQ(l["cldap"].value("status", ""), "ok") << l.dump(2);
  EXPECT_EQ(l["cldap"]["no_entry"], true);
  EXPECT_EQ(l["cldap"]["dns_domain_requested"], "nosuch.example");
  EXPECT_FALSE(l["cldap"].contains("dns_domain"));
}

// A port where nothing listens: refused on TCP, ICMP port unreachable on UDP; never "a DC".
TEST(IntegrationLdap, ClosedPortIsRefused) {
  auto doc = scan_json("legacy", {"127.0.0.1", "--probes", "ldap", "--ports", "ldap:4451"}, 3);
  const json l = ldap_of(doc);
  EXPECT_EQ(l.value("status", ""), "refused") << l.dump(2);
  EXPECT_EQ(l["cldap"]["status"], "refused");
  EXPECT_EQ(l["cldap_tcp"]["status"], "refused");
  EXPECT_EQ(l["simple_bind_cleartext"], "unknown");
  EXPECT_TRUE(l["signing_required"].is_null());
  EXPECT_EQ(l["ports_open"], json::array());
}

// A server that is not LDAP (the lab's HTTP fixture): a protocol error that says what came back.
TEST(IntegrationLdap, HttpServerIsProtocolError) {
  auto doc = scan_json("legacy", {"127.0.0.1", "--probes", "ldap", "--ports", "ldap:8080"}, 3);
  const json l = ldap_of(doc);
  EXPECT_EQ(l.value("status", ""), "protocol-error") << l.dump(2);
  EXPECT_EQ(l["ports_open"], json::array({8080}));
  EXPECT_EQ(l["cldap_tcp"]["status"], "protocol-error");
  EXPECT_NE(l["cldap_tcp"].value("reason", "").find("not an LDAPMessage"), std::string::npos) << l.dump(2);
  EXPECT_EQ(l["rootdse"]["status"], "protocol-error");
}

}  // namespace

namespace {

// nftables in the stock DC's namespace drops every other UDP datagram to 389 (numgen inc mod 2, on the
// input hook so the datagram is lost rather than refused); removed again when the test ends.
class UdpLoss {
 public:
  UdpLoss() {
    const std::string rules =
        "table inet legacyscan_ldap_loss { chain input { type filter hook input priority -1; policy accept; "
        "udp dport 389 numgen inc mod 2 == 0 counter drop; }; }";
    auto r = run_command("ip netns exec ls-stock nft " + legacyscan::testing::shell_quote(rules));
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  ~UdpLoss() { run_command("ip netns exec ls-stock nft delete table inet legacyscan_ldap_loss"); }
  // Datagrams the rule dropped so far.
  static int dropped() {
    auto r = run_command("ip netns exec ls-stock nft list table inet legacyscan_ldap_loss");
    const auto at = r.out.find("packets ");
    return at == std::string::npos ? -1 : std::atoi(r.out.c_str() + at + 8);
  }
};

// Half the CLDAP datagrams lost: the pings still come through on a retry, never "no DC".
TEST(IntegrationLdapLoss, CldapSurvivesLossWithRetries) {
  UdpLoss loss;
  const json l = ldap_of(
      scan_json("stock", {"127.0.0.1", "--probes", "ldap", "--ports", "389", "--timeout", "500ms", "--retries", "3"}));
  const int dropped = UdpLoss::dropped();
  for (const char* k : {"cldap", "cldap_v1"}) {
    EXPECT_EQ(l[k]["status"], "ok") << k << ": " << l[k].dump(2);
    EXPECT_TRUE(l[k].contains("netbios_hostname")) << k;
  }
  // Two pings, every other datagram dropped: at least one of them needed a retry.
  EXPECT_GE(l["cldap"]["attempts"].get<int>() + l["cldap_v1"]["attempts"].get<int>(), 3) << l.dump(2);
  EXPECT_GE(dropped, 1);
}

}  // namespace
