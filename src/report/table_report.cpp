// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include "legacyscan/engine/port_state.hpp"
#include "src/report/os_finding.hpp"
#include "src/report/report.hpp"

namespace legacyscan {

namespace {

const char* colour_of(Verdict v) {
  switch (v) {
    case Verdict::good: return "\x1b[32m";
    case Verdict::warn: return "\x1b[33m";
    case Verdict::bad: return "\x1b[31;1m";
    case Verdict::failure: return "\x1b[35m";
    case Verdict::info: return "";
  }
  return "";
}

std::string marker(Verdict v) {
  switch (v) {
    case Verdict::good: return "OK  ";
    case Verdict::warn: return "WARN";
    case Verdict::bad: return "BAD ";
    case Verdict::failure: return "FAIL";
    case Verdict::info: return "    ";
  }
  return "    ";
}

}  // namespace

std::vector<Finding> host_findings(const HostResult& host, bool with_matrix) {
  std::vector<Finding> all;
  if (auto os = reconciled_os(host)) all.push_back(std::move(*os));
  for (const auto& run : host.probes) {
    if (!with_matrix && run.probe == "matrix") continue;
    const std::size_t first = all.size();
    if (run.result) run.result->findings(all);
    for (std::size_t i = first; i < all.size(); ++i) all[i].probe = run.probe;
  }
  collapse_closed_host(all);
  return all;
}

void render_host_header(std::ostream& out, const HostResult& host, const TableStyle& style) {
  const char* bold = style.colour ? "\x1b[1m" : "";
  const char* reset = style.colour ? "\x1b[0m" : "";
  out << bold << "Host " << (host.address.empty() ? "-" : host.address);
  if (host.target != host.address) out << " (" << host.target << ")";
  out << reset << "\n";
}

void render_host_table(std::ostream& out, const HostResult& host, const TableStyle& style) {
  const char* reset = style.colour ? "\x1b[0m" : "";
  if (style.header) render_host_header(out, host, style);
  const std::vector<Finding> lines = host_findings(host, style.matrix_rows);
  std::size_t wp = 5, wport = 4, wc = 5;
  for (const auto& l : lines) {
    wp = std::max(wp, l.probe.size());
    wport = std::max(wport, l.port.size());
    wc = std::max(wc, l.label.size());
  }
  auto pad = [](const std::string& s, std::size_t w) { return s + std::string(w > s.size() ? w - s.size() : 0, ' '); };
  out << "  " << pad("PROBE", wp) << "  " << pad("PORT", wport) << "  " << pad("CHECK", wc) << "  VERDICT  RESULT\n";
  for (const auto& l : lines) {
    out << "  " << pad(l.probe, wp) << "  " << pad(l.port, wport) << "  " << pad(l.label, wc) << "  ";
    const char* c = style.colour ? colour_of(l.verdict) : "";
    out << c << marker(l.verdict) << (style.colour && *c ? reset : "") << "     " << l.value << "\n";
  }
  out << "\n";
}

void render_summary_line(std::ostream& out, const ScanSummary& summary, const TableStyle&) {
  out << summary.hosts << " host(s) scanned, " << summary.hosts_with_answer << " answered"
      << (summary.complete ? "" : " (interrupted: results are partial)") << "\n";
}

}  // namespace legacyscan
