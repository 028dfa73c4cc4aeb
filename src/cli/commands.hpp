// SPDX-License-Identifier: Apache-2.0
// The subcommands. Each add_*_command() declares its subcommand and options on the top-level app and
// returns how to run it once the command line has been parsed.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "src/cli/logging.hpp"

namespace legacyscan::cli {

struct Command {
  CLI::App* app = nullptr;   // the subcommand: run() when it was parsed
  std::function<int()> run;  // the exit code
};

// -v/-q are options of `scan`, but the log is set up for every subcommand: `log` is filled by parsing.
Command add_scan_command(CLI::App& app, LogFlags& log);
Command add_merge_command(CLI::App& app);
Command add_profiles_command(CLI::App& app);  // with `profiles show ID`
Command add_whatif_command(CLI::App& app);
Command add_pcap_command(CLI::App& app);
Command add_events_command(CLI::App& app);
Command add_diff_command(CLI::App& app);
Command add_report_command(CLI::App& app);
Command add_probes_command(CLI::App& app);
Command add_rules_command(CLI::App& app);
Command add_accounts_command(CLI::App& app);
Command add_import_command(CLI::App& app);
Command add_history_command(CLI::App& app);
Command add_store_command(CLI::App& app);  // `store runs`, `store prune`

// The examples and exit codes under `legacyscan --help` and `legacyscan scan --help`.
extern const char* const kExamples;
// The exit codes line under every subcommand's examples.
extern const char* const kExitCodes;

}  // namespace legacyscan::cli
