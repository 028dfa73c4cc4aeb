// SPDX-License-Identifier: Apache-2.0
// SMB2/3 keys, preauth integrity, signing and encryption against the test vectors Microsoft published
// for [MS-SMB2] (Open Specifications blog: "Encryption in SMB 3.0: a protocol perspective",
// "SMB 3.1.1 Pre-authentication integrity in Windows 10", "SMB 3.1.1 Encryption in Windows 10").
#include <gtest/gtest.h>

#include "src/proto/smb2/smb2_security.hpp"
#include "tests/unit/golden_hex.hpp"

namespace legacyscan {
namespace {

Bytes vec(const std::string& name) { return golden_hex("smb2_security", name); }

Bytes hex(std::string_view h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out));
  return out;
}

TEST(Smb2Security, PreauthIntegrityHashOverNegotiateAndSessionSetup) {
  Bytes h;
  const char* messages[] = {"preauth_negotiate_request", "preauth_negotiate_response",
                            "preauth_session_setup_request_1", "preauth_session_setup_response_1",
                            "preauth_session_setup_request_2"};
  for (int i = 0; i < 5; ++i) {
    h = smb311_preauth_update(h, vec(messages[i]));
    EXPECT_EQ(to_hex(h), to_hex(vec("preauth_hash_" + std::to_string(i + 1)))) << messages[i];
  }
  const auto k = smb2_session_keys(0x0311, hex("270E1BA896585EEB7AF3472D3B4C75A7"), h, SMB2_SIGNING_AES_CMAC, 0);
  EXPECT_EQ(to_hex(k.signing), "73fe7a9a77bef0bde49c650d8ccb5f76");
}

// One published session: its keys, our encryption of its request, our decryption of its answer.
struct Vector {
  std::uint16_t dialect;
  std::string_view session_key, preauth, encryption, decryption, nonce;
  std::uint16_t cipher;
  std::uint64_t session;
  std::string prefix;  // of the .hex files
};

void check_vector(const Vector& v) {
  const auto k =
      smb2_session_keys(v.dialect, hex(v.session_key), v.preauth.empty() ? Bytes{} : vec(std::string(v.preauth)),
                        SMB2_SIGNING_AES_CMAC, v.cipher);
  EXPECT_EQ(to_hex(k.encryption), v.encryption);
  EXPECT_EQ(to_hex(k.decryption), v.decryption);
  const Bytes out = smb2_encrypt(vec(v.prefix + "_write_request"), v.session, hex(v.nonce), k);
  EXPECT_EQ(to_hex(out), to_hex(vec(v.prefix + "_write_request_transformed")));
  // The server's answer is encrypted with the other key.
  auto plain = decode_smb2_transform(vec(v.prefix + "_write_response_transformed"), v.session, k);
  ASSERT_TRUE(plain) << plain.error;
  EXPECT_EQ(to_hex(*plain), to_hex(vec(v.prefix + "_write_response")));
}

TEST(Smb2Security, Smb300CcmKeysEncryptionAndDecryption) {
  // Below 3.1.1 the cipher is AES-128-CCM whatever is asked.
  check_vector({0x0300, "B4546771B515F766A86735532DD6C4F0", "", "261b72350558f2e9dcf613070383edbf",
                "8fe2b57ec34d2db5b1a9727f526bbdb5", "66E69A111892584FB5ED524A744DA3EE", 0, 0x8e40014000011, "smb300"});
}

TEST(Smb2Security, Smb311GcmKeysEncryptionAndDecryption) {
  check_vector({0x0311, "419FDDF34C1E001909D362AE7FB6AF79", "smb311_preauth_hash", "a2f5e80e5d59103034f32e52f698e5ec",
                "748c50868c90f302962a5c35f5f9a8bf", "C7D6822D269CAF48904C664C", SMB2_CIPHER_AES_128_GCM, 0x100000000025,
                "smb311"});
}

TEST(Smb2Security, TamperedOrForeignTransformIsRefused) {
  const auto k = smb2_session_keys(0x0311, hex("419FDDF34C1E001909D362AE7FB6AF79"), vec("smb311_preauth_hash"),
                                   SMB2_SIGNING_AES_CMAC, SMB2_CIPHER_AES_128_GCM);
  Bytes t = vec("smb311_write_response_transformed");
  EXPECT_FALSE(decode_smb2_transform(t, 0x100000000026, k));  // another session
  t.back() ^= 1;
  auto r = decode_smb2_transform(t, 0x100000000025, k);
  EXPECT_FALSE(r);
  EXPECT_NE(r.error.find("authentication tag"), std::string::npos);
  t.resize(60);
  EXPECT_FALSE(decode_smb2_transform(t, 0x100000000025, k));
  EXPECT_FALSE(decode_smb2_transform(ByteView(t).first(10), 0x100000000025, k));
}

// Signing: what one side signs the other accepts, with each algorithm, and a changed byte is caught.
TEST(Smb2Security, SignAndCheckEachAlgorithm) {
  const Bytes key = hex("270E1BA896585EEB7AF3472D3B4C75A7");
  const Bytes hash = vec("preauth_hash_5");
  const Smb2SessionKeys all[] = {smb2_session_keys(0x0210, key, {}, 0, 0), smb2_session_keys(0x0300, key, {}, 0, 0),
                                 smb2_session_keys(0x0311, key, hash, SMB2_SIGNING_AES_CMAC, 0),
                                 smb2_session_keys(0x0311, key, hash, SMB2_SIGNING_AES_GMAC, 0)};
  for (const auto& k : all) {
    Bytes m = vec("smb311_write_response");
    EXPECT_EQ(smb2_check_signature(m, k), Smb2Signature::unsigned_message);
    ASSERT_TRUE(smb2_sign(m, k));
    EXPECT_EQ(smb2_check_signature(m, k), Smb2Signature::valid) << k.dialect << " " << k.signing_algorithm;
    m[70] ^= 0x40;
    EXPECT_EQ(smb2_check_signature(m, k), Smb2Signature::bad);
  }
  // 2.x signs with the session key itself, HMAC-SHA256; GMAC and CMAC differ.
  Bytes a = vec("smb311_write_response"), b = a;
  ASSERT_TRUE(smb2_sign(a, all[2]));
  ASSERT_TRUE(smb2_sign(b, all[3]));
  EXPECT_NE(to_hex(a), to_hex(b));
  EXPECT_EQ(to_hex(all[0].signing), to_hex(key));
  Bytes short_message(63, 0);
  EXPECT_FALSE(smb2_sign(short_message, all[1]));
}

TEST(Smb2Security, Kdf256BitsForAes256) {
  const auto k = smb2_session_keys(0x0311, hex("419FDDF34C1E001909D362AE7FB6AF79"), vec("smb311_preauth_hash"),
                                   SMB2_SIGNING_AES_CMAC, SMB2_CIPHER_AES_256_GCM);
  EXPECT_EQ(k.encryption.size(), 32u);
  EXPECT_EQ(k.decryption.size(), 32u);
  // 3.1.4.2: the first 128 bits of an L=256 derivation differ from the L=128 one (L is in the input).
  EXPECT_NE(to_hex(ByteView(k.encryption).first(16)), "a2f5e80e5d59103034f32e52f698e5ec");
  Bytes m = vec("smb311_write_request");
  const Bytes t = smb2_encrypt(m, 7, hex("000102030405060708090a0b"), k);
  ASSERT_EQ(t.size(), m.size() + kSmb2TransformHeaderLength);
}

}  // namespace
}  // namespace legacyscan
