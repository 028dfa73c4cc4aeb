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

nlohmann::json accounts_to_json(const ScanSummary& summary, const std::vector<AccountsAudit>& audits);
void render_accounts_table(std::ostream& out, const std::vector<AccountsAudit>& audits, std::size_t width);
void render_accounts_csv(std::ostream& out, const std::vector<AccountsAudit>& audits);

}  // namespace legacyscan::report
