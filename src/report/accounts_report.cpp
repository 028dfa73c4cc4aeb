// SPDX-License-Identifier: Apache-2.0
#include "src/report/accounts_report.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "legacyscan/json_text.hpp"

#include "legacyscan/engine/fields.hpp"
#include "src/report/render.hpp"
#include "src/report/report.hpp"
#include "src/report/text_util.hpp"

namespace legacyscan::report {

using accounts::AccountResult;
using accounts::AccountVerdict;
using nlohmann::json;

std::vector<AccountsAudit> accounts_audits(const std::vector<HostResult>& hosts) {
  std::vector<AccountsAudit> out;
  for (const auto& h : hosts) {
    AccountsAudit a;
    a.target = h.target;
    a.address = h.address;
    a.status = Status::skipped;
    a.reason = "not audited";
    for (const auto& run : h.probes) {
      if (run.probe != "accounts" || !run.result) continue;
      a.status = run.result->status;
      a.reason = run.result->reason;
      a.result = dynamic_cast<const accounts::AccountsResult*>(run.result.get());
    }
    out.push_back(std::move(a));
  }
  return out;
}

namespace {

std::string dc_name(const AccountsAudit& a) { return a.address.empty() ? a.target : a.address; }

// "aes256-cts-hmac-sha1-96" -> "aes256", "rc4-hmac" -> "rc4", "des-cbc-md5" -> "des-md5": the table's
// short key names.
std::string short_key(const std::string& k) {
  if (k.rfind("aes", 0) == 0) return k.substr(0, k.find('-'));
  if (k == "rc4-hmac") return "rc4";
  if (k.rfind("des-cbc-", 0) == 0) return "des-" + k.substr(8);
  return k;
}

std::string short_keys(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ",") + short_key(k);
  return out.empty() ? "-" : out;
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

const AccountResult* tgt_row(const accounts::AccountsResult& r) {
  for (const auto& acc : r.accounts)
    if (acc.tgt) return &acc;
  return nullptr;
}

std::string tgt_line(const AccountResult& row) {
  return "TGT of " + printable(row.name) + ": ticket " + printable(row.tgt->ticket) + ", session key " +
         printable(row.tgt->session_key);
}

std::vector<std::pair<const AccountsAudit*, const AccountResult*>> accounts_rows(
    const std::vector<AccountsAudit>& audits) {
  std::vector<std::pair<const AccountsAudit*, const AccountResult*>> rows;
  for (const auto& a : audits)
    if (a.result)
      for (const auto& acc : a.result->accounts) rows.emplace_back(&a, &acc);
  std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    return std::tie(x.second->verdict, x.second->name) < std::tie(y.second->verdict, y.second->name);
  });
  return rows;
}

std::string accounts_from_json(const json& doc, std::vector<accounts::AccountsResult>& storage,
                               std::vector<AccountsAudit>& audits, ScanSummary& summary) {
  if (!doc.is_object() || doc.value("command", "") != "accounts" || !doc.contains("dcs") || !doc["dcs"].is_array() ||
      !doc.contains("accounts") || !doc["accounts"].is_array())
    return "not a legacyscan accounts document (command, dcs[], accounts[])";
  try {
    summary.started = doc.value("started", "");
    summary.finished = doc.value("finished", "");
    summary.complete = doc.value("complete", true);
    storage.clear();
    storage.reserve(doc["dcs"].size());
    audits.clear();
    for (const auto& dc : doc["dcs"]) {
      AccountsAudit a;
      a.target = dc.value("target", "");
      a.address = dc.value("address", "");
      if (!from_string(dc.value("status", "ok"), a.status)) return "dcs[]: unknown status";
      a.reason = dc.value("reason", "");
      if (dc.contains("realm")) {
        auto& r = storage.emplace_back();
        r.status = a.status;
        r.reason = a.reason;
        r.port = dc.value("port", std::uint16_t{88});
        r.realm = dc.value("realm", "");
        r.transport = dc.value("transport", "");
        if (dc.contains("posture")) fields::from_json(dc["posture"], r.posture);
        if (dc.contains("directory")) fields::from_json(dc["directory"], r.directory);
        const std::string name = a.address.empty() ? a.target : a.address;
        for (const auto& j : doc["accounts"])
          if (j.value("dc", "") == name) fields::from_json(j, r.accounts.emplace_back());
        a.result = &r;
      }
      audits.push_back(std::move(a));
    }
  } catch (const std::exception& e) {
    return std::string("accounts document: ") + e.what();
  }
  return {};
}

json accounts_to_json(const ScanSummary& summary, const std::vector<AccountsAudit>& audits) {
  json dcs = json::array();
  json accounts = json::array();
  for (const auto& a : audits) {
    json dc{{"target", a.target}, {"address", a.address}, {"status", std::string(to_string(a.status))}};
    if (a.status != Status::ok) dc["reason"] = a.reason;
    if (a.result) {
      dc["port"] = a.result->port;
      dc["realm"] = a.result->realm;
      dc["transport"] = a.result->transport;
      dc["posture"] = fields::to_json(a.result->posture);
      dc["directory"] = fields::to_json(a.result->directory);
      for (const auto& acc : a.result->accounts) {
        json j = fields::to_json(acc);
        j["dc"] = dc_name(a);
        accounts.push_back(std::move(j));
      }
    }
    dcs.push_back(std::move(dc));
  }
  json counts = json::object();
  for (auto v : accounts::kAllVerdicts) counts[std::string(to_string(v))] = 0;
  for (const auto& j : accounts)
    counts[j["verdict"].get<std::string>()] = counts[j["verdict"].get<std::string>()].get<int>() + 1;
  return json{{"schema_version", kSchemaVersion},
              {"tool", {{"name", "legacyscan"}, {"version", LEGACYSCAN_VERSION}}},
              {"command", "accounts"},
              {"started", summary.started},
              {"finished", summary.finished},
              {"complete", summary.complete},
              {"dcs", std::move(dcs)},
              {"accounts", std::move(accounts)},
              {"counts", std::move(counts)}};
}

