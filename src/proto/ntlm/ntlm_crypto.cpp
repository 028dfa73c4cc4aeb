// SPDX-License-Identifier: Apache-2.0
#include "src/proto/ntlm/ntlm_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "src/proto/crypto/crypto_primitives.hpp"

namespace legacyscan::ldap {

namespace {
constexpr std::string_view kSignature{"NTLMSSP\0", 8};

// [MS-NLMP] 2.2.2.1 AvIds.
constexpr std::uint16_t MsvAvEOL = 0x0000;
constexpr std::uint16_t MsvAvNbDomainName = 0x0002;
constexpr std::uint16_t MsvAvTimestamp = 0x0007;
constexpr std::uint16_t MsvAvChannelBindings = 0x000A;

// AUTHENTICATE_MESSAGE with six payload fields in spec order (LmChallengeResponse,
// NtChallengeResponse, DomainName, UserName, Workstation, EncryptedRandomSessionKey).
Bytes authenticate_message(const std::array<ByteView, 6>& payload, std::uint32_t flags) {
  Writer w;
  w.bytes(kSignature);
  w.u32le(3);
  std::array<Writer::Slot, 6> offsets{};
  for (std::size_t i = 0; i < payload.size(); ++i) {
    w.u16le(static_cast<std::uint16_t>(payload[i].size()));
    w.u16le(static_cast<std::uint16_t>(payload[i].size()));
    offsets[i] = w.reserve_u32le();
  }
  w.u32le(flags);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    w.patch(offsets[i], w.size());
    w.bytes(payload[i]);
  }
  return w.take();
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}
}  // namespace

Bytes encode_ntlm_negotiate_unsigned() { return encode_ntlm_negotiate(kUnsignedNegotiateFlags); }

Bytes encode_ntlm_negotiate(std::uint32_t flags) {
  // [MS-NLMP] 2.2.1.1: Signature, MessageType 1, NegotiateFlags, DomainNameFields, WorkstationFields.
  Writer w;
  w.bytes(kSignature);
  w.u32le(1);
  w.u32le(flags);
  for (int i = 0; i < 2; ++i) {  // empty DomainNameFields, WorkstationFields (offset 0 as Windows sends)
    w.u16le(0);
    w.u16le(0);
    w.u32le(0);
  }
  return w.take();
}

Bytes encode_ntlm_authenticate_anonymous() {
  // [MS-NLMP] 3.2.5.1.2: anonymous = LmChallengeResponse Z(1), every other field empty.
  const Bytes lm{0x00};
  return authenticate_message({ByteView(lm), ByteView(), ByteView(), ByteView(), ByteView(), ByteView()},
                              kUnsignedNegotiateFlags | kNtlmsspAnonymous);
}

Decoded<NtlmChallenge> decode_ntlm_challenge(ByteView message) {
  using D = Decoded<NtlmChallenge>;
  Reader r(message);
  ByteView sig;
  std::uint32_t type = 0;
  if (!r.bytes(8, sig) || !std::equal(sig.begin(), sig.end(), kSignature.begin()))
    return D::fail("not an NTLMSSP message (no \"NTLMSSP\\0\" signature)");
  if (!r.u32le(type) || type != 2) return D::fail("NTLMSSP MessageType " + std::to_string(type) + ", not 2 (CHALLENGE)");
  NtlmChallenge c;
  std::uint16_t name_len = 0, name_max = 0, info_len = 0, info_max = 0;
  std::uint32_t name_off = 0, info_off = 0;
  ByteView server_challenge;
  if (!r.u16le(name_len) || !r.u16le(name_max) || !r.u32le(name_off) || !r.u32le(c.NegotiateFlags) ||
      !r.bytes(8, server_challenge) || !r.skip(8) || !r.u16le(info_len) || !r.u16le(info_max) || !r.u32le(info_off))
    return D::fail("CHALLENGE_MESSAGE of " + std::to_string(message.size()) + " bytes is shorter than its fixed fields");
  std::copy(server_challenge.begin(), server_challenge.end(), c.ServerChallenge.begin());
  if (info_len == 0) return D::ok(std::move(c));
  if (static_cast<std::uint64_t>(info_off) + info_len > message.size())
    return D::fail("CHALLENGE_MESSAGE TargetInfo (offset " + std::to_string(info_off) + ", " + std::to_string(info_len) +
                   " bytes) runs past the " + std::to_string(message.size()) + "-byte message");
  const ByteView info = message.subspan(info_off, info_len);
  c.TargetInfo.assign(info.begin(), info.end());
  Reader av(info);
  for (;;) {
    std::uint16_t id = 0, len = 0;
    ByteView value;
    if (!av.u16le(id) || !av.u16le(len) || !av.bytes(len, value)) return D::fail("TargetInfo AV_PAIR runs past its end");
    if (id == MsvAvEOL) break;
    if (id == MsvAvNbDomainName) c.NbDomainName = utf16le_to_utf8(value);
    if (id == MsvAvTimestamp && len == 8) {
      Reader t(value);
      std::uint64_t ft = 0;
      if (t.u64le(ft)) c.Timestamp = ft;
    }
  }
  return D::ok(std::move(c));
}

Bytes encode_ntlm_authenticate_v2(const NtlmChallenge& challenge, const NtlmV2Logon& logon) {
  // NTOWFv2 = HMAC_MD5(MD4(UNICODE(Password)), UNICODE(Uppercase(User) + UserDom)).
  const Bytes nt_hash = crypto::md4(utf8_to_utf16le(logon.password));
  const Bytes key = crypto::hmac_md5(nt_hash, utf8_to_utf16le(upper(logon.user) + logon.domain));
  // The AV pairs the client sends: the server's, without its MsvAvEOL (and any channel bindings),
  // then the channel bindings when given, then MsvAvEOL.
  Writer av;
  Reader in(challenge.TargetInfo);
  for (;;) {
    std::uint16_t id = 0, len = 0;
    ByteView value;
    if (!in.u16le(id) || !in.u16le(len) || !in.bytes(len, value) || id == MsvAvEOL) break;
    if (id == MsvAvChannelBindings) continue;
    av.u16le(id);
    av.u16le(len);
    av.bytes(value);
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
  nt.insert(nt.end(), t.begin(), t.end());
  // With MsvAvTimestamp in the challenge, LmChallengeResponse is Z(24) (3.1.5.1.2).
  const Bytes lm(24, 0);
  const Bytes domain = utf8_to_utf16le(logon.domain);
  const Bytes user = utf8_to_utf16le(logon.user);
  return authenticate_message({ByteView(lm), ByteView(nt), ByteView(domain), ByteView(user), ByteView(), ByteView()},
                              logon.NegotiateFlags);
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
  if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &md_nid, &pk_nid) && md_nid != NID_undef &&
      md_nid != NID_md5 && md_nid != NID_sha1)
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

}  // namespace legacyscan::ldap
