// SPDX-License-Identifier: Apache-2.0
#include "src/store/history.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>

#include "src/report/render.hpp"
#include "src/report/text_util.hpp"

namespace legacyscan::store {

namespace {

using nlohmann::json;

struct Prefix {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
  int bits = 0;
};

bool parse_address(const std::string& text, Prefix& p) {
  if (::inet_pton(AF_INET, text.c_str(), p.bytes.data()) == 1) {
    p.family = AF_INET;
    return true;
  }
  if (::inet_pton(AF_INET6, text.c_str(), p.bytes.data()) == 1) {
    p.family = AF_INET6;
    return true;
  }
  return false;
}

std::optional<Prefix> parse_cidr(const std::string& cidr) {
  const auto slash = cidr.find('/');
  Prefix p;
  if (!parse_address(cidr.substr(0, slash), p)) return std::nullopt;
  const int max = p.family == AF_INET ? 32 : 128;
  p.bits = max;
  if (slash != std::string::npos) {
    const auto len = cidr.substr(slash + 1);
    auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), p.bits);
    if (ec != std::errc() || end != len.data() + len.size() || p.bits < 0 || p.bits > max) return std::nullopt;
  }
  return p;
}

bool in_prefix(const std::string& address, const Prefix& scope) {
  Prefix a;
  if (!parse_address(address, a) || a.family != scope.family) return false;
  for (int bit = 0; bit < scope.bits; ++bit) {
    const auto mask = static_cast<unsigned char>(0x80U >> (bit % 8));
    if ((a.bytes[static_cast<std::size_t>(bit / 8)] & mask) != (scope.bytes[static_cast<std::size_t>(bit / 8)] & mask))
      return false;
  }
  return true;
}

