// SPDX-License-Identifier: Apache-2.0
#include "src/cli/help.hpp"

#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include "src/cli/commands.hpp"
#include "src/cli/output.hpp"
#include "src/report/text_util.hpp"

namespace legacyscan::cli {

namespace {

struct CommandHelp {
  const char* path;                                           // "scan", "profiles show"
  std::vector<std::pair<const char*, const char*>> metavars;  // option name -> value name
  const char* examples;                                       // nullptr: keep the footer it has
};

const std::vector<CommandHelp>& command_help() {
  static const std::vector<CommandHelp> help{
      {"scan",
       {{"targets", "TARGET"},       {"--input-list", "FILE"},   {"--probes", "PROBE,..."},
        {"--ports", "PORTS"},        {"--timeout", "DURATION"},  {"--host-timeout", "DURATION"},
        {"--concurrency", "N"},      {"--per-host", "N"},        {"--max-connections", "N"},
        {"--retries", "N"},          {"--max-rate", "N"},        {"--require", "RULE"},
        {"--policy", "FILE"},        {"--junit", "FILE"},        {"--sarif", "FILE"},
        {"--domain", "DOMAIN"},      {"--forest", "DOMAIN"},     {"--dns-server", "ADDRESS[:PORT]"},
        {"--shard", "K/N|auto"},     {"--shard-count", "N"},     {"--store", "URL"},
        {"--resume", "FILE"},        {"--format", "FORMAT"},     {"--output", "FILE"},
        {"--user", "NAME"},          {"--password", "PASSWORD"}, {"--password-env", "VAR"},
        {"--password-file", "FILE"}, {"--keytab", "FILE"}},
       nullptr},
      {"merge",
       {{"files", "FILE"}, {"--output", "FILE"}},
       R"(Examples:
  legacyscan merge part-1.jsonl part-2.jsonl part-3.jsonl -o all.json   shards of one --shard K/N scan
  legacyscan merge monday.json rescan.jsonl > all.json                 a host given twice: the first is kept)"},
      {"profiles",
       {{"--format", "FORMAT"}},
       R"(Examples:
  legacyscan profiles                           the client profiles of the compatibility matrix
  legacyscan profiles show windows-xp-sp3       one profile, with the source of each fact)"},
      {"profiles show", {{"id", "ID"}}, nullptr},
      {"whatif",
       {{"results", "FILE"},
        {"--from-capture", "FILE"},
        {"--disable", "TERM"},
        {"--require", "TERM"},
        {"--format", "FORMAT"}},
       R"(Examples:
  legacyscan whatif dcs.json --disable smb1,rc4              which clients break on the scanned DCs
  legacyscan whatif dcs.json --require smb-signing --format json
  legacyscan whatif --from-capture site.pcapng --disable ntlmv1,tls1.0   the clients a capture saw
  legacyscan rules                                           every term, with its policy rule)"},
      {"pcap",
       {{"files", "FILE"},
        {"--interface", "IF"},
        {"--filter", "BPF"},
        {"--count", "N"},
        {"--format", "FORMAT"},
        {"--output", "FILE"}},
       R"(Examples:
  legacyscan pcap site.pcapng                        who used which legacy protocol
  tcpdump -w - port 445 | legacyscan pcap -           from standard input
  legacyscan pcap -i eth0 --count 100000 -o clients.json   live (CAP_NET_RAW); JSON from the extension)"},
      {"events",
       {{"files", "FILE"}, {"--format", "FORMAT"}, {"--output", "FILE"}},
       R"(Examples:
  legacyscan events security.json smb1-audit.csv            Get-WinEvent ... | ConvertTo-Json / Export-Csv
  legacyscan events security.json -o clients.csv            CSV from the extension)"},
      {"diff",
       {{"before", "FILE|RUN"}, {"after", "FILE|RUN"}, {"--format", "FORMAT"}, {"--store", "URL"}},
       R"(Examples:
  legacyscan diff monday.json friday.json               what changed, and which clients newly break
  legacyscan diff monday.json friday.jsonl --format json
  legacyscan diff --store fleet.db 12 19                two runs of a result store)"},
      {"report",
       {{"results", "FILE"}, {"--format", "FORMAT"}, {"--output", "FILE"}, {"--store", "URL"}, {"--run", "ID"}},
       R"(Examples:
  legacyscan report dcs.json -o dcs.html           one self-contained page (format from the extension)
  legacyscan report --store fleet.db --run 12      a stored run, as its scan rendered it
  legacyscan report dcs.jsonl --format markdown    e.g. >> "$GITHUB_STEP_SUMMARY"
  legacyscan report dcs.json --format csv -o dcs.csv)"},
      {"probes",
       {{"--format", "FORMAT"}},
       R"(Examples:
  legacyscan probes                 the probes, their default ports and what they check
  legacyscan probes --format json)"},
      {"rules",
       {{"--format", "FORMAT"}},
       R"(Examples:
  legacyscan rules                  policy rules (scan --require) and whatif terms, each with the other
  legacyscan rules --format json)"},
      {"import",
       {{"results", "FILE"}, {"--store", "URL"}},
       R"(Examples:
  legacyscan import monday.json tuesday.jsonl --store fleet.db    one run per file)"},
      {"history",
       {{"--store", "URL"},
        {"--since", "DATE"},
        {"--scope", "CIDR"},
        {"--domain", "DOMAIN"},
        {"--by", "run|week"},
        {"--format", "FORMAT"},
        {"--output", "FILE"}},
       R"(Examples:
  legacyscan history --store fleet.db               hosts failing each term, per run
  legacyscan history --store fleet.db --by week --since 2026-01-01 -o progress.html --format html
  legacyscan history --store fleet.db --scope 10.1.0.0/16 --format csv)"},
      {"store", {}, R"(Examples:
  legacyscan store runs --store fleet.db            the stored runs
  legacyscan store prune --store fleet.db --keep 52w)"},
      {"store runs", {{"--store", "URL"}}, nullptr},
      {"store prune", {{"--store", "URL"}, {"--keep", "AGE"}}, nullptr},
  };
  return help;
}

CLI::App* find_command(CLI::App& app, const std::string& path) {
  CLI::App* cmd = &app;
  std::size_t start = 0;
  while (start < path.size()) {
    auto end = path.find(' ', start);
    if (end == std::string::npos) end = path.size();
    cmd = cmd->get_subcommand(path.substr(start, end - start));
    start = end + 1;
  }
  return cmd;
}

// How a help line wraps: the part kept as it is (an option's name column, or the indent) and where
// continuation lines start (under an option's or subcommand's description, else two columns in).
struct LineShape {
  std::size_t head = 0;
  std::size_t indent = 0;
};
LineShape shape_of(const std::string& line) {
  const auto indent = line.find_first_not_of(' ');
  if (indent == std::string::npos) return {};
  if (indent > 0 && indent < 8) {
    const auto gap = line.find("  ", indent);
    if (gap != std::string::npos) {
      const auto text = line.find_first_not_of(' ', gap);
      if (text != std::string::npos && text <= 40) return {text, text};
    }
  }
  return {indent, indent + 2};
}

// CLI11 pads and never wraps: each line wider than the terminal is wrapped on words here.
class WrappingFormatter : public CLI::Formatter {
 public:
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    return wrap_help(CLI::Formatter::make_help(app, std::move(name), mode), help_width());
  }
};

}  // namespace

