// SPDX-License-Identifier: Apache-2.0
// The Kerberos GSS-API mechanism (RFC 4121) as a SASL GSSAPI client (RFC 4752) needs it, with AES
// session keys (RFC 3962): the InitialContextToken carrying an AP-REQ (RFC 4121 4.1, RFC 4120 5.5.1)
// whose Authenticator holds the GSS checksum (type 0x8003, RFC 4121 4.1.1), the acceptor's AP-REP
// (RFC 4120 5.5.2: its subkey and sequence number), and the per-message Wrap tokens (RFC 4121
// 4.2.6.2), sealed or only checksummed. Pure: keys, confounders and times are the caller's; the caller
// wipes the keys it gets back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "legacyscan/bytes.hpp"
#include "src/proto/kerberos/kerberos_aes.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_crypto.hpp"

namespace legacyscan::kerberos {

// RFC 2744 / RFC 4121 4.1.1.1 context flags carried in the GSS checksum.
inline constexpr std::uint32_t kGssMutual = 2;
inline constexpr std::uint32_t kGssConf = 16;
inline constexpr std::uint32_t kGssInteg = 32;

// RFC 4121 2 key usages of the per-message tokens.
inline constexpr std::uint32_t kUsageAcceptorSeal = 22;
inline constexpr std::uint32_t kUsageInitiatorSeal = 24;

struct GssApReqOptions {
  ByteView ticket;                    // the service ticket's DER ([APPLICATION 1])
  std::int32_t etype = kEtypeAes256;  // its session key's etype: 17 or 18
  ByteView key;                       // and value
  std::string crealm;
  PrincipalName cname;
  std::string ctime;  // KerberosTime
  std::uint32_t cusec = 0;
  std::uint32_t seq_number = 0;  // the initiator's first Wrap token sequence number
  std::uint32_t flags = kGssMutual | kGssInteg | kGssConf;
  ByteView confounder;  // 16 bytes
};
// The InitialContextToken: [APPLICATION 0] { OID 1.2.840.113554.1.2.2, TOK_ID 01 00, AP-REQ with
// mutual-required }.
Decoded<Bytes> encode_gss_ap_req(const GssApReqOptions& o);

// What the acceptor's AP-REP says: the subkey the Wrap tokens then use (RFC 4121 2: the acceptor's
// subkey when it sends one) and its first sequence number.
struct GssApRep {
  std::optional<SessionKey> subkey;
  std::optional<std::uint32_t> seq_number;
};
// RFC 4120 5.5.2 EncAPRepPart ([APPLICATION 27]) once decrypted: the subkey (AES only) and seq-number.
Decoded<GssApRep> decode_enc_ap_rep_part(ByteView plaintext);
// The acceptor's token (TOK_ID 02 00 and an AP-REP, whose EncAPRepPart is decrypted with the ticket's
// session key `key` of `etype`, key usage 12). A KRB-ERROR token (TOK_ID 03 00) is an error naming it.
Decoded<GssApRep> decode_gss_ap_rep(ByteView token, std::int32_t etype, ByteView key);

// RFC 4121 4.2.6.2 Wrap token flags.
inline constexpr std::uint8_t kWrapSentByAcceptor = 0x01;
inline constexpr std::uint8_t kWrapSealed = 0x02;
inline constexpr std::uint8_t kWrapAcceptorSubkey = 0x04;

struct WrapKey {
  std::int32_t etype = kEtypeAes256;  // 17 or 18
  Bytes key;
  bool acceptor_subkey = false;  // the key is the acceptor's subkey (flag 0x04 in every token)
};

// The initiator's Wrap token of `data`: sealed (AES-CTS with the header's copy inside, RRC 0, EC 0)
// or, when `seal` is false, the data in the clear followed by its HMAC-SHA1-96 checksum (EC 12).
Bytes encode_wrap_token(const WrapKey& k, bool seal, std::uint64_t seq, ByteView data, ByteView confounder16);

struct Unwrapped {
  Bytes data;
  std::uint64_t seq = 0;
  bool sealed = false;
};
// The acceptor's Wrap token: checks the token ID, the direction and subkey flags, undoes the rotation
// (RRC), decrypts or verifies the checksum (key usage 22) and the header's copy.
Decoded<Unwrapped> decode_wrap_token(const WrapKey& k, ByteView token);

}  // namespace legacyscan::kerberos
