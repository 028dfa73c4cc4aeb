// SPDX-License-Identifier: Apache-2.0
#include "src/proto/ntlm/ntlm_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "src/proto/crypto/crypto_primitives.hpp"

namespace legacyscan::ntlm {

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

}  // namespace

Bytes ntlm_encrypted_random_session_key(ByteView key_exchange_key, ByteView exported_session_key) {
  return crypto::rc4(key_exchange_key, exported_session_key);
}

Bytes encode_ntlm_authenticate_v2(const NtlmChallengeMessage& challenge, const NtlmV2Logon& logon) {
  // NTOWFv2 = HMAC_MD5(MD4(UNICODE(Password)), UNICODE(Uppercase(User) + UserDom)).
  const Bytes nt_hash = crypto::md4(utf8_to_utf16le(logon.password));
  const Bytes key = crypto::hmac_md5(nt_hash, utf8_to_utf16le(upper(logon.user) + logon.domain));
  // The AV pairs the client sends: the server's, without its MsvAvEOL (and any channel bindings),
  // then the channel bindings when given, then MsvAvEOL.
  Writer av;
  for (const AvPair& pair : challenge.TargetInfo) {
    if (pair.AvId == MsvAvChannelBindings) continue;
    av.u16le(pair.AvId);
    av.u16le(static_cast<std::uint16_t>(pair.Value.size()));  // < 64 KiB: read with a 16-bit AvLen
    av.bytes(pair.Value);
  }
  if (logon.channel_bindings) {
    av.u16le(MsvAvChannelBindings);
    av.u16le(16);
    av.bytes(ByteView(logon.channel_bindings->data(), 16));
  }
  av.u16le(MsvAvEOL);
  av.u16le(0);
  // temp = RespType, HiRespType, Z(6), Time, ClientChallenge, Z(4), AV pairs, Z(4) (3.3.2).
  Writer temp;
  temp.u8(1);
  temp.u8(1);
  temp.zeros(6);
  temp.u64le(logon.timestamp);
  temp.bytes(ByteView(logon.client_challenge.data(), 8));
  temp.zeros(4);
  temp.bytes(av.take());
  temp.zeros(4);
  const Bytes t = temp.take();
  Bytes proof_input(challenge.ServerChallenge.begin(), challenge.ServerChallenge.end());
  proof_input.insert(proof_input.end(), t.begin(), t.end());
  Bytes nt = crypto::hmac_md5(key, proof_input);  // NTProofStr
  Bytes encrypted_key;
  if ((logon.NegotiateFlags & NTLMSSP_NEGOTIATE_KEY_EXCH) != 0 && logon.exported_session_key) {
    // For NTLMv2 the KeyExchangeKey is the SessionBaseKey, HMAC_MD5(NTOWFv2, NTProofStr) (3.4.5.1).
    encrypted_key =
        ntlm_encrypted_random_session_key(crypto::hmac_md5(key, nt), ByteView(logon.exported_session_key->data(), 16));
  }
  nt.insert(nt.end(), t.begin(), t.end());
  // With MsvAvTimestamp in the challenge, LmChallengeResponse is Z(24) (3.1.5.1.2).
  NtlmAuthenticateFields f;
  f.LmChallengeResponse = Bytes(24, 0);
  f.NtChallengeResponse = std::move(nt);
  f.DomainName = logon.domain;
  f.UserName = logon.user;
  f.NegotiateFlags = logon.NegotiateFlags;
  f.EncryptedRandomSessionKey = std::move(encrypted_key);
  return encode_ntlm_authenticate_message(f);
}

std::array<std::uint8_t, 16> tls_server_end_point_bindings(ByteView certificate_hash) {
  static constexpr std::string_view kPrefix = "tls-server-end-point:";
  Writer w;
  w.zeros(16);  // initiator_addrtype, initiator_address length, acceptor_addrtype, acceptor_address length
  w.u32le(static_cast<std::uint32_t>(kPrefix.size() + certificate_hash.size()));
  w.bytes(kPrefix);
  w.bytes(certificate_hash);
  const Bytes flat = w.take();
  std::array<std::uint8_t, 16> out{};
  unsigned int n = 0;
  EVP_Digest(flat.data(), flat.size(), out.data(), &n, EVP_md5(), nullptr);
  return out;
}

Bytes certificate_end_point_hash(ByteView certificate_der) {
  const unsigned char* p = certificate_der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(certificate_der.size()));
  if (!cert) return {};
  int md_nid = NID_undef, pk_nid = NID_undef;
  const EVP_MD* md = nullptr;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, &pk_nid) && md_nid != NID_undef && md_nid != NID_md5 &&
      md_nid != NID_sha1)
    md = EVP_get_digestbynid(md_nid);
  if (!md) md = EVP_sha256();
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  const bool ok = X509_digest(cert, md, out.data(), &n) == 1;
  X509_free(cert);
  if (!ok) return {};
  out.resize(n);
  return out;
}

}  // namespace legacyscan::ntlm
