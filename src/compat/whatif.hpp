// SPDX-License-Identifier: Apache-2.0
// `legacyscan whatif`: the matrix of a saved scan as it would be after a hardening change.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "probes/matrix/matrix_result.hpp"
#include "src/compat/accounts_result.hpp"
#include "src/compat/host_view.hpp"
#include "src/compat/profiles.hpp"

namespace legacyscan::matrix {

struct WhatIf {
  std::vector<std::string> disable;  // terms of the hardening vocabulary (src/compat/hardening.hpp)
  std::vector<std::string> require;
};

struct WhatIfRow {
  std::string profile;
  std::string name;
  CellVerdict verdict = CellVerdict::unknown;
  std::string reason;
  std::string before;  // the saved matrix verdict, when the scan had one
};

std::optional<WhatIf> parse_whatif(const std::vector<std::string>& disable, const std::vector<std::string>& require,
                                   std::string& error);

// One row per profile for one host of a saved scan.
std::vector<WhatIfRow> whatif_host(const HostView& host, const WhatIf& w);

nlohmann::json whatif_to_json(const std::vector<std::pair<HostView, std::vector<WhatIfRow>>>& hosts, const WhatIf& w);

// ---- waves (whatif_wave.cpp): a dated change of Windows defaults, played over scans and audits ----

struct Wave {
  std::string_view id;               // what --wave takes: "rc4-2026"
  std::string_view what;             // one line for people
  std::vector<std::string> disable;  // its terms of the hardening vocabulary, played over a scan
};
const std::vector<Wave>& all_waves();
const Wave* find_wave(std::string_view id);  // case-insensitive; nullptr when unknown
std::string wave_list();                     // "rc4-2026"

// One account (or trust) of an audit after the wave: "breaks", "changes" (works, but on other keys: the
// service's keytab must have them), "keeps-rc4" (an explicit RC4 exception), "ok", "unknown".
struct WaveAccountRow {
  std::string account;
  std::string kind;
  std::string dc;
  std::string verdict;
  std::string reason;
  std::string fix;
};
WaveAccountRow rc4_2026_account(const accounts::AccountResult& a, const std::string& dc);
// Worst first: breaks, changes, keeps-rc4, unknown, ok.
void sort_wave_rows(std::vector<WaveAccountRow>& rows);
nlohmann::json wave_accounts_to_json(const Wave& w, const std::vector<WaveAccountRow>& rows);

}  // namespace legacyscan::matrix
