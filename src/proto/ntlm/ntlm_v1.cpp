// SPDX-License-Identifier: Apache-2.0
#include "src/proto/ntlm/ntlm_v1.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "src/proto/crypto/crypto_primitives.hpp"
#include "src/proto/crypto/des.hpp"

namespace legacyscan::ntlm {

namespace {

constexpr std::size_t kLmPasswordMax = 14;

std::array<std::uint8_t, 8> block_of(ByteView v) {
  std::array<std::uint8_t, 8> b{};
  std::copy_n(v.begin(), std::min<std::size_t>(8, v.size()), b.begin());
  return b;
}

void append(Bytes& out, const std::array<std::uint8_t, 8>& b) { out.insert(out.end(), b.begin(), b.end()); }

}  // namespace

std::uint32_t ntlm_v1_negotiate_flags(NtlmV1Kind kind) {
  std::uint32_t f = NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM | NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_NTLM |
                    NTLMSSP_NEGOTIATE_ALWAYS_SIGN | NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_56;
  if (kind == NtlmV1Kind::v1_ess) f |= NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
  if (kind == NtlmV1Kind::lm) f |= NTLMSSP_NEGOTIATE_LM_KEY;
  return f;
}

Bytes ntowf_v1(std::string_view password) { return crypto::md4(utf8_to_utf16le(password)); }

Bytes lmowf_v1(std::string_view password) {
  if (password.size() > kLmPasswordMax) return {};
  Bytes upper(kLmPasswordMax, 0);
  for (std::size_t i = 0; i < password.size(); ++i)
    upper[i] = static_cast<std::uint8_t>(std::toupper(static_cast<unsigned char>(password[i])));
  static constexpr std::array<std::uint8_t, 8> kMagic{'K', 'G', 'S', '!', '@', '#', '$', '%'};
  Bytes out;
  append(out, crypto::des_encrypt_block(crypto::des_7byte_key(ByteView(upper).first(7)), kMagic));
  append(out, crypto::des_encrypt_block(crypto::des_7byte_key(ByteView(upper).subspan(7, 7)), kMagic));
  return out;
}

Bytes desl(ByteView key16, ByteView data8) {
  Bytes k(16, 0);
  std::copy_n(key16.begin(), std::min<std::size_t>(16, key16.size()), k.begin());
  const auto d = block_of(data8);
  Bytes out;
  append(out, crypto::des_encrypt_block(crypto::des_7byte_key(ByteView(k).first(7)), d));
  append(out, crypto::des_encrypt_block(crypto::des_7byte_key(ByteView(k).subspan(7, 7)), d));
  const std::uint8_t last[7] = {k[14], k[15], 0, 0, 0, 0, 0};
  append(out, crypto::des_encrypt_block(crypto::des_7byte_key(ByteView(last, 7)), d));
  return out;
}

NtlmV1Responses ntlm_v1_responses(NtlmV1Kind kind, std::string_view password,
                                  const std::array<std::uint8_t, 8>& server_challenge,
                                  const std::array<std::uint8_t, 8>& client_challenge) {
  NtlmV1Responses r;
  const ByteView server(server_challenge.data(), 8);
  switch (kind) {
    case NtlmV1Kind::v1:
      r.NtChallengeResponse = desl(ntowf_v1(password), server);
      r.LmChallengeResponse = r.NtChallengeResponse;
      break;
    case NtlmV1Kind::v1_ess: {
      // 3.3.1: LmChallengeResponse = ClientChallenge || Z(16); NtChallengeResponse =
      // DESL(NTOWFv1, MD5(ServerChallenge || ClientChallenge)[0..7]).
      Bytes both(server.begin(), server.end());
      both.insert(both.end(), client_challenge.begin(), client_challenge.end());
      std::array<std::uint8_t, EVP_MAX_MD_SIZE> md{};
      unsigned int n = 0;
      EVP_Digest(both.data(), both.size(), md.data(), &n, EVP_md5(), nullptr);
      r.NtChallengeResponse = desl(ntowf_v1(password), ByteView(md.data(), 8));
      r.LmChallengeResponse.assign(client_challenge.begin(), client_challenge.end());
      r.LmChallengeResponse.resize(24, 0);
      break;
    }
    case NtlmV1Kind::lm: {
      const Bytes lm = lmowf_v1(password);
      if (!lm.empty()) r.LmChallengeResponse = desl(lm, server);
      break;
    }
  }
  return r;
}

Bytes encode_ntlm_authenticate_v1(const NtlmChallengeMessage& challenge, const NtlmV1Logon& logon, NtlmV1Kind kind) {
  auto r = ntlm_v1_responses(kind, logon.password, challenge.ServerChallenge, logon.client_challenge);
  if (r.LmChallengeResponse.empty() && r.NtChallengeResponse.empty()) return {};
  NtlmAuthenticateFields f;
  f.LmChallengeResponse = std::move(r.LmChallengeResponse);
  f.NtChallengeResponse = std::move(r.NtChallengeResponse);
  f.DomainName = logon.domain;
  f.UserName = logon.user;
  f.NegotiateFlags = ntlm_v1_negotiate_flags(kind);
  return encode_ntlm_authenticate_message(f);
}

}  // namespace legacyscan::ntlm
