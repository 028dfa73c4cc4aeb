// SPDX-License-Identifier: Apache-2.0
// Just enough Kerberos crypto for the optional credentialed AS exchange of the Windows XP offer:
// rc4-hmac (RFC 4757) only, because that is the one etype a KDC can pick from an XP offer today. Its
// MD4, RC4 and HMAC-MD5 are the shared primitives of src/proto/crypto/crypto_primitives.hpp.
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

// RFC 4120 5.2.7.2 PA-ENC-TS-ENC, encrypted with key usage 1 into EncryptedData (etype 23); the
// result is the padata-value of PA-ENC-TIMESTAMP.
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

// A TGS-REQ (RFC 4120 5.4.1, [APPLICATION 12]) for `sname` with a TGT whose session key is rc4-hmac:
// PA-TGS-REQ carries the AP-REQ (5.5.1) with the ticket as given and an Authenticator (5.5.1) holding
// the RFC 4757 HMAC-MD5 checksum (-138, key usage 6) of the KDC-REQ-BODY, encrypted with key usage 7.
struct TgsReqRc4 {
  std::string realm;
  PrincipalName sname;
  std::vector<std::int32_t> etype;
  std::uint32_t nonce = 0;
  ByteView ticket;       // the TGT's Ticket DER
  ByteView session_key;  // the TGT's rc4-hmac session key (16 bytes)
  std::string crealm;
  PrincipalName cname;
  std::string ctime;  // KerberosTime
  std::uint32_t cusec = 0;
  ByteView confounder8;
};
Decoded<Bytes> encode_tgs_req_rc4(const TgsReqRc4& o);

}  // namespace legacyscan::kerberos
