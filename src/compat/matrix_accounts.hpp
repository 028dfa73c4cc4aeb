// SPDX-License-Identifier: Apache-2.0
// The account audit in the matrix's Kerberos path: a saved `legacyscan accounts` JSON document
// (`--accounts FILE`) says, per account, what the KDC answers to service-ticket requests offering AES
// and RC4, RC4 only and AES only, and which keys the account has. A client reaching a service run by
// an audited account gets a ticket only when that answer, for the client's own etypes, is a ticket;
// the AS exchange alone (the replayed AS-REQ) cannot tell an AES-only or AES-less service account.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "probes/matrix/matrix_result.hpp"
#include "src/compat/accounts_result.hpp"

namespace legacyscan::matrix {

// The scan setting (ScanSettings::probe_options) that says `scan --audit-accounts` runs the audit
// beside the matrix: set by the command line, not an option of its own.
inline constexpr const char* kAuditAccountsSetting = "audit-accounts";

// Every account row of a saved audit, with the realm of the DC that answered for it.
struct AccountAudit {
  struct Row {
    std::string realm;
    accounts::AccountResult account;
  };
  std::vector<Row> rows;
};

// Reads `path` (a `legacyscan accounts --format json` document). Returns an error message, or "".
std::string load_account_audit(const std::string& path, AccountAudit& out);

// Reads the audit `scan --audit-accounts` ran on the same host: the accounts probe's result (realm,
// accounts[]). Returns an error message, or "".
std::string audit_from_result(const nlohmann::json& result, AccountAudit& out);

// The row of `name` ("sam", "sam@REALM", or one of its SPNs) in `realm` (any realm when the row's or
// `realm` is empty), case-insensitively; null when the audit has none.
const accounts::AccountResult* find_account(const AccountAudit& audit, const std::string& name,
                                            const std::string& realm);

// What the audit says of a client offering `etypes` a service ticket for `service`: works (the
// ticket's etype in `etype`), degraded (an RC4 or DES ticket), fails (the KDC refused it, or the
// account has no key the client can use), unknown (not asked and nothing to tell), with the reason
// naming the account.
struct TicketOutcome {
  CellVerdict verdict = CellVerdict::unknown;
  std::string etype;
  std::string reason;
};
TicketOutcome service_ticket(const std::vector<std::int32_t>& etypes, const accounts::AccountResult& service);

}  // namespace legacyscan::matrix
