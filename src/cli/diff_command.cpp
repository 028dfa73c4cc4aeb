// SPDX-License-Identifier: Apache-2.0
// `legacyscan diff`: what changed between two saved scans.
#include <iostream>
#include <memory>

#include "legacyscan/json_text.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/saved_scan.hpp"
#include "src/cli/usage.hpp"
#include "src/report/report.hpp"

namespace legacyscan::cli {

namespace {

struct DiffArgs {
  std::string before;
  std::string after;
  std::string format = "table";
};

int run_diff_command(const DiffArgs& a) {
  std::string err;
  auto before = load_scan(a.before, err);
  if (!before) return usage_error("diff: " + err);
  auto after = load_scan(a.after, err);
  if (!after) return usage_error("diff: " + err);
  const auto d = diff_results(*before, *after);
  if (a.format == "json") {
    std::cout << json_text(d, 2) << "\n";
    return kExitDone;
  }
  for (const auto& h : d["hosts"]) {
    std::cout << "Host " << h.value("target", "") << " (" << h.value("address", "") << "): " << h.value("change", "")
              << "\n";
    for (const auto& c : h.value("changes", nlohmann::json::array()))
      std::cout << "  " << c.value("what", "") << ": " << c.value("before", "") << " -> " << c.value("after", "")
                << "\n";
    for (const auto& c : h.value("clients_newly_broken", nlohmann::json::array()))
      std::cout << "  NEWLY BROKEN: " << c.value("profile", "") << "\n";
    for (const auto& c : h.value("clients_newly_working", nlohmann::json::array()))
      std::cout << "  newly working: " << c.value("profile", "") << "\n";
  }
  return kExitDone;
}

}  // namespace

Command add_diff_command(CLI::App& app) {
  auto a = std::make_shared<DiffArgs>();
  auto* cmd = app.add_subcommand("diff", "What changed between two saved scans, and which clients newly break or work");
  cmd->add_option("before", a->before, "The earlier scan (JSON or JSON lines)")->required();
  cmd->add_option("after", a->after, "The later scan (JSON or JSON lines)")->required();
  cmd->add_option("--format", a->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  return {cmd, [a] { return run_diff_command(*a); }};
}

}  // namespace legacyscan::cli
