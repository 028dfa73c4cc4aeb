// SPDX-License-Identifier: Apache-2.0
// The LDAP result's JSON keys are a contract (docs/probes/ldap.md): a result built from the
// legacy DC's golden V5EX answer renders every promised key, and the table has the posture rows.
#include <gtest/gtest.h>

#include "probes/ldap/ldap_result.hpp"
#include "tests/unit/ldap_test_support.hpp"

namespace legacyscan::ldap {
namespace {

using testdata::golden;

netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY legacy_ex() {
  auto msgs = decode_ldap_messages(golden("legacy_cldap_response_ntver0c"));
  EXPECT_TRUE(msgs) << msgs.error;
  auto nl = netlogon::decode_netlogon_response(msgs->at(0).searchResEntry->attributes.at(0).vals.at(0));
  EXPECT_TRUE(nl) << nl.error;
  return *nl;
}

TEST(LdapResultJson, ContractKeys) {
  LdapResult r;
  CldapPing p;
  p.transport = "udp";
  p.nt_version_requested = 0xc;
  p.attempts = 1;
  p.response = legacy_ex();
  r.cldap = p;
  RootDse d;
  d.ldap_versions = {2, 3};
  d.domain_functionality = 2;
  d.forest_functionality = 2;
  d.dc_functionality = 4;
  r.rootdse = d;
  BindCheck b;
  b.result_code = 49;
  r.simple_bind = b;
  r.simple_bind_cleartext = "allowed";
  r.signing_required = false;
  r.ports_open = {389, 636};
  const auto j = r.to_json();
  EXPECT_EQ(j["status"], "ok");
  for (const char* k :
       {"status", "nt_version", "opcode", "dns_forest", "dns_domain", "dns_hostname", "netbios_domain",
        "netbios_hostname", "user", "server_site", "client_site", "domain_guid", "flags", "os_generation"})
    EXPECT_TRUE(j["cldap"].contains(k)) << k;
  EXPECT_EQ(j["cldap"]["dns_hostname"], "dc1.legacy.test");
  EXPECT_EQ(j["cldap"]["domain_guid"], "76dc50b0-1b11-49af-aaef-5d10cb824e0e");
  EXPECT_EQ(j["cldap"]["dc_address"], "127.0.0.1");
  for (const char* k : {"status", "ldap_versions", "sasl_mechanisms", "domain_functionality", "forest_functionality",
                        "dc_functionality", "dns_hostname", "default_naming_context", "current_time"})
    EXPECT_TRUE(j["rootdse"].contains(k)) << k;
  EXPECT_EQ(j["rootdse"]["domain_functionality"], "2003");
  EXPECT_EQ(j["rootdse"]["dc_functionality"], "2008 R2");
  EXPECT_EQ(j["simple_bind_cleartext"], "allowed");
  EXPECT_EQ(j["signing_required"], false);
  EXPECT_EQ(j["channel_binding"], "unknown");
  EXPECT_EQ(j["ports_open"], nlohmann::json::array({389, 636}));

  std::vector<Finding> rows;
  r.findings(rows);
  bool bind_row = false, level_row = false;
  for (const auto& row : rows) {
    if (row.check == "ldap.simple_bind_cleartext") bind_row = row.verdict == Verdict::bad;
    if (row.check == "ldap.functional_levels") level_row = row.verdict == Verdict::bad;
  }
  EXPECT_TRUE(bind_row);
  EXPECT_TRUE(level_row);
}

TEST(LdapResultJson, UnknownSigningIsNull) {
  LdapResult r;
  EXPECT_TRUE(r.to_json()["signing_required"].is_null());
  EXPECT_EQ(r.to_json()["simple_bind_cleartext"], "unknown");
  EXPECT_EQ(functionality_name(10), "2025");
  EXPECT_EQ(functionality_name(9), "level 9");
}

}  // namespace
// The channel-binding decision on recorded bind results. The never/unknown cases are what the lab's
// Samba DCs give end to end (IntegrationLdapChannelBinding); always and when_supported are what a
// Windows DC with LdapEnforceChannelBinding = 2 / 1 answers (SEC_E_BAD_BINDINGS, "data 80090346"),
// which no lab server sends, so they are checked here.
ChannelBindingAttempt bind_result(const char* token, std::int64_t code, std::string diagnostic = {}) {
  ChannelBindingAttempt a;
  a.token = token;
  a.bind.result_code = code;
  a.bind.diagnostic = std::move(diagnostic);
  return a;
}

std::string verdict(bool credentials, std::vector<ChannelBindingAttempt> attempts, std::string* evidence = nullptr) {
  ChannelBindingCheck c;
  c.credentials = credentials;
  c.attempts = std::move(attempts);
  judge_channel_binding(c);
  if (evidence) *evidence = c.evidence;
  return c.verdict;
}

TEST(LdapChannelBinding, Decisions) {
  const std::string bad =
      "80090346: LdapErr: DSID-0C0906B5, comment: AcceptSecurityContext error, data 80090346, v4563";
  const std::string wrong_pw =
      "8009030C: LdapErr: DSID-0C0904DC, comment: AcceptSecurityContext error, data 52e, v1db1";
  std::string ev;
  // Enforced always: even the bind without a token is refused for its (missing) binding.
  EXPECT_EQ(
      verdict(true, {bind_result("none", 49, bad), bind_result("wrong", 49, bad), bind_result("correct", 0)}, &ev),
      "always");
  EXPECT_NE(ev.find("bind without a token: invalidCredentials (49)"), std::string::npos) << ev;
  // When supported: no token is fine, a wrong one is refused.
  EXPECT_EQ(verdict(true, {bind_result("none", 0), bind_result("wrong", 49, bad), bind_result("correct", 0)}),
            "when_supported");
  // Without credentials a refusal naming the binding still decides.
  EXPECT_EQ(verdict(false, {bind_result("none", 49, wrong_pw), bind_result("wrong", 49, bad)}), "when_supported");
  EXPECT_EQ(verdict(false, {bind_result("none", 49, bad), bind_result("wrong", 49, bad)}), "always");
  // Never: both accepted with a real account.
  EXPECT_EQ(verdict(true, {bind_result("none", 0), bind_result("wrong", 0), bind_result("correct", 0)}, &ev), "never");
  EXPECT_EQ(ev.rfind("bind without/with a wrong token succeeded", 0), 0u) << ev;
  // Unknown: the fake account fails everywhere; the account does not log on; nothing at all.
  EXPECT_EQ(verdict(false, {bind_result("none", 49, wrong_pw), bind_result("wrong", 49, wrong_pw)}, &ev), "unknown");
  EXPECT_NE(ev.find("give --user and --password"), std::string::npos) << ev;
  EXPECT_EQ(verdict(true,
                    {bind_result("none", 49, wrong_pw), bind_result("wrong", 49, wrong_pw),
                     bind_result("correct", 49, wrong_pw)},
                    &ev),
            "unknown");
  EXPECT_NE(ev.find("decide nothing"), std::string::npos) << ev;
  // A success without credentials cannot happen with the fake account; if a DC let it through, the
  // tokens still decide nothing.
  EXPECT_EQ(verdict(false, {bind_result("none", 0), bind_result("wrong", 0)}), "unknown");
  EXPECT_EQ(verdict(true, {}), "unknown");
}

}  // namespace legacyscan::ldap
