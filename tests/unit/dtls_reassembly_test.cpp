// SPDX-License-Identifier: Apache-2.0
// Reassembly of a fragmented DTLS Certificate (RFC 6347 4.2.3) from the flight of the lab's OpenSSL 3.0
// s_server -dtls1_2 (tests/data/dtls/flight_dtls12_*.hex: seven datagrams, the Certificate in five
// fragments), and the DTLS 1.3 ClientHello (RFC 9147 5.3).
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>

#include "src/proto/tls/dtls_codec.hpp"
#include "src/proto/tls/dtls_reassembly.hpp"
#include "src/proto/tls/tls_certificate.hpp"
#include "src/proto/tls/tls_client_hello.hpp"
#include "tests/unit/golden_hex.hpp"

namespace legacyscan::tls {
namespace {

std::vector<Bytes> flight() {
  std::vector<Bytes> out;
  for (int i = 1; i <= 7; ++i) out.push_back(golden_hex("dtls", "flight_dtls12_" + std::to_string(i)));
  return out;
}

TEST(DtlsReassembly, OpenSslCertificateFromFiveFragments) {
  DtlsMessageAssembler a(CERTIFICATE, 128 * 1024);
  const auto datagrams = flight();
  std::size_t done_at = 0;
  for (std::size_t i = 0; i < datagrams.size() && !done_at; ++i) {
    auto r = a.put(datagrams[i]);
    ASSERT_TRUE(r) << r.error;
    if (*r) done_at = i + 1;
  }
  EXPECT_EQ(done_at, 5u);  // the fifth datagram holds the last fragment
  auto chain = decode_certificate(a.body());
  ASSERT_TRUE(chain) << chain.error;
  ASSERT_EQ(chain->size(), 1u);
  auto facts = certificate_info(*chain.value, std::time(nullptr));
  ASSERT_TRUE(facts) << facts.error;
  EXPECT_EQ(facts->subject, "CN=dtls.lab.test");  // scripts/lab.d/dtls: -subj /CN=dtls.lab.test
  EXPECT_TRUE(facts->self_signed);
  EXPECT_EQ(facts->key_bits, 2048);
  EXPECT_FALSE(a.seen(SERVER_HELLO_DONE));
  for (std::size_t i = done_at; i < datagrams.size(); ++i) ASSERT_TRUE(a.put(datagrams[i]));
  EXPECT_TRUE(a.seen(SERVER_HELLO_DONE));
}

TEST(DtlsReassembly, AnyOrderAndRepeatsGiveTheSameMessage) {
  DtlsMessageAssembler in_order(CERTIFICATE, 128 * 1024);
  for (const auto& d : flight()) ASSERT_TRUE(in_order.put(d));
  auto datagrams = flight();
  std::reverse(datagrams.begin(), datagrams.end());
  datagrams.push_back(datagrams[3]);  // a retransmission
  DtlsMessageAssembler shuffled(CERTIFICATE, 128 * 1024);
  for (const auto& d : datagrams) ASSERT_TRUE(shuffled.put(d));
  ASSERT_TRUE(shuffled.complete());
  EXPECT_EQ(Bytes(shuffled.body().begin(), shuffled.body().end()),
            Bytes(in_order.body().begin(), in_order.body().end()));
}

TEST(DtlsReassembly, MissingFragmentIsNotComplete) {
  DtlsMessageAssembler a(CERTIFICATE, 128 * 1024);
  const auto datagrams = flight();
  for (std::size_t i = 0; i < datagrams.size(); ++i) {
    if (i != 2) {
      ASSERT_TRUE(a.put(datagrams[i]));
    }
  }
  EXPECT_FALSE(a.complete());
}

TEST(DtlsReassembly, BoundsAndDisagreementsAreErrors) {
  // A limit under the certificate's length: refused at the first fragment, no buffer of that size.
  DtlsMessageAssembler small(CERTIFICATE, 512);
  auto r = small.put(flight()[0]);
  EXPECT_FALSE(r);
  EXPECT_NE(r.error.find("limit 512"), std::string::npos) << r.error;
  // A fragment whose header names another length for the same message.
  auto lying = flight()[1];
  // Record header 13 bytes, then msg_type (1) and the 24-bit length: change its low byte.
  lying[13 + 3] ^= 0x01;
  DtlsMessageAssembler a(CERTIFICATE, 128 * 1024);
  ASSERT_TRUE(a.put(flight()[0]));
  EXPECT_FALSE(a.put(lying));
  EXPECT_FALSE(a.put(Bytes{0x16, 0xfe}));  // not a DTLS record
}

TEST(DtlsClientHello13, Rfc9147Fields) {
  auto offer = default_offer(TLS1_3_VERSION, {0x1301, 0xC02F}, std::string("dtls.lab.test"));
  auto bytes = encode_dtls_client_hello(offer, DTLS1_3_VERSION, {}, 0, 0);
  ASSERT_TRUE(bytes) << bytes.error;
  auto records = decode_dtls_records(*bytes.value);
  ASSERT_TRUE(records) << records.error;
  auto hs = decode_dtls_handshakes(records->front().fragment);
  ASSERT_TRUE(hs && hs->size() == 1u);
  const auto& m = hs->front();
  Reader r(m.fragment);
  std::uint16_t legacy = 0;
  Reader session, cookie;
  ASSERT_TRUE(r.u16be(legacy) && r.skip(32) && r.u8_prefixed(session) && r.u8_prefixed(cookie));
  EXPECT_EQ(legacy, DTLS1_2_VERSION);  // RFC 9147 5.3
  EXPECT_TRUE(session.empty());        // legacy_session_id: empty for a DTLS 1.3 client
  EXPECT_TRUE(cookie.empty());         // legacy_cookie: empty
  Bytes tls_body(m.fragment.begin(), m.fragment.begin() + 35);
  tls_body.insert(tls_body.end(), r.rest().begin(), r.rest().end());
  auto ch = decode_client_hello(tls_body);
  ASSERT_TRUE(ch) << ch.error;
  ASSERT_TRUE(ch->supported_versions.has_value());
  EXPECT_EQ(*ch->supported_versions, (std::vector<std::uint16_t>{DTLS1_3_VERSION}));
  EXPECT_EQ(ch->cipher_suites, (std::vector<std::uint16_t>{0x1301, 0xC02F}));
}

// The probe's hello as captured in the lab (tests/data/dtls/client_hello_dtls13.hex).
TEST(DtlsClientHello13, CapturedHelloReadsBack) {
  const auto bytes = golden_hex("dtls", "client_hello_dtls13");
  auto records = decode_dtls_records(bytes);
  ASSERT_TRUE(records) << records.error;
  ASSERT_EQ(records->size(), 1u);
  auto hs = decode_dtls_handshakes(records->front().fragment);
  ASSERT_TRUE(hs && hs->size() == 1u && hs->front().complete());
  const auto& m = hs->front();
  ASSERT_GT(m.fragment.size(), 36u);
  EXPECT_EQ(m.fragment[0] << 8 | m.fragment[1], DTLS1_2_VERSION);
  EXPECT_EQ(m.fragment[34], 0);  // legacy_session_id
  EXPECT_EQ(m.fragment[35], 0);  // legacy_cookie
  Bytes tls_body(m.fragment.begin(), m.fragment.begin() + 35);
  tls_body.insert(tls_body.end(), m.fragment.begin() + 36, m.fragment.end());
  auto ch = decode_client_hello(tls_body);
  ASSERT_TRUE(ch) << ch.error;
  EXPECT_EQ(*ch->supported_versions, (std::vector<std::uint16_t>{DTLS1_3_VERSION}));
  // The TLS 1.3 suites first, then DTLS 1.2 ones for the fallback.
  EXPECT_NE(std::find(ch->cipher_suites.begin(), ch->cipher_suites.end(), 0x1301), ch->cipher_suites.end());
  EXPECT_NE(std::find(ch->cipher_suites.begin(), ch->cipher_suites.end(), 0xC02F), ch->cipher_suites.end());
}

// A DTLS 1.3 HelloRetryRequest (RFC 9147 5.1 carries the cookie in one), built by hand from RFC 8446
// 4.1.3/4.1.4: legacy_version DTLS 1.2, the HRR random, supported_versions DTLS 1.3, key_share x25519.
TEST(DtlsClientHello13, HelloRetryRequestSelectsDtls13) {
  const Bytes hrr_random{0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
                         0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
                         0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
  Writer body;
  body.u16be(DTLS1_2_VERSION);
  body.bytes(hrr_random);
  body.u8(0);          // legacy_session_id_echo
  body.u16be(0x1301);  // TLS_AES_128_GCM_SHA256
  body.u8(0);
  body.u16be_prefixed([](Writer& e) {
    e.u16be(43);  // supported_versions
    e.u16be(2);
    e.u16be(DTLS1_3_VERSION);
    e.u16be(51);  // key_share: selected_group
    e.u16be(2);
    e.u16be(0x001D);
  });
  const Bytes b = body.take();
  Writer d;
  d.u8(HANDSHAKE);
  d.u16be(DTLS1_2_VERSION);
  d.u16be(0);
  d.u16be(0);
  d.u32be(0);
  d.u16be_prefixed([&](Writer& rec) {
    rec.u8(SERVER_HELLO);
    rec.u24be(static_cast<std::uint32_t>(b.size()));
    rec.u16be(0);
    rec.u24be(0);
    rec.u24be(static_cast<std::uint32_t>(b.size()));
    rec.bytes(b);
  });
  auto r = decode_dtls_reply(d.take());
  ASSERT_TRUE(r) << r.error;
  ASSERT_EQ(r->kind, DtlsReplyKind::server_hello);
  EXPECT_TRUE(r->server_hello->hello_retry_request);
  EXPECT_EQ(r->server_hello->version(), DTLS1_3_VERSION);
}

TEST(DtlsClientHello13, CiphertextAfterTheServerHelloIsSkipped) {
  // A plaintext alert record, then a DTLS 1.3 unified-header record (RFC 9147 4: 0b001CSLEE) that
  // runs to the end of the datagram.
  Bytes d = encode_dtls_alert(DTLS1_2_VERSION, 2, 70, 0);
  for (std::uint8_t b : {0x2c, 0x01, 0x02, 0x03, 0x04, 0x05}) d.push_back(b);
  auto records = decode_dtls_records(d);
  ASSERT_TRUE(records) << records.error;
  EXPECT_EQ(records->size(), 1u);
}

}  // namespace
}  // namespace legacyscan::tls
