// SPDX-License-Identifier: Apache-2.0
// The NetBIOS result declared once (fields()): every result of a full lab scan reads back from its JSON and
// writes the same JSON again, and the keys each struct declares are the keys the JSON schema lists for it.
// Golden data: tests/data/results/netbios.json (hosts[].probes.netbios of the lab scan, see its README.md).
#include "probes/netbios/netbios_result.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::netbios {
namespace {

using test::expect_keys_match_schema;
using test::kReportKeys;

TEST(NetbiosResultFields, LabResultsRoundTrip) { test::expect_round_trip("netbios", fields::read<NetbiosResult>); }

// The hardened lab DC has NetBIOS off: 137 and 139 closed is the hardening (GOOD).
TEST(NetbiosResultFields, ClosedNetbiosPortsAreGood) {
  std::vector<Finding> out;
  fields::read<NetbiosResult>(test::golden_results("netbios").at("hardened/127.0.0.1")).findings(out);
  int closed = 0;
  for (const auto& f : out) {
    EXPECT_NE(f.verdict, Verdict::failure) << f.check;
    if (f.port == "137/udp" || f.port == "139/tcp") {
      EXPECT_EQ(f.verdict, Verdict::good) << f.check << ": " << f.value;
      EXPECT_EQ(f.value.rfind("closed", 0), 0u) << f.value;
      ++closed;
    }
  }
  EXPECT_EQ(closed, 2);
}

TEST(NetbiosResultFields, KeysAreTheSchemas) {
  expect_keys_match_schema<NetbiosResult>("/$defs/netbios", kReportKeys);
  expect_keys_match_schema<NodeStatusInfo>("/$defs/netbios_node_status");
  expect_keys_match_schema<NameQueryInfo>("/$defs/netbios_name_query");
  expect_keys_match_schema<MailslotInfo>("/$defs/netbios_mailslot");
  expect_keys_match_schema<NameEntry>("/$defs/netbios_name");
  expect_keys_match_schema<BroadcastInfo>("/$defs/netbios_broadcast");
  expect_keys_match_schema<BroadcastQuery>("/$defs/netbios_broadcast/properties/queries/items");
  expect_keys_match_schema<BroadcastAnswer>(
      "/$defs/netbios_broadcast/properties/queries/items/properties/answers/items");
}

}  // namespace
}  // namespace legacyscan::netbios
