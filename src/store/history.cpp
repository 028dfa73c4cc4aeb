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

// Host keys (target, address) of the runs in hist_runs that --scope and --domain keep.
std::vector<std::vector<std::string>> kept_hosts(Backend& db, const HistoryOptions& options) {
  const auto scope = options.scope.empty() ? std::nullopt : parse_cidr(options.scope);
  std::vector<std::vector<std::string>> kept;
  const auto q = db.prepare("SELECT DISTINCT h.target, h.address FROM hosts h JOIN hist_runs r ON r.run_id = h.run_id");
  while (q->step()) {
    auto target = q->text(0), address = q->text(1);
    if (scope && !in_prefix(address, *scope)) continue;
    if (!options.domain.empty() && !in_domain(target, options.domain)) continue;
    kept.push_back({std::move(target), std::move(address)});
  }
  return kept;
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

// The counting is SQL (GROUP BY bucket and term over each host's latest row in the bucket): a store of a
// year of weekly scans is never held in memory, only the buckets' counts and the failing hosts.
History build_history(Store& store, const std::string& since, const HistoryOptions& options) {
  auto& db = store.backend();
  History h;
  std::vector<std::vector<std::string>> run_rows;  // run id, bucket, order
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
      run_rows.push_back({std::to_string(id), std::to_string(it->second), std::to_string(run_rows.size())});
    }
  }
  for (const auto& term : stored_terms()) term_index(h, term);
  temp_rows(db, "hist_runs", "run_id BIGINT, bucket BIGINT, ord BIGINT", "run_id, bucket, ord", run_rows);
  const bool filtered = !options.scope.empty() || !options.domain.empty();
  if (filtered) temp_rows(db, "hist_hosts", "target TEXT, address TEXT", "target, address", kept_hosts(db, options));
  // Each host's latest row in each bucket (a host scanned twice in a week counts with its latest run).
  db.exec("DROP TABLE IF EXISTS hist_latest");
  db.exec(
      std::string("CREATE TEMP TABLE hist_latest AS SELECT id, target, address, bucket FROM (SELECT h.id, h.target, "
                  "h.address, r.bucket, ROW_NUMBER() OVER (PARTITION BY h.target, h.address, r.bucket ORDER BY r.ord "
                  "DESC, h.id DESC) AS n FROM hosts h JOIN hist_runs r ON r.run_id = h.run_id") +
      (filtered ? " JOIN hist_hosts k ON k.target = h.target AND k.address = h.address" : "") + ") x WHERE n = 1");
  {
    const auto q = db.prepare("SELECT bucket, COUNT(*) FROM hist_latest GROUP BY bucket");
    while (q->step())
      h.buckets[static_cast<std::size_t>(q->integer(0))].hosts = static_cast<std::size_t>(q->integer(1));
  }
  for (const auto& j : kJudged) {
    const auto q =
        db.prepare(std::string("SELECT l.bucket, t.") + j.name +
                   ", SUM(CASE WHEN t.state = 'fail' THEN 1 ELSE 0 END), SUM(CASE WHEN t.state = "
                   "'unknown' THEN 0 ELSE 1 END) FROM hist_latest l JOIN " +
                   j.table + " t ON t.host_id = l.id GROUP BY l.bucket, t." + j.name + " ORDER BY t." + j.name);
    while (q->step()) {
      auto& t = h.terms[term_index(h, q->text(1))];
      const auto b = static_cast<std::size_t>(q->integer(0));
      t.failing[b] = static_cast<std::size_t>(q->integer(2));
      t.judged[b] = static_cast<std::size_t>(q->integer(3));
    }
  }

  // Each host's last two buckets: what it fails in the last, against what it passed in the one before.
  db.exec("DROP TABLE IF EXISTS hist_last2");
  db.exec(
      "CREATE TEMP TABLE hist_last2 AS SELECT id, target, address, bucket, k FROM (SELECT id, target, address, "
      "bucket, ROW_NUMBER() OVER (PARTITION BY target, address ORDER BY bucket DESC) AS k FROM hist_latest) x "
      "WHERE k <= 2");
  db.exec("CREATE INDEX hist_last2_key ON hist_last2(target, address, k)");
  std::map<std::string, HostTerms> hosts;
  for (const auto& j : kJudged) {
    const std::string name = j.name, table = j.table;
    const auto q =
        db.prepare("SELECT a.target, a.address, t." + name + ", p.bucket, pt.state FROM hist_last2 a JOIN " + table +
                   " t ON t.host_id = a.id LEFT JOIN hist_last2 p ON p.target = a.target AND " +
                   "p.address = a.address AND p.k = 2 LEFT JOIN " + table + " pt ON pt.host_id = p.id AND pt." + name +
                   " = t." + name + " WHERE a.k = 1 AND t.state = 'fail'");
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
  for (const auto* table : {"hist_last2", "hist_latest", "hist_hosts", "hist_runs"})
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
