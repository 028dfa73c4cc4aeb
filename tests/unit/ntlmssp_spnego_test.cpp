// SPDX-License-Identifier: Apache-2.0
// SPNEGO and NTLMSSP: the [MS-NLMP] 4.2.4.3 CHALLENGE_MESSAGE example, and the tokens the lab's Samba
// DCs and smbclient exchanged (tests/data/smb/*.hex).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "src/proto/ntlm/ntlm_messages.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb2/smb2_codec.hpp"
#include "src/proto/spnego/spnego.hpp"
#include "tests/unit/smb_golden.hpp"

namespace legacyscan::smb {
namespace {

Bytes smb2_security_buffer(const std::string& name) {
  auto r = decode_smb2_session_setup_response(golden(name));
  EXPECT_TRUE(r && r->response) << name;
  return r && r->response ? r->response->SecurityBuffer : Bytes{};
}

Bytes challenge_of(const Bytes& negtokenresp) {
  auto resp = decode_spnego_resp(negtokenresp);
  EXPECT_TRUE(resp) << resp.error;
  EXPECT_TRUE(resp && resp->responseToken);
  return resp && resp->responseToken ? *resp->responseToken : Bytes{};
}

// ---- NTLMSSP ----------------------------------------------------------------------------------

TEST(NtlmChallenge, SpecExample) {
  const Bytes spec = golden("msnlmp_challenge_example");
  auto c = ntlm::decode_ntlm_challenge_message(spec);
  ASSERT_TRUE(c) << c.error;
  EXPECT_EQ(c->NegotiateFlags, 0xE28A8233u);
  EXPECT_EQ(to_hex(ByteView(c->ServerChallenge.data(), 8)), "0123456789abcdef");
  EXPECT_EQ(c->TargetName, "Server");
  EXPECT_EQ(c->NbDomainName, "Domain");
  EXPECT_EQ(c->NbComputerName, "Server");
  ASSERT_TRUE(c->Version);
  EXPECT_EQ(c->Version->to_string(), "6.0.6000");
  EXPECT_EQ(c->Version->NTLMRevisionCurrent, 0x0F);
  ASSERT_EQ(c->TargetInfo.size(), 2u);
  EXPECT_EQ(c->TargetInfo[0].AvId, ntlm::MsvAvNbDomainName);
  EXPECT_FALSE(c->Timestamp);
  const auto flags = ntlm::ntlm_negotiate_flag_names(c->NegotiateFlags);
  for (const char* f : {"NTLMSSP_NEGOTIATE_UNICODE", "NTLMSSP_NEGOTIATE_SEAL", "NTLMSSP_TARGET_TYPE_SERVER",
                        "NTLMSSP_NEGOTIATE_TARGET_INFO", "NTLMSSP_NEGOTIATE_VERSION", "NTLMSSP_NEGOTIATE_56"}) {
    EXPECT_NE(std::find(flags.begin(), flags.end(), f), flags.end()) << f;
  }
  auto encoded = ntlm::encode_ntlm_challenge_message(*c);
  ASSERT_TRUE(encoded) << encoded.error;
  EXPECT_EQ(to_hex(*encoded), to_hex(spec));
  expect_every_truncation_fails(spec, ntlm::decode_ntlm_challenge_message, "spec challenge");
}

TEST(NtlmChallenge, FromEachLabDc) {
  struct Case {
    const char* file;
    const char* nb_domain;
    const char* nb_computer;
    const char* dns_domain;
    const char* dns_computer;
  };
  const Case cases[] = {
      {"hardened_smb2_session_setup_response_challenge", "HARDENED", "DC2", "hardened.test", "dc2.hardened.test"},
      {"legacy_smb2_session_setup_response_challenge", "LEGACY", "DC1", "legacy.test", "dc1.legacy.test"},
      {"stock_smb2_session_setup_response_challenge", "STOCK", "DC3", "stock.test", "dc3.stock.test"},
  };
  for (const auto& k : cases) {
    const Bytes token = challenge_of(smb2_security_buffer(k.file));
    EXPECT_EQ(ntlm::ntlm_message_type(token), 2u);
    auto c = ntlm::decode_ntlm_challenge_message(token);
    ASSERT_TRUE(c) << k.file << ": " << c.error;
    EXPECT_EQ(c->TargetName, k.nb_domain);
    EXPECT_EQ(c->NbDomainName, k.nb_domain);
    EXPECT_EQ(c->NbComputerName, k.nb_computer);
    EXPECT_EQ(c->DnsDomainName, k.dns_domain);
    EXPECT_EQ(c->DnsComputerName, k.dns_computer);
    EXPECT_EQ(c->DnsTreeName, "");
    ASSERT_TRUE(c->Timestamp);
    EXPECT_EQ(filetime_to_rfc3339(*c->Timestamp).size(), 20u);
    ASSERT_TRUE(c->Version);
    EXPECT_EQ(c->Version->to_string(), "6.1.0") << "Samba claims Windows 7 with build 0";
    EXPECT_EQ(c->Version->NTLMRevisionCurrent, 15);
    EXPECT_EQ(c->NegotiateFlags, 0x62898215u);
    EXPECT_EQ(c->TargetInfo.size(), 5u);
    auto encoded = ntlm::encode_ntlm_challenge_message(*c);
    ASSERT_TRUE(encoded) << encoded.error;
    EXPECT_EQ(to_hex(*encoded), to_hex(token)) << k.file;
    expect_every_truncation_fails(token, ntlm::decode_ntlm_challenge_message, k.file);
  }
}

TEST(NtlmChallenge, OverSmb1FromLegacy) {
  auto r = decode_smb1_session_setup_response(golden("legacy_smb1_session_setup_response_challenge"));
  ASSERT_TRUE(r) << r.error;
  auto c = ntlm::decode_ntlm_challenge_message(challenge_of(r->SecurityBlob));
  ASSERT_TRUE(c) << c.error;
  EXPECT_EQ(c->DnsComputerName, "dc1.legacy.test");
}

TEST(NtlmChallenge, CorruptionsAreNamed) {
  const Bytes spec = golden("msnlmp_challenge_example");
  auto error_of = [](const Bytes& b) {
    auto r = ntlm::decode_ntlm_challenge_message(b);
    EXPECT_FALSE(r);
    return r.error;
  };
  Bytes b = spec;
  b[44] = 0xFF;  // TargetInfoBufferOffset 0x44 -> 0xFF
  EXPECT_NE(error_of(b).find("TargetInfoBufferOffset 0x00ff + TargetInfoLen 36 past end of 104-byte message"),
            std::string::npos)
      << error_of(b);
  b = spec;
  b[16] = 0x10;  // TargetNameBufferOffset 0x38 -> 0x10: inside the fixed header
  EXPECT_NE(error_of(b).find("overlaps the fixed header"), std::string::npos) << error_of(b);
  b = spec;
  b[8] = 3;
  EXPECT_NE(error_of(b).find("MessageType 3 (want 2)"), std::string::npos);
  b = spec;
  b[0] = 'X';
  EXPECT_NE(error_of(b).find("signature"), std::string::npos);
  b = spec;
  b[0x44 + 2] = 0x40;  // first AvLen 12 -> 64
  EXPECT_NE(error_of(b).find("MsvAvNbDomainName AvLen 64 past the end of TargetInfo"), std::string::npos)
      << error_of(b);
  b = spec;
  b[40] = 32;  // TargetInfoLen 36 -> 32: cuts off MsvAvEOL
  b[42] = 32;
  EXPECT_NE(error_of(b).find("without MsvAvEOL"), std::string::npos) << error_of(b);
  // A MsvAvTimestamp of the wrong size.
  ntlm::NtlmChallengeMessage m;
  m.NegotiateFlags = ntlm::NTLMSSP_NEGOTIATE_UNICODE;
  m.TargetInfo.push_back({ntlm::MsvAvTimestamp, H("0102")});
  auto bad_ts = ntlm::encode_ntlm_challenge_message(m);
  ASSERT_TRUE(bad_ts);
  EXPECT_NE(error_of(*bad_ts).find("MsvAvTimestamp of length 2 (want 8)"), std::string::npos);
  // Too many AV_PAIRs.
  m.TargetInfo.assign(ntlm::kMaxAvPairs + 1, ntlm::AvPair{ntlm::MsvAvSingleHost, {}});
  auto many = ntlm::encode_ntlm_challenge_message(m);
  ASSERT_TRUE(many);
  EXPECT_NE(error_of(*many).find("more than 64 AV_PAIRs"), std::string::npos);
}

TEST(NtlmChallenge, OemTargetNameAndOptionalFields) {
  ntlm::NtlmChallengeMessage m;
  m.NegotiateFlags = ntlm::NTLM_NEGOTIATE_OEM;
  m.TargetName = "WORKGROUP";
  m.TargetInfo.push_back({ntlm::MsvAvFlags, H("02000000")});
  m.TargetInfo.push_back({ntlm::MsvAvTargetName, utf8_to_utf16le("cifs/dc1")});
  m.TargetInfo.push_back({0x00FE, H("aa")});
  auto encoded = ntlm::encode_ntlm_challenge_message(m);
  ASSERT_TRUE(encoded) << encoded.error;
  EXPECT_EQ(encoded->size(), 48u + 9u + (4 + 4) + (4 + 16) + (4 + 1) + 4) << "no Version without the flag";
  auto d = ntlm::decode_ntlm_challenge_message(*encoded);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->TargetName, "WORKGROUP");
  EXPECT_EQ(d->AvFlags, 2u);
  EXPECT_EQ(d->AvTargetName, "cifs/dc1");
  EXPECT_FALSE(d->Version);
  EXPECT_EQ(ntlm::ntlm_av_id_name(0x00FE), "AvId 0x00fe");
  EXPECT_EQ(ntlm::ntlm_av_id_name(ntlm::MsvAvDnsTreeName), "MsvAvDnsTreeName");
}

TEST(NtlmNegotiate, DefaultMessageBytes) {
  const Bytes m = ntlm::encode_ntlm_negotiate_message();
  // Signature, type 1, flags 0xE2888217, empty DomainName and Workstation at offset 40, version 10.0.19041/15.
  EXPECT_EQ(to_hex(m),
            "4e544c4d53535000"
            "01000000"
            "178288e2"
            "0000000028000000"
            "0000000028000000"
            "0a00614a0000000f");
  auto d = ntlm::decode_ntlm_negotiate_message(m);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->NegotiateFlags, ntlm::kNtlmClientNegotiateFlags);
  ASSERT_TRUE(d->Version);
  EXPECT_EQ(d->Version->to_string(), "10.0.19041");
  const auto names = ntlm::ntlm_negotiate_flag_names(ntlm::kNtlmClientNegotiateFlags);
  EXPECT_EQ(names.size(), 12u);
}

