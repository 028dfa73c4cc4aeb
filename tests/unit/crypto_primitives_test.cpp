// SPDX-License-Identifier: Apache-2.0
// The primitives NTLM and Kerberos rc4-hmac share: published vectors for MD4 (RFC 1320 A.5), RC4 and
// HMAC-MD5 (RFC 2202).
#include <gtest/gtest.h>

#include "src/proto/crypto/crypto_primitives.hpp"

namespace legacyscan::crypto {
namespace {

TEST(CryptoPrimitives, Md4Rfc1320Vectors) {
  EXPECT_EQ(to_hex(md4(as_bytes(""))), "31d6cfe0d16ae931b73c59d7e0c089c0");
  EXPECT_EQ(to_hex(md4(as_bytes("a"))), "bde52cb31de33e46245e05fbdbd6fb24");
  EXPECT_EQ(to_hex(md4(as_bytes("abc"))), "a448017aaf21d8525fc10ae87aa6729d");
  EXPECT_EQ(to_hex(md4(as_bytes("message digest"))), "d9130a8164549fe818874806e1c7014b");
  EXPECT_EQ(to_hex(md4(as_bytes("12345678901234567890123456789012345678901234567890123456789012345678901234567890"))),
            "e33b4ddc9c38f2199c3e7b164fcc0536");
}

TEST(CryptoPrimitives, Rc4Vectors) {
  EXPECT_EQ(to_hex(rc4(as_bytes("Key"), as_bytes("Plaintext"))), "bbf316e8d940af0ad3");
  EXPECT_EQ(to_hex(rc4(as_bytes("Wiki"), as_bytes("pedia"))), "1021bf0420");
  EXPECT_EQ(to_hex(rc4(as_bytes("Secret"), as_bytes("Attack at dawn"))), "45a01f645fc35b383552544b9bf5");
}

TEST(CryptoPrimitives, HmacMd5Rfc2202) {
  const Bytes key(16, 0x0b);
  EXPECT_EQ(to_hex(hmac_md5(key, as_bytes("Hi There"))), "9294727a3638bb1c13f48ef8158bfc9d");
}

}  // namespace
}  // namespace legacyscan::crypto
