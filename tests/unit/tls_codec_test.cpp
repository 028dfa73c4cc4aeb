// SPDX-License-Identifier: Apache-2.0
// Golden bytes for the TLS codec: the requests are what the probe sends (tests/data/tls/*_client_hello*.hex),
// the replies were captured from the lab's Samba DCs (LDAPS 636, GnuTLS) and from openssl s_server /
// gnutls-serv started in ls-legacy (see docs/probes/tls.md, "Golden captures"). An empty reply file
// means the server closed the connection without a word.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include "src/proto/tls/tls_certificate.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::tls {
namespace {

Bytes golden(const std::string& name) {
  std::ifstream f(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/tls/" + name);
  EXPECT_TRUE(f.good()) << name;
  std::stringstream ss;
  ss << f.rdbuf();
  Bytes b;
  EXPECT_TRUE(from_hex(ss.str(), b)) << name;
  return b;
}

// Feeds the whole reply at once, as if it came in one read, then a close.
ServerFlight flight_of(const Bytes& reply, bool ssl2 = false) {
  FlightReader r(ssl2);
  if (!r.put(reply)) r.finish_closed(reply.size());
  return r.flight();
}

// ---- requests ------------------------------------------------------------------------------------

Bytes encode(std::uint16_t v) {
  auto b = encode_client_hello(default_offer(v, suites_for_version(v), std::nullopt));
  EXPECT_TRUE(b) << b.error;
  return b ? *b.value : Bytes{};
}

TEST(TlsClientHello, MatchesGoldenRequests) {
  EXPECT_EQ(encode(SSL3_VERSION), golden("ssl3_client_hello.hex"));
  EXPECT_EQ(encode(TLS1_VERSION), golden("tls10_client_hello.hex"));
  EXPECT_EQ(encode(TLS1_1_VERSION), golden("tls11_client_hello.hex"));
  EXPECT_EQ(encode(TLS1_2_VERSION), golden("tls12_client_hello.hex"));
  EXPECT_EQ(encode(TLS1_3_VERSION), golden("tls13_client_hello.hex"));
  Ssl2ClientHelloOffer o;
  o.cipher_specs = ssl2_cipher_kinds();
  for (std::uint8_t i = 0; i < 16; ++i) o.challenge.push_back(static_cast<std::uint8_t>(0xa0 + i));
  auto s = encode_ssl2_client_hello(o);
  ASSERT_TRUE(s) << s.error;
  EXPECT_EQ(*s.value, golden("ssl2_client_hello.hex"));
}

// Walks the hello with the strict reader: every length prefix must match what follows.
TEST(TlsClientHello, LengthsAreConsistent) {
  for (auto v : {SSL3_VERSION, TLS1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION}) {
    const Bytes b = encode(v);
    auto rr = read_record(b);
    ASSERT_TRUE(rr && rr->record) << v;
    EXPECT_EQ(rr->consumed, b.size());
    EXPECT_EQ(rr->record->type, HANDSHAKE);
    auto split = split_handshake(rr->record->fragment);
    ASSERT_TRUE(split);
    ASSERT_EQ(split->messages.size(), 1u);
    EXPECT_EQ(split->messages[0].msg_type, CLIENT_HELLO);
    Reader r(split->messages[0].body);
    std::uint16_t version = 0;
    Reader sid, suites, comp, exts;
    ASSERT_TRUE(r.u16be(version) && r.skip(32) && r.u8_prefixed(sid) && r.u16be_prefixed(suites) &&
                r.u8_prefixed(comp));
    EXPECT_EQ(version, std::min(v, TLS1_2_VERSION));
    if (v == SSL3_VERSION) {
      EXPECT_TRUE(r.empty()) << "SSL 3.0 hello carries no extensions";
      EXPECT_EQ(suites.remaining() / 2, suites_for_version(v).size() + 1);  // + renegotiation SCSV
    } else {
      ASSERT_TRUE(r.u16be_prefixed(exts));
      EXPECT_TRUE(r.empty());
      std::set<std::uint16_t> types;
      while (!exts.empty()) {
        std::uint16_t t = 0;
        Reader data;
        ASSERT_TRUE(exts.u16be(t) && exts.u16be_prefixed(data));
        EXPECT_TRUE(types.insert(t).second) << "duplicate extension " << t;
      }
      EXPECT_EQ(types.count(EXT_SUPPORTED_VERSIONS), v == TLS1_3_VERSION ? 1u : 0u);
      EXPECT_EQ(types.count(EXT_KEY_SHARE), v == TLS1_3_VERSION ? 1u : 0u);
      EXPECT_EQ(types.count(EXT_SIGNATURE_ALGORITHMS), v >= TLS1_2_VERSION ? 1u : 0u);
    }
  }
}

TEST(TlsClientHello, RejectsImpossibleOffers) {
  ClientHelloOffer o = default_offer(TLS1_2_VERSION, {0x002F}, std::nullopt);
  o.session_id.assign(33, 0);
  EXPECT_FALSE(encode_client_hello(o));
  o = default_offer(TLS1_2_VERSION, {0x002F}, std::string(256, 'a'));
  EXPECT_FALSE(encode_client_hello(o));
  o = default_offer(TLS1_2_VERSION, std::vector<std::uint16_t>(9000, 0x002F), std::nullopt);
  EXPECT_FALSE(encode_client_hello(o)) << "more than one record";
  Ssl2ClientHelloOffer s;
  s.challenge.assign(8, 1);
  EXPECT_FALSE(encode_ssl2_client_hello(s));
}

TEST(TlsClientHello, ServerNameExtension) {
  auto b = encode_client_hello(default_offer(TLS1_2_VERSION, {0x002F}, std::string("dc1.legacy.test")));
  ASSERT_TRUE(b);
  const std::string needle = "dc1.legacy.test";
  EXPECT_NE(std::search(b->begin(), b->end(), needle.begin(), needle.end()), b->end());
}

// ---- replies from real servers -------------------------------------------------------------------

TEST(TlsFlight, LegacyDcTls10) {
  auto f = flight_of(golden("legacy_dc_ldaps_tls10_reply.hex"));
  ASSERT_EQ(f.kind, ReplyKind::server_hello) << f.detail;
  EXPECT_EQ(f.server_hello->version(), TLS1_VERSION);
  EXPECT_EQ(f.server_hello->cipher_suite, 0x002F);  // the first of our offer that GnuTLS NORMAL has
  EXPECT_TRUE(f.server_hello->renegotiation_info);
  EXPECT_TRUE(f.server_hello_done);
  ASSERT_FALSE(f.certificates.empty());
  EXPECT_EQ(public_key_bits(f.certificates[0]), 4096);
}

TEST(TlsFlight, LegacyDcTls12AndCertificate) {
  auto f = flight_of(golden("legacy_dc_ldaps_tls12_reply.hex"));
  ASSERT_EQ(f.kind, ReplyKind::server_hello) << f.detail;
  EXPECT_EQ(f.server_hello->version(), TLS1_2_VERSION);
  EXPECT_TRUE(f.server_hello->renegotiation_info_empty);
  EXPECT_TRUE(f.server_hello_done);
  auto c = certificate_info(f.certificates, 0);
  ASSERT_TRUE(c) << c.error;
  EXPECT_NE(c->subject.find("CN=DC1.legacy.test"), std::string::npos) << c->subject;
  EXPECT_NE(c->issuer.find("autogenerated CA"), std::string::npos) << c->issuer;
  EXPECT_FALSE(c->self_signed);
  EXPECT_EQ(c->key_type, "RSA");
  EXPECT_EQ(c->key_bits, 4096);
  EXPECT_EQ(c->signature_algorithm, "sha256WithRSAEncryption");
  EXPECT_FALSE(c->sha1_signature);
  EXPECT_EQ(c->chain.size(), f.certificates.size());
  EXPECT_GT(c->days_left, 10000);  // counted from 1970
}

TEST(TlsFlight, DcTls13ServerHello) {
  for (const char* name : {"legacy_dc_ldaps_tls13_reply.hex", "hardened_dc_ldaps_tls13_reply.hex"}) {
    auto f = flight_of(golden(name));
    ASSERT_EQ(f.kind, ReplyKind::server_hello) << name << f.detail;
    EXPECT_EQ(f.server_hello->version(), TLS1_3_VERSION);
    EXPECT_EQ(f.server_hello->legacy_version, TLS1_2_VERSION);
    EXPECT_FALSE(f.server_hello->hello_retry_request);
    EXPECT_EQ(f.server_hello->key_share_group, GROUP_X25519);
    EXPECT_TRUE(find_cipher_suite(f.server_hello->cipher_suite)->tls13);
  }
}

TEST(TlsFlight, SilentCloseIsClosed) {
  for (const char* name :
       {"legacy_dc_ldaps_ssl2_reply.hex", "legacy_dc_ldaps_ssl3_reply.hex", "hardened_dc_ldaps_ssl2_reply.hex",
        "hardened_dc_ldaps_ssl3_reply.hex", "hardened_dc_ldaps_tls10_reply.hex"}) {
    auto f = flight_of(golden(name), std::string(name).find("ssl2") != std::string::npos);
    EXPECT_EQ(f.kind, ReplyKind::closed) << name;
  }
}

TEST(TlsFlight, HardenedDcTls12) {
  auto f = flight_of(golden("hardened_dc_ldaps_tls12_reply.hex"));
  ASSERT_EQ(f.kind, ReplyKind::server_hello) << f.detail;
  EXPECT_EQ(f.server_hello->version(), TLS1_2_VERSION);
}

TEST(TlsFlight, Tls10OnlyServerDowngradesA12Hello) {
  auto f = flight_of(golden("openssl_tls10only_tls12_reply.hex"));
  ASSERT_EQ(f.kind, ReplyKind::server_hello) << f.detail;
  EXPECT_EQ(f.server_hello->version(), TLS1_VERSION);
  EXPECT_TRUE(f.server_hello_done);
}

TEST(TlsFlight, Alerts) {
  struct Case {
    const char* file;
    bool ssl2;
    std::uint8_t description;
  };
  for (const auto& c :
       {Case{"openssl_tls10only_ssl2_reply.hex", true, 70}, Case{"openssl_tls10only_ssl3_reply.hex", false, 40},
        Case{"openssl_tls13only_tls12_reply.hex", false, 70},
        Case{"openssl_tls11_fallback_scsv_reply.hex", false, 86}}) {
    auto f = flight_of(golden(c.file), c.ssl2);
    ASSERT_EQ(f.kind, ReplyKind::alert) << c.file << " " << f.detail;
    EXPECT_EQ(f.alert->level, 2);
    EXPECT_EQ(f.alert->description, c.description) << c.file;
  }
  EXPECT_EQ(alert_name(86), "inappropriate_fallback");
}

TEST(TlsFlight, Tls13OnlyServer) {
  auto f = flight_of(golden("openssl_tls13only_tls13_reply.hex"));
  ASSERT_EQ(f.kind, ReplyKind::server_hello) << f.detail;
  EXPECT_EQ(f.server_hello->version(), TLS1_3_VERSION);
  EXPECT_EQ(f.server_hello->cipher_suite, 0x1302);
  EXPECT_TRUE(f.certificates.empty()) << "TLS 1.3 certificates are encrypted";
}

TEST(TlsFlight, HelloRetryRequest) {
  auto f = flight_of(golden("openssl_tls13only_hrr_reply.hex"));
  ASSERT_EQ(f.kind, ReplyKind::server_hello) << f.detail;
  EXPECT_TRUE(f.server_hello->hello_retry_request);
  EXPECT_EQ(f.server_hello->version(), TLS1_3_VERSION);
  EXPECT_EQ(f.server_hello->key_share_group, GROUP_SECP384R1);
}

TEST(TlsFlight, DheAndEcdheKeyExchange) {
  auto dhe = flight_of(golden("openssl_pfs_dhe_reply.hex"));
  ASSERT_EQ(dhe.kind, ReplyKind::server_hello) << dhe.detail;
  ASSERT_TRUE(dhe.key_exchange);
  EXPECT_EQ(dhe.key_exchange->kind, "DH");
  EXPECT_EQ(dhe.key_exchange->bits, 2048);
  auto ec = flight_of(golden("openssl_pfs_tls12_reply.hex"));
  ASSERT_EQ(ec.kind, ReplyKind::server_hello) << ec.detail;
  EXPECT_EQ(ec.server_hello->cipher_suite, 0xC030);  // -serverpref: the server's favourite
  ASSERT_TRUE(ec.key_exchange);
  EXPECT_EQ(ec.key_exchange->kind, "ECDH");
  EXPECT_EQ(ec.key_exchange->named_group, GROUP_X25519);
  EXPECT_EQ(ec.key_exchange->bits, 253);
}

TEST(TlsFlight, GnutlsServesRc4) {
  auto f = flight_of(golden("gnutls_rc4_tls10_reply.hex"));
  ASSERT_EQ(f.kind, ReplyKind::server_hello) << f.detail;
  EXPECT_EQ(f.server_hello->version(), TLS1_VERSION);
  EXPECT_EQ(cipher_suite_name(f.server_hello->cipher_suite), "TLS_RSA_WITH_RC4_128_SHA");
}

TEST(TlsFlight, PlainTextIsNotTls) {
  auto f = flight_of(golden("http_tls12_reply.hex"));
  EXPECT_EQ(f.kind, ReplyKind::not_tls);
  EXPECT_EQ(f.detail.rfind("<!DOCTYPE HTML>", 0), 0u) << f.detail;
  FlightReader smtp;
  EXPECT_TRUE(smtp.put(as_bytes("220 mail.example ESMTP Postfix\r\n")));
  EXPECT_EQ(smtp.flight().kind, ReplyKind::not_tls);
  // testssl.sh #83: plain text in answer to an SSL 2.0 hello is not an SSL 2.0 server.
  FlightReader ssl2(true);
  EXPECT_TRUE(ssl2.put(as_bytes("HTTP/1.1 400 Bad Request\r\n\r\n")));
  EXPECT_EQ(ssl2.flight().kind, ReplyKind::not_tls);
  EXPECT_FALSE(ssl2.flight().ssl2.has_value());
}

// Every truncation of every real reply: the reader asks for more or decides exactly as on the whole
// reply, and a close at that point never crashes or claims acceptance from half a record.
TEST(TlsFlight, EveryTruncationOfEveryReply) {
  for (const char* name :
       {"legacy_dc_ldaps_tls10_reply.hex", "legacy_dc_ldaps_tls12_reply.hex", "legacy_dc_ldaps_tls13_reply.hex",
        "hardened_dc_ldaps_tls12_reply.hex", "openssl_tls10only_tls12_reply.hex", "openssl_tls10only_ssl3_reply.hex",
        "openssl_tls13only_tls13_reply.hex", "openssl_tls13only_hrr_reply.hex", "openssl_pfs_dhe_reply.hex",
        "openssl_pfs_tls12_reply.hex", "openssl_tls11_fallback_scsv_reply.hex", "gnutls_rc4_tls10_reply.hex"}) {
    const Bytes whole = golden(name);
    const auto full = flight_of(whole);
    for (std::size_t n = 0; n < whole.size(); ++n) {
      const ByteView prefix(whole.data(), n);
      FlightReader r;
      if (r.put(prefix)) {
        EXPECT_EQ(r.flight().kind, full.kind) << name << " at " << n;
        if (full.server_hello && r.flight().server_hello) {
          EXPECT_EQ(r.flight().server_hello->cipher_suite, full.server_hello->cipher_suite);
        }
        continue;
      }
      r.finish_closed(n);
      const auto& f = r.flight();
      if (n == 0) {
        EXPECT_EQ(f.kind, ReplyKind::closed);
      } else if (!f.server_hello) {
        EXPECT_EQ(f.kind, ReplyKind::malformed) << name << " at " << n;
      }
    }
  }
}

TEST(TlsDecoders, ServerHelloEveryTruncationFails) {
  const Bytes reply = golden("legacy_dc_ldaps_tls12_reply.hex");
  auto rr = read_record(reply);
  ASSERT_TRUE(rr && rr->record);
  auto split = split_handshake(rr->record->fragment);
  ASSERT_TRUE(split && !split->messages.empty());
  const Bytes& body = split->messages[0].body;
  ASSERT_TRUE(decode_server_hello(body));
  for (std::size_t n = 0; n < body.size(); ++n) {
    auto sh = decode_server_hello(ByteView(body.data(), n));
    // The only valid prefix is the one that ends right before the extensions block.
    if (sh) {
      EXPECT_EQ(n, 2u + 32 + 1 + body[34] + 2 + 1) << n;
    }
  }
  Bytes trailing = body;
  trailing.push_back(0);
  EXPECT_FALSE(decode_server_hello(trailing));
}

TEST(TlsDecoders, ServerHelloStrictness) {
  const Bytes reply = golden("legacy_dc_ldaps_tls13_reply.hex");
  auto rr = read_record(reply);
  ASSERT_TRUE(rr && rr->record);
  auto split = split_handshake(rr->record->fragment);
  ASSERT_TRUE(split && !split->messages.empty());
  Bytes body = split->messages[0].body;
  ASSERT_TRUE(decode_server_hello(body));
  // supported_versions announcing TLS 1.2 is illegal (RFC 8446 4.2.1).
  const Bytes sv{0x00, 0x2b, 0x00, 0x02, 0x03, 0x04};
  auto it = std::search(body.begin(), body.end(), sv.begin(), sv.end());
  ASSERT_NE(it, body.end());
  it[5] = 0x03;
  auto bad = decode_server_hello(body);
  EXPECT_FALSE(bad);
  EXPECT_NE(bad.error.find("supported_versions"), std::string::npos) << bad.error;
}

TEST(TlsDecoders, CertificateEveryTruncationFails) {
  const Bytes reply = golden("openssl_tls10only_tls12_reply.hex");
  Bytes payload;
  std::size_t pos = 0;
  while (pos < reply.size()) {
    auto rr = read_record(ByteView(reply).subspan(pos));
    ASSERT_TRUE(rr && rr->record);
    payload.insert(payload.end(), rr->record->fragment.begin(), rr->record->fragment.end());
    pos += rr->consumed;
  }
  auto split = split_handshake(payload);
  ASSERT_TRUE(split);
  const HandshakeMessage* cert = nullptr;
  for (const auto& m : split->messages)
    if (m.msg_type == CERTIFICATE) cert = &m;
  ASSERT_NE(cert, nullptr);
  auto whole = decode_certificate(cert->body);
  ASSERT_TRUE(whole) << whole.error;
  EXPECT_EQ(whole->size(), 1u);
  for (std::size_t n = 0; n < cert->body.size(); ++n)
    EXPECT_FALSE(decode_certificate(ByteView(cert->body.data(), n))) << n;
  auto info = certificate_info(*whole, 0);
  ASSERT_TRUE(info) << info.error;
  EXPECT_EQ(info->subject, "CN=tls.lab.test");
  EXPECT_TRUE(info->self_signed);
  EXPECT_EQ(info->san, (std::vector<std::string>{"DNS:tls.lab.test", "IP:127.0.0.1"}));
}

TEST(TlsDecoders, RecordHeaderEveryTruncationNeedsMore) {
  const Bytes reply = golden("gnutls_rc4_tls10_reply.hex");
  auto whole = read_record(reply);
  ASSERT_TRUE(whole && whole->record);
  for (std::size_t n = 0; n < whole->consumed; ++n) {
    auto r = read_record(ByteView(reply.data(), n));
    ASSERT_TRUE(r) << n;
    EXPECT_TRUE(r->need_more) << n;
  }
  EXPECT_FALSE(read_record(as_bytes("HTTP/1.1 400 Bad Request\r\n")));
  const Bytes huge{0x16, 0x03, 0x03, 0xff, 0xff};
  EXPECT_FALSE(read_record(huge));
  const Bytes empty_handshake{0x16, 0x03, 0x01, 0x00, 0x00};
  EXPECT_FALSE(read_record(empty_handshake));
}

TEST(TlsDecoders, AlertIsExactlyTwoBytes) {
  const Bytes ok{2, 40}, short_one{2}, long_one{2, 40, 0}, bad_level{3, 40};
  EXPECT_TRUE(decode_alert(ok));
  EXPECT_FALSE(decode_alert(short_one));
  EXPECT_FALSE(decode_alert(long_one));
  EXPECT_FALSE(decode_alert(bad_level));
}

TEST(TlsDecoders, ServerKeyExchangeTruncations) {
  const Bytes reply = golden("openssl_pfs_dhe_reply.hex");
  Bytes payload;
  std::size_t pos = 0;
  while (pos < reply.size()) {
    auto rr = read_record(ByteView(reply).subspan(pos));
    ASSERT_TRUE(rr && rr->record);
    payload.insert(payload.end(), rr->record->fragment.begin(), rr->record->fragment.end());
    pos += rr->consumed;
  }
  auto split = split_handshake(payload);
  ASSERT_TRUE(split);
  for (const auto& m : split->messages) {
    if (m.msg_type != SERVER_KEY_EXCHANGE) continue;
    ASSERT_TRUE(decode_server_key_exchange(m.body, KexKind::dhe));
    // p, g and Ys come first; any cut inside them fails.
    Reader r(m.body);
    Reader p, g, ys;
    ASSERT_TRUE(r.u16be_prefixed(p) && r.u16be_prefixed(g) && r.u16be_prefixed(ys));
    const std::size_t params = m.body.size() - r.remaining();
    for (std::size_t n = 0; n < params; ++n)
      EXPECT_FALSE(decode_server_key_exchange(ByteView(m.body.data(), n), KexKind::dhe)) << n;
  }
}

// ---- SSL 2.0 (nothing in Debian serves it: a SERVER-HELLO built by the draft's layout) -----------

Bytes ssl2_server_hello(std::uint16_t conn_id_len = 16) {
  Bytes cert = golden("openssl_tls10only_tls12_reply.hex");  // any bytes serve as the certificate blob
  cert.resize(64);
  Writer body;
  body.u8(4);  // SERVER-HELLO
  body.u8(0);  // SESSION-ID-HIT
  body.u8(1);  // SSL_CT_X509_CERTIFICATE
  body.u16be(0x0002);
  body.u16be(static_cast<std::uint16_t>(cert.size()));
  body.u16be(6);
  body.u16be(conn_id_len);
  body.bytes(cert);
  body.u24be(0x010080);
  body.u24be(0x020080);
  body.zeros(conn_id_len);
  Writer w;
  w.u16be(static_cast<std::uint16_t>(0x8000 | body.size()));
  w.bytes(body.view());
  return w.take();
}

TEST(TlsSsl2, ServerHello) {
  const Bytes b = ssl2_server_hello();
  auto f = flight_of(b, true);
  ASSERT_EQ(f.kind, ReplyKind::ssl2_server_hello) << f.detail;
  EXPECT_EQ(f.ssl2->cipher_specs, (std::vector<std::uint32_t>{0x010080, 0x020080}));
  EXPECT_EQ(ssl2_cipher_name(0x020080), "SSL_CK_RC4_128_EXPORT40_WITH_MD5");
  EXPECT_EQ(f.ssl2->certificate.size(), 64u);
  for (std::size_t n = 0; n < b.size(); ++n) {
    auto r = read_ssl2_server_hello(ByteView(b.data(), n));
    ASSERT_TRUE(r) << n;
    EXPECT_TRUE(r->need_more) << n;
  }
  EXPECT_FALSE(read_ssl2_server_hello(ssl2_server_hello(8)));  // CONNECTION-ID-LENGTH below 16
  const Bytes error{0x80, 0x03, 0x00, 0x00, 0x01};
  auto e = read_ssl2_server_hello(error);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->error_code, 1);
}

// ---- the suite table -----------------------------------------------------------------------------

TEST(TlsCipherSuites, TableFromIanaNames) {
  std::set<std::uint16_t> ids;
  for (const auto& s : cipher_suites()) EXPECT_TRUE(ids.insert(s.id).second) << s.iana;
  EXPECT_GT(ids.size(), 300u);
  const auto* c02f = find_cipher_suite(0xC02F);
  ASSERT_NE(c02f, nullptr);
  EXPECT_EQ(c02f->iana, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(c02f->kex, "ECDHE");
  EXPECT_EQ(c02f->auth, "RSA");
  EXPECT_EQ(c02f->mac, "AEAD");
  EXPECT_TRUE(c02f->pfs);
  EXPECT_FALSE(is_weak(*c02f));
  EXPECT_EQ(kex_family(*c02f), "ECDH");
  const auto* exp = find_cipher_suite(0x0003);
  ASSERT_NE(exp, nullptr);
  EXPECT_TRUE(exp->export_grade);
  EXPECT_EQ(exp->cipher_bits, 40);
  EXPECT_TRUE(is_weak(*exp));
  EXPECT_TRUE(is_weak(*find_cipher_suite(0x000A)));  // 3DES
  EXPECT_TRUE(is_weak(*find_cipher_suite(0x0005)));  // RC4
  EXPECT_TRUE(find_cipher_suite(0x0018)->anonymous);
  EXPECT_FALSE(find_cipher_suite(0x002F)->pfs);
  EXPECT_EQ(suites_for_version(TLS1_3_VERSION).size(), 7u);  // RFC 8446 B.4 five + RFC 8998 SM4 two
  EXPECT_EQ(cipher_suite_name(0xFEED), "0xFEED");
  EXPECT_EQ(cipher_suite_hex(0xC02F), "0xC02F");
  EXPECT_EQ(group_bits(GROUP_X25519), 253);
  EXPECT_EQ(group_name(GROUP_X25519MLKEM768), "X25519MLKEM768");
}

// Servers that drop hellos of 256-511 bytes: the compact offer fits 255 bytes and keeps the suites'
// order and the signalling suites.
TEST(TlsClientHello, CompactOfferFitsUnder256Bytes) {
  const std::optional<std::string> sni = std::string("a-rather-long-host-name.branch-office.example.test");
  for (auto v : {SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION}) {
    auto full = default_offer(v, suites_for_version(v), sni);
    if (v != TLS1_3_VERSION) {
      EXPECT_GT(encode_client_hello(full).value->size(), 511u) << version_name(v);
    }
    auto small = compact_offer(full);
    const auto bytes = encode_client_hello(small);
    ASSERT_TRUE(bytes);
    EXPECT_LE(bytes.value->size(), kCompactHelloMax) << version_name(v);
    ASSERT_GE(small.cipher_suites.size(), 2u) << version_name(v);
    if (v == SSL3_VERSION) {
      EXPECT_EQ(small.cipher_suites.back(), TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    } else {
      // A prefix of the full list: enumeration in pieces relies on it.
      EXPECT_TRUE(std::equal(small.cipher_suites.begin(), small.cipher_suites.end(), full.cipher_suites.begin()));
      EXPECT_LE(small.supported_groups->size(), 3u);
      EXPECT_EQ(small.supported_groups->front(), GROUP_X25519);
    }
    if (v != SSL3_VERSION) {
      EXPECT_EQ(small.server_name, sni);
    }
    // The compact version check's own offer fits too, with every common suite of TLS <= 1.2 that fits.
    const auto check = compact_offer(default_offer(v, common_suites(v), sni));
    EXPECT_LE(encode_client_hello(check).value->size(), kCompactHelloMax);
  }
  auto fallback = default_offer(TLS1_1_VERSION, suites_for_version(TLS1_1_VERSION), sni);
  fallback.cipher_suites.push_back(TLS_FALLBACK_SCSV);
  const auto small = compact_offer(fallback);
  EXPECT_EQ(small.cipher_suites.back(), TLS_FALLBACK_SCSV);
  EXPECT_LE(encode_client_hello(small).value->size(), kCompactHelloMax);
  // A short suite list loses no suite.
  const auto tiny = default_offer(TLS1_2_VERSION, {0xC02F, 0x009E}, std::nullopt);
  EXPECT_EQ(compact_offer(tiny).cipher_suites, tiny.cipher_suites);
}

}  // namespace
}  // namespace legacyscan::tls
