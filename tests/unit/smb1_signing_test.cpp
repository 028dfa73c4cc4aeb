// SPDX-License-Identifier: Apache-2.0
// SMB1 signing ([MS-CIFS] 3.1.4.1): the signature is MD5(key, message with the sequence number in the
// SecuritySignature field) cut to 8 bytes; the lab's nt1only server ("server signing = mandatory")
// checks the requests end to end (integration_smb1_share_list_test.cpp). Here: the computation
// against one written out by hand, and what the check says of a tampered, unsigned or misnumbered one.
#include <gtest/gtest.h>

#include "src/proto/crypto/crypto_primitives.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb1/smb1_signing.hpp"
#include "src/proto/smb1/smb1_tree.hpp"
#include "tests/unit/smb_golden.hpp"

namespace legacyscan::smb {
namespace {

Bytes tree_connect() {
  Smb1TreeConnectRequestOptions o;
  o.header.UID = 0x1234;
  o.header.MID = 2;
  o.Path = "\\\\127.0.0.4\\IPC$";
  auto m = encode_smb1_tree_connect_request(o);
  EXPECT_TRUE(m) << m.error;
  return m ? *m.value : Bytes{};
}

TEST(Smb1Signing, SignatureIsMd5OfKeyAndNumberedMessage) {
  const Bytes key(16, 0x11);
  Bytes msg = tree_connect();
  ASSERT_TRUE(smb1_sign(msg, key, 2));
  // Flags2 gains SMB_FLAGS2_SMB_SECURITY_SIGNATURE.
  EXPECT_NE(msg[10] & SMB_FLAGS2_SMB_SECURITY_SIGNATURE, 0);
  Bytes input = key;
  Bytes numbered = msg;
  const Bytes seq = H("0200000000000000");
  for (std::size_t i = 0; i < 8; ++i) numbered[14 + i] = seq[i];
  input.insert(input.end(), numbered.begin(), numbered.end());
  const Bytes digest = crypto::md5(input);
  EXPECT_EQ(Bytes(msg.begin() + 14, msg.begin() + 22), Bytes(digest.begin(), digest.begin() + 8));
  EXPECT_EQ(smb1_check_signature(msg, key, 2), Smb1Signature::valid);
}

TEST(Smb1Signing, CheckTellsBadUnsignedAndWrongSequence) {
  const Bytes key(16, 0x22);
  Bytes msg = tree_connect();
  EXPECT_EQ(smb1_check_signature(msg, key, 3), Smb1Signature::unsigned_message);
  ASSERT_TRUE(smb1_sign(msg, key, 3));
  EXPECT_EQ(smb1_check_signature(msg, key, 5), Smb1Signature::bad);
  EXPECT_EQ(smb1_check_signature(msg, Bytes(16, 0x23), 3), Smb1Signature::bad);
  msg.back() ^= 1;
  EXPECT_EQ(smb1_check_signature(msg, key, 3), Smb1Signature::bad);
  EXPECT_STREQ(smb1_signature_name(Smb1Signature::bad), "bad");
  Bytes smb2 = msg;
  smb2[0] = 0xFE;
  EXPECT_FALSE(smb1_sign(smb2, key, 3));
  EXPECT_EQ(smb1_check_signature(ByteView(msg).first(20), key, 3), Smb1Signature::not_smb1);
}

}  // namespace
}  // namespace legacyscan::smb
