// SPDX-License-Identifier: Apache-2.0
// STARTTLS preludes: replies split at every byte (sslscan and nmap fail on split multi-line replies)
// and the LDAP StartTLS exchange captured from the legacy DC on 389.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "src/proto/tls/tls_starttls.hpp"

namespace legacyscan::tls {
namespace {

Bytes golden(const std::string& name) {
  std::ifstream f(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/tls/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  Bytes b;
  EXPECT_TRUE(from_hex(ss.str(), b)) << name;
  return b;
}

// The parser must say "incomplete" on every strict prefix that lacks the final line, and decide
// the same way on the whole reply however it was split.
void expect_needs_final_line(PreludeReply (*parse)(ByteView), std::string_view reply, bool ok) {
  // The final line ends with the reply's last byte, so no strict prefix may be decided.
  for (std::size_t n = 0; n < reply.size(); ++n)
    EXPECT_FALSE(parse(as_bytes(reply.substr(0, n))).complete) << "decided at " << n << " of " << reply.size();
  const auto r = parse(as_bytes(reply));
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.ok, ok) << r.text;
}

TEST(TlsStartTls, SmtpMultiLineRepliesSplitAnywhere) {
  expect_needs_final_line(parse_smtp_greeting, "220-mail.legacy.test ESMTP\r\n220-second line\r\n220 ready\r\n", true);
  expect_needs_final_line(parse_smtp_ehlo, "250-mail.legacy.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n",
                          true);
  expect_needs_final_line(parse_smtp_ehlo, "250-mail.legacy.test\r\n250 8BITMIME\r\n", false);  // no STARTTLS
  expect_needs_final_line(parse_smtp_starttls, "454 4.7.0 TLS not available\r\n", false);
  expect_needs_final_line(parse_ftp_auth_tls, "234 AUTH TLS OK.\r\n", true);
}

TEST(TlsStartTls, TextPreludesRejectNonProtocolAnswers) {
  auto r = parse_smtp_greeting(as_bytes("HTTP/1.0 400 Bad Request\r\n"));
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(r.ok);
  r = parse_imap_greeting(as_bytes("* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n"));
  EXPECT_TRUE(r.complete && r.ok);
  r = parse_imap_starttls(as_bytes("* BYE\r\n"));
  EXPECT_FALSE(r.complete);
  r = parse_imap_starttls(as_bytes("* CAPABILITY x\r\na1 OK Begin TLS negotiation now.\r\n"));
  EXPECT_TRUE(r.complete && r.ok);
  r = parse_pop3_stls(as_bytes("-ERR no\r\n"));
  EXPECT_TRUE(r.complete && !r.ok);
  std::string endless(20000, 'x');
  r = parse_pop3_greeting(as_bytes(endless));
  EXPECT_TRUE(r.complete && !r.ok) << "a reply without a line end is capped";
  EXPECT_EQ(text_prelude(StartTlsProto::smtp).size(), 3u);
  EXPECT_TRUE(text_prelude(StartTlsProto::ldap).empty());
  EXPECT_EQ(starttls_from_string("smtp"), StartTlsProto::smtp);
  EXPECT_FALSE(starttls_from_string("gopher"));
}

TEST(TlsStartTls, LdapExtendedOperation) {
  EXPECT_EQ(ldap_starttls_request(), golden("ldap_starttls_request.hex"));
  const Bytes reply = golden("legacy_dc_ldap_starttls_reply.hex");
  auto r = decode_ldap_extended_response(reply);
  ASSERT_TRUE(r) << r.error;
  ASSERT_TRUE(r->response);
  EXPECT_EQ(r->response->message_id, 1);
  EXPECT_EQ(r->response->result_code, 0);
  for (std::size_t n = 0; n < reply.size(); ++n) {
    auto p = decode_ldap_extended_response(ByteView(reply.data(), n));
    ASSERT_TRUE(p) << n << ": " << p.error;
    EXPECT_TRUE(p->need_more) << n;
  }
  EXPECT_FALSE(decode_ldap_extended_response(as_bytes("220 smtp\r\n")));
}

// [MS-TDS] 4.1: the specification's example PRELOGIN (a request; the response has the same table).
TEST(TlsStartTls, TdsPreloginSpecExample) {
  const Bytes spec = golden("tds_prelogin_request_spec.hex");
  auto r = decode_tds_prelogin(spec);
  ASSERT_TRUE(r) << r.error;
  EXPECT_FALSE(r->need_more);
  EXPECT_EQ(r->packet_type, 0x12);
  EXPECT_EQ(r->version, (Bytes{0x09, 0x00, 0x00, 0x00, 0x00, 0x00}));
  EXPECT_EQ(r->encryption, std::optional<std::uint8_t>(kTdsEncryptOn));
  for (std::size_t n = 0; n < spec.size(); ++n) {
    auto p = decode_tds_prelogin(ByteView(spec.data(), n));
    ASSERT_TRUE(p) << n << ": " << p.error;
    EXPECT_TRUE(p->need_more) << n;
  }
  // Our request: one packet, EOM, ENCRYPT_ON, the version first ([MS-TDS] 3.3.5.1 wants it first).
  const Bytes ours = tds_prelogin_request();
  ASSERT_GE(ours.size(), 8u);
  EXPECT_EQ(ours[0], 0x12);
  EXPECT_EQ(ours[1], 0x01);
  EXPECT_EQ((ours[2] << 8) | ours[3], static_cast<int>(ours.size()));
  EXPECT_EQ(ours[8], 0x00);
  auto o = decode_tds_prelogin(ours);
  ASSERT_TRUE(o) << o.error;
  EXPECT_EQ(o->encryption, std::optional<std::uint8_t>(kTdsEncryptOn));
  EXPECT_EQ(tds_encryption_name(kTdsEncryptNotSup), "ENCRYPT_NOT_SUP");
}

TEST(TlsStartTls, TdsRejectsWhatIsNotTds) {
  EXPECT_FALSE(decode_tds_prelogin(as_bytes("HTTP/1.0 400 Bad Request\r\n")));
  EXPECT_FALSE(decode_tds_packets(Bytes{0x16, 0x03, 0x01, 0x00, 0x31}));  // a bare TLS record
  // A packet shorter than its own header, an option pointing outside, a 2-byte ENCRYPTION.
  EXPECT_FALSE(decode_tds_prelogin(Bytes{0x04, 0x01, 0x00, 0x04, 0, 0, 1, 0}));
  EXPECT_FALSE(decode_tds_prelogin(Bytes{0x04, 0x01, 0x00, 0x0E, 0, 0, 1, 0, 0x01, 0x00, 0x40, 0x00, 0x01, 0xFF}));
  EXPECT_FALSE(
      decode_tds_prelogin(Bytes{0x04, 0x01, 0x00, 0x10, 0, 0, 1, 0, 0x01, 0x00, 0x06, 0x00, 0x02, 0xFF, 1, 1}));
  EXPECT_FALSE(decode_tds_prelogin(Bytes{0x04, 0x01, 0x00, 0x09, 0, 0, 1, 0, 0xFF})) << "no ENCRYPTION option";
}

// The TLS handshake inside PRELOGIN packets: split at 4096 bytes, and unwrapped back whole.
TEST(TlsStartTls, TdsWrapsAndUnwrapsTheHandshake) {
  Bytes payload(9000);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  const Bytes wrapped = tds_wrap(payload);
  EXPECT_EQ(wrapped.size(), payload.size() + 3 * 8);
  EXPECT_EQ(wrapped[1], 0x00) << "not the last packet";
  EXPECT_EQ(wrapped[4096 + 1], 0x00);
  EXPECT_EQ(wrapped[2 * 4096 + 1], 0x01) << "end of message";
  auto back = decode_tds_packets(wrapped);
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(*back.value, payload);
  // An incomplete last packet is left out until it is whole.
  auto part = decode_tds_packets(ByteView(wrapped.data(), wrapped.size() - 1));
  ASSERT_TRUE(part);
  EXPECT_EQ(part.value->size(), 2 * (4096u - 8u));
}

TEST(TlsStartTls, PostgresAndRdp) {
  EXPECT_EQ(to_hex(postgres_ssl_request()), "0000000804d2162f");
  const Bytes req = rdp_x224_ssl_request();
  EXPECT_EQ(to_hex(req), "030000130ee000000000000100080001000000");
  // An X.224 Connection Confirm with RDP_NEG_RSP selecting PROTOCOL_SSL ([MS-RDPBCGR] 4.1.2).
  Bytes cc;
  ASSERT_TRUE(from_hex("030000130ed000001234000200080001000000", cc));
  for (std::size_t n = 0; n < cc.size(); ++n) {
    auto p = decode_rdp_x224_confirm(ByteView(cc.data(), n));
    ASSERT_TRUE(p) << n;
    EXPECT_TRUE(p->need_more) << n;
  }
  auto r = decode_rdp_x224_confirm(cc);
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->ssl_selected);
  Bytes failure;
  ASSERT_TRUE(from_hex("030000130ed000001234000300080002000000", failure));
  r = decode_rdp_x224_confirm(failure);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->ssl_selected);
}

}  // namespace
}  // namespace legacyscan::tls
