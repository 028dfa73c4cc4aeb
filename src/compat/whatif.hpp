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

// One cell of a client's row whose verdict or authentication path the change alters: "smb", "kerberos",
// "ldap", "netbios" or "tls/636".
struct CellChange {
  std::string protocol;
  Cell before;  // the saved matrix's cell
  Cell after;
};

struct WhatIfRow {
  std::string profile;
  std::string name;
  CellVerdict verdict = CellVerdict::unknown;
  std::string reason;
  std::string before;  // the saved matrix verdict, when the scan had one
  std::vector<CellChange> cells;
};

std::optional<WhatIf> parse_whatif(const std::vector<std::string>& disable, const std::vector<std::string>& require,
                                   std::string& error);

// One row per profile for one host of a saved scan.
std::vector<WhatIfRow> whatif_host(const HostView& host, const WhatIf& w);

nlohmann::json whatif_to_json(const std::vector<std::pair<HostView, std::vector<WhatIfRow>>>& hosts, const WhatIf& w);

// ---- authentication after the change (whatif_auth.cpp) ----

// The server's sessions as they would answer after the change: "ntlmv1" refuses the NTLMv1 and LM
// responses, "ntlm" every NTLM response, "guest" the guest logon, whether or not the scan could try
// them (a refusal the change makes is known without trying). Without sessions in the scan (`known`
// null) the responses the change leaves alone are not tested, with `why`.
smb::Sessions sessions_after(const smb::Sessions* known, const std::string& why, const WhatIf& w);
// The cell of an authenticated exchange after the change ("session", "bind"): the transport's cell
// with the client's paths tried in its order (matrix_auth.hpp) against the Kerberos cell after the
// change and the sessions after the change.
Cell auth_after(Cell transport, const AuthUse& client, const std::optional<smb::SmbResult>& smb,
                const std::optional<Cell>& kerberos, const WhatIf& w, const std::string& what);
// The cells of `after` whose verdict or path differ from the saved row's.
std::vector<CellChange> cell_changes(const Row& before, const Row& after);

// ---- remote access after the change (whatif_remote.cpp) ----

// The row's RDP and VPN cells after the change: the saved matrix's cells (an IKEv2 cell is the answer
// to the client's replayed IKE_SA_INIT) where the change leaves them alone, else recomputed from the
// scan's rdp and vpn results and the profile's offers ("pptp", "ikev1", "ike-3des",
// "rdp-standard-security"; "ike-dh14", "rdp-nla").
void remote_after(Row& row, const ClientProfile& p, const HostView& host, const Row* saved, const WhatIf& w);

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
  std::vector<std::string> spns;
  std::string dc;
  std::string verdict;
  std::string reason;
  std::string fix;
};
WaveAccountRow rc4_2026_account(const accounts::AccountResult& a, const std::string& dc);
// Worst first: breaks, changes, keeps-rc4, unknown, ok.
void sort_wave_rows(std::vector<WaveAccountRow>& rows);
nlohmann::json wave_accounts_to_json(const Wave& w, const std::vector<WaveAccountRow>& rows);
// One row's object ({account, kind, spns, dc, verdict, reason, fix}) and the count per verdict.
nlohmann::json wave_row_to_json(const WaveAccountRow& r);
nlohmann::json wave_counts_to_json(const std::vector<const WaveAccountRow*>& rows);
// The rank of a wave verdict, worst (breaks) first.
int wave_rank(const std::string& verdict);

}  // namespace legacyscan::matrix
