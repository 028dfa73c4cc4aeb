// SPDX-License-Identifier: Apache-2.0
// The SASL GSSAPI bind's Kerberos pieces (kerberos_gss.hpp): the AP-REQ token read back by the passive
// decoder, the EncAPRepPart, and RFC 4121 Wrap tokens built here from the RFC's own recipe (the
// acceptor's, sealed and rotated or checksummed) and checked against encode_wrap_token. The tokens the
// accounts DC sent (lab capture) are read up to the point where their ephemeral key is needed. That
// Samba accepts the bind is the integration test's.
#include <gtest/gtest.h>

#include <algorithm>

#include "src/proto/ber/ber.hpp"
#include "src/proto/kerberos/kerberos_aes.hpp"
#include "src/proto/kerberos/kerberos_gss.hpp"
#include "src/proto/kerberos/kerberos_kdc_req.hpp"
#include "tests/unit/kerberos_test_support.hpp"

namespace legacyscan::kerberos {
namespace {

using testing::golden;
using testing::unframed;

Bytes filled(std::size_t n, std::uint8_t v) { return Bytes(n, v); }

// RFC 4121 4.2.6.2: TOK_ID, flags, filler, EC, RRC, SND_SEQ (big-endian).
Bytes header(std::uint8_t flags, std::uint16_t ec, std::uint16_t rrc, std::uint64_t seq) {
  Bytes h{0x05, 0x04, flags, 0xff, std::uint8_t(ec >> 8), std::uint8_t(ec), std::uint8_t(rrc >> 8), std::uint8_t(rrc)};
  for (int shift = 56; shift >= 0; shift -= 8) h.push_back(static_cast<std::uint8_t>(seq >> shift));
  return h;
}

// RFC 4121 4.2.4 / 4.2.5: the acceptor's sealed token, its body rotated right by `rrc`.
Bytes acceptor_sealed(const Bytes& key, ByteView data, std::uint16_t rrc, std::uint64_t seq) {
  Bytes plain(data.begin(), data.end());
  const Bytes h0 = header(0x07, 0, 0, seq);
  plain.insert(plain.end(), h0.begin(), h0.end());
  Bytes body = aes_encrypt(key, 22, filled(16, 0x5a), plain);
  std::rotate(body.rbegin(), body.rbegin() + rrc, body.rend());
  Bytes token = header(0x07, 0, rrc, seq);
  token.insert(token.end(), body.begin(), body.end());
  return token;
}

TEST(KerberosGss, ApReqTokenCarriesTheTicketAndAnAesAuthenticator) {
  const Bytes rep = unframed("legacy_as_rep_admin_rc4_tcp_framed");
  auto ticket = decode_kdc_rep_ticket(rep);
  ASSERT_TRUE(ticket) << ticket.error;
  const Bytes key = filled(32, 0x11), conf = filled(16, 0x22);
  GssApReqOptions o;
  o.ticket = *ticket;
  o.key = key;
  o.crealm = "EXAMPLE.TEST";
  o.cname.name_string = {"auditor"};
  o.ctime = "20261207120000Z";
  o.confounder = conf;
  auto token = encode_gss_ap_req(o);
  ASSERT_TRUE(token) << token.error;
  auto read = decode_gss_krb5_ap_req(*token);
  ASSERT_TRUE(read) << read.error;
  EXPECT_EQ(read->authenticator_etype, kEtypeAes256);
  EXPECT_EQ(read->sname, decode_kdc_rep(rep)->ticket_sname.to_string());
  o.etype = 23;
  EXPECT_FALSE(encode_gss_ap_req(o)) << "rc4-hmac has no RFC 4121 tokens here";
}

TEST(KerberosGss, EncApRepPartGivesTheSubkeyAndSequenceNumber) {
  ber::Writer w;
  w.application(27, [](ber::Writer& app) {
    app.sequence([](ber::Writer& s) {
      s.context(
          0, [](ber::Writer& c) { c.string("20261207120000Z", ber::universal_tag(ber::universal::GeneralizedTime)); });
      s.context(1, [](ber::Writer& c) { c.integer(7); });
      s.context(2, [](ber::Writer& c) {
        c.sequence([](ber::Writer& k) {
          k.context(0, [](ber::Writer& t) { t.integer(17); });
          k.context(1, [](ber::Writer& v) { v.octet_string(Bytes(16, 0x33)); });
        });
      });
      s.context(3, [](ber::Writer& c) { c.integer(0x7ffffff0); });
    });
  });
  auto rep = decode_enc_ap_rep_part(w.view());
  ASSERT_TRUE(rep) << rep.error;
  ASSERT_TRUE(rep->subkey);
  EXPECT_EQ(rep->subkey->keytype, 17);
  EXPECT_EQ(rep->subkey->value, Bytes(16, 0x33));
  EXPECT_EQ(rep->seq_number, 0x7ffffff0u);
  Bytes cut = w.take();
  cut.resize(cut.size() - 3);
  EXPECT_FALSE(decode_enc_ap_rep_part(cut));
}

TEST(KerberosGss, SealedAcceptorTokenIsRotatedBackAndDecrypted) {
  const WrapKey k{kEtypeAes256, filled(32, 0x44), true};
  const Bytes data{1, 2, 3, 4, 5, 6, 7, 8, 9};
  for (std::uint16_t rrc : {0, 12, 28}) {
    auto u = decode_wrap_token(k, acceptor_sealed(k.key, data, rrc, 99));
    ASSERT_TRUE(u) << "rrc " << rrc << ": " << u.error;
    EXPECT_TRUE(u->sealed);
    EXPECT_EQ(u->seq, 99u);
    EXPECT_EQ(u->data, data);
  }
  Bytes bad = acceptor_sealed(k.key, data, 28, 99);
  bad[20] ^= 1;
  EXPECT_FALSE(decode_wrap_token(k, bad));
  const WrapKey no_subkey{kEtypeAes256, k.key, false};
  EXPECT_FALSE(decode_wrap_token(no_subkey, acceptor_sealed(k.key, data, 0, 1)));
}

TEST(KerberosGss, ChecksummedAcceptorTokenIsVerified) {
  const WrapKey k{kEtypeAes128, filled(16, 0x55), false};
  const Bytes data{7, 1, 0, 0};
  Bytes signed_part = data;
  const Bytes h0 = header(0x01, 0, 0, 5);
  signed_part.insert(signed_part.end(), h0.begin(), h0.end());
  Bytes token = header(0x01, 12, 0, 5);
  token.insert(token.end(), data.begin(), data.end());
  const Bytes mac = aes_checksum(k.key, 22, signed_part);
  token.insert(token.end(), mac.begin(), mac.end());
  auto u = decode_wrap_token(k, token);
  ASSERT_TRUE(u) << u.error;
  EXPECT_FALSE(u->sealed);
  EXPECT_EQ(u->data, data);
  token[17] ^= 1;
  EXPECT_FALSE(decode_wrap_token(k, token));
}

TEST(KerberosGss, InitiatorTokensFollowRfc4121) {
  const WrapKey k{kEtypeAes256, filled(32, 0x66), true};
  const Bytes data{4, 0xff, 0xff, 0xff};
  const Bytes sealed = encode_wrap_token(k, true, 0x1234, data, filled(16, 1));
  const Bytes h = header(0x06, 0, 0, 0x1234);
  ASSERT_GT(sealed.size(), 16u);
  EXPECT_TRUE(std::equal(h.begin(), h.end(), sealed.begin()));
  auto plain = aes_decrypt(k.key, 24, ByteView(sealed).subspan(16));
  ASSERT_TRUE(plain);
  Bytes want = data;
  want.insert(want.end(), h.begin(), h.end());
  EXPECT_EQ(*plain, want);

  const Bytes clear = encode_wrap_token(k, false, 3, data, filled(16, 1));
  const Bytes hc = header(0x04, 12, 0, 3);
  ASSERT_EQ(clear.size(), 16u + data.size() + 12u);
  EXPECT_TRUE(std::equal(hc.begin(), hc.end(), clear.begin()));
  Bytes signed_part = data;
  const Bytes h0 = header(0x04, 0, 0, 3);
  signed_part.insert(signed_part.end(), h0.begin(), h0.end());
  EXPECT_EQ(Bytes(clear.end() - 12, clear.end()), aes_checksum(k.key, 24, signed_part));
}

// The DC's own tokens: the header and structure are read; only the ephemeral key is missing.
TEST(KerberosGss, SambaTokensParseUpToTheirKey) {
  const WrapKey k{kEtypeAes256, filled(32, 0), true};
  auto offer = decode_wrap_token(k, golden("samba_sasl_wrap_offer"));
  ASSERT_FALSE(offer);
  EXPECT_EQ(offer.error, "Wrap token: the checksum does not match");
  const WrapKey other{kEtypeAes256, k.key, false};
  EXPECT_EQ(decode_wrap_token(other, golden("samba_sasl_wrap_offer")).error,
            "Wrap token: AcceptorSubkey flag does not match the context");
  auto rep = decode_gss_ap_rep(golden("samba_sasl_ap_rep"), kEtypeAes256, k.key);
  ASSERT_FALSE(rep);
  EXPECT_EQ(rep.error, "AP-REP: the enc-part does not decrypt with the session key");
  EXPECT_EQ(decode_gss_ap_rep(golden("samba_sasl_ap_rep"), kEtypeAes128, filled(16, 0)).error,
            "AP-REP: enc-part is not in the session key's etype");
}

}  // namespace
}  // namespace legacyscan::kerberos
