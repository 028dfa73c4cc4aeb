// SPDX-License-Identifier: Apache-2.0
// The only place that knows CLI11: the top-level command line (--version, --help) and the dispatch to
// the subcommands (one file each, *_command.cpp).
#include "src/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "src/cli/commands.hpp"
#include "src/cli/logging.hpp"

namespace legacyscan::cli {

const char* const kExamples = R"(Examples:
  legacyscan scan dc1.example.test                  all probes, default ports, table on the terminal
  legacyscan scan 10.0.0.0/29 --probes smb -o r.json --format json
  legacyscan scan dc1:4450 [fd00::5]:445 10.0.0.1-5 --timeout 2s
  legacyscan scan -iL targets.txt --format jsonl    one JSON host object per line as hosts finish
  legacyscan probes                                  list probes, ports and what they check

Exit codes: 0 done, 1 policy failed, 2 usage or bad input, 3 nothing could be scanned.)";

int main(int argc, char** argv) {
  // nmap spells the target-list option "-iL"; CLI11 short options are one letter, so map it.
  std::vector<std::string> args(argv, argv + argc);
  for (auto& s : args)
    if (s == "-iL") s = "--input-list";
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());

  CLI::App app{
      "legacyscan: which legacy protocols (SMB1, old SMB2 dialects, weak signing, ...) a Windows/AD server "
      "still accepts"};
  app.set_version_flag("--version", std::string("legacyscan ") + LEGACYSCAN_VERSION);
  app.footer(kExamples);
  app.require_subcommand(0, 1);

  // In the order `legacyscan --help` lists them.
  LogFlags log;
  const std::vector<Command> commands{
      add_scan_command(app, log), add_merge_command(app),  add_profiles_command(app),
      add_whatif_command(app),    add_pcap_command(app),   add_events_command(app),
      add_diff_command(app),      add_report_command(app), add_probes_command(app),
  };

  try {
    app.parse(static_cast<int>(argp.size()), argp.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "legacyscan: " << e.what() << "\nRun with --help for usage.\n";
    return kExitUsage;
  }

  setup_logging(log);
  for (const auto& c : commands)
    if (c.app->parsed()) return c.run();
  std::cout << app.help();
  return kExitUsage;
}

}  // namespace legacyscan::cli
