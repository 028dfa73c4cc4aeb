// SPDX-License-Identifier: Apache-2.0
// `legacyscan pcap`: passive audit of capture files or a live interface.
#include <iostream>
#include <memory>

#include "legacyscan/engine/engine.hpp"
#include "legacyscan/engine/input_file.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/format_check.hpp"
#include "src/cli/output.hpp"
#include "src/cli/signals.hpp"
#include "src/cli/store_sink.hpp"
#include "src/cli/usage.hpp"
#include "src/passive/passive.hpp"

namespace legacyscan::cli {

namespace {

struct PcapArgs {
  std::vector<std::string> files;
  std::string interface;
  std::string filter;
  long long count = 0;  // signed: a negative count is a usage error, not a huge number
  std::string format;   // empty: from the extension of -o, else table
  std::string output;
  std::string store;  // --store URL: the clients seen, as rows of the result store
};

int run_pcap_command(const PcapArgs& a) {
  if (a.files.empty() && a.interface.empty())
    return usage_error("pcap: name capture files (or - for standard input), or --interface IF");
  if (!a.files.empty() && !a.interface.empty())
    return usage_error("pcap: capture files and --interface exclude each other");
  if (!a.filter.empty() && a.interface.empty()) return usage_error("pcap: --filter applies to --interface only");
  if (a.count < 0) return usage_error("pcap: --count must be 0 (no limit) or more");
  for (const auto& f : a.files)
    if (auto reason = f == "-" ? "" : check_input_file(f); !reason.empty())
      return usage_error("pcap: " + f + ": " + reason);
  std::string err;
  StoreSink store;
  if (!a.store.empty() && !store.open(a.store, rfc3339_now(), "", err)) return usage_error("pcap: " + err);
  passive::Analyzer analyzer;
  const auto stop = [] { return stop_requested().load(); };
  if (!a.interface.empty()) {
    stop_on_interrupt();
    err = passive::read_live(a.interface, a.filter, static_cast<std::uint64_t>(a.count), analyzer, stop);
  } else {
    err = passive::read_capture_files(a.files, analyzer, stop);
  }
  if (!err.empty()) return usage_error("pcap: " + err);
  passive::Report report = analyzer.finish();
  report.source.inputs = a.interface.empty() ? a.files : std::vector<std::string>{"interface:" + a.interface};
  for (const auto& w : report.source.warnings) std::cerr << "legacyscan: warning: " << w << "\n";
  return store_passive(store, report, write_passive(report, a.format, a.output));
}

}  // namespace

Command add_pcap_command(CLI::App& app) {
  auto a = std::make_shared<PcapArgs>();
  auto* cmd = app.add_subcommand("pcap", "Passive audit: the legacy protocols each client used in packet captures");
  cmd->add_option("files", a->files, "pcap or pcapng files, - for standard input");
  cmd->add_option("--interface,-i", a->interface, "Capture live on this interface (needs CAP_NET_RAW) until Ctrl-C");
  cmd->add_option("--filter", a->filter, "BPF filter for --interface (default: the ports passive mode decodes)");
  cmd->add_option("--count", a->count, "With --interface: stop after this many packets");
  cmd->add_option("--format", a->format, "Output format (default: from the extension of -o, else table)")
      ->check(format_check(report::FormatUse::passive));
  cmd->add_option("-o,--output", a->output, "Write the report to FILE");
  cmd->add_option("--store", a->store, "Also write the clients seen into this result store (docs/fleet.md)");
  return {cmd, [a] { return run_pcap_command(*a); }};
}

}  // namespace legacyscan::cli
