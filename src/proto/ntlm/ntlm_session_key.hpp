// SPDX-License-Identifier: Apache-2.0
// The session key of an NTLMv2 logon ([MS-NLMP] 3.3.2, 3.4.5.1), which SMB2/3 signs and encrypts
// with. Pure functions.
#pragma once

#include "legacyscan/bytes.hpp"
#include "src/proto/ntlm/ntlm_crypto.hpp"

namespace legacyscan::ntlm {

// SessionBaseKey = HMAC_MD5(NTOWFv2(password, user, domain), NTProofStr), NTProofStr being the first
// 16 bytes of the NtChallengeResponse in `authenticate` (written by encode_ntlm_authenticate_v2 from
// `logon`). For NTLMv2 the KeyExchangeKey is the SessionBaseKey. Empty when the message has no
// NTLMv2 response.
Bytes ntlm_v2_session_base_key(const NtlmV2Logon& logon, ByteView authenticate);

// The key SMB signs with, the ExportedSessionKey (3.1.5.1.2): the one `logon` chose at random when
// the AUTHENTICATE carries NTLMSSP_NEGOTIATE_KEY_EXCH (and so its EncryptedRandomSessionKey), else
// the KeyExchangeKey, the SessionBaseKey. Empty when the message has no NTLMv2 response.
Bytes ntlm_v2_exported_session_key(const NtlmV2Logon& logon, ByteView authenticate);

}  // namespace legacyscan::ntlm
