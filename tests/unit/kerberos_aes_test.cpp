// SPDX-License-Identifier: Apache-2.0
// The AES Kerberos crypto against the published vectors: RFC 3961 A.1 (n-fold), RFC 3962 Appendix B
// (string-to-key, which also runs DK with "kerberos", and AES-CTS with the key "chicken teriyaki").
// The encryption with confounder and HMAC is checked both ways here and against MIT's KDC in
// tests/integration (an AS-REP of the lab's MIT KDC decrypts with these keys).
#include <gtest/gtest.h>

#include <string>

#include "src/proto/kerberos/kerberos_aes.hpp"
#include "src/proto/kerberos/kerberos_crypto.hpp"
#include "src/proto/kerberos/kerberos_keytab.hpp"
#include "tests/unit/kerberos_test_support.hpp"

namespace legacyscan::kerberos {
namespace {

// Bad hex gives no bytes, which no vector here equals.
Bytes hex(std::string_view h) {
  Bytes out;
  return from_hex(h, out) ? out : Bytes{};
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(KerberosAes, NfoldRfc3961A1) {
  struct Case {
    std::string_view in;
    std::size_t bits;
    std::string_view out;
  };
  const Case cases[] = {
      {"012345", 64, "be072631276b1955"},
      {"password", 56, "78a07b6caf85fa"},
      {"Rough Consensus, and Running Code", 64, "bb6ed30870b7f0e0"},
      {"password", 168, "59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e"},
      {"MASSACHVSETTS INSTITVTE OF TECHNOLOGY", 192, "db3b0d8f0b061e603282b308a50841229ad798fab9540c1b"},
      {"Q", 168, "518a54a215a8452a518a54a215a8452a518a54a215"},
      {"ba", 168, "fb25d531ae8974499f52fd92ea9857c4ba24cf297e"},
      {"kerberos", 64, "6b65726265726f73"},
      {"kerberos", 128, "6b65726265726f737b9b5b2b93132b93"},
      {"kerberos", 168, "8372c236344e5f1550cd0747e15d62ca7a5a3bcea4"},
      {"kerberos", 256, "6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4"},
  };
  for (const auto& c : cases) EXPECT_EQ(nfold(text(c.in), c.bits / 8), hex(c.out)) << c.in << " " << c.bits;
}

TEST(KerberosAes, StringToKeyRfc3962B) {
  struct Case {
    std::uint32_t iterations;
    std::string_view password;
    Bytes salt;
    std::string_view k128, k256;
  };
  const std::string clef = "\xf0\x9d\x84\x9e";  // U+1D11E MUSICAL SYMBOL G CLEF
  const Case cases[] = {
      {1, "password", text("ATHENA.MIT.EDUraeburn"), "42263c6e89f4fc28b8df68ee09799f15",
       "fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161"},
      {2, "password", text("ATHENA.MIT.EDUraeburn"), "c651bf29e2300ac27fa469d693bdda13",
       "a2e16d16b36069c135d5e9d2e25f896102685618b95914b467c67622225824ff"},
      {1200, "password", text("ATHENA.MIT.EDUraeburn"), "4c01cd46d632d01e6dbe230a01ed642a",
       "55a6ac740ad17b4846941051e1e8b0a7548d93b0ab30a8bc3ff16280382b8c2a"},
      {5, "password", hex("1234567878563412"), "e9b23d52273747dd5c35cb55be619d8e",
       "97a4e786be20d81a382d5ebc96d5909cabcdadc87ca48f574504159f16c36e31"},
      {50, clef, text("EXAMPLE.COMpianist"), "", "4b6d9839f84406df1f09cc166db4b83c571848b784a3d6bdc346589a3e393f9e"},
  };
  for (const auto& c : cases) {
    if (!c.k128.empty()) {
      EXPECT_EQ(aes_string_to_key(17, c.password, c.salt, c.iterations), hex(c.k128));
    }
    EXPECT_EQ(aes_string_to_key(18, c.password, c.salt, c.iterations), hex(c.k256)) << c.iterations;
  }
  EXPECT_TRUE(aes_string_to_key(23, "password", text("x")).empty());
  EXPECT_TRUE(aes_string_to_key(18, "password", text("x"), 0).empty());
  EXPECT_TRUE(aes_string_to_key(18, "password", text("x"), kAesMaxIterations + 1).empty());
}

TEST(KerberosAes, StringToKeyMatchesMitKadmin) {
  // The AES keys MIT's kadmin made for xpuser@MIT-ALL.TEST from its lab-only password (the default
  // salt: realm then name; 4096 iterations), exported with ktadd -norandkey.
  auto kt = decode_keytab(testing::golden("mit_all_xpuser.keytab"));
  ASSERT_TRUE(kt) << kt.error;
  for (std::int32_t etype : {17, 18}) {
    const auto* k = find_keytab_key(*kt, "xpuser", "MIT-ALL.TEST", etype);
    ASSERT_NE(k, nullptr) << etype;
    EXPECT_EQ(aes_string_to_key(etype, "LegacyScan.Mit-2024", text("MIT-ALL.TESTxpuser")), k->key) << etype;
    auto generic = string_to_key(etype, "LegacyScan.Mit-2024", "MIT-ALL.TESTxpuser", std::nullopt);
    ASSERT_TRUE(generic) << generic.error;
    EXPECT_EQ(*generic, k->key);
  }
  EXPECT_FALSE(string_to_key(18, "x", "salt", hex("ffffffff")));
  EXPECT_FALSE(string_to_key(16, "x", "salt", std::nullopt));
}

TEST(KerberosAes, IterationsFromS2kParams) {
  EXPECT_EQ(*aes_iterations(std::nullopt), 4096u);
  EXPECT_EQ(*aes_iterations(hex("00001000")), 4096u);
  EXPECT_EQ(*aes_iterations(hex("000004b0")), 1200u);
  EXPECT_FALSE(aes_iterations(hex("ffffffff")));  // a hostile KDC's hang
  EXPECT_FALSE(aes_iterations(hex("00000000")));
  EXPECT_FALSE(aes_iterations(hex("0010")));
}

TEST(KerberosAes, CtsRfc3962B) {
  const Bytes key = text("chicken teriyaki");
  const std::string plain = "I would like the General Gau's Chicken, please, and wonton soup.";
  struct Case {
    std::size_t len;
    std::string_view out;
  };
  const Case cases[] = {
      {17, "c6353568f2bf8cb4d8a580362da7ff7f97"},
      {31, "fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5"},
      {32, "39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584"},
      {47, "97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc98ebf5"},
      {48, "97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd839312523a78662d5be7fcbcc98ebf5a8"},
      {64,
       "97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a84807efe836ee89a526730dbc2f7bc840"
       "9dad8bbb96c4cdc03bc103e1a194bbd8"},
  };
  for (const auto& c : cases) {
    const Bytes p = text(std::string_view(plain).substr(0, c.len));
    EXPECT_EQ(aes_cts_encrypt(key, p), hex(c.out)) << c.len;
    auto back = aes_cts_decrypt(key, hex(c.out));
    ASSERT_TRUE(back) << c.len;
    EXPECT_EQ(*back, p) << c.len;
  }
  EXPECT_TRUE(aes_cts_encrypt(key, text("too short")).empty());
  EXPECT_FALSE(aes_cts_decrypt(key, text("too short")));
  EXPECT_FALSE(aes_cts_decrypt(text("bad key"), hex(cases[0].out)));
}

TEST(KerberosAes, EncryptDecryptChecksTheMac) {
  for (std::int32_t etype : {17, 18}) {
    const Bytes key = aes_string_to_key(etype, "password", text("ATHENA.MIT.EDUraeburn"), 1);
    const Bytes confounder(16, 0x5a);
    for (std::size_t len : {0u, 1u, 15u, 16u, 17u, 100u}) {
      const Bytes plain(len, 0x42);
      const Bytes sealed = aes_encrypt(key, 3, confounder, plain);
      ASSERT_EQ(sealed.size(), 16 + len + 12);
      auto opened = aes_decrypt(key, 3, sealed);
      ASSERT_TRUE(opened) << len;
      EXPECT_EQ(*opened, plain);
      EXPECT_FALSE(aes_decrypt(key, 8, sealed)) << "another key usage";
      Bytes bad = sealed;
      bad[bad.size() / 2] ^= 1;
      EXPECT_FALSE(aes_decrypt(key, 3, bad)) << "a flipped bit";
    }
    EXPECT_FALSE(aes_decrypt(key, 3, Bytes(27, 0)));
    // Whatever a KDC sends as cipher text: no crash, no plaintext without the right MAC.
    for (std::size_t n = 0; n < 70; ++n) {
      Bytes junk(n);
      for (std::size_t i = 0; i < n; ++i) junk[i] = static_cast<std::uint8_t>(i * 37 + n);
      EXPECT_FALSE(aes_decrypt(key, 3, junk)) << n;
    }
    EXPECT_TRUE(aes_encrypt(key, 3, Bytes(8, 0), text("x")).empty()) << "confounder of 8 bytes";
    EXPECT_EQ(aes_checksum(key, 6, text("body")).size(), 12u);
    EXPECT_NE(aes_checksum(key, 6, text("body")), aes_checksum(key, 7, text("body")));
    // The etype-dispatching entry points take the same path; a key of the other AES size is refused.
    const Bytes sealed = encrypt(etype, key, 1, confounder, text("ts"));
    EXPECT_EQ(*decrypt(etype, key, 1, sealed), text("ts"));
    EXPECT_TRUE(encrypt(etype == 17 ? 18 : 17, key, 1, confounder, text("ts")).empty());
    EXPECT_FALSE(decrypt(etype == 17 ? 18 : 17, key, 1, sealed));
  }
  EXPECT_TRUE(encrypt(16, Bytes(24, 1), 1, Bytes(16, 0), text("ts")).empty()) << "des3 is not implemented";
}

}  // namespace
}  // namespace legacyscan::kerberos
