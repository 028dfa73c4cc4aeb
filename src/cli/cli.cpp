// SPDX-License-Identifier: Apache-2.0
// The only place that knows CLI11: the top-level command line (--version, --help) and the dispatch to
// the subcommands (one file each, *_command.cpp).
#include "src/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "src/cli/commands.hpp"
#include "src/cli/generate.hpp"
#include "src/cli/help.hpp"
#include "src/cli/logging.hpp"
#include "src/cli/store_sink.hpp"

namespace legacyscan::cli {

// One text for the footer of every subcommand's help.
#define LEGACYSCAN_EXIT_CODES "Exit codes: 0 done, 1 policy failed, 2 usage or bad input, 3 nothing could be scanned."
const char* const kExitCodes = LEGACYSCAN_EXIT_CODES;

const char* const kExamples = R"(Examples:
  legacyscan scan dc1.example.test                  all probes, default ports, table on the terminal
  legacyscan scan 10.0.0.0/29 --probes smb -o r.json --format json
  legacyscan scan dc1:4450 [fd00::5]:445 10.0.0.1-5 --timeout 2s
  legacyscan scan -iL targets.txt --format jsonl    one JSON host object per line as hosts finish
  legacyscan probes                                  list probes, ports and what they check
  legacyscan help report                             the options and examples of one command

)" LEGACYSCAN_EXIT_CODES;

int main(int argc, char** argv) {
  // nmap spells the target-list option "-iL"; CLI11 short options are one letter, so map it.
  std::vector<std::string> args(argv, argv + argc);
  for (auto& s : args)
    if (s == "-iL") s = "--input-list";
  // `legacyscan help [COMMAND]` is `legacyscan [COMMAND] --help` (git's and go's spelling).
  if (args.size() >= 2 && args[1] == "help") {
    args.erase(args.begin() + 1);
    args.push_back("--help");
  }
  record_command_line(args);
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());

  // Named here: CLI11 would otherwise name the program after argv[0] ("build/legacyscan") in the usage line.
  CLI::App app{
      "legacyscan: which legacy protocols (SMB1, old SMB2 dialects, weak signing, ...) a Windows/AD server "
      "still accepts",
      "legacyscan"};
  app.set_version_flag("-V,--version", std::string("legacyscan ") + LEGACYSCAN_VERSION);
  app.footer(kExamples);
  app.require_subcommand(0, 1);

  // In the order `legacyscan --help` lists them.
  LogFlags log;
  const std::vector<Command> commands{
      add_scan_command(app, log), add_merge_command(app),  add_profiles_command(app), add_whatif_command(app),
      add_pcap_command(app),      add_events_command(app), add_diff_command(app),     add_report_command(app),
      add_probes_command(app),    add_rules_command(app),  add_accounts_command(app), add_import_command(app),
      add_history_command(app),   add_store_command(app),
  };
  describe_values_and_examples(app);
  wrap_help_lines(app);
  // Hidden (no group): the build writes the man page and the completions with it.
  std::string generate_kind;
  app.add_option("--generate", generate_kind, "Print the man page or a shell completion")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(kGeneratedKinds), std::end(kGeneratedKinds))))
      ->group("");

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

  if (!generate_kind.empty()) {
    std::cout << generate(app, generate_kind);
    return std::cout.flush() ? kExitDone : kExitNothingScanned;
  }
  setup_logging(log);
  for (const auto& c : commands)
    if (c.app->parsed()) return c.run();
  std::cout << app.help();
  return kExitUsage;
}

}  // namespace legacyscan::cli
