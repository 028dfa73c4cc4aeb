// SPDX-License-Identifier: Apache-2.0
// DTLS framing against datagrams captured from the lab's OpenSSL 3.0 s_server -listen
// (scripts/lab.d/dtls; tests/data/dtls/*.hex say what each is).
#include <gtest/gtest.h>

#include "src/proto/tls/dtls_codec.hpp"
#include "src/proto/tls/tls_client_hello.hpp"
#include "tests/unit/golden_hex.hpp"

namespace legacyscan::tls {
namespace {

Bytes golden(const std::string& name) { return golden_hex("dtls", name); }

TEST(DtlsCodec, HelloVerifyRequestOfOpenSsl) {
  auto r = decode_dtls_reply(golden("hello_verify_request"));
  ASSERT_TRUE(r) << r.error;
  ASSERT_EQ(r->kind, DtlsReplyKind::hello_verify_request);
  // RFC 6347 4.2.1: the HelloVerifyRequest says DTLS 1.0 whatever the version to come.
  EXPECT_EQ(r->hello_verify->server_version, DTLS1_VERSION);
  EXPECT_EQ(r->hello_verify->cookie.size(), 20u);
  EXPECT_EQ(r->record_version, DTLS1_VERSION);
}

TEST(DtlsCodec, ServerHelloOfEachVersion) {
  for (const auto& [name, version] :
       {std::pair{"server_hello_dtls12", DTLS1_2_VERSION}, std::pair{"server_hello_dtls10", DTLS1_VERSION}}) {
    const auto bytes = golden(name);
    auto r = decode_dtls_reply(bytes);
    ASSERT_TRUE(r) << name << ": " << r.error;
    ASSERT_EQ(r->kind, DtlsReplyKind::server_hello) << name;
    EXPECT_EQ(r->server_hello->legacy_version, version) << name;
    EXPECT_TRUE(r->server_hello->renegotiation_info) << name;
    // The datagram goes on with the first Certificate fragment: two records, the second fragmented.
    auto records = decode_dtls_records(bytes);
    ASSERT_TRUE(records) << records.error;
    ASSERT_EQ(records->size(), 2u) << name;
    auto hs = decode_dtls_handshakes((*records)[1].fragment);
    ASSERT_TRUE(hs) << hs.error;
    ASSERT_EQ(hs->size(), 1u);
    EXPECT_EQ(hs->front().msg_type, CERTIFICATE);
    EXPECT_FALSE(hs->front().complete());
    EXPECT_EQ(hs->front().message_seq, 2);  // HelloVerifyRequest 0, ServerHello 1, Certificate 2
  }
  // s_server -dtls1_2 was given ECDHE-RSA-AES256-GCM-SHA384 among others; s_client offers it first.
  EXPECT_EQ(decode_dtls_reply(golden("server_hello_dtls12"))->server_hello->cipher_suite, 0xC030);
}

TEST(DtlsCodec, ProtocolVersionAlert) {
  auto r = decode_dtls_reply(golden("alert_protocol_version"));
  ASSERT_TRUE(r) << r.error;
  ASSERT_EQ(r->kind, DtlsReplyKind::alert);
  EXPECT_EQ(r->alert->level, 2);
  EXPECT_EQ(alert_name(r->alert->description), "protocol_version");
}

TEST(DtlsCodec, OpenSslClientHelloReadsBack) {
  const auto bytes = golden("client_hello_dtls12");  // the records point into it
  auto records = decode_dtls_records(bytes);
  ASSERT_TRUE(records) << records.error;
  ASSERT_EQ(records->size(), 1u);
  auto hs = decode_dtls_handshakes(records->front().fragment);
  ASSERT_TRUE(hs) << hs.error;
  ASSERT_EQ(hs->size(), 1u);
  EXPECT_EQ(hs->front().msg_type, CLIENT_HELLO);
  EXPECT_TRUE(hs->front().complete());
  EXPECT_EQ(hs->front().fragment[0] << 8 | hs->front().fragment[1], DTLS1_2_VERSION);
}

// Our hello: the TLS body with the DTLS version and the cookie after the session id.
TEST(DtlsCodec, EncodedHelloCarriesTheCookie) {
  const Bytes cookie{1, 2, 3, 4, 5};
  auto offer = default_offer(TLS1_2_VERSION, {0xC02F, 0x009C}, std::string("dtls.lab.test"));
  auto bytes = encode_dtls_client_hello(offer, DTLS1_2_VERSION, cookie, 1, 1);
  ASSERT_TRUE(bytes) << bytes.error;
  auto records = decode_dtls_records(*bytes.value);
  ASSERT_TRUE(records) << records.error;
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(records->front().sequence, 1u);
  auto hs = decode_dtls_handshakes(records->front().fragment);
  ASSERT_TRUE(hs) << hs.error;
  ASSERT_EQ(hs->size(), 1u);
  const auto& m = hs->front();
  EXPECT_TRUE(m.complete());
  EXPECT_EQ(m.message_seq, 1);
  Reader r(m.fragment);
  std::uint16_t version = 0;
  Reader session, got_cookie;
  ASSERT_TRUE(r.u16be(version) && r.skip(32) && r.u8_prefixed(session) && r.u8_prefixed(got_cookie));
  EXPECT_EQ(version, DTLS1_2_VERSION);
  EXPECT_EQ(Bytes(got_cookie.rest().begin(), got_cookie.rest().end()), cookie);
  // Without the cookie, what is left is a TLS ClientHello body with the offer's suites and name.
  Bytes tls_body(m.fragment.begin(), m.fragment.begin() + 35 + static_cast<std::ptrdiff_t>(session.remaining()));
  tls_body.insert(tls_body.end(), r.rest().begin(), r.rest().end());
  auto ch = decode_client_hello(tls_body);
  ASSERT_TRUE(ch) << ch.error;
  EXPECT_EQ(ch->cipher_suites, (std::vector<std::uint16_t>{0xC02F, 0x009C}));
  EXPECT_EQ(ch->server_name, "dtls.lab.test");
  EXPECT_FALSE(ch->supported_versions.has_value());
}

TEST(DtlsCodec, AlertRecord) {
  auto r = decode_dtls_reply(encode_dtls_alert(DTLS1_2_VERSION, 2, 40, 3));
  ASSERT_TRUE(r) << r.error;
  ASSERT_EQ(r->kind, DtlsReplyKind::alert);
  EXPECT_EQ(r->alert->description, 40);
}

TEST(DtlsCodec, BadInputIsAnErrorNotACrash) {
  auto hvr = golden("hello_verify_request");
  for (std::size_t n = 0; n < hvr.size(); ++n)
    EXPECT_FALSE(decode_dtls_reply(ByteView(hvr).first(n))) << "truncated to " << n;
  // A handshake fragment that claims to run past its message.
  const Bytes lying{HELLO_VERIFY_REQUEST, 0, 0, 3, 0, 0, 0, 0, 0, 2, 0, 0, 4, 0xfe, 0xff, 1, 9};
  EXPECT_FALSE(decode_dtls_handshakes(lying));
  EXPECT_FALSE(decode_hello_verify_request(Bytes{0x03, 0x03, 0}));  // a TLS version
  EXPECT_FALSE(decode_dtls_records(Bytes{0x16, 0x03, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace legacyscan::tls
