// SPDX-License-Identifier: Apache-2.0
#include "src/compat/matrix_session.hpp"

namespace legacyscan::matrix {

namespace {

bool smb1_session(const Cell& transport) { return !transport.negotiated.starts_with("SMB "); }

}  // namespace

std::string cannot_encrypt(const SmbOffer& client, const Cell& transport) {
  // The negotiated dialect is "SMB 3.1.1" for SMB2+, the SMB1 dialect string ("NT LM 0.12") otherwise.
  if (smb1_session(transport)) return "the client speaks SMB1 (" + transport.negotiated + ")";
  if (!transport.negotiated.starts_with("SMB 3")) return "the client speaks " + transport.negotiated;
  if (!client.encryption) return "the client does not encrypt";
  return {};
}

Cell smb_session_cell(Cell transport, const SmbOffer& smb, const AuthUse& auth, AuthFacts facts) {
  if (transport.verdict != CellVerdict::works && transport.verdict != CellVerdict::degraded) return transport;
  facts.smb1 = smb1_session(transport);
  if (facts.sessions) {
    const auto& enc = facts.sessions->encryption_required;
    const std::string why_not = cannot_encrypt(smb, transport);
    // Samba and Windows refuse the session setup of a dialect that cannot encrypt when encryption is
    // required globally (RejectUnencryptedAccess), whatever the credentials.
    if (!why_not.empty() && enc.outcome.ok() && enc.required) {
      transport.verdict = CellVerdict::fails;
      transport.reason +=
          "; the server requires encryption, " + why_not + " (smb sessions.encryption_required: " + enc.evidence + ")";
      return transport;
    }
    if (!why_not.empty() && !enc.outcome.ok()) {
      auto cell = with_auth(transport, auth, facts, "session");
      if (cell.verdict == CellVerdict::works || cell.verdict == CellVerdict::degraded) {
        cell.verdict = CellVerdict::unknown;
        cell.reason +=
            "; whether the server requires encryption is unknown (" + enc.outcome.reason + "), and " + why_not;
      }
      return cell;
    }
  }
  auto cell = with_auth(transport, auth, facts, "session");
  if (cell.auth == "guest" && smb.signing == "required") {
    cell.verdict = CellVerdict::fails;
    cell.reason += "; a guest session cannot sign ([MS-SMB2] 3.2.5.3.1: no session key), the client requires signing";
  }
  return cell;
}

}  // namespace legacyscan::matrix
