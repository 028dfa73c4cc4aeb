// SPDX-License-Identifier: Apache-2.0
// Runs the real legacyscan binary inside a lab scenario's network namespace (scripts/lab) and parses
// what it prints. Integration tests are named Integration* so ctest runs them after the lab fixture.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace legacyscan::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Runs a shell command line, capturing stdout and stderr separately.
inline RunResult run_command(const std::string& cmdline) {
  static int counter = 0;
  const std::string base =
      ::testing::TempDir() + "/legacyscan-run-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const std::string full = cmdline + " >" + base + ".out 2>" + base + ".err </dev/null";
  const int rc = std::system(full.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

// legacyscan ARGS... inside the namespace of a lab scenario ("legacy", "hardened", "stock").
inline RunResult run_in_lab(const std::string& scenario, const std::vector<std::string>& args) {
  std::string cmd = "ip netns exec ls-" + scenario + " " + shell_quote(LEGACYSCAN_BINARY);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  return run_command(cmd);
}

// Runs a scan with --format json and returns the parsed document (fails the test on bad JSON).
inline nlohmann::json scan_json(const std::string& scenario, std::vector<std::string> args, int expected_exit = 0) {
  args.insert(args.begin(), "scan");
  args.push_back("--format");
  args.push_back("json");
  auto r = run_in_lab(scenario, args);
  EXPECT_EQ(r.exit_code, expected_exit) << "stderr: " << r.err;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << "not JSON: " << r.out.substr(0, 400);
  return doc;
}

// `scripts/lab info SCENARIO` as a map (LAB_REALM, LAB_DOMAIN, LAB_HOST, LAB_FQDN, LAB_NETBIOS, ...): the
// scenario's own configuration, from which tests derive what the DC must answer.
inline std::map<std::string, std::string> lab_info(const std::string& scenario) {
  auto r = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab info " + scenario);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> vars;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string v = line.substr(eq + 1);
    if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"')) v = v.substr(1, v.size() - 2);
    vars[line.substr(0, eq)] = v;
  }
  return vars;
}

}  // namespace legacyscan::testing
