// SPDX-License-Identifier: Apache-2.0
// SMB2/3 message security of a session: the keys ([MS-SMB2] 3.1.4.2 KDF, 3.2.5.3.1 which key for which
// dialect), the 3.1.1 preauth integrity hash (3.2.5.2, 3.2.5.3.1), signing (3.1.4.1: HMAC-SHA256 for
// 2.0.2/2.1, AES-128-CMAC for 3.x, AES-128-GMAC when SIGNING_CAPABILITIES chose it) and the
// TRANSFORM_HEADER encryption (2.2.41, 3.1.4.3, 3.1.4.4: AES-CCM/GCM, 128 or 256 bits). Pure functions
// over OpenSSL 3 EVP.
#pragma once

#include <cstdint>
#include <string>

#include "legacyscan/bytes.hpp"

namespace legacyscan {

// 2.2.3.1.7 SigningAlgorithms and 2.2.3.1.2 Ciphers.
inline constexpr std::uint16_t SMB2_SIGNING_HMAC_SHA256 = 0x0000;
inline constexpr std::uint16_t SMB2_SIGNING_AES_CMAC = 0x0001;
inline constexpr std::uint16_t SMB2_SIGNING_AES_GMAC = 0x0002;
inline constexpr std::uint16_t SMB2_CIPHER_AES_128_CCM = 0x0001;
inline constexpr std::uint16_t SMB2_CIPHER_AES_128_GCM = 0x0002;
inline constexpr std::uint16_t SMB2_CIPHER_AES_256_CCM = 0x0003;
inline constexpr std::uint16_t SMB2_CIPHER_AES_256_GCM = 0x0004;
inline constexpr std::size_t kSmb2TransformHeaderLength = 52;

// 3.1.4.2: SP800-108 counter mode, PRF HMAC-SHA256, r = 32, L = `bits`. `label` and `context` are
// passed with their terminating NUL where the spec has one ("SMB2AESCMAC\0").
Bytes smb3_kdf(ByteView key, ByteView label, ByteView context, std::size_t bits = 128);

// 3.2.5.2: PreauthIntegrityHashValue = SHA-512(previous || message); `previous` empty is the initial
// 64 zero bytes.
Bytes smb311_preauth_update(ByteView previous, ByteView message);

// What a session signs and encrypts with, from the dialect and (3.1.1) the negotiated contexts.
struct Smb2SessionKeys {
  std::uint16_t dialect = 0;
  std::uint16_t signing_algorithm = SMB2_SIGNING_HMAC_SHA256;
  std::uint16_t cipher = 0;  // 0: the connection cannot encrypt (below 3.0, or no common cipher)
  Bytes signing;             // Session.SigningKey
  Bytes encryption;          // Session.EncryptionKey: client to server
  Bytes decryption;          // Session.DecryptionKey: server to client
};
// 3.2.5.3.1. `session_key` is the GSS session key (NTLM: the exported session key); `preauth_hash`
// the session's PreauthIntegrityHashValue (3.1.1 only); `signing_algorithm` and `cipher` as the
// 3.1.1 NEGOTIATE response chose them (ignored below 3.1.1: CMAC and AES-128-CCM for 3.0/3.0.2).
Smb2SessionKeys smb2_session_keys(std::uint16_t dialect, ByteView session_key, ByteView preauth_hash,
                                  std::uint16_t signing_algorithm, std::uint16_t cipher);

// 3.1.4.1: sets SMB2_FLAGS_SIGNED and writes the Signature of one SMB2 message (no compound chain).
// False when the message is shorter than a header or the keys are not usable.
bool smb2_sign(Bytes& message, const Smb2SessionKeys& keys);

enum class Smb2Signature { valid, bad, unsigned_message };
// 3.2.5.1.3: the Signature of a received message checked against the session's keys.
Smb2Signature smb2_check_signature(ByteView message, const Smb2SessionKeys& keys);
std::string smb2_signature_name(Smb2Signature s);  // "valid", "bad", "unsigned"

// 3.1.4.3: the TRANSFORM_HEADER followed by the encrypted message. `nonce` (up to 16 bytes, the
// Nonce field, zero-padded) is never reused in the session; the cipher uses its first 11 (CCM) or 12
// (GCM) bytes. Empty when the keys cannot encrypt.
Bytes smb2_encrypt(ByteView message, std::uint64_t session_id, ByteView nonce, const Smb2SessionKeys& keys);

// 3.2.5.1.1.1: the message inside a server's TRANSFORM_HEADER, or why it cannot be read (not a
// transform, another session, a bad size, a failed authentication tag).
Decoded<Bytes> decode_smb2_transform(ByteView transform, std::uint64_t session_id, const Smb2SessionKeys& keys);

}  // namespace legacyscan
