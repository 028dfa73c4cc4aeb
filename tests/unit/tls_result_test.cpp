// SPDX-License-Identifier: Apache-2.0
// The JSON key names of the TLS result are a contract (docs/probes/tls.md): check them on a typed result.
#include <gtest/gtest.h>

#include "probes/tls/tls_result.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::tls {
namespace {

TEST(TlsResult, JsonContract) {
  TlsResult r;
  Endpoint e;
  e.port = 636;
  e.service = "ldaps";
  e.versions = {{SSL2_VERSION, VersionVerdict::rejected, "closed"},
                {TLS1_2_VERSION, VersionVerdict::accepted, "ServerHello TLS 1.2"}};
  AcceptedSuite s;
  s.id = 0xC02F;
  s.name = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
  s.kex = "ECDH";
  s.kex_bits = 253;
  s.pfs = true;
  e.ciphers[TLS1_2_VERSION].push_back(s);
  e.server_order = true;
  e.pfs_only = true;
  e.bsi_minimum = true;
  e.secure_renegotiation = true;
  CertificateInfo c;
  c.subject = "CN=x";
  e.certificate = c;
  r.endpoints.push_back(e);
  Endpoint dead;
  dead.port = 443;
  dead.service = "https";
  dead.outcome = Outcome::failure(Status::refused, "connect: connection refused");
  r.endpoints.push_back(dead);

  const auto j = r.to_json();
  EXPECT_EQ(j["status"], "ok");
  const auto& ep = j["endpoints"][0];
  for (const char* key : {"port", "service", "starttls", "status", "versions", "ciphers", "server_order", "pfs_only",
                          "bsi_minimum", "secure_renegotiation", "fallback_scsv", "certificate"})
    EXPECT_TRUE(ep.contains(key)) << key;
  EXPECT_TRUE(ep["starttls"].is_null());
  EXPECT_EQ(ep["versions"]["ssl2"], "rejected");
  EXPECT_EQ(ep["versions"]["tls1.2"], "accepted");
  const auto& suite = ep["ciphers"]["tls1.2"][0];
  EXPECT_EQ(suite["iana"], "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(suite["hex"], "0xC02F");
  EXPECT_EQ(suite["kex"], "ECDH");
  EXPECT_EQ(suite["kex_bits"], 253);
  EXPECT_EQ(suite["pfs"], true);
  for (const char* key : {"subject", "san", "issuer", "self_signed", "key_type", "key_bits", "signature_algorithm",
                          "not_before", "not_after", "days_left"})
    EXPECT_TRUE(ep["certificate"].contains(key)) << key;
  EXPECT_EQ(j["endpoints"][1]["status"], "refused");
  EXPECT_EQ(j["endpoints"][1]["reason"], "connect: connection refused");

  std::vector<Finding> rows;
  r.findings(rows);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].label, "SSL 2.0 (ldaps)");
  EXPECT_EQ(rows[0].check, "tls.version.ssl2");
  EXPECT_EQ(rows[0].verdict, Verdict::good);
  EXPECT_EQ(rows[1].value, "accepted (1 suites)");
  // A refused connection is a closed port: a fact, not a failed check.
  EXPECT_EQ(rows.back().verdict, Verdict::info);
  EXPECT_EQ(rows.back().value, "closed (connect: connection refused)");
  EXPECT_EQ(rows.back().check, "tls.endpoint");
}

AcceptedSuite suite(std::uint16_t id, const char* name, const char* kex, std::optional<int> bits, bool pfs,
                    bool weak = false) {
  AcceptedSuite s;
  s.id = id;
  s.name = name;
  s.kex = kex;
  s.kex_bits = bits;
  s.pfs = pfs;
  s.weak = weak;
  return s;
}

Endpoint tls12_only(std::vector<AcceptedSuite> suites) {
  Endpoint e;
  e.versions = {{TLS1_1_VERSION, VersionVerdict::rejected, "closed"},
                {TLS1_2_VERSION, VersionVerdict::accepted, "ServerHello TLS 1.2"}};
  e.ciphers[TLS1_2_VERSION] = std::move(suites);
  return e;
}

TEST(TlsVerdicts, BsiMinimumHoldsAtTheThresholds) {
  auto e = tls12_only({suite(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDH", 253, true),
                       suite(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DH", 3072, true)});
  apply_verdicts(e);
  EXPECT_TRUE(e.pfs_only);
  EXPECT_TRUE(e.bsi_minimum);
  EXPECT_TRUE(e.bsi_reasons.empty());
  EXPECT_FALSE(endpoint_json(e).contains("bsi_reasons"));
}

TEST(TlsVerdicts, SmallDhGroupFailsBsiButKeepsPfs) {
  auto e = tls12_only({suite(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDH", 253, true),
                       suite(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DH", 2048, true)});
  apply_verdicts(e);
  EXPECT_TRUE(e.pfs_only);
  EXPECT_FALSE(e.bsi_minimum);
  ASSERT_EQ(e.bsi_reasons.size(), 1u);
  EXPECT_EQ(e.bsi_reasons[0], "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (TLS 1.2): DH 2048 bits < 3000");
  EXPECT_EQ(endpoint_json(e)["bsi_reasons"][0], e.bsi_reasons[0]);
}

TEST(TlsVerdicts, SmallCurveRsaKexWeakSuiteAndOldVersionsAreReasons) {
  auto e = tls12_only({suite(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDH", 192, true),
                       suite(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA", 2048, false),
                       suite(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDH", 253, true, true)});
  e.versions.push_back({TLS1_VERSION, VersionVerdict::accepted, "ServerHello TLS 1.0"});
  apply_verdicts(e);
  EXPECT_FALSE(e.pfs_only);
  EXPECT_FALSE(e.bsi_minimum);
  const std::vector<std::string> want{"TLS 1.0 accepted",
                                      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (TLS 1.2): ECDH 192 bits < 250",
                                      "TLS_RSA_WITH_AES_128_CBC_SHA (TLS 1.2): no forward secrecy",
                                      "TLS_ECDHE_RSA_WITH_RC4_128_SHA (TLS 1.2): weak cipher"};
  EXPECT_EQ(e.bsi_reasons, want);
}

TEST(TlsVerdicts, NothingAcceptedIsNoMinimum) {
  Endpoint e;
  e.versions = {{TLS1_2_VERSION, VersionVerdict::rejected, "closed"}};
  apply_verdicts(e);
  EXPECT_FALSE(e.pfs_only);
  EXPECT_FALSE(e.bsi_minimum);
  EXPECT_EQ(e.bsi_reasons, (std::vector<std::string>{"neither TLS 1.2 nor TLS 1.3 accepted", "no cipher suite found"}));
}

}  // namespace
}  // namespace legacyscan::tls
