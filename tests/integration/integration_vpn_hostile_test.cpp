// SPDX-License-Identifier: Apache-2.0
// The vpn probe against responders that lie (tests/hostile/vpn_hostile.py in the lab's "vpnhostile"
// scenario, namespace ls-vpnhostile; the script's docstring lists one behaviour per address). Each must
// end within its deadlines with a status and a reason, nothing crashes, and what is kept stays bounded.
#include <gtest/gtest.h>

#include <chrono>

#include "lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const json& vpn_of(const json& doc, const std::string& address) {
  for (const auto& h : doc["hosts"])
    if (h["address"] == address) return h["probes"]["vpn"];
  static const json none;
  ADD_FAILURE() << "no host " << address;
  return none;
}

TEST(IntegrationVpnHostile, LyingRespondersEndInTimeWithAReason) {
  auto st = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab status vpnhostile");
  ASSERT_EQ(st.exit_code, 0) << "the vpnhostile scenario is not up (scripts/lab up vpnhostile): " << st.out << st.err;
  const auto start = std::chrono::steady_clock::now();
  auto doc = scan_json("vpnhostile", {"127.0.0.3", "127.0.0.4", "127.0.0.5", "--probes", "vpn", "--ports", "500,1723",
                                      "--no-ping", "--timeout", "1s"});
  // Three UDP waits of 0.25 + 0.5 + 1 s at most per part, the parts side by side, the hosts together.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));

  // A transform that was never offered ends the enumeration with an anomaly; a lying PPTP length is a
  // protocol error, not a read of 65535 bytes.
  const auto& a = vpn_of(doc, "127.0.0.3");
  EXPECT_NE(a["ike"]["v1"].value("anomaly", "").find("not offered"), std::string::npos) << a.dump();
  EXPECT_EQ(a["pptp"]["status"], "protocol-error") << a["pptp"].dump();
  EXPECT_NE(a["pptp"]["reason"].get<std::string>().find("65535"), std::string::npos);

  // A responder that accepts every proposal: each of the 450 transforms once, one exchange each, and
  // no more; a PPTP reply cut short ends within --timeout as a protocol error (something listens there,
  // but it does not answer as PPTP), not as a silent port.
  const auto& b = vpn_of(doc, "127.0.0.4");
  EXPECT_EQ(b["ike"]["v1"]["transforms"].size(), 450u);
  EXPECT_LE(b["ike"]["v1"]["exchanges"].get<int>(), 450 + 19);
  EXPECT_EQ(b["pptp"]["status"], "protocol-error") << b["pptp"].dump();

  // A notify flood reads as a refusal; a PPTP port that closes at once is a reset (the check failed).
  const auto& c = vpn_of(doc, "127.0.0.5");
  EXPECT_EQ(c["pptp"]["status"], "reset") << c["pptp"].dump();
  EXPECT_EQ(c["ike"]["v1"]["status"], "ok");
  EXPECT_TRUE(c["ike"]["v1"]["transforms"].empty());
  EXPECT_EQ(c["ike"]["v1"]["aggressive_mode"]["answer"], "NO_PROPOSAL_CHOSEN");

  // The table stays readable: a responder with 450 transforms gets one line per verdict.
  std::size_t transform_lines = 0;
  for (const auto& h : doc["hosts"])
    for (const auto& f : h["findings"]) {
      if (f["check"] != "vpn.pptp") {
        EXPECT_NE(f["verdict"], "failed") << f.dump();  // a PPTP port that lies is a failed check
      }
      if (h["address"] == "127.0.0.4" && f["check"] == "ike.v1.transform") ++transform_lines;
    }
  EXPECT_LE(transform_lines, 3u);
}

}  // namespace
}  // namespace legacyscan::testing
