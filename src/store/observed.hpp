// SPDX-License-Identifier: Apache-2.0
// What `pcap`, `events` and `accounts` write into a result store, as the rows of a scan's host
// (docs/fleet.md): a capture's or an event export's client is a host whose findings are its passive
// findings and whose terms are the hardening terms it was seen using (fail; a capture never shows that a
// client does without something, so it has no pass); an audited account is a host (target: the
// account, address: its DC) with one finding, its verdict, and the terms rc4 and des it still needs.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "src/passive/passive.hpp"
#include "src/store/store.hpp"

namespace legacyscan::store {

std::vector<HostRows> passive_rows(const passive::Report& report);
// From the accounts document (report::accounts_to_json): one entry per account of every DC.
std::vector<HostRows> accounts_rows(const nlohmann::json& accounts);

}  // namespace legacyscan::store
