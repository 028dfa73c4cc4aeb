// SPDX-License-Identifier: Apache-2.0
// The account audit as one self-contained HTML file: per DC its posture and the date its domain
// could make AES keys, then the Accounts section (the count per verdict, one row per account worst
// first, with its reason and its fix). No script, no fetch; every string from a DC or a saved file
// goes through markup_escape.
#include <algorithm>
#include <map>

#include "legacyscan/strings.hpp"
#include "src/report/accounts_report.hpp"

namespace legacyscan::report {

using accounts::AccountResult;
using accounts::AccountVerdict;

namespace {

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:2px solid #888}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
thead th{background:#eee}td.reason,td.fix{max-width:36em;word-break:break-word}
.a-breaks,.a-des{background:#f7b4b4;font-weight:bold}.a-rc4-exception{background:#ffe9a8}
.a-ok{background:#c8efc8}.a-unknown{background:#e2e2e2;color:#555}.meta{color:#555}
)";

std::string e(const std::string& s) { return markup_escape(s); }

std::string dc_address(const AccountsAudit& a) { return a.address.empty() ? a.target : a.address; }

std::string list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void render_dc(std::ostream& out, const AccountsAudit& a) {
  out << "<li>" << e(a.address.empty() ? a.target : a.address) << ": ";
  if (!a.result || a.status != Status::ok) {
    out << e(std::string(to_string(a.status))) << ": " << e(a.reason) << "</li>\n";
    return;
  }
  const auto& r = *a.result;
  out << e(r.realm) << " over " << e(r.transport) << "; RC4 AS exchange <strong>" << e(r.posture.rc4_as_exchange)
      << "</strong>; RC4 service tickets <strong>" << e(r.posture.rc4_service_tickets) << "</strong>";
  if (!r.posture.evidence.empty()) out << " <span class=\"meta\">(" << e(r.posture.evidence) << ")</span>";
  const auto& d = r.directory;
  out << "; directory " << e(std::string(to_string(d.status)));
  if (d.status == Status::ok) {
    out << ": " << d.accounts << " accounts, " << d.trusts << " trusts; AES keys since "
        << e(d.aes_keys_since.date.value_or("unknown"));
    if (!d.aes_keys_since.evidence.empty())
      out << " <span class=\"meta\">(" << e(d.aes_keys_since.evidence) << ")</span>";
  } else {
    out << ": " << e(d.reason);
  }
  out << "</li>\n";
}

}  // namespace

void render_accounts_html(std::ostream& out, const std::vector<AccountsAudit>& audits, const std::string& started,
                          const std::string& finished) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
         "<title>legacyscan accounts</title>\n<style>"
      << kStyle << "</style>\n</head>\n<body>\n<h1>legacyscan accounts: what the removal of RC4 breaks</h1>\n";
  out << "<p class=\"meta\">Audit " << e(started) << " to " << e(finished) << ".</p>\n<ul class=\"dcs\">\n";
  for (const auto& a : audits) render_dc(out, a);
  out << "</ul>\n";
  render_accounts_section(out, audits);
  out << "</body>\n</html>\n";
}

void render_accounts_section(std::ostream& out, const std::vector<AccountsAudit>& audits) {
  const auto rows = accounts_rows(audits);
  std::map<AccountVerdict, std::size_t> counts;
  for (const auto& [dc, acc] : rows) ++counts[acc->verdict];
  out << "<section id=\"accounts\">\n<h2>Accounts</h2>\n<p class=\"counts\">";
  bool first = true;
  for (auto v : accounts::kAllVerdicts) {
    const std::string name(to_string(v));
    out << (first ? "" : ", ") << "<span class=\"a-" << name << "\">" << name << " " << counts[v] << "</span>";
    first = false;
  }
  out << "</p>\n";
  for (const auto& a : audits)
    if (const auto* row = a.result ? tgt_row(*a.result) : nullptr)
      out << "<p class=\"tgt\">" << e(tgt_line(*row)) << " <span class=\"meta\">(" << e(dc_address(a))
          << ")</span></p>\n";
  if (rows.empty()) {
    out << "<p>No account was audited.</p>\n</section>\n";
    return;
  }
  out << "<table class=\"accounts\">\n<thead><tr><th>verdict</th><th>account</th><th>kind</th><th>DC</th>"
         "<th>keys</th><th>msDS-SupportedEncryptionTypes</th><th>password set</th><th>reason</th><th>fix</th>"
         "</tr></thead>\n<tbody>\n";
  for (const auto& [dc, acc] : rows) {
    const std::string verdict(to_string(acc->verdict));
    const auto& s = acc->supported_etypes;
    std::string pwd = acc->pwd_last_set.value_or("-");
    if (acc->pwd_before_aes) pwd += *acc->pwd_before_aes ? " (before AES)" : " (after AES)";
    out << "<tr class=\"a-" << verdict << "\" data-verdict=\"" << verdict << "\"><td>" << verdict << "</td><td>"
        << e(acc->name) << "</td><td>" << e(acc->kind) << "</td><td>" << e(dc_address(*dc)) << "</td><td>"
        << e(list(acc->keys)) << "</td><td>"
        << (s.raw ? e(std::to_string(*s.raw) + " " + list(s.names)) : std::string("-")) << "</td><td>" << e(pwd)
        << "</td><td class=\"reason\">" << e(acc->reason) << "</td><td class=\"fix\">" << e(acc->remedy)
        << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n</section>\n";
}

}  // namespace legacyscan::report
