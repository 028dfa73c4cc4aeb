// SPDX-License-Identifier: Apache-2.0
// Authentication in what-if: an SMB session or LDAP bind after a hardening change works only when one
// of the client's paths still works (the same rule as the matrix, matrix_auth.hpp): a Kerberos path
// on an etype the change removes falls to the client's next path (NTLM, guest), and a refused NTLMv1
// or guest logon is known from the change itself.
#include <algorithm>

#include "src/compat/matrix_auth.hpp"
#include "src/compat/whatif.hpp"

namespace legacyscan::matrix {

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void refuse(smb::SessionAttempt& a, const std::string& term) {
  a.outcome = Outcome::success();
  a.accepted = false;
  a.granted.clear();
  a.answer = "refused once " + term + " is off";
}

void compare(std::vector<CellChange>& out, const std::string& protocol, const std::optional<Cell>& before,
             const std::optional<Cell>& after) {
  if (!before || !after) return;
  if (before->verdict == after->verdict && before->auth == after->auth) return;
  out.push_back({protocol, *before, *after});
}

}  // namespace

smb::Sessions sessions_after(const smb::Sessions* known, const std::string& why, const WhatIf& w) {
  smb::Sessions s;
  if (known) {
    s = *known;
  } else {
    for (auto* a : {&s.guest, &s.ntlm.v2, &s.ntlm.v1, &s.ntlm.v1_ess, &s.ntlm.lm})
      a->outcome = Outcome::failure(Status::skipped, why);
  }
  if (has(w.disable, "ntlmv1") || has(w.disable, "ntlm"))
    for (auto* a : {&s.ntlm.v1, &s.ntlm.v1_ess, &s.ntlm.lm}) refuse(*a, has(w.disable, "ntlm") ? "ntlm" : "ntlmv1");
  if (has(w.disable, "ntlm")) refuse(s.ntlm.v2, "ntlm");
  if (has(w.disable, "guest")) refuse(s.guest, "guest");
  return s;
}

Cell auth_after(Cell transport, const AuthUse& client, const std::optional<smb::SmbResult>& smb,
                const std::optional<Cell>& kerberos, const WhatIf& w, const std::string& what) {
  auto facts = auth_facts(smb, kerberos);
  const auto sessions = sessions_after(facts.sessions, facts.no_sessions, w);
  facts.sessions = &sessions;
  return with_auth(std::move(transport), client, facts, what);
}

std::vector<CellChange> cell_changes(const Row& before, const Row& after) {
  std::vector<CellChange> out;
  compare(out, "smb", before.smb, after.smb);
  compare(out, "kerberos", before.kerberos, after.kerberos);
  compare(out, "ldap", before.ldap, after.ldap);
  compare(out, "netbios", before.netbios, after.netbios);
  for (const auto& [port, cell] : after.tls)
    if (auto it = before.tls.find(port); it != before.tls.end())
      compare(out, "tls/" + std::to_string(port), it->second, cell);
  for (const auto& [port, cell] : after.rdp)
    if (auto it = before.rdp.find(port); it != before.rdp.end())
      compare(out, "rdp/" + std::to_string(port), it->second, cell);
  for (const auto& [part, cell] : after.vpn)
    if (auto it = before.vpn.find(part); it != before.vpn.end()) compare(out, "vpn/" + part, it->second, cell);
  return out;
}

}  // namespace legacyscan::matrix
