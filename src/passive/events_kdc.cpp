// SPDX-License-Identifier: Apache-2.0
// The KDC's events per account: who still gets RC4. Security 4768 (TGT) and 4769 (service ticket)
// carry since the January 2025 update the account's, the service's and the DC's
// msDS-SupportedEncryptionTypes and available keys beside the ticket and session key etypes
// (Microsoft Learn, "Detect and remediate RC4 usage in Kerberos"); the System log's KDCSVC events
// 201-209 (KB5073381, January 2026) name the accounts the 2026 change affects. The message's labels
// and, when the export kept it, the EventData by name are both read.
#include <algorithm>
#include <cctype>

#include "src/passive/events_event.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"

namespace legacyscan::passive {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// The n-th value of a message label (case-insensitive: Windows writes "MSDS-SupportedEncryptionTypes"),
// else the EventData field of that name.
std::string value(const Event& e, std::string_view label, std::size_t n, const char* data_name) {
  const std::string want = lower(std::string(label));
  for (const auto& [k, v] : e.fields)
    if (lower(k) == want && n-- == 0) return trim(v);
  return data_name ? trim(e.named(data_name)) : "";
}

bool absent(const std::string& v) { return v.empty() || v == "-" || v == "N/A" || v == "n/a"; }

// "0x17" or "23" -> "rc4-hmac"; "" for none.
std::string etype(const std::string& v) {
  if (absent(v)) return "";
  try {
    std::size_t used = 0;
    const long n = std::stol(v, &used, 0);
    if (n <= 0 || n == 0xffffffffL) return "";  // 0xffffffff: a failed request, no ticket
    return kerberos::etype_name(static_cast<std::int32_t>(n));
  } catch (...) {
    return "";
  }
}

KerberosAccountFacts& account(Report& r, const std::string& name) {
  auto& a = r.kerberos_accounts[lower(name)];
  if (a.name.empty()) a.name = name;
  return a;
}

// "user@REALM" and "REALM\user" -> "user"; "-" and "" stay empty.
std::string account_name(std::string n) {
  n = trim(n);
  if (absent(n)) return "";
  if (auto at = n.find('@'); at != std::string::npos) n = n.substr(0, at);
  if (auto bs = n.rfind('\\'); bs != std::string::npos) n = n.substr(bs + 1);
  return n;
}

void keys(Tally& t, const std::string& list, std::int64_t ts) {
  if (absent(list)) return;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const auto item = trim(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!item.empty()) t.hit(item, ts);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

// The request's result code ("0x00000006"); 0 when it succeeded or the event has none.
long result_code(const Event& e) {
  const std::string v = value(e, e.id == 4768 ? "Result Code" : "Failure Code", 0, "Status");
  try {
    return absent(v) ? 0 : std::stol(v, nullptr, 0);
  } catch (...) {
    return 0;
  }
}

// KDC_ERR_C_PRINCIPAL_UNKNOWN and KDC_ERR_S_PRINCIPAL_UNKNOWN (RFC 4120 7.5.9): the KDC found no such
// account, so the name is no account of the domain (a user enumeration sends dozens of them).
constexpr long kClientUnknown = 0x6, kServiceUnknown = 0x7;

// Which of the repeated "MSDS-SupportedEncryptionTypes" / "Available Keys" belongs to whom: 4769
// writes the account's, the service's, then the DC's; 4768 the account's, the service's (krbtgt),
// then the DC's.
void ticket_event(Report& r, const Event& e, const std::string& address) {
  const std::int64_t ts = e.ts;
  const long code = result_code(e);
  const std::string client =
      code == kClientUnknown ? std::string() : account_name(value(e, "Account Name", 0, "TargetUserName"));
  const std::string service = e.id != 4769              ? std::string("krbtgt")
                              : code == kServiceUnknown ? std::string()
                                                        : account_name(value(e, "Service Name", 0, "ServiceName"));
  const std::string ticket = etype(value(e, "Ticket Encryption Type", 0, "TicketEncryptionType"));
  const std::string session = etype(value(e, "Session Encryption Type", 0, "SessionKeyEncryptionType"));
  auto describe = [&](KerberosAccountFacts& a, std::size_t n, const char* supported, const char* available) {
    const auto s = value(e, "MSDS-SupportedEncryptionTypes", n, supported);
    if (!absent(s)) a.supported_etypes.hit(s, ts);
    keys(a.available_keys, value(e, "Available Keys", n, available), ts);
  };
  if (!client.empty()) {
    auto& a = account(r, client);
    a.roles.hit("client", ts);
    if (!session.empty()) a.session_key_etypes.hit(session, ts);
    if (e.id == 4768 && !ticket.empty()) a.ticket_etypes.hit(ticket, ts);
    describe(a, 0, "AccountSupportedEncryptionTypes", "AccountAvailableKeys");
    // A KDC before the January 2025 update writes no session key etype in 4768: the ticket etype
    // it does write is then the one this client's exchange used.
    if (e.id == 4768) a.used_by.hit(address + "\t" + client + "\tas\t" + (session.empty() ? ticket : session), ts);
  }
  if (e.id == 4769 && !service.empty()) {
    auto& s = account(r, service);
    s.roles.hit("service", ts);
    if (!ticket.empty()) s.ticket_etypes.hit(ticket, ts);
    if (!session.empty()) s.session_key_etypes.hit(session, ts);
    describe(s, 1, "ServiceSupportedEncryptionTypes", "ServiceAvailableKeys");
    s.used_by.hit(address + "\t" + client + "\ttgs\t" + ticket, ts);
  }
  const auto dc = value(e, "MSDS-SupportedEncryptionTypes", 2, "DCSupportedEncryptionTypes");
  if (!absent(dc)) {
    ServerSummary& sv = r.servers[e.machine];
    sv.name = e.machine;
    sv.facts.hit("DC msDS-SupportedEncryptionTypes " + dc, ts);
  }
}

// KDCSVC 201-209 name the account (or service) in one of these fields; which one differs by event.
void audit_event(Report& r, const Event& e, bool& used) {
  const std::string id = std::to_string(e.id);
  static const std::pair<const char*, const char*> kNames[] = {
      {"Account Name", "AccountName"}, {"Service Name", "ServiceName"}, {"Target Name", "TargetName"},
      {"Client Name", "ClientName"},   {"Account", "Account"},          {"Service", "Service"},
  };
  for (const auto& [label, data] : kNames) {
    const std::string name = account_name(value(e, label, 0, data));
    if (name.empty()) continue;
    account(r, name).kdcsvc_events.hit(id, e.ts);
    used = true;
  }
  if (!used) {
    // 205 speaks of the DC's DefaultDomainSupportedEncTypes, not of an account.
    ServerSummary& sv = r.servers[e.machine];
    sv.name = e.machine;
    sv.facts.hit("KDCSVC " + id + " RC4 audit", e.ts);
    used = true;
  }
}

}  // namespace

bool KerberosAccountFacts::gets_rc4() const {
  auto rc4 = [](const Tally& t) {
    return std::any_of(t.values.begin(), t.values.end(), [](const auto& v) { return v.first.rfind("rc4", 0) == 0; });
  };
  return rc4(ticket_etypes) || rc4(session_key_etypes) || !kdcsvc_events.empty();
}

bool handle_kdc_account_event(Report& r, const Event& e, const std::string& address) {
  if (e.id == 4768 || e.id == 4769) {
    const auto before = r.kerberos_accounts.size();
    ticket_event(r, e, address);
    return r.kerberos_accounts.size() != before || !value(e, "Account Name", 0, "TargetUserName").empty();
  }
  if (e.id < 201 || e.id > 209) return false;
  const std::string provider = lower(e.provider + " " + e.log);
  if (provider.find("kdc") == std::string::npos && provider.find("key-distribution") == std::string::npos &&
      provider.find("system") == std::string::npos)
    return false;
  bool used = false;
  audit_event(r, e, used);
  return used;
}

}  // namespace legacyscan::passive
