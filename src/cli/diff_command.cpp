// SPDX-License-Identifier: Apache-2.0
// `legacyscan diff`: what changed between two saved scans.
#include <charconv>
#include <iostream>
#include <memory>
#include <optional>

#include "legacyscan/json_text.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/saved_scan.hpp"
#include "src/cli/usage.hpp"
#include "src/report/report.hpp"
#include "src/store/store.hpp"

namespace legacyscan::cli {

namespace {

struct DiffArgs {
  std::string before;
  std::string after;
  std::string format = "table";
  std::string fail_on;  // "", newly-broken, regression, any
  std::string store;    // before and after are run ids of this store
};

bool is_day(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// The runs of a store started on one day (UTC) as one scan.
std::optional<nlohmann::json> load_stored_day(const std::string& url, const std::string& day, std::string& err) {
  try {
    store::Store s(url, false);
    if (auto doc = s.day_document(day)) return doc;
    err = "--store " + store::redact_url(url) + ": no run started on " + day + " (legacyscan store runs lists them)";
  } catch (const store::StoreError& e) {
    err = "--store " + store::redact_url(url) + ": " + e.what();
  }
  return std::nullopt;
}

// A saved scan, or with --store a stored run given by its id or the runs of a day (YYYY-MM-DD).
std::optional<nlohmann::json> load_side(const DiffArgs& a, const std::string& which, std::string& err) {
  if (a.store.empty()) return load_scan(which, err);
  if (is_day(which)) return load_stored_day(a.store, which, err);
  long long run = 0;
  const auto [end, ec] = std::from_chars(which.data(), which.data() + which.size(), run);
  if (ec != std::errc() || end != which.data() + which.size() || run <= 0) {
    err = "with --store, give two run ids or dates YYYY-MM-DD (got '" + which + "')";
    return std::nullopt;
  }
  return load_stored_run(a.store, run, err);
}

// Whether the diff holds what --fail-on names: a client newly broken, a security regression, or any
// change at all (a host changed, new or missing).
bool diff_fails(const nlohmann::json& d, const std::string& fail_on) {
  for (const auto& h : d["hosts"]) {
    if (fail_on == "any" && h.value("change", "") != "unchanged") return true;
    if (fail_on == "newly-broken" && !h.value("clients_newly_broken", nlohmann::json::array()).empty()) return true;
    if (fail_on == "regression" && !h.value("security_regressions", nlohmann::json::array()).empty()) return true;
  }
  return false;
}

void print_diff(const nlohmann::json& d) {
  for (const auto& h : d["hosts"]) {
    std::cout << "Host " << h.value("target", "") << " (" << h.value("address", "") << "): " << h.value("change", "")
              << "\n";
    for (const auto& c : h.value("changes", nlohmann::json::array()))
      std::cout << "  " << c.value("what", "") << ": " << c.value("before", "") << " -> " << c.value("after", "")
                << "\n";
    const auto regressions = h.value("security_regressions", nlohmann::json::array());
    for (const auto& c : regressions)
      std::cout << "  SECURITY REGRESSION: " << c.value("what", "") << ": " << c.value("before", "") << " -> "
                << c.value("after", "") << " (accepts " << c.value("undoes", c.value("term", "")) << " again)\n";
    for (const auto& c : h.value("clients_newly_broken", nlohmann::json::array()))
      std::cout << "  NEWLY BROKEN: " << c.value("profile", "") << "\n";
    // A client that works again because the server accepts more legacy is the regression, not a fix.
    const char* working = regressions.empty() ? "  newly working: " : "  newly working through the regression: ";
    for (const auto& c : h.value("clients_newly_working", nlohmann::json::array()))
      std::cout << working << c.value("profile", "") << "\n";
  }
}

int run_diff_command(const DiffArgs& a) {
  std::string err;
  auto before = load_side(a, a.before, err);
  if (!before) return usage_error("diff: " + err);
  auto after = load_side(a, a.after, err);
  if (!after) return usage_error("diff: " + err);
  const auto d = diff_results(*before, *after);
  if (a.format == "json")
    std::cout << json_text(d, 2) << "\n";
  else
    print_diff(d);
  return !a.fail_on.empty() && diff_fails(d, a.fail_on) ? kExitPolicyFailed : kExitDone;
}

}  // namespace

Command add_diff_command(CLI::App& app) {
  auto a = std::make_shared<DiffArgs>();
  auto* cmd = app.add_subcommand("diff", "What changed between two saved scans, and which clients newly break or work");
  cmd->add_option("before", a->before,
                  "The earlier scan (JSON or JSON lines), or with --store a run id or a date (YYYY-MM-DD)")
      ->required();
  cmd->add_option("after", a->after,
                  "The later scan (JSON or JSON lines), or with --store a run id or a date (YYYY-MM-DD)")
      ->required();
  cmd->add_option("--store", a->store, "Compare two runs of this result store (FILE, sqlite:FILE or postgresql://...)");
  cmd->add_option("--format", a->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--fail-on", a->fail_on,
                  "Exit 1 when a client newly breaks, on a security regression (more legacy accepted), or on any "
                  "change")
      ->check(CLI::IsMember({"newly-broken", "regression", "any"}));
  return {cmd, [a] { return run_diff_command(*a); }};
}

}  // namespace legacyscan::cli
