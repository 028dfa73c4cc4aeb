// SPDX-License-Identifier: Apache-2.0
// Progress over time from the store: per hardening term, how many hosts still fail it in each run (or
// week), the hosts that regressed (fail a term they passed in their previous run or week) first, then
// those still failing. Rendered as a table, JSON, CSV or a self-contained HTML page with inline SVG.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "src/store/store.hpp"

namespace legacyscan::store {

struct HistoryOptions {
  std::string scope;     // CIDR (IPv4 or IPv6) the hosts' addresses must be in; "" for all
  std::string domain;    // DNS domain the hosts' target names must be in (the name or under it); "" for all
  bool by_week = false;  // buckets are ISO weeks (Monday first) instead of runs
};

struct HistoryBucket {
  std::string label;  // "run 3" or the Monday of the week, "2026-12-07"
  std::vector<std::int64_t> runs;
  std::size_t hosts = 0;
};

struct TermHistory {
  std::string term;
  std::vector<std::size_t> failing;  // per bucket: hosts whose latest state in it is fail
  std::vector<std::size_t> judged;   // per bucket: hosts with pass or fail
};

struct HostTerms {
  std::string host;  // "target (address)", or the target when it is the address
  std::vector<std::string> terms;
  std::vector<std::string> regressed;  // terms it passed in its previous bucket and fails now
  std::string before;                  // the previous bucket's label when it regressed
};

struct History {
  std::vector<HistoryBucket> buckets;
  std::vector<TermHistory> terms;
  // Each host's state in the last bucket it appears in; regressed hosts first, then by host.
  std::vector<HostTerms> hosts;
};

// Checks a CIDR ("10.0.0.0/8", "fd00::/64"); false with a reason when it is not one.
bool valid_scope(const std::string& cidr, std::string& error);
// Over the runs started at or after `since` ("" for all); the terms are the hardening terms, then the
// policy rules the scans ran with (--require, --policy), as written.
History build_history(Store& store, const std::string& since, const HistoryOptions& options);

nlohmann::json history_to_json(const History& h);
void render_history_table(std::ostream& out, const History& h, std::size_t width);
void render_history_csv(std::ostream& out, const History& h);
void render_history_html(std::ostream& out, const History& h);

}  // namespace legacyscan::store
