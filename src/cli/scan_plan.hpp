// SPDX-License-Identifier: Apache-2.0
// `legacyscan scan`: its options as given, and the checked plan made from them.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "legacyscan/engine/engine.hpp"
#include "src/cli/logging.hpp"
#include "src/compat/policy.hpp"

namespace legacyscan::cli {

// The options of `scan`, as CLI11 fills them (the help text is in scan_command.cpp).
// Options that take several values are repeated, one value each (comma lists still work), so a target
// may follow any of them; counts are signed so that a negative one is a usage error, not a huge number.
struct ScanArgs {
  std::vector<std::string> targets;
  std::vector<std::string> input_lists;
  std::vector<std::string> probes;
  std::string ports;
  std::string timeout = "3s";
  long long concurrency = 32;
  long long per_host = 4;
  long long max_connections = 128;
  double max_rate = 0;
  std::string host_timeout;
  bool no_ping = false;
  std::string shard;
  std::string shard_count;  // --shard auto: N when the runner gives only K (Kubernetes Indexed Jobs)
  std::string resume;
  std::string store;  // --store URL: write the run into the result store as it goes
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
  bool audit_accounts = false;  // --audit-accounts: the account audit beside the matrix
  std::map<std::string, std::string> probe_options;
  std::map<std::string, std::vector<std::string>> probe_list_options;  // ProbeOption::list: every value given
  std::string user;
  std::string password;
  std::string password_env;
  std::string password_file;
  std::string keytab;
};

// What the engine runs and the policy the results are checked against.
struct ScanJob {
  ScanPlan plan;
  std::shared_ptr<const Probe> audit;  // --audit-accounts: the accounts probe (not in the registry)
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

// Declares the options of `scan` on `scan` (scan_command.cpp), filling `a` and `log` when parsed.
void add_scan_options(CLI::App* scan, ScanArgs& a, LogFlags& log);

}  // namespace legacyscan::cli
