// SPDX-License-Identifier: Apache-2.0
// SMB2 TREE_CONNECT against golden bytes captured from the lab's "sessions" servers (a scan of
// opennas, whose anonymous session reaches IPC$, and of v1ok, whose restrict anonymous = 2 refuses it):
// tests/data/smb/sessions_smb2_tree_connect_*.hex.
#include <gtest/gtest.h>

#include "src/proto/smb2/smb2_tree.hpp"
#include "tests/unit/smb_golden.hpp"

namespace legacyscan::smb {
namespace {

TEST(Smb2Tree, DecodesTheIpcResponse) {
  const Bytes msg = golden("sessions_smb2_tree_connect_response_ipc");
  auto r = decode_smb2_tree_connect_response(msg);
  ASSERT_TRUE(r) << r.error;
  ASSERT_TRUE(r->response);
  EXPECT_FALSE(r->is_error());
  EXPECT_EQ(r->header.Command, 0x0003);
  EXPECT_NE(r->header.TreeId, 0U);  // Samba picks it at random
  EXPECT_EQ(r->response->ShareType, SMB2_SHARE_TYPE_PIPE);
  EXPECT_EQ(smb2_share_type_name(r->response->ShareType), "pipe");
  EXPECT_EQ(r->response->ShareFlags, 0U);
  EXPECT_EQ(smb2_share_flag_names(r->response->ShareFlags), std::vector<std::string>{"CACHING_MANUAL"});
  EXPECT_EQ(r->response->MaximalAccess, 0x001F00A9U);
  EXPECT_EQ(smb2_access_summary(r->response->MaximalAccess), "read");
  auto again = encode_smb2_tree_connect_response(r->header, *r->response);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again.value, msg);
  expect_every_truncation_fails(msg, decode_smb2_tree_connect_response, "tree connect response");
}

TEST(Smb2Tree, DecodesAccessDeniedAsAnError) {
  auto r = decode_smb2_tree_connect_response(golden("sessions_smb2_tree_connect_response_denied"));
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->is_error());
  EXPECT_FALSE(r->response);
  EXPECT_EQ(r->status(), STATUS_ACCESS_DENIED);
}

TEST(Smb2Tree, EncodesTheRequestLegacyscanSent) {
  const Bytes msg = golden("sessions_smb2_tree_connect_request_ipc");
  auto q = decode_smb2_tree_connect_request(msg);
  ASSERT_TRUE(q) << q.error;
  EXPECT_EQ(q->Path, "\\\\127.0.0.1\\IPC$");
  Smb2TreeConnectRequestOptions o;
  o.header = q->header;
  o.Flags = q->Flags;
  o.Path = q->Path;
  auto enc = encode_smb2_tree_connect_request(o);
  ASSERT_TRUE(enc);
  EXPECT_EQ(*enc.value, msg);
  expect_every_truncation_fails(msg, decode_smb2_tree_connect_request, "tree connect request");
}

TEST(Smb2Tree, RefusesWrongCommandsAndSizes) {
  Bytes msg = golden("sessions_smb2_tree_connect_response_ipc");
  Bytes wrong = msg;
  wrong[12] = 0x01;  // Command SESSION_SETUP
  EXPECT_FALSE(decode_smb2_tree_connect_response(wrong));
  wrong = msg;
  wrong[64] = 0x11;  // StructureSize 17
  EXPECT_FALSE(decode_smb2_tree_connect_response(wrong));
  Bytes odd = golden("sessions_smb2_tree_connect_request_ipc");
  odd[70] = static_cast<std::uint8_t>(odd[70] - 1);  // PathLength odd: not UTF-16
  EXPECT_FALSE(decode_smb2_tree_connect_request(odd));
}

TEST(Smb2Tree, NamesShareFlagsAndCaching) {
  EXPECT_EQ(smb2_share_flag_names(SMB2_SHAREFLAG_ENCRYPT_DATA | SMB2_SHAREFLAG_DFS | 0x30),
            (std::vector<std::string>{"DFS", "ENCRYPT_DATA", "CACHING_NONE"}));
  EXPECT_EQ(smb2_share_flag_names(0x10 | 0x80000000U), (std::vector<std::string>{"0x80000000", "CACHING_AUTO"}));
  EXPECT_EQ(smb2_access_summary(0x001F01FF), "read, write");
  EXPECT_EQ(smb2_access_summary(0), "none");
  EXPECT_EQ(smb2_share_type_name(7), "0x07");
}

}  // namespace
}  // namespace legacyscan::smb
