// SPDX-License-Identifier: Apache-2.0
// The Smb result declared once (fields()): every result of a full lab scan reads back from its JSON and
// writes the same JSON again, and the keys each struct declares are the keys the JSON schema lists for it.
// Golden data: tests/data/results/smb.json (hosts[].probes.smb of the lab scan, see its README.md).
#include <algorithm>

#include "probes/smb/smb_result.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::smb {
namespace {

using test::expect_keys_match_schema;
using test::kReportKeys;

TEST(SmbResultFields, LabResultsRoundTrip) { test::expect_round_trip("smb", fields::read<SmbResult>); }

// The hardened lab DC closes 139: that is the hardening (GOOD), not a failed check.
TEST(SmbResultFields, ClosedPort139IsGood) {
  std::vector<Finding> out;
  fields::read<SmbResult>(test::golden_results("smb").at("hardened/127.0.0.1")).findings(out);
  const auto it = std::find_if(out.begin(), out.end(), [](const Finding& f) { return f.port == "139/tcp"; });
  ASSERT_NE(it, out.end());
  EXPECT_EQ(it->check, "smb.port");
  EXPECT_EQ(it->verdict, Verdict::good);
  EXPECT_EQ(it->value, "closed (connect: connection refused)");
  EXPECT_TRUE(std::none_of(out.begin(), out.end(), [](const Finding& f) { return f.verdict == Verdict::failure; }));
}

TEST(SmbResultFields, KeysAreTheSchemas) {
  expect_keys_match_schema<SmbResult>("/$defs/smb", kReportKeys);
  expect_keys_match_schema<PortResult>("/$defs/smb_port");
  expect_keys_match_schema<Smb1Info>("/$defs/smb_port/properties/smb1");
  expect_keys_match_schema<MultiProtocol>("/$defs/smb_port/properties/multiprotocol");
  expect_keys_match_schema<Smb2Info>("/$defs/smb_port/properties/smb2");
  expect_keys_match_schema<Smb2DialectDetail>(
      "/$defs/smb_port/properties/smb2/properties/details/additionalProperties");
  expect_keys_match_schema<NtlmInfo>("/$defs/smb_port/properties/ntlm");
  expect_keys_match_schema<OfferCheck>("/$defs/offer_check");
  expect_keys_match_schema<Signing>("/$defs/signing");
}

}  // namespace
}  // namespace legacyscan::smb
