// SPDX-License-Identifier: Apache-2.0
// rc4-hmac (RFC 4757) for the credentialed Windows XP exchange: the NT hash, and a real AS-REP from the
// lab's legacy KDC decrypted with the lab password.
#include <gtest/gtest.h>

#include "src/proto/ber/ber.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_crypto.hpp"
#include "tests/unit/kerberos_test_support.hpp"

namespace legacyscan::kerberos {
namespace {

using testing::golden;
using testing::unframed;

constexpr const char* kLabPassword = "LegacyScan.Lab-2024";  // docs/lab.md: lab-only

TEST(KerberosCrypto, Rc4HmacStringToKeyIsTheNtHash) {
  EXPECT_EQ(to_hex(rc4_hmac_string_to_key("password")), "8846f7eaee8fb117ad06bdd830b7586c");
}

TEST(KerberosCrypto, DecryptsARealAsRepFromTheLegacyKdc) {
  const Bytes msg = unframed("legacy_as_rep_admin_rc4_tcp_framed");
  auto rep = decode_kdc_rep(msg);
  ASSERT_TRUE(rep) << rep.error;
  EXPECT_EQ(rep->enc_part.etype, 23);
  EXPECT_EQ(rep->ticket_enc_part.etype, 23);
  auto cipher = decode_as_rep_cipher(msg);
  ASSERT_TRUE(cipher) << cipher.error;
  EXPECT_EQ(cipher->size(), rep->enc_part.cipher_length);
  const Bytes key = rc4_hmac_string_to_key(kLabPassword);
  auto plain = rc4_hmac_decrypt(key, 3, *cipher);
  ASSERT_TRUE(plain);
  auto kt = decode_enc_kdc_rep_part_keytype(*plain);
  ASSERT_TRUE(kt) << kt.error;
  EXPECT_EQ(*kt, 23);
  // Wrong password, wrong usage: the checksum does not match.
  EXPECT_FALSE(rc4_hmac_decrypt(rc4_hmac_string_to_key("wrong"), 3, *cipher));
  EXPECT_FALSE(rc4_hmac_decrypt(key, 2, *cipher));
}

TEST(KerberosCrypto, EncAsRepPartKeytype) {
  auto kt = decode_enc_kdc_rep_part_keytype(golden("legacy_enc_as_rep_part_rc4_key_zeroed"));
  ASSERT_TRUE(kt) << kt.error;
  EXPECT_EQ(*kt, 23);
  const Bytes plain = golden("legacy_enc_as_rep_part_rc4_key_zeroed");
  // Only the first fields are read: a cut before the keytype fails, after it is still enough.
  for (std::size_t n = 0; n < 12 && n < plain.size(); ++n)
    EXPECT_FALSE(decode_enc_kdc_rep_part_keytype(ByteView(plain.data(), n))) << n;
  EXPECT_FALSE(decode_enc_kdc_rep_part_keytype(golden("stock_krb_error_c_principal_unknown")));
}

TEST(KerberosCrypto, EncryptDecryptRoundTrip) {
  const Bytes key = rc4_hmac_string_to_key("pw");
  const Bytes conf = {1, 2, 3, 4, 5, 6, 7, 8};
  const Bytes c = rc4_hmac_encrypt(key, 1, conf, as_bytes("hello kerberos"));
  ASSERT_EQ(c.size(), 16u + 8u + 14u);
  auto p = rc4_hmac_decrypt(key, 1, c);
  ASSERT_TRUE(p);
  EXPECT_EQ(std::string(p->begin(), p->end()), "hello kerberos");
  for (std::size_t n = 0; n < c.size(); ++n) EXPECT_FALSE(rc4_hmac_decrypt(key, 1, ByteView(c.data(), n))) << n;
}

TEST(KerberosCrypto, PaEncTimestampShape) {
  const Bytes key = rc4_hmac_string_to_key(kLabPassword);
  const Bytes conf(8, 0x42);
  auto pa = encode_pa_enc_timestamp_rc4(key, "20261123151013Z", 123456, conf);
  ASSERT_TRUE(pa) << pa.error;
  // EncryptedData { etype [0] 23, cipher [2] } whose cipher decrypts (usage 1) to PA-ENC-TS-ENC.
  ber::Reader top(*pa.value), seq, c;
  ASSERT_TRUE(top.enter_sequence(seq));
  std::int64_t et = 0;
  ASSERT_TRUE(seq.enter_context(0, c));
  ASSERT_TRUE(c.read_integer(et));
  EXPECT_EQ(et, 23);
  ByteView cipher;
  ASSERT_TRUE(seq.enter_context(2, c));
  ASSERT_TRUE(c.read_octet_string(cipher));
  auto plain = rc4_hmac_decrypt(key, 1, cipher);
  ASSERT_TRUE(plain);
  ber::Reader ts(*plain), tseq, t0;
  ASSERT_TRUE(ts.enter_sequence(tseq));
  ASSERT_TRUE(tseq.enter_context(0, t0));
  std::string when;
  ASSERT_TRUE(t0.read_string(when, ber::universal_tag(ber::universal::GeneralizedTime)));
  EXPECT_EQ(when, "20261123151013Z");
}

TEST(KerberosCrypto, AsRepCipherOfEveryTruncationFails) {
  const Bytes msg = unframed("legacy_as_rep_admin_rc4_tcp_framed");
  for (std::size_t n = 0; n < msg.size(); ++n) EXPECT_FALSE(decode_as_rep_cipher(ByteView(msg.data(), n))) << n;
}

}  // namespace
}  // namespace legacyscan::kerberos
