// SPDX-License-Identifier: Apache-2.0
// `legacyscan report`: a saved scan rendered through the report model.
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "legacyscan/engine/input_file.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/format_check.hpp"
#include "src/cli/output.hpp"
#include "src/cli/saved_scan.hpp"
#include "src/cli/usage.hpp"
#include "src/report/accounts_report.hpp"
#include "src/report/report.hpp"

namespace legacyscan::cli {

namespace {

struct ReportArgs {
  std::string file;
  std::string store;  // --store URL --run ID instead of a file
  long long run = 0;
  std::string format;  // empty: from the extension of -o, else table
  std::string output;
  bool no_color = false;
  bool details = false;
  bool show_down = false;
};

// A saved `legacyscan accounts` document: rendered as `accounts` renders it (table, json, csv, html).
int render_saved_accounts(const ReportArgs& a, const nlohmann::json& doc) {
  std::vector<accounts::AccountsResult> storage;
  std::vector<report::AccountsAudit> audits;
  ScanSummary summary;
  if (auto err = report::accounts_from_json(doc, storage, audits, summary); !err.empty())
    return usage_error("report: " + a.file + ": " + err);
  std::string format = a.format;
  if (format.empty()) {
    const auto dot = a.output.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : a.output.substr(dot + 1);
    format = ext == "json" || ext == "csv" || ext == "html" ? ext : (ext == "htm" ? "html" : "table");
  }
  if (format != "table" && format != "json" && format != "csv" && format != "html")
    return usage_error("report: --format " + format + ": an accounts document renders as table, json, csv or html");
  const auto text = report::render_accounts(format, summary, audits, text_width(a.output));
  if (a.output.empty()) {
    std::cout << text;
    std::cout.flush();
    return std::cout ? kExitDone : kExitNothingScanned;
  }
  return write_output(a.output, text, "report: ");
}

int run_report_command(const ReportArgs& a) {
  std::string err;
  const auto* format = report::format_for_output(a.format, a.output, report::FormatUse::saved, "table", err);
  if (!format) return usage_error(err);
  if (a.file.empty() == a.store.empty() || a.store.empty() != (a.run == 0))
    return usage_error("report: give a saved scan, or --store URL with --run ID");
  std::optional<nlohmann::json> doc;
  if (!a.store.empty()) {
    doc = load_stored_run(a.store, a.run, err);
    if (!doc) return usage_error("report: " + err);
  } else {
    auto text = read_input_file(a.file, err);
    if (!text) return usage_error("report: " + err);
    // A whole document is read as it is (its policy results included); JSON lines go through merge.
    auto whole = nlohmann::json::parse(*text, nullptr, false);
    if (!whole.is_discarded() && whole.is_object() && whole.value("command", "") == "accounts")
      return render_saved_accounts(a, whole);
    if (!whole.is_discarded() && whole.is_object() && whole.contains("hosts"))
      doc = std::move(whole);
    else
      doc = merge_results({{a.file, *text}}, err);
    if (!doc) return usage_error("report: " + err);
  }
  auto model = report::report_from_json(*doc);
  if (!model)
    return usage_error("report: " + (a.file.empty() ? "run " + std::to_string(a.run) : a.file) + ": " + model.error);
  std::ostringstream rendered;
  format->saved(rendered, *model,
                report::TextOptions{use_colour(a.output, a.no_color), a.details, a.show_down, text_width(a.output)});
  if (a.output.empty()) {
    std::cout << rendered.str();
    std::cout.flush();
    return std::cout ? kExitDone : kExitNothingScanned;
  }
  return write_output(a.output, rendered.str(), "report: ");
}

}  // namespace

Command add_report_command(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand("report", "Render a saved scan (JSON or JSON lines) as html, markdown, csv or table");
  cmd->add_option("results", a->file, "A saved scan: --format json or jsonl output");
  cmd->add_option("--store", a->store, "Read the run from this result store instead (with --run)");
  cmd->add_option("--run", a->run, "The stored run to render (legacyscan store runs lists them)");
  cmd->add_option("--format", a->format, "Output format (default: from the extension of -o, else table)")
      ->check(format_check(report::FormatUse::saved));
  cmd->add_option("-o,--output", a->output, "Write to FILE instead of standard output");
  cmd->add_flag("--no-color", a->no_color, "No colour in the table (also NO_COLOR=1 or when not a terminal)");
  cmd->add_flag("--details", a->details, "Every check row and the whole client matrix in the table");
  cmd->add_flag("--show-down", a->show_down, "List the hosts without an answer in the table (default: counted)");
  return {cmd, [a] { return run_report_command(*a); }};
}

}  // namespace legacyscan::cli
