// SPDX-License-Identifier: Apache-2.0
#include "src/compat/accounts_result.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace legacyscan::accounts {

std::string_view to_string(AccountVerdict v) {
  switch (v) {
    case AccountVerdict::breaks: return "breaks";
    case AccountVerdict::des: return "des";
    case AccountVerdict::rc4_exception: return "rc4-exception";
    case AccountVerdict::unknown: return "unknown";
    case AccountVerdict::ok: return "ok";
  }
  return "unknown";
}

bool from_string(std::string_view s, AccountVerdict& out) { return enum_from_string(s, out, kAllVerdicts); }

std::string_view to_string(AsAnswer a) {
  switch (a) {
    case AsAnswer::preauth_required: return "preauth-required";
    case AsAnswer::as_rep: return "as-rep";
    case AsAnswer::etype_nosupp: return "etype-nosupp";
    case AsAnswer::principal_unknown: return "principal-unknown";
    case AsAnswer::client_revoked: return "client-revoked";
    case AsAnswer::other_error: return "other-error";
    case AsAnswer::no_answer: return "no-answer";
    case AsAnswer::protocol_error: return "protocol-error";
    case AsAnswer::not_tested: return "not-tested";
  }
  return "not-tested";
}

bool from_string(std::string_view s, AsAnswer& out) {
  static constexpr AsAnswer all[] = {AsAnswer::preauth_required,  AsAnswer::as_rep,         AsAnswer::etype_nosupp,
                                     AsAnswer::principal_unknown, AsAnswer::client_revoked, AsAnswer::other_error,
                                     AsAnswer::no_answer,         AsAnswer::protocol_error, AsAnswer::not_tested};
  return enum_from_string(s, out, all);
}

const std::vector<std::int32_t>& aes_offer() {
  static const std::vector<std::int32_t> v{18, 17};
  return v;
}
const std::vector<std::int32_t>& rc4_offer() {
  static const std::vector<std::int32_t> v{23};
  return v;
}
const std::vector<std::int32_t>& des_offer() {
  static const std::vector<std::int32_t> v{3, 1};
  return v;
}

std::string kind_from_name(std::string_view name) {
  const auto at = name.find('@');
  const auto bare = name.substr(0, at);
  std::string lower;
  for (char c : bare) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "krbtgt" || lower.rfind("krbtgt/", 0) == 0) return "krbtgt";
  if (bare.find('/') != std::string_view::npos) return "service";
  if (!bare.empty() && bare.back() == '$') return "computer";
  return bare.empty() ? "unknown" : "user";
}

namespace {

constexpr const char* kDesRemedy =
    "clear USE_DES_KEY_ONLY, reset the password twice so the DC makes AES keys, and set "
    "msDS-SupportedEncryptionTypes to 0x18";

bool has_prefix(const std::vector<std::string>& keys, std::string_view prefix) {
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return k.rfind(prefix, 0) == 0; });
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// [MS-KILE] 2.2.7: bit 0x4 is RC4-HMAC.
bool allows_rc4(const SupportedEtypes& s) { return s.raw && (*s.raw & 0x4u) != 0; }

void set(AccountResult& a, AccountVerdict v, std::string reason, std::string remedy) {
  a.verdict = v;
  a.reason = std::move(reason);
  a.remedy = std::move(remedy);
}

// The answers that are not about keys: no such principal, a revoked account, no answer at all.
bool decide_without_keys(AccountResult& a, const std::vector<const AsRequest*>& all) {
  auto any = [&](AsAnswer x) {
    return std::find_if(all.begin(), all.end(), [x](const AsRequest* r) { return r->answer == x; });
  };
  if (any(AsAnswer::principal_unknown) != all.end()) {
    a.exists = false;
    a.kind = "unknown";
    set(a, AccountVerdict::unknown, "the KDC knows no such principal (KDC_ERR_C_PRINCIPAL_UNKNOWN)",
        "check the name (sAMAccountName, computer NAME$, or service/host); nothing to do for a deleted account");
    return true;
  }
  if (any(AsAnswer::client_revoked) != all.end()) {
    a.exists = true;
    set(a, AccountVerdict::unknown,
        "disabled, locked out or expired (KDC_ERR_CLIENT_REVOKED): the KDC does not show its keys",
        "delete it if unused; before enabling it again, reset its password twice so it has AES keys");
    return true;
  }
  const bool answered = std::any_of(all.begin(), all.end(), [](const AsRequest* r) {
    return r->answer == AsAnswer::preauth_required || r->answer == AsAnswer::as_rep ||
           r->answer == AsAnswer::etype_nosupp;
  });
  if (answered) return false;
  const AsRequest* first = all.front();
  std::string why = first->error.empty() ? first->detail : first->error;
  if (why.empty()) why = std::string(to_string(first->answer));
  set(a, AccountVerdict::unknown, "no usable answer from the KDC: " + why,
      "run the audit again against a DC that answers (check --timeout, --max-rate and the firewall)");
  return true;
}