std::size_t help_width() {
  // A terminal's width (or COLUMNS); 80 into a pipe or file, as man pages are.
  if (const char* columns = std::getenv("COLUMNS"); (columns && *columns) || ::isatty(STDOUT_FILENO))
    return text_width("");
  return 80;
}

std::string wrap_help(const std::string& help, std::size_t width) {
  std::istringstream in(help);
  std::ostringstream out;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!first) out << "\n";
    first = false;
    if (report::width_of(line) <= width) {
      out << line;
      continue;
    }
    const auto shape = shape_of(line);
    std::ostringstream wrapped;
    report::wrap(wrapped, line.substr(0, shape.head), line.substr(shape.head), shape.indent, width);
    auto text = wrapped.str();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    out << text;
  }
  if (!help.empty() && help.back() == '\n') out << "\n";
  return out.str();
}

void wrap_help_lines(CLI::App& app) {
  app.formatter(std::make_shared<WrappingFormatter>());
  for (auto* sub : app.get_subcommands({})) wrap_help_lines(*sub);
}

void describe_values_and_examples(CLI::App& app) {
  for (const auto& c : command_help()) {
    auto* cmd = find_command(app, c.path);
    for (const auto& [name, metavar] : c.metavars) cmd->get_option(name)->type_name(metavar);
    if (c.examples) cmd->footer(std::string(c.examples) + "\n\n" + kExitCodes);
  }
}

}  // namespace legacyscan::cli
