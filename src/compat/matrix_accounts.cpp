// SPDX-License-Identifier: Apache-2.0
#include "src/compat/matrix_accounts.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "legacyscan/strings.hpp"

namespace legacyscan::matrix {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool has(const std::vector<std::int32_t>& etypes, std::initializer_list<std::int32_t> any) {
  return std::any_of(etypes.begin(), etypes.end(),
                     [&](std::int32_t e) { return std::find(any.begin(), any.end(), e) != any.end(); });
}

// Microsoft's unregistered pre-RFC 4757 RC4 variants (-128, -133...) count as RC4.
bool rc4(const std::vector<std::int32_t>& etypes) {
  return has(etypes, {23, 24}) || std::any_of(etypes.begin(), etypes.end(), [](std::int32_t e) { return e < 0; });
}

bool aes(const std::vector<std::int32_t>& etypes) { return has(etypes, {17, 18}); }

// A ticket answer of the audit: an etype name, or the KDC's error / the transport's failure.
bool is_etype(const std::string& answer) {
  return !answer.starts_with("KDC_ERR") && !answer.starts_with("KRB_") && !answer.starts_with("no answer") &&
         !answer.starts_with("not asked") && !answer.starts_with("error ");
}

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", v);
  return buf;
}

bool weak(const std::string& etype) { return etype.starts_with("rc4") || etype.starts_with("des"); }

std::string offer_words(bool a, bool r) {
  return a && r ? "AES and RC4" : a ? "only AES" : r ? "only RC4" : "neither AES nor RC4";
}

// Without the audit's ticket answer (it was run without --user): the account's keys and attributes.
TicketOutcome from_keys(bool a, bool r, const accounts::AccountResult& s, const std::string& who) {
  const auto raw = s.supported_etypes.raw;
  const auto key = [&](const char* prefix) {
    return std::any_of(s.keys.begin(), s.keys.end(), [&](const std::string& k) { return k.starts_with(prefix); });
  };
  if (a && !r && s.pwd_before_aes.value_or(false))
    return {CellVerdict::fails,
            {},
            who + " has no AES key: its password was last set before the domain could make AES keys (" +
                s.pwd_last_set.value_or("?") + ")"};
  if (a && !r && s.exists && !s.keys.empty() && !key("aes"))
    return {CellVerdict::fails, {}, who + " has no AES key (the KDC shows " + join(s.keys, ", ") + ")"};
  if (r && !a && raw && *raw != 0 && (*raw & 0x4) == 0)
    return {CellVerdict::fails, {}, who + " allows no RC4 (msDS-SupportedEncryptionTypes " + hex(*raw) + ")"};
  if (r && !a && s.exists && !s.keys.empty() && !key("rc4"))
    return {CellVerdict::fails, {}, who + " has no RC4 key (the KDC shows " + join(s.keys, ", ") + ")"};
  if (!s.exists || s.keys.empty())
    return {CellVerdict::unknown, {}, who + ": the audit shows none of its keys (" + s.reason + ")"};
  const std::string best = a && key("aes256")   ? "aes256-cts-hmac-sha1-96"
                           : a && key("aes128") ? "aes128-cts-hmac-sha1-96"
                           : r && key("rc4")    ? "rc4-hmac"
                                                : "";
  if (best.empty())
    return {CellVerdict::fails, {}, who + " has no key of the client's etypes (" + join(s.keys, ", ") + ")"};
  return {weak(best) ? CellVerdict::degraded : CellVerdict::works, best,
          who + " has a " + best + " key (accounts audit, no service tickets asked)"};
}

}  // namespace

std::string load_account_audit(const std::string& path, AccountAudit& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + ": cannot read";
  std::stringstream text;
  text << in.rdbuf();
  const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("command", "") != "accounts" || !doc.contains("dcs") ||
      !doc["dcs"].is_array() || !doc.contains("accounts") || !doc["accounts"].is_array())
    return path + ": not a legacyscan accounts JSON document (command, dcs[], accounts[])";
  out.rows.clear();
  try {
    // The rows name their DC as the dcs[] entry's address (its target when there is none).
    std::map<std::string, std::string> realm_of;
    for (const auto& dc : doc["dcs"]) {
      const std::string address = dc.value("address", "");
      realm_of[address.empty() ? dc.value("target", "") : address] = dc.value("realm", "");
    }
    for (const auto& j : doc["accounts"]) {
      auto& row = out.rows.emplace_back();
      const auto it = realm_of.find(j.value("dc", ""));
      if (it != realm_of.end()) row.realm = it->second;
      fields::from_json(j, row.account);
    }
  } catch (const std::exception& e) {
    return path + ": " + e.what();
  }
  return {};
}

std::string audit_from_result(const nlohmann::json& result, AccountAudit& out) {
  out.rows.clear();
  if (!result.is_object() || !result.contains("accounts") || !result["accounts"].is_array())
    return "the accounts probe's result has no accounts[]";
  try {
    for (const auto& j : result["accounts"]) {
      auto& row = out.rows.emplace_back();
      row.realm = result.value("realm", "");
      fields::from_json(j, row.account);
    }
  } catch (const std::exception& e) {
    return std::string("the accounts probe's result: ") + e.what();
  }
  return {};
}

const accounts::AccountResult* find_account(const AccountAudit& audit, const std::string& name,
                                            const std::string& realm) {
  const auto at = name.rfind('@');
  const std::string want = lower(name.substr(0, at));
  const std::string want_realm = lower(at == std::string::npos ? realm : name.substr(at + 1));
  for (const auto& r : audit.rows) {
    if (!want_realm.empty() && !r.realm.empty() && lower(r.realm) != want_realm) continue;
    const auto& a = r.account;
    if (lower(a.name.substr(0, a.name.rfind('@'))) == want) return &a;
    if (std::any_of(a.spns.begin(), a.spns.end(), [&](const std::string& s) { return lower(s) == want; })) return &a;
  }
  return nullptr;
}

TicketOutcome service_ticket(const std::vector<std::int32_t>& etypes, const accounts::AccountResult& s) {
  const bool a = aes(etypes), r = rc4(etypes);
  const std::string who = "account " + s.name;
  // The audit's own TGS-REQ whose offer is the client's: AES and RC4, RC4 only, AES only.
  const std::optional<std::string>& answer = a && r ? s.tickets.default_offer
                                             : r    ? s.tickets.rc4_only
                                             : a    ? s.tickets.aes_only
                                                    : s.tickets.rc4_only;
  if (!a && !r)
    return {CellVerdict::unknown,
            {},
            who + ": the client offers " + offer_words(a, r) + ", an offer the audit does not make"};
  if (!answer) return from_keys(a, r, s, who);
  if (!is_etype(*answer)) {
    if (answer->starts_with("KDC_ERR") || answer->starts_with("KRB_"))
      return {CellVerdict::fails,
              {},
              "the KDC issues no service ticket for " + who + " to a client offering " + offer_words(a, r) + " (" +
                  *answer + ", accounts audit)"};
    return {CellVerdict::unknown, {}, who + ": the audit's request offering " + offer_words(a, r) + " got " + *answer};
  }
  return {weak(*answer) ? CellVerdict::degraded : CellVerdict::works, *answer,
          "the KDC issues a " + *answer + " ticket for " + who + " to a client offering " + offer_words(a, r) +
              " (accounts audit)"};
}

}  // namespace legacyscan::matrix
