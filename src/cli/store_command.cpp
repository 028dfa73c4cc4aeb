// SPDX-License-Identifier: Apache-2.0
// `legacyscan store runs` (what a store holds) and `legacyscan store prune --keep 52w` (retention).
#include <charconv>
#include <chrono>
#include <iostream>
#include <memory>

#include "legacyscan/engine/engine.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/usage.hpp"
#include "src/store/store.hpp"

namespace legacyscan::cli {

namespace {

struct StoreArgs {
  std::string store;
  std::string keep;
};

// "52w", "365d": days to keep; nullopt when it is not a count of days or weeks.
std::optional<long long> keep_days(const std::string& text) {
  long long n = 0;
  const auto* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || n < 0 || p + 1 != end || n > 100000) return std::nullopt;
  if (*p == 'd') return n;
  if (*p == 'w') return n * 7;
  return std::nullopt;
}

// The RFC 3339 time `days` before now (UTC), as the runs' start times are written.
std::string days_ago(long long days) {
  const auto t = std::chrono::system_clock::now() - std::chrono::hours(24 * days);
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(secs)};
  const std::chrono::hh_mm_ss hms{secs - std::chrono::floor<std::chrono::days>(secs)};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  return text;
}

int list_runs(const StoreArgs& a) {
  try {
    store::Store s(a.store, false);
    for (const auto& r : s.runs()) {
      std::cout << "run " << r.id << "  " << r.started << "  " << r.status << "  " << r.hosts << " host(s)";
      if (!r.shard.empty()) std::cout << "  shard " << r.shard;
      std::cout << "  " << r.scanner_host << "\n    " << r.command << "\n";
    }
  } catch (const store::StoreError& e) {
    return usage_error("store runs: --store " + a.store + ": " + e.what());
  }
  return kExitDone;
}

int prune(const StoreArgs& a) {
  const auto days = keep_days(a.keep);
  if (!days)
    return usage_error("store prune: --keep: expected days or weeks such as 365d or 52w (got '" + a.keep + "')");
  const auto before = days_ago(*days);
  try {
    store::Store s(a.store, false);
    const auto n = s.prune(before);
    std::cout << "removed " << n << " run(s) started before " << before << "\n";
  } catch (const store::StoreError& e) {
    return usage_error("store prune: --store " + a.store + ": " + e.what());
  }
  return kExitDone;
}

}  // namespace

Command add_store_command(CLI::App& app) {
  auto a = std::make_shared<StoreArgs>();
  auto* cmd = app.add_subcommand("store", "Look after a result store: list its runs, prune old ones");
  cmd->require_subcommand(1);
  auto* runs = cmd->add_subcommand("runs", "List the stored runs: id, start, status, hosts, shard, command line");
  runs->add_option("--store", a->store, "The result store: FILE, sqlite:FILE or postgresql://...")->required();
  auto* prune_cmd = cmd->add_subcommand("prune", "Remove the runs older than --keep, with their rows");
  prune_cmd->add_option("--store", a->store, "The result store: FILE, sqlite:FILE or postgresql://...")->required();
  prune_cmd->add_option("--keep", a->keep, "How far back to keep: days or weeks, e.g. 52w or 365d")->required();
  return {cmd, [a, runs] { return runs->parsed() ? list_runs(*a) : prune(*a); }};
}

}  // namespace legacyscan::cli
