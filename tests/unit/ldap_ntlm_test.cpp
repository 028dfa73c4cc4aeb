// SPDX-License-Identifier: Apache-2.0
// The LDAP signing check's SASL/NTLM bind: the requests byte for byte against the exchange captured with
// the lab DCs (legacy: the anonymous unsigned bind succeeds; hardened: strongerAuthRequired "Sign or
// Seal are required."), and the answers decoded, including every truncation.
#include <gtest/gtest.h>

#include "probes/ldap/ldap_codec.hpp"
#include "probes/ldap/ldap_ntlm.hpp"
#include "tests/unit/ldap_test_support.hpp"

namespace legacyscan::ldap {
namespace {

using testdata::golden;

BindRequest sasl(Bytes creds) {
  BindRequest b;
  b.sasl_mechanism = "GSS-SPNEGO";
  b.sasl_credentials = std::move(creds);
  return b;
}

TEST(LdapNtlm, RequestsMatchCapture) {
  EXPECT_EQ(to_hex(encode_bind_request(1, sasl(encode_ntlm_negotiate_unsigned()))),
            to_hex(golden("legacy_ntlm_bind_request_negotiate")));
  EXPECT_EQ(to_hex(encode_bind_request(2, sasl(encode_ntlm_authenticate_anonymous()))),
            to_hex(golden("legacy_ntlm_bind_request_anonymous")));
}

TEST(LdapNtlm, NegotiateAsksNeitherSignNorSeal) {
  const Bytes n = encode_ntlm_negotiate_unsigned();
  ASSERT_EQ(n.size(), 32u);
  Reader r(n);
  ASSERT_TRUE(r.skip(12));
  std::uint32_t flags = 0;
  ASSERT_TRUE(r.u32le(flags));
  EXPECT_EQ(flags & 0x00000010u, 0u);  // NTLMSSP_NEGOTIATE_SIGN
  EXPECT_EQ(flags & 0x00000020u, 0u);  // NTLMSSP_NEGOTIATE_SEAL
  EXPECT_EQ(flags & 0x40000000u, 0u);  // NTLMSSP_NEGOTIATE_KEY_EXCH
}

TEST(LdapNtlm, ChallengeThenAnswerPerScenario) {
  for (const char* s : {"legacy", "hardened"}) {
    auto c = decode_ldap_message(golden(std::string(s) + "_ntlm_bind_response_challenge"));
    ASSERT_TRUE(c) << c.error;
    ASSERT_TRUE(c->bindResponse);
    EXPECT_EQ(c->bindResponse->result.resultCode, LDAP_SASL_BIND_IN_PROGRESS);
    ASSERT_TRUE(c->bindResponse->serverSaslCreds);
    const Bytes& creds = *c->bindResponse->serverSaslCreds;
    ASSERT_GE(creds.size(), 12u);
    EXPECT_EQ(to_hex(ByteView(creds).first(12)), "4e544c4d5353500002000000");  // NTLMSSP CHALLENGE
  }
  auto ok = decode_ldap_message(golden("legacy_ntlm_bind_response_anonymous_success"));
  ASSERT_TRUE(ok) << ok.error;
  EXPECT_EQ(ok->messageID, 2);
  EXPECT_EQ(ok->bindResponse->result.resultCode, LDAP_SUCCESS);
  auto no = decode_ldap_message(golden("hardened_ntlm_bind_response_anonymous_stronger_auth"));
  ASSERT_TRUE(no) << no.error;
  EXPECT_EQ(no->bindResponse->result.resultCode, LDAP_STRONGER_AUTH_REQUIRED);
  EXPECT_EQ(no->bindResponse->result.diagnosticMessage, "SASL:[GSS-SPNEGO]: Sign or Seal are required.");
}

TEST(LdapNtlm, EveryTruncationOfTheAnswers) {
  for (const char* file : {"legacy_ntlm_bind_response_challenge", "hardened_ntlm_bind_response_challenge",
                           "legacy_ntlm_bind_response_anonymous_success",
                           "hardened_ntlm_bind_response_anonymous_stronger_auth"}) {
    const Bytes whole = golden(file);
    for (std::size_t n = 0; n < whole.size(); ++n) {
      EXPECT_FALSE(decode_ldap_message(ByteView(whole).first(n))) << file << " truncated to " << n;
      EXPECT_EQ(frame_ldap_message(ByteView(whole).first(n), 1 << 20).state, Frame::State::need_more);
    }
  }
}

}  // namespace
}  // namespace legacyscan::ldap
