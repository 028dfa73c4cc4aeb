// SPDX-License-Identifier: Apache-2.0
// The remote-access policy rules over the lab scan's vpn result (tests/data/results/vpn.json: strongSwan with an
// IKEv1 modp1024 connection and Aggressive Mode, an IKEv2 ecp256/modp2048 one, and pptpd).
#include <gtest/gtest.h>

#include "src/compat/policy.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan {
namespace {

using nlohmann::json;

json lab_host() {
  return json{{"target", "127.0.0.1"},
              {"address", "127.0.0.1"},
              {"probes", {{"vpn", test::golden_results("vpn").at("vpn/127.0.0.1")}}}};
}

RuleResult one(const std::string& text, const json& host) {
  std::string e;
  auto rule = parse_policy_rule(text, e);
  EXPECT_TRUE(rule) << text << ": " << e;
  auto r = evaluate_policy({*rule}, host);
  EXPECT_EQ(r.size(), 1u);
  return r.front();
}

TEST(PolicyVpn, RulesParseAndBadValuesSayWhy) {
  std::string e;
  for (const char* ok : {"vpn.pptp=off", "ike.v1=off", "ike.aggressive=off", "ike.min-group=14", "ike.min-group=19"})
    EXPECT_TRUE(parse_policy_rule(ok, e)) << ok << ": " << e;
  EXPECT_FALSE(parse_policy_rule("ike.min-group=13", e));
  EXPECT_NE(e.find("DH group number"), std::string::npos) << e;
  EXPECT_FALSE(parse_policy_rule("vpn.pptp=on", e));
}

TEST(PolicyVpn, TheLegacyLabFailsEveryRule) {
  const auto host = lab_host();
  for (const char* rule : {"vpn.pptp=off", "ike.v1=off", "ike.aggressive=off", "ike.min-group=14"}) {
    const auto r = one(rule, host);
    EXPECT_TRUE(r.decided) << rule;
    EXPECT_FALSE(r.passed) << rule << ": " << r.evidence;
  }
  // modp1024 is in both IKEv1 transforms; IKEv2's weakest is modp2048.
  EXPECT_NE(one("ike.min-group=14", host).evidence.find("IKEv1 modp1024"), std::string::npos);
  EXPECT_EQ(one("ike.min-group=14", host).evidence.find("IKEv2"), std::string::npos);
  EXPECT_TRUE(one("ike.min-group=2", host).passed);
}

TEST(PolicyVpn, Ike3desNamesTheIkev1TransformsWithIt) {
  std::string e;
  EXPECT_FALSE(parse_policy_rule("ike.3des=on", e));
  // The legacy connection accepts 3DES-CBC/SHA1/modp1024 with PSK and RSA signatures; IKEv2 only AES-GCM.
  const auto r = one("ike.3des=off", lab_host());
  EXPECT_TRUE(r.decided);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.evidence.find("IKEv1 3DES-CBC/SHA1/PSK/modp1024"), std::string::npos) << r.evidence;
  EXPECT_EQ(r.evidence.find("AES"), std::string::npos) << r.evidence;
  EXPECT_EQ(r.evidence.find("IKEv2"), std::string::npos) << r.evidence;
}

TEST(PolicyVpn, ClosedPortsPassAndMissingProbeCannotDecide) {
  auto host = lab_host();
  host["probes"]["vpn"]["pptp"] =
      json{{"status", "refused"}, {"reason", "connect: connection refused"}, {"port", 1723}};
  EXPECT_TRUE(one("vpn.pptp=off", host).passed);
  EXPECT_TRUE(one("vpn.pptp=off", host).decided);
  host["probes"].erase("vpn");
  const auto r = one("vpn.pptp=off", host);
  EXPECT_FALSE(r.decided);
  EXPECT_FALSE(r.passed);
}

// tests/data/results/rdp.json: xrdp per security setting; none requires NLA, 3393 (tls) refuses
// standard security and the others accept it.
TEST(PolicyRdp, XrdpFailsBothRulesAndOneTlsEndpointPasses) {
  json host{{"target", "127.0.0.1"}, {"probes", {{"rdp", test::golden_results("rdp").at("rdp/127.0.0.1")}}}};
  const auto nla = one("rdp.nla=required", host);
  EXPECT_TRUE(nla.decided);
  EXPECT_FALSE(nla.passed);
  const auto standard = one("rdp.standard-security=off", host);
  EXPECT_FALSE(standard.passed);
  EXPECT_NE(standard.evidence.find("3390/tcp"), std::string::npos);
  EXPECT_EQ(standard.evidence.find("3393/tcp"), std::string::npos);
  auto& endpoints = host["probes"]["rdp"]["endpoints"];
  json tls_only = json::array();
  for (const auto& e : endpoints)
    if (e["port"] == 3393) tls_only.push_back(e);
  endpoints = tls_only;
  EXPECT_TRUE(one("rdp.standard-security=off", host).passed);
  std::string e;
  EXPECT_FALSE(parse_policy_rule("rdp.nla=off", e));
  EXPECT_NE(e.find("required"), std::string::npos);
}

// tests/data/results/tls.json "dtls/127.0.0.1": openssl s_server -dtls (4433) and -dtls1 (4435) accept
// DTLS 1.0, -dtls1_2 (4434) does not.
TEST(PolicyDtls, DtlsMinFailsOnThePortsThatTakeDtls10) {
  json host{{"target", "127.0.0.1"}, {"probes", {{"tls", test::golden_results("tls").at("dtls/127.0.0.1")}}}};
  const auto r = one("dtls.min=1.2", host);
  EXPECT_TRUE(r.decided);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.evidence.find("4433/udp: dtls1.0 accepted"), std::string::npos) << r.evidence;
  EXPECT_NE(r.evidence.find("4435/udp"), std::string::npos) << r.evidence;
  EXPECT_EQ(r.evidence.find("4434/udp"), std::string::npos) << r.evidence;
  EXPECT_TRUE(one("dtls.min=1.0", host).passed);
  auto& endpoints = host["probes"]["tls"]["dtls_endpoints"];
  json pinned = json::array();
  for (const auto& e : endpoints)
    if (e["port"] == 4434) pinned.push_back(e);
  endpoints = pinned;
  EXPECT_TRUE(one("dtls.min=1.2", host).passed);
  // Without --dtls-ports nothing decides the rule.
  host["probes"]["tls"].erase("dtls_endpoints");
  EXPECT_FALSE(one("dtls.min=1.2", host).decided);
  std::string e;
  EXPECT_FALSE(parse_policy_rule("dtls.min=1.1", e));
  EXPECT_NE(e.find("1.0 or 1.2"), std::string::npos) << e;
}

}  // namespace
}  // namespace legacyscan
