// SPDX-License-Identifier: Apache-2.0
// The command line of `scan`: options that take several values are repeated one value at a time, so a
// target may follow any option (as with nmap); negative counts are usage errors.
#include <gtest/gtest.h>

#include "src/cli/cli.hpp"
#include "src/cli/scan_plan.hpp"

namespace legacyscan::cli {
namespace {

struct Parsed {
  ScanArgs args;
  LogFlags log;
};

// Parses `scan ARGS...` as the binary does (after its -iL -> --input-list mapping).
std::unique_ptr<Parsed> parse_scan(std::vector<std::string> argv) {
  auto p = std::make_unique<Parsed>();
  CLI::App app;
  add_scan_options(&app, p->args, p->log);
  std::reverse(argv.begin(), argv.end());  // CLI11 takes the arguments last first
  app.parse(argv);
  return p;
}

TEST(CliScanArgs, ATargetAfterAnOptionIsATarget) {
  auto p = parse_scan({"--require", "smb1=off", "10.0.0.1"});
  EXPECT_EQ(p->args.require, (std::vector<std::string>{"smb1=off"}));
  EXPECT_EQ(p->args.targets, (std::vector<std::string>{"10.0.0.1"}));
  p = parse_scan({"--input-list", "a.txt", "10.0.0.2"});
  EXPECT_EQ(p->args.input_lists, (std::vector<std::string>{"a.txt"}));
  EXPECT_EQ(p->args.targets, (std::vector<std::string>{"10.0.0.2"}));
  p = parse_scan({"--probes", "smb", "10.0.0.3", "--starttls", "ldap:389", "10.0.0.4"});
  EXPECT_EQ(p->args.targets, (std::vector<std::string>{"10.0.0.3", "10.0.0.4"}));
}

TEST(CliScanArgs, RepeatedOptionsAccumulate) {
  auto p = parse_scan({"10.0.0.1", "--require", "smb1=off", "--require", "tls.min=1.2", "--probes", "smb", "--probes",
                       "tls,ldap", "--starttls", "ldap:389", "--starttls", "smtp:25,imap:143"});
  EXPECT_EQ(p->args.require, (std::vector<std::string>{"smb1=off", "tls.min=1.2"}));
  auto plan = plan_scan(p->args);
  ASSERT_TRUE(plan.job) << plan.exit_code;
  std::vector<std::string> names;
  for (const auto* probe : plan.job->plan.probes) names.emplace_back(probe->name());
  EXPECT_EQ(names, (std::vector<std::string>{"smb", "tls", "ldap"}));
  EXPECT_EQ(plan.job->plan.settings.probe_options.at("starttls"), "ldap:389,smtp:25,imap:143");
  EXPECT_EQ(plan.job->rules.size(), 2u);
}

TEST(CliScanArgs, NegativeCountsAreUsageErrors) {
  for (const char* option : {"--concurrency", "--per-host", "--max-connections"}) {
    auto p = parse_scan({"10.0.0.1", option, "-1"});
    const auto plan = plan_scan(p->args);
    EXPECT_FALSE(plan.job) << option;
    EXPECT_EQ(plan.exit_code, kExitUsage) << option;
  }
}

}  // namespace
}  // namespace legacyscan::cli
