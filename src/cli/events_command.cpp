// SPDX-License-Identifier: Apache-2.0
// `legacyscan events`: passive audit of Windows event logs (.evtx) and their exports.
#include <iostream>
#include <memory>

#include "legacyscan/engine/engine.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/format_check.hpp"
#include "src/cli/output.hpp"
#include "src/cli/store_sink.hpp"
#include "src/cli/usage.hpp"
#include "src/passive/passive.hpp"

namespace legacyscan::cli {

namespace {

struct EventsArgs {
  std::vector<std::string> files;
  std::string format;  // empty: from the extension of -o, else table
  std::string output;
  std::string store;  // --store URL: the clients seen, as rows of the result store
};

int run_events_command(const EventsArgs& a) {
  std::string err;
  StoreSink store;
  if (!a.store.empty() && !store.open(a.store, rfc3339_now(), "", err)) return usage_error("events: " + err);
  passive::Report report;
  for (const auto& f : a.files) {
    const std::string err = passive::read_events_file(f, report);
    if (!err.empty()) return usage_error("events: " + err);
  }
  // Which events gave nothing, and why: an export of the wrong log or without the audit fields is seen
  // here rather than as an audit that found no client.
  for (const auto& [why, count] : report.source.events_skipped)
    std::cerr << "legacyscan: events: skipped " << count << (count == 1 ? " event: " : " events: ") << why << "\n";
  for (const auto& w : report.source.warnings) std::cerr << "legacyscan: warning: " << w << "\n";
  return store_passive(store, report, write_passive(report, a.format, a.output));
}

}  // namespace

Command add_events_command(CLI::App& app) {
  auto a = std::make_shared<EventsArgs>();
  auto* cmd =
      app.add_subcommand("events", "Passive audit of Windows events (.evtx files, or JSON, CSV or XML exports)");
  cmd->add_option("files", a->files, ".evtx logs, or Get-WinEvent | ConvertTo-Json / Export-Csv, or wevtutil XML")
      ->required();
  cmd->add_option("--format", a->format, "Output format (default: from the extension of -o, else table)")
      ->check(format_check(report::FormatUse::passive));
  cmd->add_option("-o,--output", a->output, "Write the report to FILE");
  cmd->add_option("--store", a->store, "Also write the clients seen into this result store (docs/fleet.md)");
  return {cmd, [a] { return run_events_command(*a); }};
}

}  // namespace legacyscan::cli
