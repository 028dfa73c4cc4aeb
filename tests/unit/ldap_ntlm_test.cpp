// SPDX-License-Identifier: Apache-2.0
// The LDAP signing check's SASL/NTLM bind: the requests byte for byte against the exchange captured with
// the lab DCs (legacy: the anonymous unsigned bind succeeds; hardened: strongerAuthRequired "Sign or
// Seal are required."), and the answers decoded, including every truncation.
#include <gtest/gtest.h>

#include "src/proto/ldap/ldap_codec.hpp"
#include "src/proto/ntlm/ntlm_crypto.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"
#include "tests/unit/ldap_test_support.hpp"

namespace legacyscan::ldap {
namespace {

using testdata::golden;

// The NEGOTIATE_MESSAGE of the LDAP probe: no version, empty fields at offset 0.
Bytes ldap_negotiate(std::uint32_t flags = ntlm::kNtlmUnsignedNegotiateFlags) {
  return ntlm::encode_ntlm_negotiate_message(
      {.NegotiateFlags = flags, .Version = std::nullopt, .EmptyFieldsAtOffsetZero = true});
}

BindRequest sasl(Bytes creds) {
  BindRequest b;
  b.sasl_mechanism = "GSS-SPNEGO";
  b.sasl_credentials = std::move(creds);
  return b;
}

TEST(LdapNtlm, RequestsMatchCapture) {
  EXPECT_EQ(to_hex(encode_bind_request(1, sasl(ldap_negotiate()))),
            to_hex(golden("legacy_ntlm_bind_request_negotiate")));
  EXPECT_EQ(to_hex(encode_bind_request(2, sasl(ntlm::encode_ntlm_authenticate_anonymous()))),
            to_hex(golden("legacy_ntlm_bind_request_anonymous")));
}

TEST(LdapNtlm, NegotiateAsksNeitherSignNorSeal) {
  const Bytes n = ldap_negotiate();
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
  for (const char* file :
       {"legacy_ntlm_bind_response_challenge", "hardened_ntlm_bind_response_challenge",
        "legacy_ntlm_bind_response_anonymous_success", "hardened_ntlm_bind_response_anonymous_stronger_auth"}) {
    const Bytes whole = golden(file);
    for (std::size_t n = 0; n < whole.size(); ++n) {
      EXPECT_FALSE(decode_ldap_message(ByteView(whole).first(n))) << file << " truncated to " << n;
      EXPECT_EQ(frame_ldap_message(ByteView(whole).first(n), 1 << 20).state, Frame::State::need_more);
    }
  }
}

// The challenge the lab DCs sent: server challenge, AV pairs with the NetBIOS domain and a timestamp.
TEST(LdapNtlm, ChallengeDecodesFromCapture) {
  const std::pair<const char*, const char*> cases[] = {{"legacy", "LEGACY"}, {"hardened", "HARDENED"}};
  for (const auto& [scenario, domain] : cases) {
    auto m = decode_ldap_message(golden(std::string(scenario) + "_ntlm_bind_response_challenge"));
    ASSERT_TRUE(m && m->bindResponse && m->bindResponse->serverSaslCreds);
    const Bytes& creds = *m->bindResponse->serverSaslCreds;
    auto c = ntlm::decode_ntlm_challenge_message(creds);
    ASSERT_TRUE(c) << c.error;
    EXPECT_EQ(c->NbDomainName, domain);
    EXPECT_TRUE(c->Timestamp.has_value());
    EXPECT_FALSE(c->TargetInfo.empty());
    EXPECT_EQ(to_hex(ByteView(c->ServerChallenge.data(), 8)), to_hex(ByteView(creds).subspan(24, 8)));
    // Every truncation is an error with a reason, never a crash.
    for (std::size_t n = 0; n < creds.size(); ++n) {
      auto t = ntlm::decode_ntlm_challenge_message(ByteView(creds).first(n));
      if (!t) {
        EXPECT_FALSE(t.error.empty());
      }
    }
  }
  EXPECT_FALSE(ntlm::decode_ntlm_challenge_message(ldap_negotiate()));  // MessageType 1
}

// [MS-NLMP] 4.2.4: the NTLMv2 example (User "User", UserDom "Domain", Password "Password", server
// challenge 0123456789abcdef, client challenge aa * 8, time 0, AV pairs NbDomainName "Domain" and
// NbComputerName "Server"): NTProofStr 68cd0ab851e51c96aabc927bebef6a1c.
TEST(LdapNtlm, NtlmV2MatchesTheSpecExample) {
  ntlm::NtlmChallengeMessage c;
  c.ServerChallenge = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  c.TargetInfo = {{ntlm::MsvAvNbDomainName, utf8_to_utf16le("Domain")},
                  {ntlm::MsvAvNbComputerName, utf8_to_utf16le("Server")}};
  const std::size_t av_pairs_size = 4 + 12 + 4 + 12 + 4;  // with MsvAvEOL
  ntlm::NtlmV2Logon logon;
  logon.user = "User";
  logon.domain = "Domain";
  logon.password = "Password";
  logon.client_challenge.fill(0xaa);
  logon.timestamp = 0;
  const Bytes auth = ntlm::encode_ntlm_authenticate_v2(c, logon);
  Reader r(auth);
  std::uint16_t lm_len = 0, nt_len = 0, skip16 = 0;
  std::uint32_t lm_off = 0, nt_off = 0, type = 0;
  ASSERT_TRUE(r.skip(8) && r.u32le(type) && r.u16le(lm_len) && r.u16le(skip16) && r.u32le(lm_off) && r.u16le(nt_len) &&
              r.u16le(skip16) && r.u32le(nt_off));
  EXPECT_EQ(type, 3u);
  EXPECT_EQ(lm_len, 24u);
  ASSERT_LE(nt_off + nt_len, auth.size());
  EXPECT_EQ(to_hex(ByteView(auth).subspan(nt_off, 16)), "68cd0ab851e51c96aabc927bebef6a1c");
  // Blob: 0101 0000 0000 0000, time, client challenge, 0, the AV pairs, 0.
  EXPECT_EQ(nt_len, 16u + 28u + av_pairs_size + 4u);
  auto back = ntlm::decode_ntlm_authenticate_message(auth);
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(back->UserName, "User");
  EXPECT_EQ(back->DomainName, "Domain");
  EXPECT_EQ(back->NtChallengeResponseLen, nt_len);
  EXPECT_EQ(back->response_version(), "NTLMv2");

  // With a channel binding the AV pair 0x000A goes in before MsvAvEOL, and the proof changes.
  logon.channel_bindings = ntlm::tls_server_end_point_bindings(Bytes(32, 0));
  const Bytes bound = ntlm::encode_ntlm_authenticate_v2(c, logon);
  EXPECT_EQ(bound.size(), auth.size() + 20);
  const std::string hex = to_hex(bound);
  EXPECT_NE(hex.find("0a001000" + to_hex(ByteView(logon.channel_bindings->data(), 16)) + "00000000"),
            std::string::npos);
}

// RFC 5929 / RFC 4121: the binding is MD5 over four zero words, the length, then the application data.
TEST(LdapNtlm, ChannelBindingHashIsMd5OfTheFlatStruct) {
  const auto b = ntlm::tls_server_end_point_bindings(Bytes(32, 0));
  // python3 -c 'import
  // hashlib;print(hashlib.md5(bytes(16)+(21+32).to_bytes(4,"little")+b"tls-server-end-point:"+bytes(32)).hexdigest())'
  EXPECT_EQ(to_hex(ByteView(b.data(), 16)), "c9ec5cb29e8f57f7ee6429cde733efeb");
  EXPECT_TRUE(ntlm::certificate_end_point_hash(Bytes{0x30, 0x00}).empty());  // not a certificate
}

}  // namespace
}  // namespace legacyscan::ldap
