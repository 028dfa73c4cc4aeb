// SPDX-License-Identifier: Apache-2.0
// The Tls result declared once (fields()): every result of a full lab scan reads back from its JSON and
// writes the same JSON again, and the keys each struct declares are the keys the JSON schema lists for it.
// Golden data: tests/data/results/tls.json (hosts[].probes.tls of the lab scan, see its README.md).
#include "probes/tls/tls_result.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::tls {
namespace {

using test::expect_keys_match_schema;
using test::kReportKeys;

TEST(TlsResultFields, LabResultsRoundTrip) { test::expect_round_trip("tls", fields::read<TlsResult>); }

TEST(TlsResultFields, KeysAreTheSchemas) {
  expect_keys_match_schema<TlsResult>("/$defs/tls", kReportKeys);
  expect_keys_match_schema<Endpoint>("/$defs/tls_endpoint");
  expect_keys_match_schema<AcceptedSuite>("/$defs/tls_suite");
  expect_keys_match_schema<CertificateInfo>("/$defs/tls_certificate");
}

}  // namespace
}  // namespace legacyscan::tls
