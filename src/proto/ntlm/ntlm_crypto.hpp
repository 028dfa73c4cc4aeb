// SPDX-License-Identifier: Apache-2.0
// The NTLMv2 logon of a client ([MS-NLMP] 3.1.5.1.2, 3.3.2) without signing or sealing, for a bind
// over TLS, and the TLS channel bindings (MsvAvChannelBindings, 2.2.2.1) it can carry: with them a DC
// that enforces LDAP channel binding accepts the logon, without them (or with wrong ones) it refuses.
// The messages themselves are written by ntlm_messages.hpp. Pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "legacyscan/bytes.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"

namespace legacyscan::ntlm {

struct NtlmV2Logon {
  std::string user;    // as written into UserName
  std::string domain;  // as written into DomainName (and into NTOWFv2)
  std::string password;
  std::array<std::uint8_t, 8> client_challenge{};
  std::uint64_t timestamp = 0;  // FILETIME; the server's MsvAvTimestamp when it sent one
  // MsvAvChannelBindings (2.2.2.1, AvId 0x000A): absent when nullopt.
  std::optional<std::array<std::uint8_t, 16>> channel_bindings;
  std::uint32_t NegotiateFlags = kNtlmUnsignedNegotiateFlags;
  // With NTLMSSP_NEGOTIATE_KEY_EXCH in NegotiateFlags: the ExportedSessionKey the client chose at
  // random (16 bytes), sent as EncryptedRandomSessionKey (3.1.5.1.2). Without the flag it is not used.
  std::optional<std::array<std::uint8_t, 16>> exported_session_key;
};
// The AUTHENTICATE_MESSAGE answering `challenge`: the server's AV pairs (without any channel bindings
// of its own) are copied into the NTLMv2 response, then the logon's channel bindings.
Bytes encode_ntlm_authenticate_v2(const NtlmChallengeMessage& challenge, const NtlmV2Logon& logon);

// EncryptedRandomSessionKey = RC4K(KeyExchangeKey, ExportedSessionKey) ([MS-NLMP] 3.1.5.1.2); the
// server recovers the ExportedSessionKey with the same RC4.
Bytes ntlm_encrypted_random_session_key(ByteView key_exchange_key, ByteView exported_session_key);

// The MsvAvChannelBindings value of a TLS channel: MD5 of the flattened gss_channel_bindings_struct
// (RFC 4121 4.1.1.2: four zero address fields, then the application data) whose application data is
// "tls-server-end-point:" followed by the hash of the server's certificate (RFC 5929 4.1).
std::array<std::uint8_t, 16> tls_server_end_point_bindings(ByteView certificate_hash);

// RFC 5929 4.1: the certificate's signature hash, SHA-256 when that is MD5 or SHA-1. Empty when the
// DER does not parse.
Bytes certificate_end_point_hash(ByteView certificate_der);

}  // namespace legacyscan::ntlm