// The password's date against the date the domain could make AES keys, beside the KDC's answer: a
// password set before it explains a missing AES key; one set after it with no AES key is a
// contradiction worth a look (a password set on a DC that could not make AES keys, a restore).
void explain_password_date(AccountResult& a, bool aes) {
  if (!a.pwd_before_aes || !a.exists || a.kind == "trust") return;
  if (*a.pwd_before_aes)
    a.reason += aes ? "; password set before the domain could make AES keys, yet the KDC has AES keys"
                    : "; password set before the domain could make AES keys";
  else if (!aes)
    a.reason += "; password set after the domain could make AES keys, yet the KDC has no AES key";
}

}  // namespace

void decide(AccountResult& a) {
  const std::vector<const AsRequest*> all{&a.aes, &a.rc4, &a.des};
  a.keys.clear();
  for (const auto* r : all)
    for (const auto& k : r->keys)
      if (std::find(a.keys.begin(), a.keys.end(), k) == a.keys.end()) a.keys.push_back(k);
  a.preauth_required =
      std::none_of(all.begin(), all.end(), [](const AsRequest* r) { return r->answer == AsAnswer::as_rep; });
  if (decide_without_keys(a, all)) return;
  a.exists = true;

  const bool aes = has_prefix(a.keys, "aes");
  const bool rc4 = has_prefix(a.keys, "rc4");
  const bool des = has_prefix(a.keys, "des-");
  const std::string keys = a.keys.empty() ? std::string("none") : joined(a.keys);
  const auto flagged = [&](const char* f) {
    return std::find(a.account_control.begin(), a.account_control.end(), f) != a.account_control.end();
  };
  if (!aes && flagged("USE_DES_KEY_ONLY")) {
    set(a, AccountVerdict::des, "USE_DES_KEY_ONLY: the KDC uses no AES or RC4 key for it (keys shown: " + keys + ")",
        kDesRemedy);
  } else if (allows_rc4(a.supported_etypes) && rc4) {
    // RC4 named in the attribute keeps working after the update, with or without AES keys.
    set(a, AccountVerdict::rc4_exception,
        "msDS-SupportedEncryptionTypes allows RC4 explicitly: works after the update, still Kerberoastable" +
            std::string(aes ? "" : "; no AES key either"),
        aes ? "once every client of it does AES, set msDS-SupportedEncryptionTypes to 0x18 (AES only)"
            : "reset the password twice so the DC makes AES keys, then set msDS-SupportedEncryptionTypes to 0x18 "
              "once every client of it does AES");
  } else if (!aes && des && !rc4) {
    set(a, AccountVerdict::des, "DES keys only (" + keys + "): DES is off since Windows 7 and Server 2008 R2",
        kDesRemedy);
  } else if (!aes && rc4) {
    set(a, AccountVerdict::breaks, "no AES key: the KDC has only " + keys + " for it; AES-only tickets need an AES key",
        "reset the password twice (the domain functional level must be 2008 or later so the DC makes AES "
        "keys); for an appliance, export a new keytab with AES keys");
  } else if (!aes && std::any_of(all.begin(), all.end(), [](const AsRequest* r) {
               return r->answer == AsAnswer::preauth_required && r->keys.empty();
             })) {
    // Samba answers so both for an account without a password and for USE_DES_KEY_ONLY (whose DES
    // keys it no longer uses): only the account's attributes tell which.
    set(a, AccountVerdict::unknown,
        "the KDC names no AES or RC4 key (PREAUTH_REQUIRED without ETYPE-INFO2): no password, or USE_DES_KEY_ONLY",
        "set a password if it has none; else clear USE_DES_KEY_ONLY and reset the password twice");
  } else if (!aes) {
    set(a, AccountVerdict::unknown, "no key of AES, RC4 or DES (the KDC refuses every etype)",
        "set a password if it has none; reset the password twice");
  } else {
    set(a, AccountVerdict::ok, "AES keys (" + keys + ")", "nothing");
  }
  // Where the attribute and the KDC's behaviour disagree, both are shown.
  if (a.supported_etypes.raw && (*a.supported_etypes.raw & 0x18u) != 0 && !aes && a.exists)
    a.reason += "; msDS-SupportedEncryptionTypes asks for AES, but the KDC has no AES key";
  explain_password_date(a, aes);
  if (flagged("ACCOUNTDISABLE")) a.reason += "; disabled";
  if (a.kind == "trust" && !a.trust)
    a.reason +=
        "; an inter-realm trust account (INTERDOMAIN_TRUST_ACCOUNT): its keys are the trust password's, the "
        "trusted domain object's row has the referral tickets";
  if (!a.preauth_required || flagged("DONT_REQ_PREAUTH")) {
    a.reason += a.preauth_required ? "; DONT_REQ_PREAUTH set (the KDC still asked for pre-authentication)"
                                   : "; no pre-authentication required (AS-REP roastable)";
    a.remedy = (a.remedy == "nothing" ? std::string() : a.remedy + "; ") +
               "require Kerberos pre-authentication (clear DONT_REQ_PREAUTH)";
  }
}

