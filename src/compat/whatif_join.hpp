// SPDX-License-Identifier: Apache-2.0
// Who breaks in a wave: the accounts of saved audits after the wave (whatif_wave.cpp), joined with
// the KDC's events (kerberos_accounts[] of `legacyscan events`: who asked for tickets to each
// account, from which address, with which etype) and the hosts of saved scans (a client address
// that is a scanned host is named by it).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/compat/whatif.hpp"

namespace legacyscan::matrix {

// One use of an account seen in the KDC's events (4768 "as": the account's own TGT; 4769 "tgs": a
// service ticket to it).
struct TicketUse {
  std::string address;  // the client's address ("" when the event had none)
  std::string client;   // the account that asked
  std::string via;      // "as", "tgs"
  std::string etype;    // tgs: the ticket's (the service's key); as: the session key's
  std::uint64_t count = 0;
  std::string host;  // the scanned host at that address, when a scan was given
};

// An account as the KDC's events describe it.
struct EventAccount {
  std::string name;
  bool gets_rc4 = false;
  std::vector<std::string> supported_etypes;  // msDS-SupportedEncryptionTypes as the events write it
  std::vector<std::string> available_keys;    // "AES-SHA1", "RC4"
  std::vector<std::string> kdcsvc_events;     // "201" ...
  std::vector<TicketUse> used_by;
};

// kerberos_accounts[] of an events document; "" or why it cannot be read.
std::string event_accounts_from_json(const nlohmann::json& accounts, std::vector<EventAccount>& out);

// One account after the wave, with who uses it. `source`: "audit", "events" or "audit+events".
struct WhoBreaksRow {
  WaveAccountRow account;
  std::string source;
  std::vector<TicketUse> clients;  // RC4 uses first
};

// One client address (or account, when no address was logged) and the accounts it uses that the
// wave breaks or changes.
struct BrokenClient {
  std::string address;
  std::string host;
  std::vector<std::string> clients;   // the accounts it asked as
  std::vector<std::string> accounts;  // "svc_sql (breaks)"
  std::string verdict;                // the worst of them
};

struct HostAddress {
  std::string target, address;
};

// The join: every audited account (joined with the events by account name, with or without a
// trailing '$', or by one of its SPNs), then every account only the events name that gets RC4,
// decided from what the events say of its keys and attribute. Worst first.
std::vector<WhoBreaksRow> who_breaks(const std::vector<WaveAccountRow>& audited,
                                     const std::vector<EventAccount>& events, const std::vector<HostAddress>& hosts);
// The clients of the rows that break or change, by address, worst first.
std::vector<BrokenClient> broken_clients(const std::vector<WhoBreaksRow>& rows);
// The rc4-2026 verdict of an account the events name but no audit has.
WaveAccountRow rc4_2026_event_account(const EventAccount& a);

nlohmann::json who_breaks_to_json(const Wave& w, const std::vector<WhoBreaksRow>& rows,
                                  const std::vector<BrokenClient>& clients);

}  // namespace legacyscan::matrix
