// SPDX-License-Identifier: Apache-2.0
// SMB1 TREE_CONNECT_ANDX against golden bytes captured from the lab's "sessions" opennas server
// (a legacyscan scan: the anonymous SMB1 session connecting IPC$): tests/data/smb/sessions_smb1_tree_connect_*.hex.
#include <gtest/gtest.h>

#include "src/proto/smb1/smb1_tree.hpp"
#include "tests/unit/smb_golden.hpp"

namespace legacyscan::smb {
namespace {

TEST(Smb1Tree, DecodesTheExtendedIpcResponse) {
  const Bytes msg = golden("sessions_smb1_tree_connect_response_ipc");
  auto r = decode_smb1_tree_connect_response(msg);
  ASSERT_TRUE(r) << r.error;
  EXPECT_FALSE(r->is_error());
  EXPECT_EQ(r->WordCount, 7);
  EXPECT_EQ(r->header.Status, 0U);
  EXPECT_EQ(r->Service, "IPC");
  EXPECT_EQ(r->NativeFileSystem, "");
  ASSERT_TRUE(r->MaximalShareAccessRights);
  EXPECT_EQ(*r->MaximalShareAccessRights, 0x1FFU);
  expect_every_truncation_fails(msg, decode_smb1_tree_connect_response, "tree connect andx response");
}

TEST(Smb1Tree, EncodesTheRequestLegacyscanSent) {
  const Bytes msg = golden("sessions_smb1_tree_connect_request_ipc");
  auto h = decode_smb1_header(msg);
  ASSERT_TRUE(h) << h.error;
  Smb1TreeConnectRequestOptions o;
  o.header = *h;
  o.Path = "\\\\127.0.0.1\\IPC$";
  auto enc = encode_smb1_tree_connect_request(o);
  ASSERT_TRUE(enc) << enc.error;
  EXPECT_EQ(*enc.value, msg);
}

TEST(Smb1Tree, AnErrorAnswerHasNoWordsAndAStatus) {
  Bytes msg = golden("sessions_smb1_tree_connect_response_ipc");
  msg.resize(kSmb1HeaderSize);
  msg.insert(msg.end(), {0x00, 0x00, 0x00});  // WordCount 0, ByteCount 0
  EXPECT_FALSE(decode_smb1_tree_connect_response(msg)) << "an error without a status";
  msg[5] = 0x22;  // Status STATUS_ACCESS_DENIED 0xC0000022
  msg[8] = 0xC0;
  auto r = decode_smb1_tree_connect_response(msg);
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->is_error());
  EXPECT_EQ(smb1_status_string(r->header), "STATUS_ACCESS_DENIED (0xc0000022)");
  msg[kSmb1HeaderSize] = 5;  // WordCount 5: neither basic nor extended
  EXPECT_FALSE(decode_smb1_tree_connect_response(msg));
}

}  // namespace
}  // namespace legacyscan::smb