TEST(NtlmNegotiate, EncoderReproducesSmbclientToken) {
  auto init = decode_spnego_init(
      decode_smb2_session_setup_request(golden("hardened_smb2_session_setup_request"))->SecurityBuffer);
  ASSERT_TRUE(init) << init.error;
  ASSERT_TRUE(init->mechToken);
  auto d = ntlm::decode_ntlm_negotiate_message(*init->mechToken);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->NegotiateFlags, 0x62088215u);
  ntlm::NtlmNegotiateOptions o;
  o.NegotiateFlags = d->NegotiateFlags;
  o.Version = d->Version;
  EXPECT_EQ(to_hex(ntlm::encode_ntlm_negotiate_message(o)), to_hex(*init->mechToken));
  expect_every_truncation_fails(*init->mechToken, ntlm::decode_ntlm_negotiate_message, "smbclient negotiate");

  ntlm::NtlmNegotiateOptions no_version;
  no_version.NegotiateFlags = ntlm::NTLMSSP_NEGOTIATE_UNICODE | ntlm::NTLMSSP_NEGOTIATE_NTLM;
  EXPECT_EQ(ntlm::encode_ntlm_negotiate_message(no_version).size(), 32u);
}

// ---- AUTHENTICATE_MESSAGE ---------------------------------------------------------------------

