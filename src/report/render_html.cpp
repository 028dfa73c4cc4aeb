// SPDX-License-Identifier: Apache-2.0
// The HTML report: one self-contained file. Inline CSS only, no script, no font, no image; a
// Content-Security-Policy that forbids every fetch, so opening it never touches the network. Every
// string that came from a server (reasons, names, evidence) goes through markup_escape.
#include <algorithm>

#include "legacyscan/strings.hpp"
#include "src/report/finding_view.hpp"
#include "src/report/render.hpp"

namespace legacyscan::report {

namespace {

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:2px solid #888}h3{font-size:1.1em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
thead th{background:#eee}
table.matrix th[scope=row]{white-space:nowrap}
table.matrix td{text-align:center;min-width:6em}
table.matrix td[data-protocol=tls]{min-width:11em}
table.matrix td small{display:block;color:#333;font-size:.75em;max-width:16em;margin:auto}
.v-works{background:#c8efc8}.v-degraded{background:#ffe9a8}.v-fails{background:#f7b4b4;font-weight:bold}
.v-unknown{background:#e2e2e2;color:#555}.v-none{background:#fafafa;color:#999}
.legend span{display:inline-block;padding:.1em .6em;margin-right:.5em;border:1px solid #bbb}
table.findings td.value,table.findings td.evidence{white-space:pre-wrap;word-break:break-word;max-width:40em}
table.findings td.check{font-family:ui-monospace,monospace;white-space:nowrap}
.f-bad{background:#f7b4b4;font-weight:bold}.f-warn{background:#ffe9a8}.f-good{background:#c8efc8}
.f-failed{background:#e2e2e2;color:#555}.note{color:#555;margin:.2em 0}
.meta{color:#555}.fail{color:#a00;font-weight:bold}.pass{color:#070}
details{margin:.3em 0}summary{cursor:pointer}
)";

// Long suite names ("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA") may break after their underscores.
std::string breakable(const std::string& s) {
  std::string out;
  for (char c : markup_escape(s)) {
    out += c;
    if (c == '_') out += "<wbr>";
  }
  return out;
}

std::string cls(const std::string& verdict) { return "v v-" + markup_escape(verdict); }

std::string anchor(std::size_t host, const std::string& profile) {
  return "h" + std::to_string(host) + "-" + markup_escape(profile);
}

void cell_reason_lines(std::ostream& out, const Cell& cell) {
  out << markup_escape(cell.reason);
  if (!cell.negotiated.empty()) out << " <em>(negotiated: " << markup_escape(cell.negotiated) << ")</em>";
  if (!cell.stacks.empty()) {
    out << "<ul class=\"stacks\">";
    for (const auto& s : cell.stacks)
      out << "<li data-stack=\"" << markup_escape(s.stack) << "\"><span class=\"" << cls(s.verdict) << "\">"
          << markup_escape(s.verdict) << "</span> " << markup_escape(s.stack) << ": " << markup_escape(s.reason)
          << "</li>";
    out << "</ul>";
  } else if (!cell.stack.empty() && !cell.reason.starts_with(cell.stack)) {
    out << " [" << markup_escape(cell.stack) << "]";
  }
}

std::string verdict_word(const std::string& verdict) {
  if (verdict == "bad") return "BAD";
  if (verdict == "warn") return "WARN";
  if (verdict == "good") return "OK";
  if (verdict == "failed") return "n/a";
  return markup_escape(verdict);
}

std::string verdict_cell(const std::string& verdict) {
  return "<td class=\"f-" + markup_escape(verdict) + "\" data-verdict=\"" + markup_escape(verdict) + "\">" +
         verdict_word(verdict) + "</td>";
}

void notes(std::ostream& out, const FindingView& view, const std::vector<const FindingRow*>& shown) {
  for (const auto& n : fold_notes(view, shown)) out << "<p class=\"note\">" << markup_escape(n) << ".</p>\n";
}

// The BAD then WARN findings, as the terminal table lists them: what to act on before reading the matrix.
void render_fix_first(std::ostream& out, const FindingView& view) {
  const auto fix = to_fix(view);
  if (fix.empty()) return;
  out << "<h3>Fix first</h3>\n<table class=\"findings fix\"><thead><tr><th>Verdict</th><th>Port</th><th>Check</th>"
         "<th>Value</th></tr></thead><tbody>\n";
  for (const auto& l : merge_lines(fix))
    out << "<tr>" << verdict_cell(l.first->verdict) << "<td>" << markup_escape(l.first->port)
        << "</td><td class=\"check\">" << markup_escape(l.check) << "</td><td class=\"value\">"
        << markup_escape(summarise(l.first->value)) << "</td></tr>\n";
  out << "</tbody></table>\n";
  notes(out, view, fix);
}

// A finding that misleads more than it tells: the NetBIOS Unit ID is the MAC field of the node status
// answer, which Samba fills with changing bytes.
bool only_with_details(const FindingRow& f) { return f.check == "netbios.unit_id"; }

// Each probe: how it ended, then its findings as rows (check, verdict, value, evidence).
void render_evidence(std::ostream& out, const Host& h, const FindingView& view, const TextOptions& o) {
  if (h.evidence.empty()) return;
  out << "<h3>Evidence</h3>\n";
  for (const auto& e : h.evidence) {
    std::vector<const FindingRow*> rows;
    for (const auto* f : view.rows)
      if (f->probe == e.probe && (o.details || !only_with_details(*f))) rows.push_back(f);
    const bool weak = std::any_of(rows.begin(), rows.end(),
                                  [](const FindingRow* f) { return f->verdict == "bad" || f->verdict == "warn"; });
    out << "<details class=\"evidence\" data-probe=\"" << markup_escape(e.probe) << "\"" << (weak ? " open" : "")
        << "><summary>" << markup_escape(e.probe) << ": " << markup_escape(e.status)
        << (e.reason.empty() ? "" : " (" + markup_escape(e.reason) + ")") << "</summary>\n";
    if (!rows.empty()) {
      out << "<table class=\"findings\"><thead><tr><th>Port</th><th>Check</th><th>Verdict</th><th>Value</th>"
             "<th>Evidence</th></tr></thead><tbody>\n";
      for (const auto* f : rows)
        out << "<tr><td>" << markup_escape(f->port) << "</td><td class=\"check\">" << markup_escape(f->check) << "</td>"
            << verdict_cell(f->verdict) << "<td class=\"value\">" << markup_escape(f->value)
            << "</td><td class=\"evidence\">" << markup_escape(f->evidence) << "</td></tr>\n";
      out << "</tbody></table>\n";
      notes(out, view, rows);
    }
    out << "</details>\n";
  }
}

void render_host(std::ostream& out, const Host& h, std::size_t index, const TextOptions& o) {
  out << "<section class=\"host\" id=\"host-" << index << "\" data-target=\"" << markup_escape(h.target)
      << "\" data-address=\"" << markup_escape(h.address) << "\">\n";
  out << "<h2>" << markup_escape(h.title()) << "</h2>\n";
  const auto view = fold_ports(h);
  render_fix_first(out, view);
  if (h.clients.empty()) {
    out << "<p>No compatibility matrix"
        << (h.matrix_status ? ": " + markup_escape(*h.matrix_status) : std::string(" (the matrix probe did not run)"))
        << ".</p>\n";
  } else {
    const auto t = tally(h);
    out << "<p class=\"tally\">" << h.clients.size() << " clients: " << t.works << " work, " << t.degraded
        << " degraded, <span class=\"fail\">" << t.fails << " fail</span>, " << t.unknown << " unknown.</p>\n";
    out << "<table class=\"matrix\">\n<thead><tr><th>Client</th>";
    for (const auto& c : h.columns)
      out << "<th data-protocol=\"" << markup_escape(c.protocol) << "\" data-port=\"" << markup_escape(c.port) << "\">"
          << markup_escape(c.label()) << "</th>";
    out << "<th>Overall</th></tr></thead>\n<tbody>\n";
    for (const auto& row : h.clients) {
      out << "<tr data-profile=\"" << markup_escape(row.profile) << "\"><th scope=\"row\"><a href=\"#"
          << anchor(index, row.profile) << "\">" << markup_escape(row.name) << "</a></th>";
      for (const auto& c : h.columns) {
        const auto* cell = row.cell(c);
        if (!cell) {
          out << "<td class=\"v v-none\" data-protocol=\"" << markup_escape(c.protocol) << "\" data-port=\""
              << markup_escape(c.port) << "\" title=\"the client does not use this protocol\">-</td>";
          continue;
        }
        std::string hover = cell->reason;
        if (!cell->stack.empty() && !cell->reason.starts_with(cell->stack)) hover += " [" + cell->stack + "]";
        out << "<td class=\"" << cls(cell->verdict) << "\" data-protocol=\"" << markup_escape(c.protocol)
            << "\" data-port=\"" << markup_escape(c.port) << "\" data-verdict=\"" << markup_escape(cell->verdict)
            << "\" title=\"" << markup_escape(hover) << "\">" << markup_escape(cell->verdict);
        if (!cell->negotiated.empty()) out << "<small>" << breakable(cell->negotiated) << "</small>";
        out << "</td>";
      }
      out << "<td class=\"" << cls(row.verdict) << " overall\" data-protocol=\"overall\" data-verdict=\""
          << markup_escape(row.verdict) << "\">" << markup_escape(row.verdict) << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
    out << "<h3>Per client</h3>\n";
    for (const auto& row : h.clients) {
      const bool open = row.verdict == "fails" || row.verdict == "degraded";
      out << "<details class=\"client\" id=\"" << anchor(index, row.profile) << "\"" << (open ? " open" : "")
          << "><summary><span class=\"" << cls(row.verdict) << "\">" << markup_escape(row.verdict) << "</span> "
          << markup_escape(row.name) << " <code>" << markup_escape(row.profile) << "</code></summary>\n<table>";
      for (const auto& [col, cell] : row.cells) {
        out << "<tr><th>" << markup_escape(col.label()) << "</th><td class=\"" << cls(cell.verdict) << "\">"
            << markup_escape(cell.verdict) << "</td><td class=\"reason\">";
        cell_reason_lines(out, cell);
        out << "</td></tr>";
      }
      out << "</table></details>\n";
    }
  }
  if (!h.policy.empty()) {
    out << "<h3>Policy</h3>\n<table class=\"policy\"><thead><tr><th>Rule</th><th>Result</th><th>Evidence</th></tr>"
           "</thead><tbody>\n";
    for (const auto& p : h.policy)
      out << "<tr><td><code>" << markup_escape(p.rule) << "</code></td><td class=\"" << (p.passed ? "pass" : "fail")
          << "\">" << (p.passed ? "passed" : "FAILED") << "</td><td>" << markup_escape(p.evidence) << "</td></tr>\n";
    out << "</tbody></table>\n";
  }
  render_evidence(out, h, view, o);
  out << "</section>\n";
}

}  // namespace

void render_html(std::ostream& out, const Report& r, const TextOptions& options) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"generator\" content=\"legacyscan "
      << markup_escape(r.tool_version) << "\">\n<title>legacyscan report</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n<h1>legacyscan report</h1>\n";
  out << "<p class=\"meta\">Scan " << markup_escape(r.started) << " to " << markup_escape(r.finished) << ", "
      << r.hosts.size() << " host(s)" << (r.complete ? "" : ", <strong>interrupted: results are partial</strong>")
      << ".</p>\n";
  if (r.has_policy)
    out << "<p class=\"" << (r.policy_passed ? "pass" : "fail")
        << "\" id=\"policy\">Policy: " << (r.policy_passed ? "every rule held" : "at least one rule failed")
        << ".</p>\n";
  out << "<p class=\"legend\"><span class=\"v-works\">works</span><span class=\"v-degraded\">degraded: works with a "
         "weakness</span><span class=\"v-fails\">fails</span><span class=\"v-unknown\">unknown: could not be "
         "decided</span><span class=\"v-none\">-: not used by the client</span> Hover over a cell for its reason; "
         "every reason is listed under <em>Per client</em>.</p>\n";
  if (r.hosts.size() > 1) {
    out << "<ul class=\"hosts\">";
    for (std::size_t i = 0; i < r.hosts.size(); ++i) {
      const auto t = tally(r.hosts[i]);
      // Counted as the table counts them: a port folded into another is not counted again.
      const auto fix = to_fix(fold_ports(r.hosts[i]));
      const auto bad = std::count_if(fix.begin(), fix.end(), [](const FindingRow* f) { return f->verdict == "bad"; });
      out << "<li><a href=\"#host-" << i << "\">" << markup_escape(r.hosts[i].title()) << "</a>: " << bad << " BAD, "
          << fix.size() - static_cast<std::size_t>(bad) << " WARN; " << t.fails << " client(s) fail, " << t.degraded
          << " degraded</li>";
    }
    out << "</ul>\n";
  }
  for (std::size_t i = 0; i < r.hosts.size(); ++i) render_host(out, r.hosts[i], i, options);
  out << "</body>\n</html>\n";
}

}  // namespace legacyscan::report
