// SPDX-License-Identifier: Apache-2.0
// The Kerberos result declared once (fields()): every result of a full lab scan reads back from its JSON and
// writes the same JSON again, and the keys each struct declares are the keys the JSON schema lists for it.
// Golden data: tests/data/results/kerberos.json (hosts[].probes.kerberos of the lab scan, see its README.md).
#include "probes/kerberos/kerberos_result.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::kerberos {
namespace {

using test::expect_keys_match_schema;
using test::kReportKeys;

TEST(KerberosResultFields, LabResultsRoundTrip) { test::expect_round_trip("kerberos", fields::read<KerberosResult>); }

TEST(KerberosResultFields, KeysAreTheSchemas) {
  expect_keys_match_schema<KerberosResult>("/$defs/kerberos", kReportKeys);
  expect_keys_match_schema<EtypeRow>("/$defs/kerberos/properties/etype_details/additionalProperties");
  expect_keys_match_schema<OfferResult>("/$defs/kerberos/properties/xp_offer");
  expect_keys_match_schema<XpLogon>("/$defs/kerberos/properties/xp_logon");
  expect_keys_match_schema<EtypeAnswer>("/$defs/kerberos_answer");
}

}  // namespace
}  // namespace legacyscan::kerberos
