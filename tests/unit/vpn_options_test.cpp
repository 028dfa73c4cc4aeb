// SPDX-License-Identifier: Apache-2.0
// The vpn probe's options are checked when the command line is parsed: a bad --vpn-ports entry is a
// usage error that names it.
#include <gtest/gtest.h>

#include "probes/vpn/vpn_probe.hpp"

namespace legacyscan {
namespace {

ScanSettings with(std::string flag, std::string value) {
  ScanSettings s;
  s.probe_options[std::move(flag)] = std::move(value);
  return s;
}

TEST(VpnOptions, PortsTakePartColonPort) {
  const auto probe = make_vpn_probe();
  for (const char* good : {"ike:5000", "pptp:1724,l2tp:11701", "nat-t:4501,ike:500"})
    EXPECT_EQ(probe->check_options(with("vpn-ports", good)), "") << good;
  EXPECT_EQ(probe->check_options(with("vpn-ports", "ipsec:500")),
            "--vpn-ports: 'ipsec:500' is not PART:PORT (pptp, ike, nat-t, l2tp)");
  EXPECT_EQ(probe->check_options(with("vpn-ports", "l2tp:1701,ike:0")), "--vpn-ports: bad port in 'ike:0'");
  for (const char* bad : {"ike", "ike:", "ike:65536", "ike:5x", "ike:500,", "IKE:500"})
    EXPECT_NE(probe->check_options(with("vpn-ports", bad)), "") << bad;
}

}  // namespace
}  // namespace legacyscan