int number(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The Monday of the ISO week of an RFC 3339 time ("2026-12-09T10:00:00Z" -> "2026-12-07").
std::string week_of(const std::string& started) {
  using namespace std::chrono;
  if (started.size() < 10) return started;
  const year_month_day ymd{year{number(std::string_view(started).substr(0, 4))},
                           month{static_cast<unsigned>(number(std::string_view(started).substr(5, 2)))},
                           day{static_cast<unsigned>(number(std::string_view(started).substr(8, 2)))}};
  if (!ymd.ok()) return started.substr(0, 10);
  sys_days monday{ymd};
  monday -= days{(weekday{monday}.c_encoding() + 6) % 7};
  const year_month_day m{monday};
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02u-%02u", static_cast<int>(m.year()),
                static_cast<unsigned>(m.month()), static_cast<unsigned>(m.day()));
  return text.data();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// dc1.corp.example.test is in corp.example.test and in example.test; a trailing dot is the same name.
bool in_domain(std::string target, std::string domain) {
  target = lower(target.ends_with('.') ? target.substr(0, target.size() - 1) : target);
  domain = lower(domain.ends_with('.') ? domain.substr(0, domain.size() - 1) : domain);
  return target == domain || target.ends_with("." + domain);
}

std::string host_label(const std::string& target, const std::string& address) {
  if (address.empty() || address == target) return target;
  return target + " (" + address + ")";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

bool valid_scope(const std::string& cidr, std::string& error) {
  if (parse_cidr(cidr)) return true;
  error = "expected an address or CIDR such as 10.0.0.0/8 or fd00::/64 (got '" + cidr + "')";
  return false;
}

namespace {

// Creates (or empties) a temporary table and fills it.
void temp_rows(Backend& db, const std::string& table, const std::string& columns, const std::string& names,
               const std::vector<std::vector<std::string>>& rows) {
  db.exec("DROP TABLE IF EXISTS " + table);
  db.exec("CREATE TEMP TABLE " + table + " (" + columns + ")");
  insert_rows(db, table, names, {}, rows);
}

// The two tables a host is judged in: the hardening terms, and the scan's own policy rules.
struct Judged {
  const char* table;
  const char* name;
};
constexpr std::array<Judged, 2> kJudged{{{"terms", "term"}, {"policy_results", "rule"}}};

std::size_t term_index(History& h, const std::string& term) {
  for (std::size_t i = 0; i < h.terms.size(); ++i)
    if (h.terms[i].term == term) return i;
  h.terms.push_back({term, std::vector<std::size_t>(h.buckets.size()), std::vector<std::size_t>(h.buckets.size())});
  return h.terms.size() - 1;
}

// A host's rows in the history's runs: its latest row in each bucket, and whether the bucket has two.
struct HostBuckets {
  struct Latest {
    std::size_t bucket = 0;
    std::int64_t ord = 0;
    std::int64_t id = 0;
    bool twice = false;
  };
  std::string target, address;
  std::vector<Latest> latest;

  void add(std::size_t bucket, std::int64_t ord, std::int64_t id) {
    for (auto& l : latest)
      if (l.bucket == bucket) {
        l.twice = true;
        if (std::pair(ord, id) > std::pair(l.ord, l.id)) l = {bucket, ord, id, true};
        return;
      }
    latest.push_back({bucket, ord, id, false});
  }
};

// What one pass over the hosts' rows in (target, address) order (the hosts_host index) gives: the hosts
// per bucket, the buckets a host is in twice (their counts come from the rows, not the runs' counts),
// the latest rows that must be counted row by row, and each host's latest row with the one of its
// previous bucket (for the listing).
struct Pass {
  std::vector<bool> from_rows;                            // per bucket
  std::vector<std::vector<std::string>> latest;           // id, bucket: rows of the buckets counted row by row
  std::vector<std::vector<std::string>> pairs;            // target, address, id, previous id (0), previous bucket
  std::vector<std::pair<std::int64_t, std::size_t>> all;  // every latest row (id, bucket)
};

bool kept(const HostBuckets& host, const std::optional<Prefix>& scope, const HistoryOptions& options) {
  if (scope && !in_prefix(host.address, *scope)) return false;
  return options.domain.empty() || in_domain(host.target, options.domain);
}

void close_host(HostBuckets& host, History& h, Pass& pass) {
  if (host.latest.empty()) return;
  std::sort(host.latest.begin(), host.latest.end(), [](const auto& a, const auto& b) { return a.bucket > b.bucket; });
  for (const auto& l : host.latest) {
    ++h.buckets[l.bucket].hosts;
    if (l.twice) pass.from_rows[l.bucket] = true;
    pass.all.emplace_back(l.id, l.bucket);
  }
  const bool previous = host.latest.size() > 1;
  pass.pairs.push_back({host.target, host.address, std::to_string(host.latest[0].id),
                        previous ? std::to_string(host.latest[1].id) : "0",
                        previous ? std::to_string(host.latest[1].bucket) : "0"});
  host.latest.clear();
}

Pass scan_hosts(Backend& db, History& h, const std::map<std::int64_t, std::pair<std::size_t, std::int64_t>>& runs,
                const HistoryOptions& options) {
  const auto scope = options.scope.empty() ? std::nullopt : parse_cidr(options.scope);
  const bool filtered = !options.scope.empty() || !options.domain.empty();
  Pass pass;
  pass.from_rows.assign(h.buckets.size(), filtered);
  HostBuckets host;
  bool any = false, keep = false;
  const auto q = db.prepare("SELECT target, address, run_id, id FROM hosts ORDER BY target, address");
  while (q->step()) {
    const auto run = runs.find(q->integer(2));
    if (run == runs.end()) continue;
    auto target = q->text(0), address = q->text(1);
    if (!any || target != host.target || address != host.address) {
      if (keep) close_host(host, h, pass);
      any = true;
      host.target = std::move(target);
      host.address = std::move(address);
      keep = kept(host, scope, options);
    }
    if (keep) host.add(run->second.first, run->second.second, q->integer(3));
  }
  if (keep) close_host(host, h, pass);
  for (const auto& [id, bucket] : pass.all)
    if (pass.from_rows[bucket]) pass.latest.push_back({std::to_string(id), std::to_string(bucket)});
  pass.all.clear();
  return pass;
}

// Drops the buckets no kept host was scanned in (runs that stored no host, or none in scope).
void drop_empty_buckets(History& h) {
  for (std::size_t b = h.buckets.size(); b-- > 0;) {
    if (h.buckets[b].hosts > 0) continue;
    h.buckets.erase(h.buckets.begin() + static_cast<std::ptrdiff_t>(b));
    for (auto& t : h.terms) {
      t.failing.erase(t.failing.begin() + static_cast<std::ptrdiff_t>(b));
      t.judged.erase(t.judged.begin() + static_cast<std::ptrdiff_t>(b));
    }
  }
}

}  // namespace

// Each run's counts are kept as its hosts are written (run_counts); a bucket is counted from its hosts'
// rows only when a host is in it twice (a re-scan in the same week) or --scope/--domain leave hosts out.
// One pass over the host keys finds those buckets and each host's last two buckets; a store of a year of
// weekly scans is never held in memory, only the latest row ids, the counts and the failing hosts.
History build_history(Store& store, const std::string& since, const HistoryOptions& options) {
  auto& db = store.backend();
  History h;
  std::vector<std::vector<std::string>> run_rows;                     // run id, bucket
  std::map<std::int64_t, std::pair<std::size_t, std::int64_t>> runs;  // run id -> bucket, order
  {
    std::map<std::string, std::size_t> bucket_of;
    const auto q = db.prepare("SELECT id, started FROM runs WHERE started >= ? ORDER BY started, id");
    q->bind(1, since);
    while (q->step()) {
      const auto id = q->integer(0);
      const auto key = options.by_week ? week_of(q->text(1)) : "run " + std::to_string(id);
      auto [it, added] = bucket_of.try_emplace(key, h.buckets.size());
      if (added) h.buckets.push_back({key, {}, 0});
      h.buckets[it->second].runs.push_back(id);
      runs.emplace(id, std::pair(it->second, static_cast<std::int64_t>(run_rows.size())));
      run_rows.push_back({std::to_string(id), std::to_string(it->second)});
    }
  }
  for (const auto& term : stored_terms()) term_index(h, term);
  const auto pass = scan_hosts(db, h, runs, options);
  temp_rows(db, "hist_runs", "run_id BIGINT PRIMARY KEY, bucket BIGINT", "run_id, bucket", run_rows);
  temp_rows(db, "hist_latest", "id BIGINT PRIMARY KEY, bucket BIGINT", "id, bucket", pass.latest);

  // name -> per bucket (failing, judged), per kind; in name order as the rows were read before.
  using Counts = std::map<std::size_t, std::pair<std::size_t, std::size_t>>;
  std::array<std::map<std::string, Counts>, kJudged.size()> counted;
  {
    const auto q = db.prepare(
        "SELECT r.bucket, c.kind, c.name, SUM(c.failing), SUM(c.judged) FROM run_counts c JOIN hist_runs r ON "
        "r.run_id = c.run_id GROUP BY r.bucket, c.kind, c.name");
    while (q->step()) {
      const auto b = static_cast<std::size_t>(q->integer(0));
      const auto kind = static_cast<std::size_t>(q->integer(1));
      if (pass.from_rows[b] || kind >= kJudged.size()) continue;
      counted[kind][q->text(2)][b] = {static_cast<std::size_t>(q->integer(3)), static_cast<std::size_t>(q->integer(4))};
    }
  }
  for (std::size_t kind = 0; kind < kJudged.size(); ++kind) {
    const auto& j = kJudged[kind];
    const auto q = db.prepare(std::string("SELECT l.bucket, t.") + j.name +
                              ", SUM(CASE WHEN t.state = 'fail' THEN 1 ELSE 0 END), SUM(CASE WHEN t.state = "
                              "'unknown' THEN 0 ELSE 1 END) FROM hist_latest l JOIN " +
                              j.table + " t ON t.host_id = l.id GROUP BY l.bucket, t." + j.name);
    while (q->step())
      counted[kind][q->text(1)][static_cast<std::size_t>(q->integer(0))] = {static_cast<std::size_t>(q->integer(2)),
                                                                            static_cast<std::size_t>(q->integer(3))};
  }
  for (const auto& names : counted)
    for (const auto& [name, buckets] : names) {
      auto& t = h.terms[term_index(h, name)];
      for (const auto& [b, n] : buckets) {
        t.failing[b] = n.first;
        t.judged[b] = n.second;
      }
    }

  // What each host fails in its last bucket, against what it passed in the one before.
  temp_rows(db, "hist_pairs", "target TEXT, address TEXT, id BIGINT, prev_id BIGINT, prev_bucket BIGINT",
            "target, address, id, prev_id, prev_bucket", pass.pairs);
  std::map<std::string, HostTerms> hosts;
  for (const auto& j : kJudged) {
    const std::string name = j.name, table = j.table;
    const auto q =
        db.prepare("SELECT a.target, a.address, t." + name + ", a.prev_bucket, pt.state FROM hist_pairs a JOIN " +
                   table + " t ON t.host_id = a.id LEFT JOIN " + table + " pt ON pt.host_id = a.prev_id AND pt." +
                   name + " = t." + name + " WHERE t.state = 'fail'");
    while (q->step()) {
      const auto label = host_label(q->text(0), q->text(1));
      auto& ht = hosts.try_emplace(label, HostTerms{label, {}, {}, {}}).first->second;
      const auto term = q->text(2);
      ht.terms.push_back(term);
      if (!q->is_null(4) && q->text(4) == "pass") {
        ht.regressed.push_back(term);
        ht.before = h.buckets[static_cast<std::size_t>(q->integer(3))].label;
      }
    }
  }
  for (const auto* table : {"hist_pairs", "hist_latest", "hist_runs"})
    db.exec(std::string("DROP TABLE IF EXISTS ") + table);

  // Terms in the vocabulary's order, then the policy rules.
  auto by_vocabulary = [&](std::vector<std::string>& v) {
    std::sort(v.begin(), v.end(),
              [&](const std::string& a, const std::string& b) { return term_index(h, a) < term_index(h, b); });
  };
  for (auto& [label, ht] : hosts) {
    by_vocabulary(ht.terms);
    by_vocabulary(ht.regressed);
    h.hosts.push_back(std::move(ht));
  }
  std::stable_sort(h.hosts.begin(), h.hosts.end(),
                   [](const HostTerms& a, const HostTerms& b) { return !a.regressed.empty() && b.regressed.empty(); });
  drop_empty_buckets(h);
  return h;
}

json history_to_json(const History& h) {
  json buckets = json::array(), terms = json::array(), hosts = json::array();
  for (const auto& b : h.buckets) buckets.push_back({{"label", b.label}, {"runs", b.runs}, {"hosts", b.hosts}});
  for (const auto& t : h.terms) terms.push_back({{"term", t.term}, {"failing", t.failing}, {"judged", t.judged}});
  for (const auto& x : h.hosts) {
    json host{{"host", x.host}, {"failing", x.terms}, {"regressed", x.regressed}};
    if (!x.regressed.empty()) host["regressed_since"] = x.before;
    hosts.push_back(std::move(host));
  }
  return json{{"buckets", std::move(buckets)}, {"terms", std::move(terms)}, {"hosts", std::move(hosts)}};
}

void render_history_csv(std::ostream& out, const History& h) {
  out << "term,bucket,runs,failing,judged\r\n";
  for (const auto& t : h.terms)
    for (std::size_t b = 0; b < h.buckets.size(); ++b) {
      std::string runs;
      for (auto r : h.buckets[b].runs) runs += (runs.empty() ? "" : " ") + std::to_string(r);
      out << report::csv_field(t.term) << "," << report::csv_field(h.buckets[b].label) << "," << runs << ","
          << t.failing[b] << "," << t.judged[b] << "\r\n";
    }
}

void render_history_table(std::ostream& out, const History& h, std::size_t width) {
  if (h.buckets.empty()) {
    out << "No stored run matches.\n";
    return;
  }
  constexpr std::size_t kTermWidth = 14, kColumn = 11;
  const std::size_t fit = std::max<std::size_t>(1, (std::max(width, kTermWidth + kColumn) - kTermWidth) / kColumn);
  const std::size_t first = h.buckets.size() > fit ? h.buckets.size() - fit : 0;
  auto pad = [](std::string s, std::size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); };
  out << "Hosts failing each hardening term (failing/judged)";
  if (first > 0) out << ", the last " << fit << " of " << h.buckets.size();
  auto row = [&](std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << "\n";
  };
  out << ":\n";
  std::string header = pad("term", kTermWidth);
  for (std::size_t b = first; b < h.buckets.size(); ++b) header += pad(h.buckets[b].label, kColumn);
  row(header);
  for (const auto& t : h.terms) {
    std::string line = pad(t.term, kTermWidth);
    for (std::size_t b = first; b < h.buckets.size(); ++b)
      line += pad(std::to_string(t.failing[b]) + "/" + std::to_string(t.judged[b]), kColumn);
    row(line);
  }
  if (h.hosts.empty()) {
    out << "\nNo host fails a term in its latest run.\n";
    return;
  }
  out << "\nHosts failing terms in their latest run (regressed first):\n";
  for (const auto& x : h.hosts) {
    report::wrap(out, "  " + report::printable(x.host) + ": ", join(x.terms), 4, width);
    if (!x.regressed.empty()) report::wrap(out, "    REGRESSED since " + x.before + ": ", join(x.regressed), 6, width);
  }
}

}  // namespace legacyscan::store
