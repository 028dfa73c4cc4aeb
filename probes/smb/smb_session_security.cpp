// SPDX-License-Identifier: Apache-2.0
#include "probes/smb/smb_session_security.hpp"

#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::smb {

std::optional<Smb2SessionKeys> session_keys_from(const SmbChannel& ch, ByteView session_key, std::string& why) {
  const auto& t = ch.transcript();
  // NEGOTIATE request and response, at least two SESSION_SETUP legs.
  if (t.size() < 6 || t.size() % 2 != 0 || t.size() >= SmbChannel::kTranscriptMessages) {
    why = "the connection's exchange before the session is not the one expected";
    return std::nullopt;
  }
  if (session_key.size() < 16) {
    why = "the logon gave no session key";
    return std::nullopt;
  }
  auto neg = decode_smb2_negotiate_response(t[1]);
  if (!neg || !neg->response) {
    why = "the NEGOTIATE response does not decode";
    return std::nullopt;
  }
  const Smb2NegotiateResponse& n = *neg->response;
  Bytes preauth;
  std::uint16_t signing = SMB2_SIGNING_AES_CMAC, cipher = 0;
  if (n.DialectRevision == SMB2_DIALECT_311) {
    // 3.2.5.3.1: over every message of the exchange but the final SESSION_SETUP response.
    for (std::size_t i = 0; i + 1 < t.size(); ++i) preauth = smb311_preauth_update(preauth, t[i]);
    if (!n.contexts.SigningAlgorithms.empty()) signing = n.contexts.SigningAlgorithms.front();
    if (!n.contexts.Ciphers.empty()) cipher = n.contexts.Ciphers.front();
  }
  return smb2_session_keys(n.DialectRevision, session_key, preauth, signing, cipher);
}

}  // namespace legacyscan::smb
