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

std::string host_label(const TermRow& r) {
  if (r.address.empty() || r.address == r.target) return r.target;
  return r.target + " (" + r.address + ")";
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

History build_history(const std::vector<TermRow>& rows, const HistoryOptions& options) {
  const auto scope = options.scope.empty() ? std::nullopt : parse_cidr(options.scope);
  History h;
  std::map<std::string, std::size_t> bucket_of;
  // Per bucket: host -> term -> state; a later run of the same bucket overwrites an earlier one.
  std::vector<std::map<std::string, std::map<std::string, std::string>>> states;
  for (const auto& r : rows) {
    if (scope && !in_prefix(r.address, *scope)) continue;
    if (!options.domain.empty() && !in_domain(r.target, options.domain)) continue;
    const auto key = options.by_week ? week_of(r.run_started) : "run " + std::to_string(r.run);
    auto [it, added] = bucket_of.try_emplace(key, h.buckets.size());
    if (added) {
      h.buckets.push_back({key, {}, 0});
      states.emplace_back();
    }
    auto& bucket = h.buckets[it->second];
    if (std::find(bucket.runs.begin(), bucket.runs.end(), r.run) == bucket.runs.end()) bucket.runs.push_back(r.run);
    states[it->second][host_label(r)][r.term] = r.state;
  }
  for (const auto& term : stored_terms()) {
    TermHistory t{term, {}, {}};
    for (const auto& bucket : states) {
      std::size_t failing = 0, judged = 0;
      for (const auto& [host, terms] : bucket) {
        const auto s = terms.find(term);
        if (s == terms.end() || s->second == "unknown") continue;
        ++judged;
        failing += s->second == "fail" ? 1 : 0;
      }
      t.failing.push_back(failing);
      t.judged.push_back(judged);
    }
    h.terms.push_back(std::move(t));
  }
  for (std::size_t b = 0; b < states.size(); ++b) h.buckets[b].hosts = states[b].size();

  // Each host in the last bucket it appears in, against the bucket before that where it appears.
  std::map<std::string, std::pair<std::size_t, std::optional<std::size_t>>> seen;
  for (std::size_t b = 0; b < states.size(); ++b)
    for (const auto& [host, terms] : states[b]) {
      auto [it, added] = seen.try_emplace(host, b, std::nullopt);
      if (!added) it->second = {b, it->second.first};
    }
  for (const auto& [host, where] : seen) {
    HostTerms ht{host, {}, {}, {}};
    const auto& now = states[where.first].at(host);
    for (const auto& term : stored_terms()) {  // in the vocabulary's order
      if (const auto s = now.find(term); s == now.end() || s->second != "fail") continue;
      ht.terms.push_back(term);
      if (!where.second) continue;
      const auto& before = states[*where.second].at(host);
      if (const auto p = before.find(term); p != before.end() && p->second == "pass") {
        ht.regressed.push_back(term);
        ht.before = h.buckets[*where.second].label;
      }
    }
    if (!ht.terms.empty()) h.hosts.push_back(std::move(ht));
  }
  std::stable_sort(h.hosts.begin(), h.hosts.end(),
                   [](const HostTerms& a, const HostTerms& b) { return !a.regressed.empty() && b.regressed.empty(); });
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
