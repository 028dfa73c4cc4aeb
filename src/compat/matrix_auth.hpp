// SPDX-License-Identifier: Apache-2.0
// Authentication in the matrix's cells: an SMB session or an LDAP bind works only when one of the
// client's authentication paths works, tried in the client's own order: Kerberos with its etypes (the
// row's replayed AS-REQ: what the KDC answers for the machine account the kerberos probe found; with an
// account audit, also the service ticket the KDC gives for the service's account to those etypes), then
// the NTLM responses its LmCompatibilityLevel-equivalent sends (against the responses the SMB probe's
// credentialed sessions saw the server accept), or a guest logon. A path the scan cannot judge is
// unknown with the reason, never assumed to work.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "probes/matrix/matrix_result.hpp"
#include "probes/smb/smb_result.hpp"
#include "src/compat/accounts_result.hpp"
#include "src/compat/profiles.hpp"

namespace legacyscan::matrix {

// What the scan knows about the server's side of authentication.
struct AuthFacts {
  std::optional<Cell> kerberos;             // the client's replayed AS-REQ (the row's Kerberos cell)
  const smb::Sessions* sessions = nullptr;  // the sessions of the SMB port a client uses
  std::string no_sessions;                  // why there are none
  // With --accounts: the client's etypes and the audited account of the service it reaches (null
  // when the audit has no such account; then `service_name` is named in the reason).
  std::vector<std::int32_t> client_etypes;
  const accounts::AccountResult* service = nullptr;
  std::string service_name;
  // Why no client has a Kerberos ticket for the server: it is not a domain member (its NTLM CHALLENGE
  // names its own computer as its domain, [MS-NLMP] 2.2.2.1). Empty for a domain member or when unknown.
  std::string standalone;
  bool smb1 = false;  // the client's session is SMB1: its guest logon is the SMB1 one
};

// The facts of one host for one client: its Kerberos cell, and the SMB probe's sessions.
AuthFacts auth_facts(const std::optional<smb::SmbResult>& smb, const std::optional<Cell>& kerberos_cell);
// The facts point into the SMB result: a temporary one would leave them dangling.
AuthFacts auth_facts(std::optional<smb::SmbResult>&&, const std::optional<Cell>&) = delete;
inline AuthFacts auth_facts(std::nullopt_t, const std::optional<Cell>& kerberos_cell) {
  static const std::optional<smb::SmbResult> none;
  return auth_facts(none, kerberos_cell);
}

// One path's outcome: works/degraded with its name ("Kerberos RC4", "NTLMv2", "guest"), fails or
// unknown with why.
struct PathOutcome {
  CellVerdict verdict = CellVerdict::unknown;
  std::string path;  // set when it works
  std::string why;
  bool guest = false;  // a guest session: granted, or refused by the client
};
PathOutcome kerberos_path(const AuthFacts& facts);
PathOutcome ntlm_path(const AuthUse& client, const AuthFacts& facts);
PathOutcome guest_path(const AuthFacts& facts);

// A guest session the server would grant the client (its logon mapped to guest, or a guest logon):
// `degraded` with path "guest" when the client keeps it, else `fails` naming the client's refusal.
// `what` says how the server grants it ("the server maps unknown users to guest").
PathOutcome as_guest(const AuthUse& client, const std::string& what);

// The cell of an authenticated exchange (`what`: "session", "bind"): the transport's cell when it does
// not work; else the first path that works (the worse of the two verdicts, the path in `auth` and the
// reason), or fails/unknown naming why each path failed. An SMB client that keeps insecure guest logons
// ends, when its own paths do not work, as guest where the server maps unknown users to guest; one that
// refuses them has that refusal named among the failed paths.
Cell with_auth(Cell transport, const AuthUse& client, const AuthFacts& facts, const std::string& what);

}  // namespace legacyscan::matrix
