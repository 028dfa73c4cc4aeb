// SPDX-License-Identifier: Apache-2.0
#include "src/proto/ntlm/ntlm_session_key.hpp"

#include <algorithm>
#include <cctype>

#include "src/proto/crypto/crypto_primitives.hpp"

namespace legacyscan::ntlm {

Bytes ntlm_v2_session_base_key(const NtlmV2Logon& logon, ByteView authenticate) {
  // 2.2.1.3: Signature (8), MessageType (4), LmChallengeResponseFields (8), NtChallengeResponseFields
  // (Len 2, MaxLen 2, BufferOffset 4).
  Reader r(authenticate);
  std::uint16_t nt_len = 0, max_len = 0;
  std::uint32_t nt_offset = 0;
  if (!r.skip(20) || !r.u16le(nt_len) || !r.u16le(max_len) || !r.u32le(nt_offset)) return {};
  // An NTLMv2 response is NTProofStr (16) and a blob; 24 bytes would be NTLMv1.
  if (nt_len <= 24 || nt_offset > authenticate.size() || authenticate.size() - nt_offset < 16) return {};
  const ByteView nt_proof = authenticate.subspan(nt_offset, 16);
  std::string user = logon.user;
  std::transform(user.begin(), user.end(), user.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const Bytes response_key =
      crypto::hmac_md5(crypto::md4(utf8_to_utf16le(logon.password)), utf8_to_utf16le(user + logon.domain));
  return crypto::hmac_md5(response_key, nt_proof);
}

Bytes ntlm_v2_exported_session_key(const NtlmV2Logon& logon, ByteView authenticate) {
  Bytes base = ntlm_v2_session_base_key(logon, authenticate);
  auto m = decode_ntlm_authenticate_message(authenticate);
  const bool exchanged = m && (m->NegotiateFlags & NTLMSSP_NEGOTIATE_KEY_EXCH) != 0 && logon.exported_session_key;
  if (base.empty() || !exchanged) return base;
  return Bytes(logon.exported_session_key->begin(), logon.exported_session_key->end());
}

}  // namespace legacyscan::ntlm
