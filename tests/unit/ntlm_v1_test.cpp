// SPDX-License-Identifier: Apache-2.0
// NTLMv1, NTLMv1 with extended session security and LM against the worked examples of [MS-NLMP]
// 4.2.2 and 4.2.3 (User "User", Domain "Domain", Password "Password", ServerChallenge
// 0123456789abcdef, ClientChallenge aaaaaaaaaaaaaaaa), and DES against the FIPS 46-3 worked example.
#include <gtest/gtest.h>

#include "src/proto/crypto/des.hpp"
#include "src/proto/ntlm/ntlm_v1.hpp"
#include "tests/unit/smb_golden.hpp"

namespace legacyscan::ntlm {
namespace {

using smb::H;

constexpr std::array<std::uint8_t, 8> kServer{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
constexpr std::array<std::uint8_t, 8> kClient{0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa};

TEST(Des, FipsWorkedExample) {
  const auto c = crypto::des_encrypt_block({0x13, 0x34, 0x57, 0x79, 0x9B, 0xBC, 0xDF, 0xF1},
                                           {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF});
  EXPECT_EQ(to_hex(ByteView(c.data(), 8)), "85e813540f0ab405");
}

TEST(NtlmV1, OneWayFunctions) {
  EXPECT_EQ(to_hex(lmowf_v1("Password")), "e52cac67419a9a224a3b108f3fa6cb6d");
  EXPECT_EQ(to_hex(ntowf_v1("Password")), "a4f49c406510bdcab6824ee7c30fd852");
  EXPECT_TRUE(lmowf_v1("fifteen-chars!!").empty());
}

TEST(NtlmV1, ResponsesOfTheSpecExamples) {
  auto v1 = ntlm_v1_responses(NtlmV1Kind::v1, "Password", kServer, kClient);
  EXPECT_EQ(to_hex(v1.NtChallengeResponse), "67c43011f30298a2ad35ece64f16331c44bdbed927841f94");
  EXPECT_EQ(v1.LmChallengeResponse, v1.NtChallengeResponse);
  auto lm = ntlm_v1_responses(NtlmV1Kind::lm, "Password", kServer, kClient);
  EXPECT_EQ(to_hex(lm.LmChallengeResponse), "98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13");
  EXPECT_TRUE(lm.NtChallengeResponse.empty());
  auto ess = ntlm_v1_responses(NtlmV1Kind::v1_ess, "Password", kServer, kClient);
  EXPECT_EQ(to_hex(ess.NtChallengeResponse), "7537f803ae367128ca458204bde7caf81e97ed2683267232");
  EXPECT_EQ(to_hex(ess.LmChallengeResponse), "aaaaaaaaaaaaaaaa" + std::string(32, '0'));
}

TEST(NtlmV1, AuthenticateMessageCarriesTheResponsesAndFlags) {
  NtlmChallengeMessage c;
  c.ServerChallenge = kServer;
  NtlmV1Logon logon{"User", "Domain", "Password", kClient};
  const Bytes msg = encode_ntlm_authenticate_v1(c, logon, NtlmV1Kind::v1_ess);
  auto d = decode_ntlm_authenticate_message(msg);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->UserName, "User");
  EXPECT_EQ(d->DomainName, "Domain");
  EXPECT_EQ(d->NtChallengeResponseLen, 24);
  EXPECT_EQ(d->response_version(), "NTLMv1");
  EXPECT_NE(d->NegotiateFlags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY, 0U);
  auto plain = decode_ntlm_authenticate_message(encode_ntlm_authenticate_v1(c, logon, NtlmV1Kind::v1));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->NegotiateFlags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY, 0U);
  auto lm = decode_ntlm_authenticate_message(encode_ntlm_authenticate_v1(c, logon, NtlmV1Kind::lm));
  ASSERT_TRUE(lm);
  EXPECT_EQ(lm->response_version(), "LM");
  logon.password = "a password too long for LM";
  EXPECT_TRUE(encode_ntlm_authenticate_v1(c, logon, NtlmV1Kind::lm).empty());
}

}  // namespace
}  // namespace legacyscan::ntlm
