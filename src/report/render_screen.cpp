// SPDX-License-Identifier: Apache-2.0
// The terminal report of `scan` and `report`, made to be read in one screen: per host one summary line
// (the NetExec habit: "SMB1:on signing:off TLS1.0:on"), the BAD/WARN findings, the matrix summary;
// hosts without an answer counted, not listed (as nmap does); the last line counts hosts and findings.
// --details adds every check row and the whole matrix.
#include <algorithm>
#include <array>
#include <sstream>

#include "src/report/finding_view.hpp"
#include "src/report/render.hpp"
#include "src/report/text_util.hpp"

namespace legacyscan::report {

namespace {

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kMore = " ... (see JSON)";

const char* colour_of(const std::string& verdict) {
  if (verdict == "good") return "\x1b[32m";
  if (verdict == "warn") return "\x1b[33m";
  if (verdict == "bad") return "\x1b[31;1m";
  if (verdict == "failed") return "\x1b[35m";
  return "";
}

std::string marker(const std::string& verdict) {
  if (verdict == "good") return "OK  ";
  if (verdict == "warn") return "WARN";
  if (verdict == "bad") return "BAD ";
  if (verdict == "failed") return "n/a ";
  return "    ";
}

int rank(const std::string& verdict) {
  if (verdict == "bad") return 3;
  if (verdict == "warn") return 2;
  if (verdict == "good") return 1;
  return 0;
}

std::string paint(const std::string& text, const std::string& verdict, bool colour) {
  const char* c = colour ? colour_of(verdict) : "";
  return *c ? c + text + kReset : text;
}

// The settings an admin asks about first, as one word each. A legacy thing accepted (bad or warn) is
// `on` (or `off` for a protection that is not required); `?` when the check could not decide.
struct Token {
  const char* name;
  const char* check;  // a check id, or a prefix of ids when it ends with '.' or '-'
  const char* when_weak;
  const char* when_good;
  bool only_when_weak;  // protocols long gone: named only when found
};
constexpr std::array kTokens{
    Token{"SMB1", "smb1", "on", "off", false},
    Token{"signing", "smb.signing.", "off", "on", false},
    Token{"SSL2", "tls.version.ssl2", "on", "off", true},
    Token{"SSL3", "tls.version.ssl3", "on", "off", true},
    Token{"TLS1.0", "tls.version.1.0", "on", "off", false},
    Token{"TLS1.1", "tls.version.1.1", "on", "off", false},
    Token{"RC4", "kerberos.etype.rc4-hmac", "on", "off", false},
    Token{"DES", "kerberos.etype.des-", "on", "off", true},
    Token{"LDAP-signing", "ldap.signing", "off", "on", false},
    Token{"channel-binding", "ldap.channel_binding", "off", "on", false},
    Token{"NetBIOS", "netbios.node_status", "on", "off", false},
};

bool matches(const Token& t, const std::string& check) {
  const std::string_view pattern = t.check;
  if (pattern.ends_with('.') || pattern.ends_with('-')) return check.starts_with(pattern);
  return check == pattern;
}

std::string tokens(const Host& h, bool colour) {
  std::string out;
  for (const auto& t : kTokens) {
    const FindingRow* worst = nullptr;
    for (const auto& f : h.findings)
      if (matches(t, f.check) && (!worst || rank(f.verdict) > rank(worst->verdict))) worst = &f;
    if (!worst) continue;
    const bool weak = rank(worst->verdict) >= 2;
    if (t.only_when_weak && !weak) continue;
    const std::string word = weak ? t.when_weak : worst->verdict == "good" ? t.when_good : "?";
    out += (out.empty() ? "" : " ") + paint(std::string(t.name) + ":" + word, worst->verdict, colour);
  }
  return out;
}

struct Counts {
  std::size_t bad = 0, warn = 0;
};

// The finding lines, each: marker, port, check, then the value wrapped under itself.
void render_lines(std::ostream& out, const std::vector<FindingLine>& lines, const TextOptions& o) {
  std::size_t port_w = 0, check_w = 0;
  for (const auto& l : lines) {
    port_w = std::max(port_w, width_of(l.first->port));
    check_w = std::max(check_w, width_of(l.check));
  }
  check_w = std::min(check_w, std::max<std::size_t>(o.width / 4, 12));
  for (const auto& l : lines) {
    const auto& f = *l.first;
    std::string prefix = "  " + paint(marker(f.verdict), f.verdict, o.colour) + "  " + fit(printable(f.port), port_w) +
                         "  " + printable(l.check);
    const std::size_t at = 2 + 4 + 2 + port_w + 2 + check_w + 2;
    prefix += width_of(l.check) < check_w + 2 ? std::string(check_w + 2 - width_of(l.check), ' ') : "  ";
    const std::size_t indent = at + 20 <= o.width ? at : 8;
    wrap(out, prefix, printable(summarise(f.value)), indent, o.width, o.details ? 0 : 3, kMore);
  }
}

void render_notes(std::ostream& out, const std::vector<std::string>& notes, const TextOptions& o) {
  for (const auto& n : notes) wrap(out, "        ", n, 8, o.width);
}

// Probes that could not check the host (an answer from another probe keeps the host up).
void render_unchecked(std::ostream& out, const Host& h, const TextOptions& o) {
  for (const auto& e : h.evidence) {
    if (e.status == "ok" || e.status == "skipped" || e.probe == "matrix") continue;
    wrap(out, "  " + paint("n/a ", "failed", o.colour) + "  ",
         "probe " + printable(e.probe) + ": " + e.status + (e.reason.empty() ? "" : ": " + printable(e.reason)), 8,
         o.width, o.details ? 0 : 2, kMore);
  }
}

void render_matrix_part(std::ostream& out, const Host& h, const TextOptions& o) {
  if (h.clients.empty()) {
    if (h.matrix_status) wrap(out, "  Compatibility matrix: ", printable(*h.matrix_status), 4, o.width);
    return;
  }
  if (o.details) render_terminal_matrix(out, h, o.colour, o.width);
  render_terminal_summary(out, h, o.colour, o.width, !o.details);
}

Counts render_host(std::ostream& out, const Host& h, const TextOptions& o) {
  const auto view = fold_ports(h);
  const auto fix = to_fix(view);
  Counts c;
  for (const auto* r : fix) (r->verdict == "bad" ? c.bad : c.warn)++;
  const char* bold = o.colour ? "\x1b[1m" : "";
  const char* reset = o.colour ? kReset : "";
  std::string summary = tokens(h, o.colour);
  summary += std::string(summary.empty() ? "" : "  ") + "(" + std::to_string(c.bad) + " BAD, " +
             std::to_string(c.warn) + " WARN)";
  wrap(out, bold + printable(h.title()) + reset + "  ", summary, 2, o.width);
  render_lines(out, merge_lines(fix), o);
  render_notes(out, fold_notes(view, fix), o);
  render_unchecked(out, h, o);
  render_matrix_part(out, h, o);
  for (const auto& p : h.policy)
    if (o.details || !p.passed)
      wrap(out, std::string("  ") + (p.passed ? "policy PASS " : "policy FAIL "),
           printable(p.rule) + ": " + printable(p.evidence), 14, o.width);
  if (o.details && !h.findings.empty()) {
    out << "  Every check:\n";
    render_lines(out, merge_lines(view.rows), o);
    render_notes(out, fold_notes(view, view.rows), o);
  }
  return c;
}

// "down (no answer: timeout, refused)": the statuses of the host's probes.
std::string down_line(const Host& h) {
  std::vector<std::string> statuses;
  for (const auto& e : h.evidence)
    if (std::find(statuses.begin(), statuses.end(), e.status) == statuses.end()) statuses.push_back(e.status);
  std::string joined;
  for (const auto& s : statuses) joined += (joined.empty() ? "" : ", ") + s;
  return "down (no answer: " + printable(joined) + ")";
}

}  // namespace

void render_terminal_report(std::ostream& out, const Report& r, const TextOptions& o) {
  Counts total;
  std::size_t down = 0, hidden = 0, policy_rules = 0, policy_failed = 0;
  bool first = true;
  for (const auto& h : r.hosts) {
    for (const auto& p : h.policy) {
      ++policy_rules;
      policy_failed += p.passed ? 0 : 1;
    }
    if (h.down()) {
      ++down;
      if (!o.show_down) {
        ++hidden;
        continue;
      }
      wrap(out, printable(h.title()) + "  ", down_line(h), 2, o.width);
      continue;
    }
    if (!first) out << "\n";
    first = false;
    const auto c = render_host(out, h, o);
    total.bad += c.bad;
    total.warn += c.warn;
  }
  if (!r.hosts.empty() && hidden != r.hosts.size()) out << "\n";
  if (hidden > 0) out << hidden << " host(s) down: no probe got an answer (--show-down lists them)\n";
  if (r.has_policy) out << "Policy: " << policy_rules - policy_failed << " of " << policy_rules << " rules passed\n";
  std::ostringstream last;
  last << r.hosts.size() << " host(s): " << r.hosts.size() - down << " up, " << down << " down; " << total.bad
       << " BAD, " << total.warn << " WARN" << (r.complete ? "" : " (interrupted: results are partial)");
  out << last.str() << "\n";
}

}  // namespace legacyscan::report
