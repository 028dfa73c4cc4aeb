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

// The legacy lab DC (domain level 2003) has no AES keys: aes256 rejected is BAD, since RC4 cannot be
// switched off; the stock DC accepts aes256 (a plain fact).
TEST(KerberosResultFields, MissingAesKeysAreBad) {
  const auto golden = test::golden_results("kerberos");
  const auto verdict_of = [&](const char* host, const std::string& etype) {
    std::vector<Finding> out;
    fields::read<KerberosResult>(golden.at(host)).findings(out);
    for (const auto& f : out)
      if (f.check == "kerberos.etype." + etype) return f;
    return Finding{};
  };
  const Finding legacy = verdict_of("legacy/127.0.0.1", "aes256-cts-hmac-sha1-96");
  EXPECT_EQ(legacy.verdict, Verdict::bad);
  EXPECT_NE(legacy.value.find("RC4 cannot be switched off"), std::string::npos) << legacy.value;
  EXPECT_EQ(verdict_of("legacy/127.0.0.1", "aes128-cts-hmac-sha1-96").verdict, Verdict::bad);
  EXPECT_EQ(verdict_of("legacy/127.0.0.1", "aes256-cts-hmac-sha384-192").verdict, Verdict::info);
  EXPECT_EQ(verdict_of("stock/127.0.0.1", "aes256-cts-hmac-sha1-96").verdict, Verdict::info);
}

TEST(KerberosResultFields, KeysAreTheSchemas) {
  expect_keys_match_schema<KerberosResult>("/$defs/kerberos", kReportKeys);
  expect_keys_match_schema<EtypeRow>("/$defs/kerberos/properties/etype_details/additionalProperties");
  expect_keys_match_schema<OfferResult>("/$defs/kerberos/properties/xp_offer");
  expect_keys_match_schema<XpLogon>("/$defs/kerberos/properties/xp_logon");
  expect_keys_match_schema<EtypeAnswer>("/$defs/kerberos_answer");
}

}  // namespace
}  // namespace legacyscan::kerberos
