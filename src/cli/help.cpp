// SPDX-License-Identifier: Apache-2.0
#include "src/cli/help.hpp"

#include <string>
#include <utility>
#include <vector>

#include "src/cli/commands.hpp"

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
       {{"targets", "TARGET"},     {"--input-list", "FILE"},    {"--probes", "PROBE,..."},
        {"--ports", "PORTS"},      {"--timeout", "DURATION"},   {"--host-timeout", "DURATION"},
        {"--concurrency", "N"},    {"--per-host", "N"},         {"--max-connections", "N"},
        {"--retries", "N"},        {"--max-rate", "N"},         {"--require", "RULE"},
        {"--policy", "FILE"},      {"--junit", "FILE"},         {"--sarif", "FILE"},
        {"--domain", "DOMAIN"},    {"--forest", "DOMAIN"},      {"--dns-server", "ADDRESS[:PORT]"},
        {"--shard", "K/N"},        {"--resume", "FILE"},        {"--format", "FORMAT"},
        {"--output", "FILE"},      {"--user", "NAME"},          {"--password", "PASSWORD"},
        {"--password-env", "VAR"}, {"--password-file", "FILE"}, {"--keytab", "FILE"}},
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
       {{"before", "FILE"}, {"after", "FILE"}, {"--format", "FORMAT"}},
       R"(Examples:
  legacyscan diff monday.json friday.json               what changed, and which clients newly break
  legacyscan diff monday.json friday.jsonl --format json)"},
      {"report",
       {{"results", "FILE"}, {"--format", "FORMAT"}, {"--output", "FILE"}},
       R"(Examples:
  legacyscan report dcs.json -o dcs.html           one self-contained page (format from the extension)
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

}  // namespace

void describe_values_and_examples(CLI::App& app) {
  for (const auto& c : command_help()) {
    auto* cmd = find_command(app, c.path);
    for (const auto& [name, metavar] : c.metavars) cmd->get_option(name)->type_name(metavar);
    if (c.examples) cmd->footer(std::string(c.examples) + "\n\n" + kExitCodes);
  }
}

}  // namespace legacyscan::cli