void render_accounts_table(std::ostream& out, const std::vector<AccountsAudit>& audits, std::size_t width) {
  width = std::max<std::size_t>(width, 60);
  for (const auto& a : audits) {
    std::string line = "DC " + printable(dc_name(a)) + ": ";
    if (!a.result || a.status != Status::ok) {
      wrap(out, line, std::string(to_string(a.status)) + ": " + printable(a.reason), 4, width);
      continue;
    }
    line += printable(a.result->realm) + " over " + a.result->transport + ", " +
            std::to_string(a.result->accounts.size()) + " principals; RC4 AS exchange " +
            a.result->posture.rc4_as_exchange + "; RC4 service tickets " + a.result->posture.rc4_service_tickets;
    const auto& d = a.result->directory;
    if (d.status == Status::ok)
      line += "; directory: " + std::to_string(d.accounts) + " accounts";
    else if (d.reason != accounts::DirectoryStatus{}.reason)  // not just "no --user"
      line += "; directory " + std::string(to_string(d.status)) + ": " + printable(d.reason);
    wrap(out, "", line, 4, width);
    // The user's own logon: an RC4 session key here breaks its logons when RC4 goes.
    if (const auto* row = tgt_row(*a.result)) wrap(out, "  ", tgt_line(*row), 4, width);
  }
  const auto rows = accounts_rows(audits);
  if (rows.empty()) return;
  const bool many = std::count_if(audits.begin(), audits.end(), [](const auto& a) { return a.result; }) > 1;
  constexpr std::size_t kVerdict = 14, kName = 22, kKeys = 16;
  const std::size_t reason_width = width - kVerdict - kName - kKeys - 3;
  out << "\n" << fit("VERDICT", kVerdict) << " " << fit("ACCOUNT", kName) << " " << fit("KEYS", kKeys) << " REASON\n";
  std::map<AccountVerdict, std::size_t> counts;
  std::map<AccountVerdict, std::string> remedies;
  for (const auto& [dc, acc] : rows) {
    ++counts[acc->verdict];
    remedies.emplace(acc->verdict, acc->remedy);
    std::string name = printable(acc->name) + (many ? "@" + dc_name(*dc) : "");
    out << fit(std::string(to_string(acc->verdict)), kVerdict) << " " << fit(name, kName) << " "
        << fit(short_keys(acc->keys), kKeys) << " " << fit(printable(acc->reason), reason_width) << "\n";
  }
  std::vector<std::string> summary;
  for (auto v : accounts::kAllVerdicts) summary.push_back(std::string(to_string(v)) + " " + std::to_string(counts[v]));
  out << "\n";
  wrap(out, "Accounts: ", joined(summary, ", "), 4, width);
  for (auto v : accounts::kAllVerdicts)
    if (auto it = remedies.find(v); it != remedies.end() && v != AccountVerdict::ok && v != AccountVerdict::unknown)
      wrap(out, "Fix " + std::string(to_string(v)) + ": ", it->second, 4, width);
}

void render_accounts_csv(std::ostream& out, const std::vector<AccountsAudit>& audits) {
  out << "dc,name,kind,verdict,keys,salt,preauth_required,spns,supported_etypes,ticket_default,ticket_rc4_only,"
         "ticket_aes_only,pwd_last_set,reason,remedy,tgt_ticket,tgt_session_key\r\n";
  for (const auto& [dc, acc] : accounts_rows(audits)) {
    const auto& s = acc->supported_etypes;
    const std::vector<std::string> row{dc_name(*dc),
                                       acc->name,
                                       acc->kind,
                                       std::string(to_string(acc->verdict)),
                                       joined(acc->keys, " "),
                                       acc->salt.value_or(""),
                                       acc->preauth_required ? "yes" : "no",
                                       joined(acc->spns, " "),
                                       s.raw ? std::to_string(*s.raw) : "",
                                       acc->tickets.default_offer.value_or(""),
                                       acc->tickets.rc4_only.value_or(""),
                                       acc->tickets.aes_only.value_or(""),
                                       acc->pwd_last_set.value_or(""),
                                       acc->reason,
                                       acc->remedy,
                                       acc->tgt ? acc->tgt->ticket : "",
                                       acc->tgt ? acc->tgt->session_key : ""};
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
    out << "\r\n";
  }
}

std::string render_accounts(std::string_view format, const ScanSummary& summary,
                            const std::vector<AccountsAudit>& audits, std::size_t width) {
  std::ostringstream text;
  if (format == "json")
    text << json_text(accounts_to_json(summary, audits), 2) << "\n";
  else if (format == "csv")
    render_accounts_csv(text, audits);
  else if (format == "html")
    render_accounts_html(text, audits, summary.started, summary.finished);
  else
    render_accounts_table(text, audits, width);
  return text.str();
}

}  // namespace legacyscan::report
