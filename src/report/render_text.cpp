// SPDX-License-Identifier: Apache-2.0
// Terminal matrix, Markdown and CSV renderings of the report model.
#include <algorithm>

#include "src/report/finding_view.hpp"
#include "src/report/render.hpp"
#include "src/report/text_util.hpp"

namespace legacyscan::report {

namespace {

constexpr const char* kReset = "\x1b[0m";

const char* colour_of(const std::string& verdict) {
  if (verdict == "works") return "\x1b[32m";
  if (verdict == "degraded") return "\x1b[33m";
  if (verdict == "fails") return "\x1b[31;1m";
  return "\x1b[90m";
}

// Short words that fit a narrow column and still read without colour.
std::string word_of(const std::string& verdict) {
  if (verdict == "works") return "ok";
  if (verdict == "degraded") return "weak";
  if (verdict == "fails") return "FAIL";
  return "?";
}

int rank(const std::string& verdict) {
  if (verdict == "fails") return 3;
  if (verdict == "degraded") return 2;
  if (verdict == "works") return 1;
  return 0;
}

std::string md(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) continue;
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (std::string_view("|\\`*_[]#!").find(c) != std::string_view::npos)
      out += std::string("\\") + c;
    else
      out += c;
  }
  return out;
}

// A matrix column as the terminal shows it: either one real column, or every TLS port folded into
// one worst-of column when the ports do not fit.
struct TermColumn {
  std::string label;
  std::vector<Column> parts;
};

const Cell* worst(const ClientRow& row, const TermColumn& col) {
  const Cell* w = nullptr;
  for (const auto& c : col.parts)
    if (const auto* cell = row.cell(c); cell && (!w || rank(cell->verdict) > rank(w->verdict))) w = cell;
  return w;
}

