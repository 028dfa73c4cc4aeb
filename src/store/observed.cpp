// SPDX-License-Identifier: Apache-2.0
#include "src/store/observed.hpp"

#include "src/compat/hardening.hpp"

namespace legacyscan::store {

namespace {

bool is_term(const std::string& id) {
  for (const auto& t : compat::hardening_terms())
    if (t.id == id) return true;
  return false;
}

std::string text_of(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::vector<HostRows> passive_rows(const passive::Report& report) {
  const auto doc = passive::to_json(report);
  std::vector<HostRows> out;
  std::size_t i = 0;
  for (const auto& [key, client] : report.clients) {
    HostRows rows;
    rows.address = client.address;
    rows.target =
        client.address.empty() && !client.names.values.empty() ? client.names.values.begin()->first : client.address;
    rows.index = static_cast<std::int64_t>(i);
    rows.started = passive::rfc3339_from_us(client.seen.first_us);
    rows.finished = passive::rfc3339_from_us(client.seen.last_us);
    rows.result = doc["clients"][i++];
    for (const auto& f : passive::findings(client)) {
      const bool term = is_term(f.id);
      // LM responses and guest logons are as bad as the terms, though no term is named after them (LM is
      // covered by the ntlmv1 term; guest access is what Windows 11 24H2 refuses).
      const bool bad = term || f.id == "lm" || f.id == "smb-guest";
      rows.findings.push_back({f.protocol, "", f.id, bad ? "bad" : "warn", std::to_string(f.count), f.evidence});
      if (term) rows.terms.push_back({f.id, "fail", f.id});
    }
    out.push_back(std::move(rows));
  }
  return out;
}

std::vector<HostRows> accounts_rows(const nlohmann::json& accounts) {
  std::vector<HostRows> out;
  for (const auto& account : accounts.value("accounts", nlohmann::json::array())) {
    HostRows rows;
    rows.target = text_of(account, "name");
    rows.address = text_of(account, "dc");
    rows.index = static_cast<std::int64_t>(out.size());
    rows.started = text_of(accounts, "started");
    rows.finished = text_of(accounts, "finished");
    rows.result = account;
    const auto verdict = text_of(account, "verdict");
    const bool ok = verdict == "ok", rc4 = verdict == "breaks" || verdict == "rc4-exception", des = verdict == "des";
    rows.findings.push_back({"accounts", "", "verdict",
                             ok                     ? "good"
                             : verdict == "unknown" ? "failed"
                                                    : "bad",
                             verdict, text_of(account, "reason")});
    // An account that breaks without RC4, or is excepted to keep it, still needs RC4; one with DES keys only
    // needs DES; one that is fine without RC4 needs neither.
    rows.terms.push_back({"rc4", rc4 ? "fail" : ok ? "pass" : "unknown", rc4 ? "verdict" : ""});
    rows.terms.push_back({"des", des ? "fail" : ok ? "pass" : "unknown", des ? "verdict" : ""});
    out.push_back(std::move(rows));
  }
  return out;
}

}  // namespace legacyscan::store
