// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "src/cli/options.hpp"

namespace legacyscan::cli {
namespace {

TEST(CliOptions, Durations) {
  std::string e;
  EXPECT_EQ(parse_duration("3s", e)->count(), 3000);
  EXPECT_EQ(parse_duration("500ms", e)->count(), 500);
  EXPECT_EQ(parse_duration("1.5s", e)->count(), 1500);
  EXPECT_EQ(parse_duration("2m", e)->count(), 120000);
  EXPECT_EQ(parse_duration("2", e)->count(), 2000);
  EXPECT_FALSE(parse_duration("abc", e));
  EXPECT_NE(e.find("bad duration"), std::string::npos);
  EXPECT_FALSE(parse_duration("-1s", e));
  EXPECT_FALSE(parse_duration("0", e));
  EXPECT_FALSE(parse_duration("2h", e));
}

TEST(CliOptions, Ports) {
  std::string e;
  auto s = parse_ports("445,139", e);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->any, (std::vector<std::uint16_t>{445, 139}));
  auto p = parse_ports("smb:4450", e);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->per_probe.at("smb"), (std::vector<std::uint16_t>{4450}));
  EXPECT_FALSE(parse_ports("445,,139", e));
  EXPECT_FALSE(parse_ports("70000", e));
  EXPECT_FALSE(parse_ports("nosuchprobe:445", e));
  EXPECT_NE(e.find("unknown probe"), std::string::npos);
}

}  // namespace
}  // namespace legacyscan::cli

TEST(ResolveCredentials, NothingGivenIsNoCredentials) {
  std::string err;
  auto c = legacyscan::cli::resolve_credentials("", "", "", "", "", err);
  ASSERT_TRUE(c) << err;
  EXPECT_FALSE(c->has_user());
  EXPECT_FALSE(c->has_secret());
}

TEST(ResolveCredentials, PasswordFromEnvironmentAndFile) {
  std::string err;
  ::setenv("LEGACYSCAN_TEST_PW", "s3cret env", 1);
  auto c = legacyscan::cli::resolve_credentials("alice", "", "LEGACYSCAN_TEST_PW", "", "", err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ(c->password, "s3cret env");
  const std::string file = ::testing::TempDir() + "/legacyscan-pw.txt";
  std::ofstream(file) << "from file\r\nsecond line\n";
  c = legacyscan::cli::resolve_credentials("alice", "", "", file, "", err);
  ASSERT_TRUE(c) << err;
  EXPECT_EQ(c->password, "from file");
  std::remove(file.c_str());
}

TEST(ResolveCredentials, BadCombinationsAreErrors) {
  std::string err;
  EXPECT_FALSE(legacyscan::cli::resolve_credentials("alice", "a", "LEGACYSCAN_TEST_PW", "", "", err));
  EXPECT_NE(err.find("one way only"), std::string::npos) << err;
  EXPECT_FALSE(legacyscan::cli::resolve_credentials("", "pw", "", "", "", err));
  EXPECT_NE(err.find("needs --user"), std::string::npos) << err;
  ::unsetenv("LEGACYSCAN_TEST_UNSET_PW");
  EXPECT_FALSE(legacyscan::cli::resolve_credentials("alice", "", "LEGACYSCAN_TEST_UNSET_PW", "", "", err));
  EXPECT_NE(err.find("not set or empty"), std::string::npos) << err;
  EXPECT_FALSE(legacyscan::cli::resolve_credentials("alice", "", "", "/nonexistent/pw", "", err));
  EXPECT_NE(err.find("cannot read"), std::string::npos) << err;
  EXPECT_FALSE(legacyscan::cli::resolve_credentials("alice", "", "", "", "/nonexistent/keytab", err));
  EXPECT_NE(err.find("--keytab"), std::string::npos) << err;
}
