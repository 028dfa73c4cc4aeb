// SPDX-License-Identifier: Apache-2.0
// `legacyscan history`: progress over time from a result store (src/store/history.hpp).
#include <memory>
#include <sstream>

#include "legacyscan/json_text.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/output.hpp"
#include "src/cli/usage.hpp"
#include "src/store/history.hpp"

namespace legacyscan::cli {

namespace {

struct HistoryArgs {
  std::string store;
  std::string since;
  std::string scope;
  std::string domain;
  std::string by = "run";
  std::string format = "table";
  std::string output;
};

// YYYY-MM-DD, or a full RFC 3339 time: compared as text with the runs' start times.
bool valid_date(const std::string& s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int run_history_command(const HistoryArgs& a) {
  std::string err;
  if (!a.since.empty() && !valid_date(a.since))
    return usage_error("history: --since: expected a date YYYY-MM-DD (got '" + a.since + "')");
  if (!a.scope.empty() && !store::valid_scope(a.scope, err)) return usage_error("history: --scope: " + err);
  store::History h;
  try {
    store::Store s(a.store, false);
    h = store::build_history(s, a.since, {a.scope, a.domain, a.by == "week"});
  } catch (const store::StoreError& e) {
    return usage_error("history: --store " + store::redact_url(a.store) + ": " + e.what());
  }
  std::ostringstream text;
  if (a.format == "json")
    text << json_text(store::history_to_json(h), 2) << "\n";
  else if (a.format == "csv")
    store::render_history_csv(text, h);
  else if (a.format == "html")
    store::render_history_html(text, h);
  else
    store::render_history_table(text, h, text_width(a.output));
  return write_output(a.output, text.str(), "history: ");
}

}  // namespace

Command add_history_command(CLI::App& app) {
  auto a = std::make_shared<HistoryArgs>();
  auto* cmd = app.add_subcommand("history", "Hosts failing each hardening term over time, from a result store");
  cmd->add_option("--store", a->store, "The result store: FILE, sqlite:FILE or postgresql://... (docs/fleet.md)")
      ->required();
  cmd->add_option("--since", a->since, "Only runs started on or after this date (YYYY-MM-DD)");
  cmd->add_option("--scope", a->scope, "Only hosts whose address is in this CIDR, e.g. 10.1.0.0/16");
  cmd->add_option("--domain", a->domain, "Only hosts scanned by a name in this DNS domain, e.g. corp.example");
  cmd->add_option("--by", a->by, "One column per run, or per week (Monday first; a host's latest run counts)")
      ->check(CLI::IsMember({"run", "week"}))
      ->capture_default_str();
  cmd->add_option("--format", a->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv", "html"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", a->output, "Write to FILE instead of standard output");
  return {cmd, [a] { return run_history_command(*a); }};
}

}  // namespace legacyscan::cli
