// SPDX-License-Identifier: Apache-2.0
// `legacyscan scan`: its options as given, and the checked plan made from them.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/engine.hpp"
#include "src/compat/policy.hpp"

namespace legacyscan::cli {

// The options of `scan`, as CLI11 fills them (the help text is in scan_command.cpp).
struct ScanArgs {
  std::vector<std::string> targets;
  std::vector<std::string> input_lists;
  std::string probes;
  std::string ports;
  std::string timeout = "3s";
  std::size_t concurrency = 32;
  std::size_t per_host = 4;
  std::size_t max_connections = 128;
  double max_rate = 0;
  std::string host_timeout;
  bool no_ping = false;
  std::string shard;
  std::string resume;
  std::vector<std::string> require;
  std::string policy_file;
  std::string junit;
  std::string sarif;
  std::string domain;
  std::string forest;
  std::string dns_server;
  int retries = 2;
  std::string format;
  std::string output;
  bool first_address = false;
  bool no_color = false;
  bool details = false;
  bool show_down = false;
  std::map<std::string, std::string> probe_options;
  std::string user;
  std::string password;
  std::string password_env;
  std::string password_file;
  std::string keytab;
};

// What the engine runs and the policy the results are checked against.
struct ScanJob {
  ScanPlan plan;
  std::vector<PolicyRule> rules;
};

// Parses and checks every option (targets, DC discovery, probes, ports, limits, credentials, policy) in
// the order the first error is reported, before anything is scanned. The job, or the exit code to stop
// with (the usage error has been printed).
struct PlanOrExit {
  std::optional<ScanJob> job;
  int exit_code = 0;
};
PlanOrExit plan_scan(const ScanArgs& a);

}  // namespace legacyscan::cli
