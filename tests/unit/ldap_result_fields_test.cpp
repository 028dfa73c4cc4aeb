// SPDX-License-Identifier: Apache-2.0
// The Ldap result declared once (fields()): every result of a full lab scan reads back from its JSON and
// writes the same JSON again, and the keys each struct declares are the keys the JSON schema lists for it.
// Golden data: tests/data/results/ldap.json (hosts[].probes.ldap of the lab scan, see its README.md).
#include "probes/ldap/ldap_result.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::ldap {
namespace {

using test::expect_keys_match_schema;
using test::kReportKeys;

TEST(LdapResultFields, LabResultsRoundTrip) { test::expect_round_trip("ldap", fields::read<LdapResult>); }

TEST(LdapResultFields, KeysAreTheSchemas) {
  expect_keys_match_schema<LdapResult>("/$defs/ldap", kReportKeys);
  expect_keys_match_schema<CldapPing>("/$defs/ldap_ping");
  expect_keys_match_schema<RootDse>("/$defs/ldap_rootdse");
  expect_keys_match_schema<BindCheck>("/$defs/ldap_bind");
  expect_keys_match_schema<ChannelBindingCheck>("/$defs/ldap_channel_binding_check");
  expect_keys_match_schema<ChannelBindingAttempt>("/$defs/ldap_channel_binding_check/properties/attempts/items");
}

}  // namespace
}  // namespace legacyscan::ldap
