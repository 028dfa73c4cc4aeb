// SPDX-License-Identifier: Apache-2.0
// Who breaks in a wave: audits, events and scans joined (whatif_join.hpp). The audit decides an
// account when it has one (the KDC's own answers); the events say who uses it. An account only the
// events name is decided from what 4768/4769 say of its keys and msDS-SupportedEncryptionTypes.
#include "src/compat/whatif_join.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace legacyscan::matrix {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "WEB01$" and "web01" are the same account; "HTTP/web.example.test@EXAMPLE.TEST" the SPN without realm.
std::string account_key(const std::string& name) {
  auto k = lower(name);
  if (auto at = k.find('@'); at != std::string::npos) k = k.substr(0, at);
  if (!k.empty() && k.back() == '$') k.pop_back();
  return k;
}

bool is_rc4(const std::string& etype) { return lower(etype).starts_with("rc4"); }

std::vector<std::string> tally_keys(const json& t) {
  std::vector<std::string> out;
  if (t.is_object())
    for (const auto& [k, v] : t.items()) out.push_back(k);
  return out;
}

// "0x4 (RC4)" or "4": the bits named; RC4 is 0x4, the AES bits 0x8 and 0x10.
bool names_rc4(const std::vector<std::string>& supported) {
  for (const auto& s : supported) {
    if (lower(s).find("rc4") != std::string::npos) return true;
    try {
      if (std::stol(s, nullptr, 0) & 0x4) return true;
    } catch (...) {
    }
  }
  return false;
}

const std::vector<TicketUse>* uses_of(const WaveAccountRow& row, const std::map<std::string, const EventAccount*>& by) {
  if (auto it = by.find(account_key(row.account)); it != by.end()) return &it->second->used_by;
  for (const auto& spn : row.spns)
    if (auto it = by.find(account_key(spn)); it != by.end()) return &it->second->used_by;
  return nullptr;
}

void name_hosts(std::vector<TicketUse>& uses, const std::vector<HostAddress>& hosts) {
  for (auto& u : uses)
    for (const auto& h : hosts)
      if (!u.address.empty() && (u.address == h.address || u.address == h.target)) u.host = h.target;
  std::stable_sort(uses.begin(), uses.end(), [](const TicketUse& a, const TicketUse& b) {
    return std::pair(!is_rc4(a.etype), b.count) < std::pair(!is_rc4(b.etype), a.count);
  });
}

json use_to_json(const TicketUse& u) {
  return {{"address", u.address}, {"host", u.host},   {"client", u.client},
          {"via", u.via},         {"etype", u.etype}, {"count", u.count}};
}

}  // namespace

std::string event_accounts_from_json(const json& accounts, std::vector<EventAccount>& out) {
  if (!accounts.is_array()) return "kerberos_accounts is not a list";
  for (const auto& a : accounts) {
    if (!a.is_object() || !a.contains("name") || !a["name"].is_string())
      return "a kerberos_accounts entry without a name";
    EventAccount e;
    e.name = a["name"].get<std::string>();
    e.gets_rc4 = a.value("gets_rc4", false);
    e.supported_etypes = tally_keys(a.value("supported_etypes", json::object()));
    e.available_keys = tally_keys(a.value("available_keys", json::object()));
    e.kdcsvc_events = tally_keys(a.value("kdcsvc_events", json::object()));
    for (const auto& u : a.value("used_by", json::array())) {
      if (!u.is_object()) continue;
      e.used_by.push_back({u.value("address", ""), u.value("client", ""), u.value("via", ""), u.value("etype", ""),
                           u.value("count", std::uint64_t{0}), ""});
    }
    out.push_back(std::move(e));
  }
  return "";
}

WaveAccountRow rc4_2026_event_account(const EventAccount& a) {
  WaveAccountRow r{a.name, "unknown", {}, "events", "ok", "", ""};
  const bool keys_known = !a.available_keys.empty();
  const bool has_aes = std::any_of(a.available_keys.begin(), a.available_keys.end(),
                                   [](const std::string& k) { return lower(k).starts_with("aes"); });
  const bool explicit_rc4 = names_rc4(a.supported_etypes);
  std::string keys;
  for (const auto& k : a.available_keys) keys += (keys.empty() ? " (Available Keys: " : ", ") + k;
  if (!keys.empty()) keys += ")";
  const std::string reset =
      "reset the password (twice, after the domain functional level is 2008 or later) so that the account has "
      "AES keys, then re-export any keytab";
  if (keys_known && !has_aes) {
    if (explicit_rc4) {
      r.verdict = "keeps-rc4";
      r.reason = "the events show no AES key" + keys +
                 ", but msDS-SupportedEncryptionTypes allows RC4 explicitly: "
                 "it keeps working and stays Kerberoastable";
      r.fix = reset + "; then set msDS-SupportedEncryptionTypes to AES (0x18)";
    } else {
      r.verdict = "breaks";
      r.reason = "the events show no AES key" + keys +
                 " and no msDS-SupportedEncryptionTypes: after the wave the KDC issues AES tickets only";
      r.fix = reset;
    }
  } else if (!a.gets_rc4) {
    r.reason = "its tickets in the events are AES" + keys;
  } else if (explicit_rc4) {
    r.verdict = "keeps-rc4";
    r.reason =
        "gets RC4 in the events and msDS-SupportedEncryptionTypes allows RC4 explicitly: keeps working, "
        "stays Kerberoastable";
    r.fix = "set msDS-SupportedEncryptionTypes to AES (0x18) once its clients do AES";
  } else if (has_aes) {
    r.verdict = "changes";
    r.reason = "gets RC4 in the events and has AES keys" + keys + ": its tickets become AES";
    r.fix = "check the service's keytab holds its AES keys (klist -ke); export a new keytab with AES keys if not";
  } else {
    r.verdict = "unknown";
    r.reason = a.kdcsvc_events.empty() ? "gets RC4 in the events, which do not name its keys (a KDC before the "
                                         "January 2025 update): audit it with legacyscan accounts"
                                       : "named by the KDC's RC4 audit (KDCSVC event " + a.kdcsvc_events.front() +
                                             "): audit it with legacyscan accounts";
    r.fix = "legacyscan accounts DC " + a.name;
  }
  return r;
}

