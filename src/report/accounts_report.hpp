// SPDX-License-Identifier: Apache-2.0
// The output of `legacyscan accounts`: the audit of each DC (AccountsResult) as one JSON document
// (dcs[] with the posture, accounts[] with the DC each answer came from), a table (one line per
// account, the worst verdict first, then a count per verdict and the remedies), or CSV (one row per
// account and DC).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "legacyscan/engine/engine.hpp"
#include "src/compat/accounts_result.hpp"

namespace legacyscan::report {

// One DC's audit: the host as scanned and its result (null when the host was down or skipped, then
// status and reason say why).
struct AccountsAudit {
  std::string target;
  std::string address;
  Status status = Status::ok;
  std::string reason;
  const accounts::AccountsResult* result = nullptr;
};

// The audits of `hosts` (the accounts probe's run of each).
std::vector<AccountsAudit> accounts_audits(const std::vector<HostResult>& hosts);

// Accounts of every audited DC, worst verdict first, then by name.
std::vector<std::pair<const AccountsAudit*, const accounts::AccountResult*>> accounts_rows(
    const std::vector<AccountsAudit>& audits);

// A saved `legacyscan accounts` JSON document read back: the results (owned by `storage`) and the
// audits pointing into them. Returns an error message, or "" when the document was read.
std::string accounts_from_json(const nlohmann::json& doc, std::vector<accounts::AccountsResult>& storage,
                               std::vector<AccountsAudit>& audits, ScanSummary& summary);

// The row of the --user account of one audit, whose TGT's etypes it carries; null without one.
const accounts::AccountResult* tgt_row(const accounts::AccountsResult& r);
// "TGT of NAME: ticket ETYPE, session key ETYPE" for that row.
std::string tgt_line(const accounts::AccountResult& row);

nlohmann::json accounts_to_json(const ScanSummary& summary, const std::vector<AccountsAudit>& audits);
void render_accounts_table(std::ostream& out, const std::vector<AccountsAudit>& audits, std::size_t width);
void render_accounts_csv(std::ostream& out, const std::vector<AccountsAudit>& audits);
// The audits in one of the formats accounts writes: "table", "json", "csv" or "html".
std::string render_accounts(std::string_view format, const ScanSummary& summary,
                            const std::vector<AccountsAudit>& audits, std::size_t width);
// A whole HTML file (accounts_html.cpp), and the Accounts section alone.
void render_accounts_html(std::ostream& out, const std::vector<AccountsAudit>& audits, const std::string& started,
                          const std::string& finished);
void render_accounts_section(std::ostream& out, const std::vector<AccountsAudit>& audits);

}  // namespace legacyscan::report
