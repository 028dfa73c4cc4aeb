// SPDX-License-Identifier: Apache-2.0
// The one vocabulary of hardening: what a wave switches off ("smb1", "rc4", "tls1.0") or requires
// ("smb-signing", "ldap-signing"). `whatif` (over a scan and over a capture) takes these terms, and each
// names the policy rule that holds once the change is made on a server, so policy, whatif and diff
// speak of the same things (`legacyscan rules` prints this table).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace legacyscan::compat {

enum class TermKind { disable, require };

struct HardeningTerm {
  std::string_view id;  // what --disable / --require take
  TermKind kind;
  std::string_view what;         // one line for people
  std::string_view policy_rule;  // the scan policy rule that holds once it is done ("" when none)
  bool scan_whatif;              // `whatif RESULTS.json` can play it
  bool capture_whatif;           // `whatif --from-capture` can play it
};

std::span<const HardeningTerm> hardening_terms();
// Case-insensitive; nullptr when unknown.
const HardeningTerm* find_hardening_term(std::string_view id, TermKind kind);
// "smb1, smb2.0.2, ..." of the terms of that kind a what-if over a scan (or a capture) plays.
std::string hardening_term_list(TermKind kind, bool capture);

}  // namespace legacyscan::compat
