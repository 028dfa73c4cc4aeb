// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "legacyscan/engine.hpp"

namespace legacyscan {
namespace {

TEST(Engine, PortSelectionFollowsProbeDefaults) {
  const Probe* smb = find_probe("smb");
  ASSERT_NE(smb, nullptr);
  std::vector<const Probe*> selected{smb};
  PortSelection none;
  EXPECT_EQ(ports_for(*smb, none, std::nullopt, selected), smb->default_ports());
  PortSelection plain;
  plain.any = {139};
  EXPECT_EQ(ports_for(*smb, plain, std::nullopt, selected), (std::vector<std::uint16_t>{139}));
  // A port no selected probe knows goes to every selected probe.
  plain.any = {4450};
  EXPECT_EQ(ports_for(*smb, plain, std::nullopt, selected), (std::vector<std::uint16_t>{4450}));
  PortSelection per;
  per.per_probe["smb"] = {8445};
  EXPECT_EQ(ports_for(*smb, per, std::nullopt, selected), (std::vector<std::uint16_t>{8445}));
  // host:port wins.
  EXPECT_EQ(ports_for(*smb, per, 4451, selected), (std::vector<std::uint16_t>{4451}));
}

TEST(Engine, StatusNamesAreTheClosedSet) {
  for (auto s : {Status::ok, Status::refused, Status::timeout, Status::reset, Status::unreachable,
                 Status::protocol_error, Status::error, Status::skipped}) {
    auto back = status_from_string(to_string(s));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(to_string(Status::protocol_error), "protocol-error");
  EXPECT_FALSE(status_from_string("closed"));
}

}  // namespace
}  // namespace legacyscan
