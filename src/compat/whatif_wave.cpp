// SPDX-License-Identifier: Apache-2.0
// Waves: a dated change of Windows defaults as what-if. rc4-2026 is the Kerberos change of
// CVE-2026-20833 (KB5073381): from April 2026 the KDC treats an account without
// msDS-SupportedEncryptionTypes as AES only (DefaultDomainSupportedEncTypes 0x18), from July 2026
// without the rollback. Over a scan it is the "rc4" term of the hardening vocabulary; over an account
// audit it is decided per account from the KDC's answers (docs/accounts.md).
#include <algorithm>
#include <cctype>

#include "src/compat/hardening.hpp"
#include "src/compat/whatif.hpp"

namespace legacyscan::matrix {

using accounts::AccountResult;
using accounts::AccountVerdict;

const std::vector<Wave>& all_waves() {
  static const std::vector<Wave> waves{
      {"rc4-2026",
       "Kerberos RC4 removal of 2026 (CVE-2026-20833): accounts without msDS-SupportedEncryptionTypes get AES "
       "(0x18) only",
       {"rc4"}},
  };
  return waves;
}

const Wave* find_wave(std::string_view id) {
  for (const auto& w : all_waves()) {
    if (w.id.size() != id.size()) continue;
    if (std::equal(id.begin(), id.end(), w.id.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return &w;
  }
  return nullptr;
}

std::string wave_list() {
  std::string out;
  for (const auto& w : all_waves()) out += (out.empty() ? "" : ", ") + std::string(w.id);
  return out;
}

WaveAccountRow rc4_2026_account(const AccountResult& a, const std::string& dc) {
  WaveAccountRow r{a.name, a.kind, a.spns, dc, "ok", a.reason, a.remedy};
  // Without the attribute (or 0) the 2026 default applies: AES tickets only.
  const bool defaulted = !a.supported_etypes.raw || *a.supported_etypes.raw == 0;
  const bool has_aes =
      std::any_of(a.keys.begin(), a.keys.end(), [](const std::string& k) { return k.rfind("aes", 0) == 0; });
  switch (a.verdict) {
    case AccountVerdict::breaks:
    case AccountVerdict::des: r.verdict = "breaks"; break;
    case AccountVerdict::rc4_exception:
      r.verdict = "keeps-rc4";
      r.reason = "RC4 allowed explicitly: keeps working after the wave; " + a.reason;
      break;
    case AccountVerdict::unknown: r.verdict = "unknown"; break;
    case AccountVerdict::ok:
      if (defaulted && has_aes && a.tickets.default_offer == "rc4-hmac") {
        r.verdict = "changes";
        r.reason = "its service tickets are rc4-hmac today and become AES: the service must hold its AES key";
        r.fix =
            "check the service's keytab holds aes256-cts-hmac-sha1-96 (klist -ke); export a new keytab with AES "
            "keys if not";
      }
      break;
  }
  return r;
}

int wave_rank(const std::string& verdict) {
  static const std::vector<std::string> order{"breaks", "changes", "keeps-rc4", "unknown", "ok"};
  return static_cast<int>(std::find(order.begin(), order.end(), verdict) - order.begin());
}

void sort_wave_rows(std::vector<WaveAccountRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& x, const auto& y) {
    return std::pair(wave_rank(x.verdict), x.account) < std::pair(wave_rank(y.verdict), y.account);
  });
}

nlohmann::json wave_row_to_json(const WaveAccountRow& r) {
  return {{"account", r.account}, {"kind", r.kind},     {"spns", r.spns}, {"dc", r.dc},
          {"verdict", r.verdict}, {"reason", r.reason}, {"fix", r.fix}};
}

nlohmann::json wave_counts_to_json(const std::vector<const WaveAccountRow*>& rows) {
  nlohmann::json counts = nlohmann::json::object();
  for (const char* v : {"breaks", "changes", "keeps-rc4", "unknown", "ok"}) counts[v] = 0;
  for (const auto* r : rows) counts[r->verdict] = counts[r->verdict].get<int>() + 1;
  return counts;
}

nlohmann::json wave_accounts_to_json(const Wave& w, const std::vector<WaveAccountRow>& rows) {
  nlohmann::json list = nlohmann::json::array();
  std::vector<const WaveAccountRow*> all;
  for (const auto& r : rows) {
    list.push_back(wave_row_to_json(r));
    all.push_back(&r);
  }
  return {{"wave", std::string(w.id)},
          {"what", std::string(w.what)},
          {"accounts", list},
          {"counts", wave_counts_to_json(all)}};
}

}  // namespace legacyscan::matrix
