// SPDX-License-Identifier: Apache-2.0
#include "src/cli/whatif_join.hpp"

#include <map>
#include <ostream>

#include "legacyscan/engine/input_file.hpp"
#include "src/passive/passive.hpp"
#include "src/report/accounts_report.hpp"
#include "src/report/text_util.hpp"

namespace legacyscan::cli {

namespace {

std::optional<nlohmann::json> json_document(const std::string& file, std::string& err) {
  auto text = read_input_file(file, err);
  if (!text) return std::nullopt;
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

// "10.0.1.5 (ws01) as alice: rc4-hmac x3"
std::string use_text(const matrix::TicketUse& u) {
  std::string s = u.address.empty() ? "(no address)" : u.address;
  if (!u.host.empty() && u.host != u.address) s += " (" + u.host + ")";
  if (!u.client.empty()) s += " as " + u.client;
  return s + ": " + (u.etype.empty() ? "?" : u.etype) + (u.via == "as" ? " TGT" : "") + " x" + std::to_string(u.count);
}

}  // namespace

std::string wave_rows_of_audit(const std::string& file, std::vector<matrix::WaveAccountRow>& rows) {
  std::string err;
  auto doc = json_document(file, err);
  if (!doc) return file + ": " + (err.empty() ? "not a JSON document of legacyscan accounts" : err);
  if (doc->value("command", "") != "accounts") return file + ": not the JSON output of legacyscan accounts";
  std::vector<accounts::AccountsResult> storage;
  std::vector<report::AccountsAudit> audits;
  ScanSummary summary;
  if (auto why = report::accounts_from_json(*doc, storage, audits, summary); !why.empty()) return file + ": " + why;
  for (const auto& audit : audits)
    if (audit.result)
      for (const auto& acc : audit.result->accounts)
        rows.push_back(matrix::rc4_2026_account(acc, audit.address.empty() ? audit.target : audit.address));
  return "";
}

std::string event_accounts_of(const std::string& file, std::vector<matrix::EventAccount>& out) {
  std::string err;
  if (auto doc = json_document(file, err); doc && doc->contains("kerberos_accounts")) {
    auto why = matrix::event_accounts_from_json((*doc)["kerberos_accounts"], out);
    return why.empty() ? "" : file + ": " + why;
  } else if (doc && doc->contains("source") && doc->contains("clients")) {
    return "";  // events output without Kerberos accounts: nothing to join
  }
  if (!err.empty()) return file + ": " + err;
  passive::Report r;
  if (auto why = passive::read_events_file(file, r); !why.empty()) return file + ": " + why;
  const auto doc = passive::to_json(r);
  if (!doc.contains("kerberos_accounts")) return "";
  auto why = matrix::event_accounts_from_json(doc["kerberos_accounts"], out);
  return why.empty() ? "" : file + ": " + why;
}

void print_who_breaks(std::ostream& out, const matrix::Wave& wave, const std::vector<matrix::WhoBreaksRow>& rows,
                      const std::vector<matrix::BrokenClient>& clients, std::size_t width) {
  out << "Who breaks after the wave " << wave.id << ":\n";
  std::map<std::string, std::size_t> counts;
  for (const auto& r : rows) {
    const auto& a = r.account;
    ++counts[a.verdict];
    if (a.verdict == "ok") continue;
    out << report::fit(a.verdict, 10) << " " << report::printable(a.account) << " ("
        << (a.kind == "unknown" ? "" : a.kind + ", ") << r.source << ")\n";
    report::wrap(out, "      why: ", report::printable(a.reason), 11, width);
    report::wrap(out, "      fix: ", report::printable(a.fix), 11, width);
    std::size_t shown = 0;
    for (const auto& u : r.clients) {
      if (++shown > 5) {
        out << "           and " << (r.clients.size() - 5) << " more (--format json lists all)\n";
        break;
      }
      report::wrap(out, shown == 1 ? "  used by: " : "           ", report::printable(use_text(u)), 11, width);
    }
  }
  if (!clients.empty()) {
    out << "\nClients that would break or change (" << clients.size() << "):\n";
    for (const auto& c : clients) {
      std::string who = c.address.empty() ? "(no address)" : c.address;
      if (!c.host.empty() && c.host != c.address) who += " (" + c.host + ")";
      std::string as, accts;
      for (const auto& n : c.clients) as += (as.empty() ? "" : ", ") + n;
      for (const auto& n : c.accounts) accts += (accts.empty() ? "" : ", ") + n;
      out << "  " << report::fit(c.verdict, 8) << " " << report::printable(who) << (as.empty() ? "" : " as " + as)
          << "\n";
      report::wrap(out, "      uses: ", report::printable(accts), 12, width);
    }
  }
  out << "\nbreaks " << counts["breaks"] << ", changes " << counts["changes"] << ", keeps-rc4 " << counts["keeps-rc4"]
      << ", unknown " << counts["unknown"] << ", ok " << counts["ok"] << "\n";
}

}  // namespace legacyscan::cli
