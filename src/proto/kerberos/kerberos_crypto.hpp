// SPDX-License-Identifier: Apache-2.0
// The Kerberos crypto of the credentialed exchanges (the Windows XP logon, the account audit's TGT and
// service tickets): rc4-hmac (RFC 4757; its MD4, RC4 and HMAC-MD5 are the shared primitives of
// src/proto/crypto/crypto_primitives.hpp) and, through kerberos_aes.hpp, aes128/aes256-cts-hmac-sha1-96
// (RFC 3962), chosen by etype.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

namespace legacyscan::kerberos {

// RFC 4757 2: the rc4-hmac long-term key, MD4 of the UTF-16LE password.
Bytes rc4_hmac_string_to_key(std::string_view password);
// RFC 4757 3 encryption with a caller-given 8-byte confounder: checksum(16) | RC4(confounder | data).
Bytes rc4_hmac_encrypt(ByteView key, std::uint32_t usage, ByteView confounder8, ByteView plaintext);
// Decrypts and checks the HMAC; nullopt when the checksum does not match (wrong key or usage).
std::optional<Bytes> rc4_hmac_decrypt(ByteView key, std::uint32_t usage, ByteView ciphertext);

// The etypes encrypt/decrypt take: 23 (rc4-hmac), 17 and 18 (AES-SHA1).
bool etype_supported(std::int32_t etype);
// Encryption by etype; the confounder is 16 bytes, of which rc4-hmac uses the first 8. Empty when the
// etype, key or confounder does not fit.
Bytes encrypt(std::int32_t etype, ByteView key, std::uint32_t usage, ByteView confounder16, ByteView plaintext);
std::optional<Bytes> decrypt(std::int32_t etype, ByteView key, std::uint32_t usage, ByteView ciphertext);
// The long-term key of `etype` from a password: MD4 for rc4-hmac (no salt), PBKDF2 with the salt
// and s2kparams (ETYPE-INFO2) for AES. An error names what is wrong (etype, s2kparams).
Decoded<Bytes> string_to_key(std::int32_t etype, std::string_view password, std::string_view salt,
                             const std::optional<Bytes>& s2kparams);

// RFC 4120 5.2.7.2 PA-ENC-TS-ENC, encrypted with key usage 1 into EncryptedData of `etype`; the
// result is the padata-value of PA-ENC-TIMESTAMP.
Decoded<Bytes> encode_pa_enc_timestamp(std::int32_t etype, ByteView key, std::string_view kerberos_time,
                                       std::uint32_t usec, ByteView confounder16);
// The same in rc4-hmac with an 8-byte confounder (the Windows XP logon).
Decoded<Bytes> encode_pa_enc_timestamp_rc4(ByteView key, std::string_view kerberos_time, std::uint32_t usec,
                                           ByteView confounder8);

// RFC 4120 5.4.2 EncASRepPart ([APPLICATION 25], Windows also sends [APPLICATION 26]): only the
// session key's etype is read; the key value itself is never copied.
Decoded<std::int32_t> decode_enc_kdc_rep_part_keytype(ByteView plaintext);

// The session key of an EncASRepPart / EncTGSRepPart, for the one TGS exchange that needs it; the
// caller wipes `value` when done.
struct SessionKey {
  std::int32_t keytype = 0;
  Bytes value;
};
Decoded<SessionKey> decode_enc_kdc_rep_part_key(ByteView plaintext);

// A TGS-REQ (RFC 4120 5.4.1, [APPLICATION 12]) for `sname` with a TGT: PA-TGS-REQ carries the AP-REQ
// (5.5.1) with the ticket as given and an Authenticator (5.5.1) holding the keyed checksum of the
// KDC-REQ-BODY (key usage 6) of the session key's etype -- HMAC-MD5 (-138, RFC 4757) for rc4-hmac,
// hmac-sha1-96-aes128/256 (15/16, RFC 3962) for AES -- encrypted in the session key with key usage 7.
struct TgsReq {
  std::string realm;
  PrincipalName sname;
  std::vector<std::int32_t> etype;
  std::uint32_t nonce = 0;
  ByteView ticket;                  // the TGT's Ticket DER
  std::int32_t session_etype = 23;  // the TGT's session key etype: 23, 17 or 18
  ByteView session_key;             // and its value (16 or 32 bytes)
  std::string crealm;
  PrincipalName cname;
  std::string ctime;  // KerberosTime
  std::uint32_t cusec = 0;
  ByteView confounder;  // 16 bytes (8 are enough for rc4-hmac)
};
Decoded<Bytes> encode_tgs_req(const TgsReq& o);

}  // namespace legacyscan::kerberos
