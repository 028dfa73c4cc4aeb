// SPDX-License-Identifier: Apache-2.0
// The rdp result declared once (fields()): the lab scan's result reads back from its JSON and writes the
// same JSON again, the keys are the schema's, and the findings read as they should.
// Golden data: tests/data/results/rdp.json (hosts[].probes.rdp of a scan of the rdp lab scenario).
#include "probes/rdp/rdp_result.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::rdp {
namespace {

using test::expect_keys_match_schema;
using test::kReportKeys;

TEST(RdpResultFields, LabResultsRoundTrip) { test::expect_round_trip("rdp", fields::read<RdpResult>); }

TEST(RdpResultFields, KeysAreTheSchemas) {
  expect_keys_match_schema<RdpResult>("/$defs/rdp", kReportKeys);
  expect_keys_match_schema<Endpoint>("/$defs/rdp_endpoint");
  expect_keys_match_schema<Negotiation>("/$defs/rdp_negotiation");
  expect_keys_match_schema<StandardSecurity>("/$defs/rdp_standard_security");
}

// 3390 is xrdp with security_layer=rdp, crypt_level=low; 3393 with security_layer=tls.
TEST(RdpResultFields, FindingsPerSecurityLayer) {
  std::vector<Finding> out;
  fields::read<RdpResult>(test::golden_results("rdp").at("rdp/127.0.0.1")).findings(out);
  std::map<std::string, Verdict> v;
  for (const auto& f : out) {
    EXPECT_NE(f.verdict, Verdict::failure) << f.check << ": " << f.value;
    v[f.port + " " + f.check] = f.verdict;
  }
  EXPECT_EQ(v.at("3390/tcp rdp.standard_security"), Verdict::bad);
  EXPECT_EQ(v.at("3390/tcp rdp.encryption"), Verdict::bad);
  EXPECT_EQ(v.at("3390/tcp rdp.nla"), Verdict::warn);
  EXPECT_EQ(v.at("3393/tcp rdp.standard_security"), Verdict::good);
  EXPECT_EQ(v.count("3393/tcp rdp.encryption"), 0u);
}

}  // namespace
}  // namespace legacyscan::rdp
