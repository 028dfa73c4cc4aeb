// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <fstream>

#include "legacyscan/engine/target.hpp"

namespace legacyscan {
namespace {

TargetSpec ok(std::string_view text) {
  auto r = parse_target(text);
  if (auto* e = std::get_if<TargetError>(&r)) ADD_FAILURE() << text << ": " << e->reason;
  return std::get<TargetSpec>(r);
}

std::string err(std::string_view text) {
  auto r = parse_target(text);
  if (std::holds_alternative<TargetSpec>(r)) {
    ADD_FAILURE() << text << " parsed but should not";
    return {};
  }
  return std::get<TargetError>(r).reason;
}

TEST(Target, Ipv4Literal) {
  auto t = ok("10.0.0.7");
  EXPECT_EQ(t.kind, TargetSpec::Kind::address);
  EXPECT_EQ(t.count, 1u);
  EXPECT_EQ(t.address_at(0).to_string(), "10.0.0.7");
  EXPECT_FALSE(t.port);
}

TEST(Target, Ipv6LiteralAndBracketPort) {
  EXPECT_EQ(ok("::1").address_at(0).to_string(), "::1");
  auto t = ok("[fd00::5]:4450");
  EXPECT_EQ(t.address_at(0).to_string(), "fd00::5");
  ASSERT_TRUE(t.port);
  EXPECT_EQ(*t.port, 4450);
}

TEST(Target, HostNameAndPort) {
  auto t = ok("dc1.example.test:139");
  EXPECT_EQ(t.kind, TargetSpec::Kind::name);
  EXPECT_EQ(t.name, "dc1.example.test");
  EXPECT_EQ(*t.port, 139);
  EXPECT_EQ(t.text, "dc1.example.test:139");
}

TEST(Target, CidrIsMaskedAndCounted) {
  auto t = ok("10.0.0.5/30");
  EXPECT_EQ(t.kind, TargetSpec::Kind::cidr);
  EXPECT_EQ(t.count, 4u);
  EXPECT_EQ(t.address_at(0).to_string(), "10.0.0.4");
  EXPECT_EQ(t.address_at(3).to_string(), "10.0.0.7");
  EXPECT_EQ(ok("10.1.0.0/16").count, 65536u);
  auto v6 = ok("fd00::/126");
  EXPECT_EQ(v6.count, 4u);
  EXPECT_EQ(v6.address_at(3).to_string(), "fd00::3");
}

TEST(Target, Ranges) {
  auto t = ok("10.0.0.1-5");
  EXPECT_EQ(t.kind, TargetSpec::Kind::range);
  EXPECT_EQ(t.count, 5u);
  EXPECT_EQ(t.address_at(4).to_string(), "10.0.0.5");
  auto u = ok("10.0.0.250-10.0.1.2");
  EXPECT_EQ(u.count, 9u);
  EXPECT_EQ(u.address_at(8).to_string(), "10.0.1.2");
}

TEST(Target, BadInputNamesTheProblem) {
  EXPECT_NE(err("10.0.0.256").find("not an IP address"), std::string::npos);
  EXPECT_NE(err("10.0.0.1:0").find("port"), std::string::npos);
  EXPECT_NE(err("10.0.0.1:99999").find("port"), std::string::npos);
  EXPECT_NE(err("10.0.0.0/33").find("prefix"), std::string::npos);
  EXPECT_NE(err("10.0.0.9-3").find("before its start"), std::string::npos);
  EXPECT_NE(err("10.0.0.1-300").find("range end"), std::string::npos);
  EXPECT_NE(err("bad_host!").find("not an IP address"), std::string::npos);
  EXPECT_NE(err("").find("empty"), std::string::npos);
  EXPECT_NE(err("[fd00::1").find("']'"), std::string::npos);
  EXPECT_NE(err("0.0.0.0/4").find("larger than /8"), std::string::npos);
  EXPECT_NE(err("-dc1").find("not an IP address"), std::string::npos);
}

TEST(Target, FileWithCommentsAndLineNumbers) {
  const std::string path = ::testing::TempDir() + "/targets.txt";
  {
    std::ofstream f(path);
    f << "# lab\n10.0.0.1\n\n  dc1.example.test  # the DC\n10.0.0.0/31\n";
  }
  auto r = read_target_file(path);
  ASSERT_TRUE(std::holds_alternative<std::vector<TargetSpec>>(r));
  const auto& v = std::get<std::vector<TargetSpec>>(r);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[1].name, "dc1.example.test");
  {
    std::ofstream f(path);
    f << "10.0.0.1\n10.0.0.999\n";
  }
  auto bad = read_target_file(path);
  ASSERT_TRUE(std::holds_alternative<TargetError>(bad));
  EXPECT_EQ(std::get<TargetError>(bad).where, path + ":2");
  EXPECT_EQ(std::get<TargetError>(bad).entry, "10.0.0.999");
  auto missing = read_target_file(path + ".does-not-exist");
  ASSERT_TRUE(std::holds_alternative<TargetError>(missing));
  EXPECT_EQ(std::get<TargetError>(missing).reason, "No such file or directory");
}

TEST(Target, EmptyListOrDirectoryIsNamed) {
  const std::string path = ::testing::TempDir() + "/targets-empty.txt";
  std::ofstream(path).close();
  auto empty = read_target_file(path);
  ASSERT_TRUE(std::holds_alternative<TargetError>(empty));
  EXPECT_EQ(std::get<TargetError>(empty).reason, "the file is empty");
  std::ofstream(path) << "# nothing yet\n\n";
  auto comments = read_target_file(path);
  ASSERT_TRUE(std::holds_alternative<TargetError>(comments));
  EXPECT_EQ(std::get<TargetError>(comments).reason, "no targets in the file (only comments and blank lines)");
  auto dir = read_target_file(::testing::TempDir());
  ASSERT_TRUE(std::holds_alternative<TargetError>(dir));
  EXPECT_EQ(std::get<TargetError>(dir).reason, "is a directory");
}

TEST(Target, Ipv6WithAPortWithoutBracketsSaysHowToWriteIt) {
  EXPECT_EQ(err("::1:445"), "ambiguous: write [::1]:445 for port 445 of ::1, or [::1:445] for that address");
  EXPECT_EQ(err("fd00::5:44500"), "not a valid IPv6 address; for port 44500 write [fd00::5]:44500");
  EXPECT_EQ(ok("[fd00::1:445]").address_at(0).to_string(), "fd00::1:445");
  EXPECT_EQ(*ok("[::1]:445").port, 445);
  // Not an address and a port: hex in the last group, or no address before it.
  EXPECT_EQ(ok("fd00::5:abc").address_at(0).to_string(), "fd00::5:abc");
  EXPECT_EQ(ok("1:2:3:4:5:6:7:8").address_at(0).to_string(), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(ok("fd00::445").address_at(0).to_string(), "fd00::445");
}

}  // namespace
}  // namespace legacyscan