namespace {

// Whether the KDC still issues RC4 service tickets to accounts without msDS-SupportedEncryptionTypes:
// the answer to an RC4-only TGS-REQ for the first such account asked.
void derive_ticket_posture(AccountsResult& r) {
  for (const auto& a : r.accounts) {
    // Referral tickets across a trust are not service tickets: a trust's row does not answer it.
    if ((a.supported_etypes.raw && *a.supported_etypes.raw != 0) || !a.tickets.rc4_only || a.kind == "trust") continue;
    const auto& got = *a.tickets.rc4_only;
    // A ticket (its etype's name) or ETYPE_NOSUPP answers the question; other errors do not.
    const bool error = got.rfind("KDC_", 0) == 0 || got.rfind("KRB_", 0) == 0;
    if ((error && got != "KDC_ERR_ETYPE_NOSUPP") || got.rfind("no answer", 0) == 0 || got.rfind("not asked", 0) == 0)
      continue;
    r.posture.rc4_service_tickets = got == "rc4-hmac" ? "issued" : "refused";
    r.posture.evidence += std::string(r.posture.evidence.empty() ? "" : "; ") + "RC4-only TGS-REQ for " + a.name +
                          " (no msDS-SupportedEncryptionTypes): " + got;
    return;
  }
}

}  // namespace

void derive_posture(AccountsResult& r) {
  derive_ticket_posture(r);
  for (const auto& a : r.accounts) {
    if (!has_prefix(a.aes.keys, "aes")) continue;
    if (a.rc4.answer == AsAnswer::preauth_required || a.rc4.answer == AsAnswer::as_rep) {
      const bool named = has_prefix(a.rc4.keys, "rc4");
      r.posture.rc4_as_exchange = named ? "allowed" : "refused";
      r.posture.evidence = "RC4-only AS-REQ for " + a.name +
                           " (which has AES keys): " + std::string(to_string(a.rc4.answer)) +
                           (named ? " naming rc4-hmac" : " naming no RC4 key");
      return;
    }
    if (a.rc4.answer == AsAnswer::etype_nosupp) {
      r.posture.rc4_as_exchange = "refused";
      r.posture.evidence += std::string(r.posture.evidence.empty() ? "" : "; ") + "RC4-only AS-REQ for " + a.name +
                            " (which has AES keys): KDC_ERR_ETYPE_NOSUPP";
      return;
    }
  }
}

nlohmann::json AccountsResult::to_json() const { return fields::to_json(*this); }

void AccountsResult::findings(std::vector<Finding>& out) const {
  const std::string where = std::to_string(port) + "/" + (transport.empty() ? "udp" : transport);
  if (status != Status::ok) {
    out.emplace_back(where, "accounts", "Accounts", "FAILED: " + reason, Verdict::failure);
    return;
  }
  std::map<AccountVerdict, std::vector<std::string>> by;
  for (const auto& a : accounts) by[a.verdict].push_back(a.name);
  for (auto v : kAllVerdicts) {
    const auto& names = by[v];
    Verdict how = Verdict::info;
    if (v == AccountVerdict::breaks || v == AccountVerdict::des) how = names.empty() ? Verdict::good : Verdict::bad;
    if (v == AccountVerdict::rc4_exception) how = names.empty() ? Verdict::good : Verdict::warn;
    const std::string id(to_string(v));
    out.emplace_back(where, "accounts." + id, "Accounts " + id, std::to_string(names.size()), how, joined(names));
  }
  out.emplace_back(where, "accounts.posture.rc4-as", "RC4 AS exchange", posture.rc4_as_exchange,
                   posture.rc4_as_exchange == "allowed" ? Verdict::warn : Verdict::info, posture.evidence);
}

}  // namespace legacyscan::accounts
