// SPDX-License-Identifier: Apache-2.0
// The credential-free account audit of one DC: for every principal three AS-REQs without
// pre-authentication (AES only, RC4 only, DES only) through the Kerberos probe's exchange, each answer
// read for the keys the account has. No password is tried, so no failed logon is counted; nothing of
// an AS-REP's encrypted part is kept. Principals are asked by a few workers at once under the engine's
// connection caps and --max-rate; memory grows only by each principal's result.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"

namespace legacyscan::accounts {

// A probe (run by `legacyscan accounts`, not listed in the registry) that audits `principals` on every
// target; "name", "name$", "service/host", optionally "@REALM".
std::unique_ptr<Probe> make_accounts_probe(std::shared_ptr<const std::vector<std::string>> principals);

// The same audit inside `legacyscan scan --audit-accounts`, for the compatibility matrix's Kerberos
// cells: it audits the principals the scan names (--kerberos-service, --kerberos-principal; without
// them the DC's machine account, as the kerberos probe resolves it) and, with credentials, reads only
// those accounts' attributes from the directory, so a scan of one DC does not audit the whole domain.
std::unique_ptr<Probe> make_scan_accounts_probe();

}  // namespace legacyscan::accounts