TEST(NtlmAuthenticate, FromAnSmb3Capture) {
  std::ifstream in(
      std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/fuzz/corpus/fuzz_passive_ntlm_authenticate/smb3_authenticate",
      std::ios::binary);
  const Bytes m((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto a = ntlm::decode_ntlm_authenticate_message(m);
  ASSERT_TRUE(a) << a.error;
  EXPECT_GT(a->NtChallengeResponseLen, 24u);
  EXPECT_EQ(a->response_version(), "NTLMv2");
  EXPECT_FALSE(a->UserName.empty());
  EXPECT_FALSE(ntlm::decode_ntlm_authenticate_message(ByteView(m).first(40)));
  EXPECT_FALSE(ntlm::decode_ntlm_authenticate_message(ntlm::encode_ntlm_negotiate_message()));
}

TEST(NtlmAuthenticate, VersionFromResponseLengths) {
  ntlm::NtlmAuthenticateMessage x;
  x.NtChallengeResponseLen = 24, x.LmChallengeResponseLen = 24;
  EXPECT_EQ(x.response_version(), "NTLMv1");
  x.NtChallengeResponseLen = 0;
  EXPECT_EQ(x.response_version(), "LM");
  x.LmChallengeResponseLen = 0;
  EXPECT_EQ(x.response_version(), "anonymous");
  x.LmChallengeResponseLen = 16;
  EXPECT_EQ(x.response_version(), "unknown");
}

TEST(NtlmAuthenticate, EncodedMessagesDecodeBack) {
  auto anon = ntlm::decode_ntlm_authenticate_message(ntlm::encode_ntlm_authenticate_anonymous());
  ASSERT_TRUE(anon) << anon.error;
  EXPECT_EQ(anon->LmChallengeResponseLen, 1u);
  EXPECT_EQ(anon->response_version(), "anonymous");
  EXPECT_EQ(anon->NegotiateFlags, ntlm::kNtlmUnsignedNegotiateFlags | ntlm::NTLMSSP_ANONYMOUS);
  // OEM names go out as Latin-1 bytes and come back as UTF-8.
  ntlm::NtlmAuthenticateFields f;
  f.LmChallengeResponse = Bytes(24, 1);
  f.NtChallengeResponse = Bytes(24, 2);
  f.DomainName = "DOM\u00c9";
  f.UserName = "user";
  f.Workstation = "WS1";
  f.NegotiateFlags = ntlm::NTLM_NEGOTIATE_OEM;
  const Bytes m = ntlm::encode_ntlm_authenticate_message(f);
  EXPECT_EQ(m.size(), 64u + 24 + 24 + 4 + 4 + 3);
  auto d = ntlm::decode_ntlm_authenticate_message(m);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->DomainName, "DOM\u00c9");
  EXPECT_EQ(d->UserName, "user");
  EXPECT_EQ(d->Workstation, "WS1");
  EXPECT_EQ(d->response_version(), "NTLMv1");
  expect_every_truncation_fails(m, ntlm::decode_ntlm_authenticate_message, "OEM authenticate");
}

// ---- SPNEGO -----------------------------------------------------------------------------------

TEST(SpnegoInit, NegotiateResponseMechanismsAndHints) {
  for (const char* name : {"hardened_smb2_negotiate_response_311", "legacy_smb2_negotiate_response_0202",
                           "stock_smb2_negotiate_response_0210"}) {
    auto n = decode_smb2_negotiate_response(golden(name));
    ASSERT_TRUE(n && n->response) << name;
    auto init = decode_spnego_init(n->response->SecurityBuffer);
    ASSERT_TRUE(init) << name << ": " << init.error;
    ASSERT_EQ(init->mechTypes.size(), 3u);
    EXPECT_EQ(init->mechTypes[0].oid, "1.2.840.48018.1.2.2");
    EXPECT_EQ(init->mechTypes[0].name, "MS Kerberos 5");
    EXPECT_EQ(init->mechTypes[1].oid, "1.2.840.113554.1.2.2");
    EXPECT_EQ(init->mechTypes[1].name, "Kerberos 5");
    EXPECT_EQ(init->mechTypes[2].oid, "1.3.6.1.4.1.311.2.2.10");
    EXPECT_EQ(init->mechTypes[2].name, "NTLMSSP");
    EXPECT_EQ(init->hintName, "not_defined_in_RFC4178@please_ignore");
    EXPECT_FALSE(init->mechToken);
    EXPECT_FALSE(init->mechListMIC);
    expect_every_truncation_fails(n->response->SecurityBuffer, decode_spnego_init, name);
  }
  auto smb1 = decode_smb1_negotiate_response(golden("legacy_smb1_negotiate_response_extsec"));
  ASSERT_TRUE(smb1 && smb1->nt_lm);
  auto init = decode_spnego_init(smb1->nt_lm->SecurityBlob);
  ASSERT_TRUE(init) << init.error;
  EXPECT_EQ(init->mechTypes.size(), 3u);
}

TEST(SpnegoInit, EncoderReproducesSmbclientToken) {
  const Bytes real = decode_smb2_session_setup_request(golden("hardened_smb2_session_setup_request"))->SecurityBuffer;
  auto init = decode_spnego_init(real);
  ASSERT_TRUE(init) << init.error;
  ASSERT_EQ(init->mechTypes.size(), 1u);
  EXPECT_EQ(init->mechTypes[0].name, "NTLMSSP");
  EXPECT_EQ(to_hex(encode_spnego_init_ntlmssp(*init->mechToken)), to_hex(real));
  const Bytes smb1 =
      decode_smb1_session_setup_request(golden("legacy_smb1_session_setup_request_negotiate"))->SecurityBlob;
  EXPECT_EQ(to_hex(smb1), to_hex(real)) << "smbclient sends the same token over SMB1";
  expect_every_truncation_fails(real, decode_spnego_init, "smbclient NegTokenInit");
}

TEST(SpnegoInit, GeneralEncoderAndFriendlyNames) {
  auto token =
      encode_spnego_init({std::string(kOidKerberos5UserToUser), std::string(kOidNegoex), "1.2.3.4"}, std::nullopt);
  ASSERT_TRUE(token) << token.error;
  auto d = decode_spnego_init(*token);
  ASSERT_TRUE(d) << d.error;
  ASSERT_EQ(d->mechTypes.size(), 3u);
  EXPECT_EQ(d->mechTypes[0].name, "Kerberos 5 user-to-user");
  EXPECT_EQ(d->mechTypes[1].name, "NEGOEX");
  EXPECT_EQ(d->mechTypes[2].name, "");
  EXPECT_FALSE(encode_spnego_init({"1.2.x"}, std::nullopt));
  // A bare NegTokenInit (no GSS framing), with reqFlags and an RFC 4178 mechListMIC in [3].
  const Bytes bare =
      H("a01b3019"
        "a00c300a06082a864886f7120102"
        "a1030301"
        "00"
        "a3040402"
        "abcd");
  auto b = decode_spnego_init(ByteView(bare));
  // reqFlags content "00" is a BIT STRING with only the unused-bits octet.
  ASSERT_TRUE(b) << b.error;
  EXPECT_EQ(b->mechTypes[0].oid, "1.2.840.113554.1.2");
  ASSERT_TRUE(b->reqFlags);
  ASSERT_TRUE(b->mechListMIC);
  EXPECT_EQ(to_hex(*b->mechListMIC), "abcd");
}

TEST(SpnegoInit, RejectsOtherMechanismsAndMalformedTokens) {
  // GSS token for Kerberos, not SPNEGO.
  EXPECT_NE(decode_spnego_init(H("600b06092a864886f7120102020100")).error.find("not SPNEGO"), std::string::npos);
  EXPECT_FALSE(decode_spnego_init(H("")));
  EXPECT_FALSE(decode_spnego_init(H("6080")));  // indefinite length
  EXPECT_FALSE(decode_spnego_init(H("a1053003a00100")));
  // 65 mechanisms exceed the cap.
  std::vector<std::string> oids(kMaxMechTypes + 1, std::string(kOidNtlmssp));
  auto encoded = encode_spnego_init(oids, std::nullopt);
  ASSERT_TRUE(encoded);
  auto d = decode_spnego_init(*encoded);
  EXPECT_FALSE(d);
  EXPECT_NE(d.error.find("more than 64"), std::string::npos) << d.error;
}

TEST(SpnegoResp, ChallengeFromTheLabAndReencoding) {
  for (const char* name :
       {"hardened_smb2_session_setup_response_challenge", "legacy_smb2_session_setup_response_challenge",
        "stock_smb2_session_setup_response_challenge"}) {
    const Bytes blob = smb2_security_buffer(name);
    auto r = decode_spnego_resp(blob);
    ASSERT_TRUE(r) << name << ": " << r.error;
    EXPECT_EQ(r->negState, 1);
    EXPECT_EQ(neg_state_name(*r->negState), "accept-incomplete");
    EXPECT_EQ(r->supportedMech, std::string(kOidNtlmssp));
    ASSERT_TRUE(r->responseToken);
    EXPECT_EQ(ntlm::ntlm_message_type(*r->responseToken), 2u);
    EXPECT_FALSE(r->mechListMIC);
    auto encoded = encode_spnego_resp(*r);
    ASSERT_TRUE(encoded) << encoded.error;
    EXPECT_EQ(to_hex(*encoded), to_hex(blob)) << name;
    expect_every_truncation_fails(blob, decode_spnego_resp, name);
  }
  auto done = decode_smb1_session_setup_response(golden("legacy_smb1_session_setup_response_success"));
  ASSERT_TRUE(done) << done.error;
  auto r = decode_spnego_resp(done->SecurityBlob);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(neg_state_name(*r->negState), "accept-completed");
  EXPECT_FALSE(r->responseToken);
}

TEST(SpnegoResp, RejectsMalformedTokens) {
  EXPECT_FALSE(decode_spnego_resp(H("")));
  EXPECT_NE(decode_spnego_resp(H("a0023000")).error.find("not a NegTokenResp"), std::string::npos);
  EXPECT_FALSE(decode_spnego_resp(H("a1073005a0030a0101ff"))) << "trailing byte";
  EXPECT_FALSE(decode_spnego_resp(H("a1073005a0030a01")));
  EXPECT_FALSE(decode_spnego_resp(H("a1083006a00402010100"))) << "negState with trailing bytes";
  EXPECT_NE(decode_spnego_resp(H("a1053003a40100")).error.find("unexpected element"), std::string::npos);
  EXPECT_EQ(neg_state_name(7), "unknown");
  NegTokenResp resp;
  resp.supportedMech = "bad";
  EXPECT_FALSE(encode_spnego_resp(resp));
}

}  // namespace
}  // namespace legacyscan::smb