std::vector<WhoBreaksRow> who_breaks(const std::vector<WaveAccountRow>& audited,
                                     const std::vector<EventAccount>& events, const std::vector<HostAddress>& hosts) {
  std::map<std::string, const EventAccount*> by;
  for (const auto& e : events) by.emplace(account_key(e.name), &e);
  std::vector<WhoBreaksRow> rows;
  std::map<std::string, bool> joined;
  for (const auto& a : audited) {
    WhoBreaksRow row{a, "audit", {}};
    if (const auto* uses = uses_of(a, by)) {
      row.source = "audit+events";
      row.clients = *uses;
      for (const auto& [k, e] : by)
        if (&e->used_by == uses) joined[k] = true;
    }
    rows.push_back(std::move(row));
  }
  for (const auto& [k, e] : by) {
    if (joined.count(k) || !e->gets_rc4) continue;
    rows.push_back({rc4_2026_event_account(*e), "events", e->used_by});
  }
  for (auto& r : rows) name_hosts(r.clients, hosts);
  std::stable_sort(rows.begin(), rows.end(), [](const WhoBreaksRow& x, const WhoBreaksRow& y) {
    return std::pair(wave_rank(x.account.verdict), x.account.account) <
           std::pair(wave_rank(y.account.verdict), y.account.account);
  });
  return rows;
}

std::vector<BrokenClient> broken_clients(const std::vector<WhoBreaksRow>& rows) {
  std::map<std::string, BrokenClient> by;
  for (const auto& r : rows) {
    const auto& v = r.account.verdict;
    if (v != "breaks" && v != "changes") continue;
    for (const auto& u : r.clients) {
      // An account whose tickets only change affects the clients that got RC4 (their tickets change too).
      if (v == "changes" && !is_rc4(u.etype)) continue;
      auto& c = by[u.address.empty() ? "account:" + lower(u.client) : u.address];
      c.address = u.address;
      c.host = u.host;
      if (!u.client.empty() && std::find(c.clients.begin(), c.clients.end(), u.client) == c.clients.end())
        c.clients.push_back(u.client);
      const auto label = r.account.account + " (" + v + ")";
      if (std::find(c.accounts.begin(), c.accounts.end(), label) == c.accounts.end()) c.accounts.push_back(label);
      if (c.verdict.empty() || wave_rank(v) < wave_rank(c.verdict)) c.verdict = v;
    }
  }
  std::vector<BrokenClient> out;
  for (auto& [k, c] : by) out.push_back(std::move(c));
  std::stable_sort(out.begin(), out.end(), [](const BrokenClient& x, const BrokenClient& y) {
    return wave_rank(x.verdict) < wave_rank(y.verdict);
  });
  return out;
}

json who_breaks_to_json(const Wave& w, const std::vector<WhoBreaksRow>& rows,
                        const std::vector<BrokenClient>& clients) {
  json accounts = json::array();
  std::vector<const WaveAccountRow*> all;
  for (const auto& r : rows) {
    auto j = wave_row_to_json(r.account);
    j["source"] = r.source;
    j["clients"] = json::array();
    for (const auto& u : r.clients) j["clients"].push_back(use_to_json(u));
    accounts.push_back(std::move(j));
    all.push_back(&r.account);
  }
  json by_client = json::array();
  for (const auto& c : clients)
    by_client.push_back({{"address", c.address},
                         {"host", c.host},
                         {"clients", c.clients},
                         {"accounts", c.accounts},
                         {"verdict", c.verdict}});
  return {{"wave", std::string(w.id)},
          {"what", std::string(w.what)},
          {"accounts", accounts},
          {"clients", by_client},
          {"counts", wave_counts_to_json(all)}};
}

}  // namespace legacyscan::matrix
