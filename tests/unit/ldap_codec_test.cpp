// SPDX-License-Identifier: Apache-2.0
// RFC 4511 LDAPMessage encode/decode against golden bytes from the lab DCs (ldapsearch and CLDAP
// traffic captured with `scripts/lab capture`), every truncation of every real reply, and TCP framing.
#include <gtest/gtest.h>

#include "src/proto/ldap/ldap_codec.hpp"
#include "tests/unit/ldap_test_support.hpp"

namespace legacyscan::ldap {
namespace {

using testdata::golden;
using testdata::hex;

const char* const kScenarios[] = {"legacy", "hardened", "stock"};

TEST(LdapCodec, LdapPingRequestMatchesCapture) {
  LdapPing ping;
  ping.NtVer = netlogon::NETLOGON_NT_VERSION_5EX;
  ping.DnsDomain = "legacy.test";
  EXPECT_EQ(to_hex(encode_search_request(1, make_ldap_ping(ping))), to_hex(golden("legacy_cldap_request_ntver4")));
  // The same request sent over TCP by ldapsearch (messageID 2 after its anonymous bind).
  EXPECT_EQ(to_hex(encode_search_request(2, make_ldap_ping(ping))),
            to_hex(golden("legacy_tcp_netlogon_search_request")));
  ping.NtVer = 0x16;
  ping.User = "Administrator";
  EXPECT_EQ(to_hex(encode_search_request(1, make_ldap_ping(ping))),
            to_hex(golden("legacy_cldap_request_user_administrator")));
}

TEST(LdapCodec, LdapPingWithAac) {
  LdapPing ping;
  ping.NtVer = 1;
  ping.AAC = 0x00000080;  // any value: only its 4-byte little-endian encoding is checked
  const auto req = make_ldap_ping(ping);
  ASSERT_EQ(req.and_equality.size(), 2u);
  EXPECT_EQ(req.and_equality[0].attributeDesc, "NtVer");
  EXPECT_EQ(to_hex(req.and_equality[0].assertionValue), "01000000");
  EXPECT_EQ(req.and_equality[1].attributeDesc, "AAC");
  EXPECT_EQ(to_hex(req.and_equality[1].assertionValue), "80000000");
}

TEST(LdapCodec, RootDseRequestMatchesLdapsearch) {
  SearchRequest r;
  r.attributes = {
      "supportedLDAPVersion",    "supportedSASLMechanisms",       "supportedCapabilities", "domainFunctionality",
      "forestFunctionality",     "domainControllerFunctionality", "dnsHostName",           "defaultNamingContext",
      "rootDomainNamingContext", "isGlobalCatalogReady",          "currentTime",           "serverName",
      "ldapServiceName"};
  EXPECT_EQ(to_hex(encode_search_request(2, r)), to_hex(golden("legacy_rootdse_search_request")));
}

TEST(LdapCodec, BindRequestsMatchLdapsearch) {
  BindRequest anon;
  EXPECT_EQ(to_hex(encode_bind_request(1, anon)), to_hex(golden("legacy_anonymous_bind_request")));
  BindRequest fake;
  fake.name = "CN=legacyscan-probe,CN=Users,DC=legacy,DC=test";
  fake.simple = "legacyscan-not-a-password";
  EXPECT_EQ(to_hex(encode_bind_request(1, fake)), to_hex(golden("legacy_simple_bind_request_fake_dn")));
}

TEST(LdapCodec, UnbindAndStartTls) {
  EXPECT_EQ(to_hex(encode_unbind_request(3)), "30050201034200");
  // RFC 4511 4.14.1 StartTLS request.
  EXPECT_EQ(to_hex(encode_extended_request(1, "1.3.6.1.4.1.1466.20037")),
            "301d02010177188016312e332e362e312e342e312e313436362e3230303337");
}

TEST(LdapCodec, SaslBindRequest) {
  BindRequest b;
  b.sasl_mechanism = "GSS-SPNEGO";
  b.sasl_credentials = hex("a0 00");
  // SEQUENCE { 5, [APPLICATION 0] { 3, "", [3] { "GSS-SPNEGO", OCTET STRING a000 } } }
  EXPECT_EQ(to_hex(encode_bind_request(5, b)),
            "301c0201056017020103"
            "0400"
            "a310"
            "040a4753532d53504e45474f"
            "0402a000");
}

TEST(LdapCodec, SimpleBindAnswerPerScenario) {
  for (const char* s : kScenarios) {
    auto m = decode_ldap_message(golden(std::string(s) + "_simple_bind_response_fake_dn"));
    ASSERT_TRUE(m) << s << ": " << m.error;
    EXPECT_EQ(m->messageID, 1);
    ASSERT_TRUE(m->bindResponse) << s;
    const auto& r = m->bindResponse->result;
    if (std::string(s) == "legacy") {
      EXPECT_EQ(r.resultCode, LDAP_INVALID_CREDENTIALS);
      EXPECT_EQ(result_code_name(r.resultCode), "invalidCredentials");
      EXPECT_NE(r.diagnosticMessage.find("data 52e"), std::string::npos) << r.diagnosticMessage;
    } else {
      EXPECT_EQ(r.resultCode, LDAP_STRONGER_AUTH_REQUIRED) << s;
      EXPECT_EQ(result_code_name(r.resultCode), "strongerAuthRequired");
      EXPECT_EQ(r.diagnosticMessage, "BindSimple: Transport encryption required.");
    }
    auto anon = decode_ldap_message(golden(std::string(s) + "_anonymous_bind_response"));
    ASSERT_TRUE(anon) << anon.error;
    EXPECT_EQ(anon->bindResponse->result.resultCode, LDAP_SUCCESS);
  }
}

TEST(LdapCodec, CldapReplyIsEntryAndDoneInOneDatagram) {
  for (const char* s : kScenarios) {
    auto msgs = decode_ldap_messages(golden(std::string(s) + "_cldap_response_ntver4"));
    ASSERT_TRUE(msgs) << msgs.error;
    ASSERT_EQ(msgs->size(), 2u);
    auto search = collect_search_response(*msgs, 1);
    ASSERT_TRUE(search) << search.error;
    ASSERT_EQ(search->entries.size(), 1u);
    ASSERT_TRUE(search->done);
    EXPECT_EQ(search->done->resultCode, 0);
    EXPECT_EQ(search->entries[0].objectName, "");
    ASSERT_EQ(search->entries[0].attributes.size(), 1u);
    EXPECT_EQ(search->entries[0].attributes[0].type, "netlogon");  // lower case, as Samba sends it
    EXPECT_NE(search->entries[0].find("Netlogon"), nullptr);
  }
}

TEST(LdapCodec, WrongDomainGivesOnlyDone) {
  auto msgs = decode_ldap_messages(golden("legacy_cldap_response_wrong_domain"));
  ASSERT_TRUE(msgs) << msgs.error;
  auto search = collect_search_response(*msgs, 1);
  ASSERT_TRUE(search);
  EXPECT_TRUE(search->entries.empty());
  ASSERT_TRUE(search->done);
  EXPECT_EQ(search->done->resultCode, 0);
}

TEST(LdapCodec, RootDseEntry) {
  const struct {
    const char* scenario;
    const char* level;
    const char* host;
    const char* nc;
  } cases[] = {{"legacy", "2", "DC1.legacy.test", "DC=legacy,DC=test"},
               {"hardened", "4", "DC2.hardened.test", "DC=hardened,DC=test"},
               {"stock", "4", "DC3.stock.test", "DC=stock,DC=test"}};
  for (const auto& c : cases) {
    auto msgs = decode_ldap_messages(golden(std::string(c.scenario) + "_rootdse_search_response"));
    ASSERT_TRUE(msgs) << msgs.error;
    auto search = collect_search_response(*msgs, 2);
    ASSERT_TRUE(search) << search.error;
    ASSERT_EQ(search->entries.size(), 1u);
    const auto& e = search->entries[0];
    EXPECT_EQ(e.first("domainFunctionality"), c.level) << c.scenario;
    EXPECT_EQ(e.first("forestFunctionality"), c.level) << c.scenario;
    EXPECT_EQ(e.first("dnsHostName"), c.host);
    EXPECT_EQ(e.first("defaultNamingContext"), c.nc);
    EXPECT_EQ(e.all("supportedLDAPVersion"), (std::vector<std::string>{"2", "3"}));
    EXPECT_EQ(e.all("supportedSASLMechanisms"), (std::vector<std::string>{"GSS-SPNEGO", "GSSAPI", "NTLM"}));
    EXPECT_EQ(e.first("currentTime").size(), 17u);  // 20261123151030.0Z
  }
}

// Every prefix of every captured reply is rejected with a reason, never accepted or crashed on; on
// TCP, every prefix frames as need_more.
TEST(LdapCodec, EveryTruncationOfEveryReply) {
  const char* const replies[] = {"cldap_response_ntver1",        "cldap_response_ntver2",
                                 "cldap_response_ntver4",        "cldap_response_ntver0c",
                                 "cldap_response_user_unknown",  "cldap_response_wrong_domain",
                                 "tcp_netlogon_search_response", "rootdse_search_response",
                                 "simple_bind_response_fake_dn", "anonymous_bind_response"};
  for (const char* s : kScenarios) {
    for (const char* what : replies) {
      const std::string file = std::string(s) + "_" + what;
      const Bytes whole = golden(file);
      ASSERT_TRUE(decode_ldap_messages(whole)) << file;
      const Frame full = frame_ldap_message(whole, 1 << 20);
      ASSERT_EQ(full.state, Frame::State::complete) << file;
      for (std::size_t n = 0; n < whole.size(); ++n) {
        const ByteView part = ByteView(whole).first(n);
        auto d = decode_ldap_messages(part);
        // A prefix that ends exactly between two messages is a valid (shorter) datagram.
        if (n == full.size) {
          EXPECT_TRUE(d) << file << " at the message boundary " << n;
          continue;
        }
        EXPECT_FALSE(d) << file << " truncated to " << n;
        EXPECT_FALSE(d.error.empty());
        auto one = decode_ldap_message(part);
        EXPECT_FALSE(one) << file << " truncated to " << n;
        if (n < full.size) {
          EXPECT_EQ(frame_ldap_message(part, 1 << 20).state, Frame::State::need_more) << n;
        }
      }
    }
  }
}

TEST(LdapCodec, FramingRejectsNonLdapAndHugeLengths) {
  EXPECT_EQ(frame_ldap_message(as_bytes("HTTP/1.0 400"), 1 << 20).state, Frame::State::invalid);
  EXPECT_EQ(frame_ldap_message(hex("30 80"), 1 << 20).state, Frame::State::invalid);  // indefinite
  EXPECT_EQ(frame_ldap_message(hex("30 85 01 00 00 00 00"), 1 << 20).state, Frame::State::invalid);
  EXPECT_EQ(frame_ldap_message(hex("30 84 7f ff ff ff"), 1 << 20).state, Frame::State::invalid);  // > cap
  const Frame f = frame_ldap_message(hex("30 82 01 00"), 1 << 20);
  EXPECT_EQ(f.state, Frame::State::need_more);
  EXPECT_EQ(f.size, 0x104u);
}

TEST(LdapCodec, HostileMessages) {
  // A request op in a reply.
  EXPECT_FALSE(decode_ldap_message(hex("30 05 02 01 01 42 00")));
  // A negative messageID.
  EXPECT_FALSE(decode_ldap_message(hex("30 0c 02 01 ff 65 07 0a 01 00 04 00 04 00")));
  // Trailing bytes after the message.
  EXPECT_FALSE(decode_ldap_message(hex("30 0c 02 01 01 65 07 0a 01 00 04 00 04 00 00")));
  // A resultCode that is an INTEGER (wrong tag).
  EXPECT_FALSE(decode_ldap_message(hex("30 0c 02 01 01 65 07 02 01 00 04 00 04 00")));
  // A done message for another messageID.
  auto msgs = decode_ldap_messages(hex("30 0c 02 01 07 65 07 0a 01 00 04 00 04 00"));
  ASSERT_TRUE(msgs);
  EXPECT_FALSE(collect_search_response(*msgs, 1));
  // Notice of disconnection (RFC 4511 4.4.1).
  auto notice =
      decode_ldap_messages(hex("30 24 02 01 00 78 1f 0a 01 34 04 00 04 00 8a 16 31 2e 33 2e 36 2e 31 2e 34 2e 31 2e 31 "
                               "34 36 36 2e 32 30 30 33 36"));
  ASSERT_TRUE(notice) << notice.error;
  auto r = collect_search_response(*notice, 1);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("disconnection"), std::string::npos);
}

TEST(LdapCodec, ResultCodeNames) {
  EXPECT_EQ(result_code_name(8), "strongerAuthRequired");
  EXPECT_EQ(result_code_name(49), "invalidCredentials");
  EXPECT_EQ(result_code_name(4242), "resultCode 4242");
}

}  // namespace
}  // namespace legacyscan::ldap
