// SPDX-License-Identifier: Apache-2.0
// The vpn result declared once (fields()): the lab scan's result reads back from its JSON and writes the
// same JSON again, the keys each struct declares are the schema's, and the findings read as they should.
// Golden data: tests/data/results/vpn.json (hosts[].probes.vpn of a scan of the vpn lab scenario).
#include "probes/vpn/vpn_result.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::vpn {
namespace {

using test::expect_keys_match_schema;
using test::kReportKeys;

TEST(VpnResultFields, LabResultsRoundTrip) { test::expect_round_trip("vpn", fields::read<VpnResult>); }

TEST(VpnResultFields, KeysAreTheSchemas) {
  expect_keys_match_schema<VpnResult>("/$defs/vpn", kReportKeys);
  expect_keys_match_schema<PptpInfo>("/$defs/vpn_pptp");
  expect_keys_match_schema<IkeV1Info>("/$defs/vpn_ike_v1");
  expect_keys_match_schema<IkeV2Info>("/$defs/vpn_ike_v2");
  expect_keys_match_schema<IkeTransform>("/$defs/vpn_ike_transform");
  expect_keys_match_schema<VendorId>("/$defs/vpn_vendor_id");
  expect_keys_match_schema<AggressiveMode>("/$defs/vpn_ike_v1/properties/aggressive_mode");
  expect_keys_match_schema<NatT>("/$defs/vpn_ike_v1/properties/nat_t");
  expect_keys_match_schema<IkeInfo>("/$defs/vpn/properties/ike");
  expect_keys_match_schema<L2tpInfo>("/$defs/vpn_l2tp");
}

// The lab's legacy responder: PPTP answering and Aggressive Mode with PSK are BAD; its transforms
// (3DES/AES-128, SHA-1, modp1024) WARN; nothing failed.
TEST(VpnResultFields, LegacyResponderFindings) {
  std::vector<Finding> out;
  fields::read<VpnResult>(test::golden_results("vpn").at("vpn/127.0.0.1")).findings(out);
  std::map<std::string, Verdict> by_check;
  for (const auto& f : out) {
    EXPECT_NE(f.verdict, Verdict::failure) << f.check << ": " << f.value;
    by_check[f.check] = f.verdict;
  }
  EXPECT_EQ(by_check.at("vpn.pptp"), Verdict::bad);
  EXPECT_EQ(by_check.at("ike.v1.aggressive"), Verdict::bad);
  EXPECT_EQ(by_check.at("ike.v1"), Verdict::warn);
  EXPECT_EQ(by_check.at("ike.v1.transform"), Verdict::warn);
  EXPECT_EQ(by_check.at("ike.v2"), Verdict::good);
  EXPECT_EQ(by_check.at("vpn.l2tp"), Verdict::bad);
}

TEST(VpnResultFields, TransformVerdicts) {
  EXPECT_EQ(transform_verdict(1, 2, 14), Verdict::bad);   // DES
  EXPECT_EQ(transform_verdict(7, 1, 14), Verdict::bad);   // MD5
  EXPECT_EQ(transform_verdict(7, 4, 1), Verdict::bad);    // modp768
  EXPECT_EQ(transform_verdict(5, 4, 14), Verdict::warn);  // 3DES
  EXPECT_EQ(transform_verdict(7, 2, 14), Verdict::warn);  // SHA-1
  EXPECT_EQ(transform_verdict(7, 4, 5), Verdict::warn);   // modp1536
  EXPECT_EQ(transform_verdict(7, 4, 19), Verdict::good);
}

}  // namespace
}  // namespace legacyscan::vpn