// The BAD then WARN findings of a host, as the terminal table lists them: folded ports noted, rows that
// differ only in the tail of their check id on one line.
void markdown_fix_first(std::ostream& out, const Host& h) {
  const auto view = fold_ports(h);
  const auto fix = to_fix(view);
  if (fix.empty()) return;
  out << "### Fix first\n\n| Verdict | Port | Check | Value |\n|---|---|---|---|\n";
  for (const auto& l : merge_lines(fix))
    out << "| **" << (l.first->verdict == "bad" ? "BAD" : "WARN") << "** | " << md(l.first->port) << " | "
        << md(l.check) << " | " << md(summarise(l.first->value)) << " |\n";
  for (const auto& note : fold_notes(view, fix)) out << "\n" << md(note) << ".\n";
  out << "\n";
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void render_terminal_matrix(std::ostream& out, const Host& host, bool colour, std::size_t width) {
  if (host.clients.empty()) {
    if (host.matrix_status) out << "  Compatibility matrix: " << printable(*host.matrix_status) << "\n";
    return;
  }
  auto build = [&](bool fold_tls) {
    std::vector<TermColumn> cols;
    for (const auto& c : host.columns) {
      if (fold_tls && c.protocol == "tls") {
        auto it = std::find_if(cols.begin(), cols.end(), [](const TermColumn& t) { return t.label == "TLS*"; });
        if (it == cols.end())
          cols.push_back({"TLS*", {c}});
        else
          it->parts.push_back(c);
      } else {
        cols.push_back({c.short_label(), {c}});
      }
    }
    return cols;
  };
  std::size_t name_w = 6;
  for (const auto& c : host.clients) name_w = std::max(name_w, width_of(c.name));
  auto total = [&](const std::vector<TermColumn>& cols, std::size_t nw) {
    std::size_t t = 2 + nw;
    for (const auto& c : cols) t += 2 + std::max<std::size_t>(4, c.label.size());
    return t + 2 + 7;  // CLIENT verdict column
  };
  auto cols = build(false);
  if (total(cols, 20) > width) cols = build(true);
  const std::size_t fixed = total(cols, 0);
  // The names get what the columns leave of the width (at least 12), never more than the longest name.
  name_w = std::min(name_w, std::max<std::size_t>(width > fixed ? width - fixed : 0, 12));
  const char* bold = colour ? "\x1b[1m" : "";
  const char* reset = colour ? kReset : "";
  out << "  " << bold << fit("CLIENT", name_w);
  for (const auto& c : cols) out << "  " << fit(c.label, std::max<std::size_t>(4, c.label.size()));
  out << "  "
      << "OVERALL" << reset << "\n";
  auto put = [&](const std::string& verdict, std::size_t w, bool known) {
    const std::string word = known ? word_of(verdict) : "-";
    if (colour && known)
      out << colour_of(verdict) << fit(word, w) << kReset;
    else
      out << fit(word, w);
  };
  for (const auto& row : host.clients) {
    out << "  " << fit(printable(row.name), name_w);
    for (const auto& c : cols) {
      out << "  ";
      const auto* cell = worst(row, c);
      put(cell ? cell->verdict : "", std::max<std::size_t>(4, c.label.size()), cell != nullptr);
    }
    out << "  ";
    put(row.verdict, 7, true);
    out << "\n";
  }
  bool folded = false;
  for (const auto& c : cols) folded = folded || c.label == "TLS*";
  wrap(out, "  legend: ",
       std::string("ok works, weak works with a weakness (degraded), FAIL fails, ? unknown, - not used by the client") +
           (folded ? "; TLS* the worst of every TLS port" : ""),
       10, std::max<std::size_t>(width, 40));
}

void render_terminal_summary(std::ostream& out, const Host& host, bool colour, std::size_t width, bool brief) {
  if (host.clients.empty()) return;
  const auto t = tally(host);
  const char* bold = colour ? "\x1b[1m" : "";
  const char* reset = colour ? kReset : "";
  out << "  " << bold << "Summary: " << host.clients.size() << " clients: " << t.works << " work, " << t.degraded
      << " degraded, " << t.fails << " fail, " << t.unknown << " unknown" << reset << "\n";
  // Each failing client with the first reason it fails: the line an admin acts on.
  for (const auto& row : host.clients) {
    if (row.verdict != "fails") continue;
    for (const auto& [col, cell] : row.cells) {
      if (cell.verdict != "fails") continue;
      std::string line = row.name + ": " + col.label() + ": " + cell.reason;
      if (!cell.stack.empty() && !cell.reason.starts_with(cell.stack)) line += " [" + cell.stack + "]";
      wrap(out, std::string("  ") + (colour ? colour_of("fails") : "") + "FAIL" + reset + " ", printable(line), 7,
           width, brief ? 1 : 0, " ...");
      break;
    }
  }
  if (brief) return;
  // The degraded clients, wrapped to the width of the matrix.
  std::string line;
  for (const auto& row : host.clients) {
    if (row.verdict != "degraded") continue;
    const std::string item = printable(row.name);
    if (line.empty()) {
      line = "  weak: " + item;
    } else if (width_of(line) + 2 + width_of(item) + 1 > width) {
      out << line << ",\n";
      line = "        " + item;
    } else {
      line += ", " + item;
    }
  }
  if (!line.empty()) out << line << "\n";
}

void render_markdown(std::ostream& out, const Report& r) {
  out << "# legacyscan report\n\n";
  out << "Scan " << md(r.started) << " to " << md(r.finished) << ", legacyscan " << md(r.tool_version) << ", "
      << r.hosts.size() << " host(s)" << (r.complete ? "" : ", **interrupted: results are partial**") << ".\n\n";
  out << "Verdicts: **works**; **degraded** (works with a weakness); **fails**; **unknown** (could not be decided); "
         "empty: the client does not use that protocol.\n";
  for (const auto& h : r.hosts) {
    out << "\n## " << md(h.title()) << "\n\n";
    markdown_fix_first(out, h);
    if (h.clients.empty()) {
      out << "No compatibility matrix" << (h.matrix_status ? ": " + md(*h.matrix_status) : std::string()) << ".\n";
    } else {
      const auto t = tally(h);
      out << h.clients.size() << " clients: " << t.works << " work, " << t.degraded << " degraded, " << t.fails
          << " fail, " << t.unknown << " unknown.\n\n";
      out << "| Client |";
      for (const auto& c : h.columns) out << " " << md(c.label()) << " |";
      out << " Overall |\n|---|";
      for (std::size_t i = 0; i < h.columns.size(); ++i) out << "---|";
      out << "---|\n";
      for (const auto& row : h.clients) {
        out << "| " << md(row.name) << " |";
        for (const auto& c : h.columns) {
          const auto* cell = row.cell(c);
          out << " "
              << (cell ? md(cell->verdict) + (cell->negotiated.empty() ? "" : " (" + md(cell->negotiated) + ")") : "")
              << " |";
        }
        out << " **" << md(row.verdict) << "** |\n";
      }
      out << "\n### Why\n\n";
      out << "| Client | Protocol | Verdict | Reason |\n|---|---|---|---|\n";
      for (const auto& row : h.clients)
        for (const auto& [col, cell] : row.cells) {
          std::string reason = cell.reason;
          for (const auto& s : cell.stacks) reason += "; " + s.stack + ": " + s.verdict + ", " + s.reason;
          if (cell.stacks.empty() && !cell.stack.empty()) reason += " (" + cell.stack + ")";
          out << "| " << md(row.name) << " | " << md(col.label()) << " | " << md(cell.verdict) << " | " << md(reason)
              << " |\n";
        }
    }
    if (!h.evidence.empty()) {
      out << "\n### Probes\n\n| Probe | Status | Reason |\n|---|---|---|\n";
      for (const auto& e : h.evidence)
        out << "| " << md(e.probe) << " | " << md(e.status) << " | " << md(e.reason) << " |\n";
    }
    if (!h.policy.empty()) {
      out << "\n### Policy\n\n| Rule | Result | Evidence |\n|---|---|---|\n";
      for (const auto& p : h.policy)
        out << "| " << md(p.rule) << " | " << (p.passed ? "passed" : "**FAILED**") << " | " << md(p.evidence) << " |\n";
    }
  }
  if (r.has_policy)
    out << "\nPolicy: " << (r.policy_passed ? "every rule held." : "**at least one rule failed.**") << "\n";
}

void render_csv(std::ostream& out, const Report& r) {
  const char* eol = "\r\n";
  out << "host,address,profile,client,protocol,port,verdict,negotiated,reason,stack" << eol;
  for (const auto& h : r.hosts)
    for (const auto& row : h.clients)
      for (const auto& [col, cell] : row.cells)
        out << csv_field(h.target) << ',' << csv_field(h.address) << ',' << csv_field(row.profile) << ','
            << csv_field(row.name) << ',' << csv_field(col.protocol) << ',' << csv_field(col.port) << ','
            << csv_field(cell.verdict) << ',' << csv_field(cell.negotiated) << ',' << csv_field(cell.reason) << ','
            << csv_field(cell.stack) << eol;
}

void render_csv_findings(std::ostream& out, const Report& r) {
  const char* eol = "\r\n";
  out << "host,address,probe,port,check,verdict,value,evidence" << eol;
  for (const auto& h : r.hosts) {
    std::vector<const FindingRow*> rows;
    for (const char* verdict : {"bad", "warn"})
      for (const auto& f : h.findings)
        if (f.verdict == verdict) rows.push_back(&f);
    for (const auto& f : h.findings)
      if (f.verdict != "bad" && f.verdict != "warn") rows.push_back(&f);
    for (const auto* f : rows)
      out << csv_field(h.target) << ',' << csv_field(h.address) << ',' << csv_field(f->probe) << ','
          << csv_field(f->port) << ',' << csv_field(f->check) << ',' << csv_field(f->verdict) << ','
          << csv_field(f->value) << ',' << csv_field(f->evidence) << eol;
  }
}

}  // namespace legacyscan::report
