// SPDX-License-Identifier: Apache-2.0
// The JSON key names of the TLS result are a contract (issue 3): check them on a typed result.
#include <gtest/gtest.h>

#include "probes/tls/tls_codec.hpp"
#include "probes/tls/tls_result.hpp"

namespace legacyscan::tls {
namespace {

TEST(TlsResult, JsonContract) {
  TlsResult r;
  Endpoint e;
  e.port = 636;
  e.service = "ldaps";
  e.versions = {{SSL2_VERSION, VersionVerdict::rejected, "closed"}, {TLS1_2_VERSION, VersionVerdict::accepted, "ServerHello TLS 1.2"}};
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

  std::vector<TableRow> rows;
  r.table_rows(rows);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].check, "SSL 2.0 (ldaps)");
  EXPECT_EQ(rows[0].verdict, Verdict::good);
  EXPECT_EQ(rows[1].value, "accepted (1 suites)");
  EXPECT_EQ(rows.back().verdict, Verdict::failure);
}

}  // namespace
}  // namespace legacyscan::tls
