// SPDX-License-Identifier: Apache-2.0
// srvsvc NetrShareEnum over the SMB2 srvsvc pipe against golden bytes captured from the lab's
// "sessions" opennas server (rpcclient -N -U% netshareenumall 1 and 0, SMB 3.1.1):
// tests/data/smb/sessions_smb2_*.hex. The shares the server lists are read back from its smb.conf in
// the integration test; here they are what that capture carried.
#include <gtest/gtest.h>

#include "src/proto/dcerpc/dcerpc_pdu.hpp"
#include "src/proto/dcerpc/dcerpc_srvsvc.hpp"
#include "src/proto/smb2/smb2_pipe.hpp"
#include "tests/unit/smb_golden.hpp"

namespace legacyscan::smb {
namespace {

using namespace legacyscan::dcerpc;

// The DCE-RPC PDU an IOCTL answer carries.
Bytes pdu_of(const std::string& name) {
  auto io = decode_smb2_ioctl_response(golden(name));
  EXPECT_TRUE(io) << io.error;
  if (!io || !io->response) return {};
  return io->response->Data;
}

TEST(DcerpcSrvsvc, BindMatchesWhatRpcclientSends) {
  const Bytes request = golden("sessions_smb2_ioctl_request_bind");
  const Bytes bind = encode_srvsvc_bind(1);
  ASSERT_GE(request.size(), bind.size());
  EXPECT_EQ(Bytes(request.end() - static_cast<std::ptrdiff_t>(bind.size()), request.end()), bind);
}

TEST(DcerpcSrvsvc, DecodesTheBindAck) {
  const Bytes pdu = pdu_of("sessions_smb2_ioctl_response_bind_ack");
  auto a = decode_dcerpc_bind_ack(pdu);
  ASSERT_TRUE(a) << a.error;
  EXPECT_TRUE(a->accepted);
  EXPECT_FALSE(a->nak);
  EXPECT_EQ(a->max_xmit_frag, kMaxFrag);
  expect_every_truncation_fails(pdu, decode_dcerpc_bind_ack, "bind ack");
}

TEST(DcerpcSrvsvc, RequestStubHasTheLayoutRpcclientSends) {
  // rpcclient names the server without "\\\\"; everything after the name is the same.
  const Bytes theirs = golden("sessions_smb2_ioctl_request_share_enum_1");
  const Bytes ours = encode_share_enum_request(2, "127.0.0.1", 1);
  ASSERT_GE(theirs.size(), 28U);
  EXPECT_EQ(Bytes(ours.end() - 28, ours.end()), Bytes(theirs.end() - 28, theirs.end()));
  auto pdu = decode_dcerpc_pdu(ours);
  ASSERT_TRUE(pdu) << pdu.error;
  EXPECT_EQ(pdu->frag_length, ours.size());
}

TEST(DcerpcSrvsvc, DecodesLevel1) {
  const Bytes pdu = pdu_of("sessions_smb2_ioctl_response_share_enum_1");
  auto r = decode_dcerpc_response(pdu);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->ptype, kPtypeResponse);
  EXPECT_TRUE(r->last());
  auto e = decode_share_enum_response(r->stub);
  ASSERT_TRUE(e) << e.error;
  EXPECT_EQ(e->level, 1U);
  EXPECT_EQ(e->win_error, 0U);
  ASSERT_EQ(e->shares.size(), 4U);
  EXPECT_EQ(e->total_entries, 4U);
  EXPECT_EQ(e->shares[0].name, "public");
  EXPECT_EQ(share_type_name(*e->shares[0].type), "disk");
  EXPECT_EQ(e->shares[3].name, "IPC$");
  EXPECT_EQ(share_type_name(*e->shares[3].type), "ipc, special");
  EXPECT_EQ(e->shares[3].comment.rfind("IPC Service (Samba ", 0), 0U) << e->shares[3].comment;
  for (const auto& s : e->shares) EXPECT_FALSE(s.invalid_utf16);
  const Bytes stub(r->stub.begin(), r->stub.end());
  expect_every_truncation_fails(stub, decode_share_enum_response, "level 1 stub");
}

TEST(DcerpcSrvsvc, DecodesLevel0) {
  const Bytes pdu = pdu_of("sessions_smb2_ioctl_response_share_enum_0");
  auto r = decode_dcerpc_response(pdu);
  ASSERT_TRUE(r) << r.error;
  auto e = decode_share_enum_response(r->stub);
  ASSERT_TRUE(e) << e.error;
  EXPECT_EQ(e->level, 0U);
  ASSERT_EQ(e->shares.size(), 4U);
  EXPECT_EQ(e->shares[1].name, "data");
  EXPECT_FALSE(e->shares[1].type);
}

TEST(DcerpcSrvsvc, AHugeCountInASmallStubIsAnError) {
  // The level 1 answer with EntriesRead and the array size raised to 0x10000000.
  const Bytes pdu = pdu_of("sessions_smb2_ioctl_response_share_enum_1");
  auto r = decode_dcerpc_response(pdu);
  ASSERT_TRUE(r) << r.error;
  Bytes stub(r->stub.begin(), r->stub.end());
  for (std::size_t at : {12U, 20U}) stub[at + 3] = 0x10;
  auto e = decode_share_enum_response(stub);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error.find("do not fit"), std::string::npos) << e.error;
}

TEST(DcerpcSrvsvc, UnpairedSurrogatesStayVisible) {
  bool bad = false;
  // "a", a lone high surrogate, "b", a valid pair (U+1F600), a lone low surrogate.
  EXPECT_EQ(utf16le_escaped(H("6100 00d8 6200 3dd8 00de 00dc"), bad), "a\\uD800b\xF0\x9F\x98\x80\\uDC00");
  EXPECT_TRUE(bad);
  bad = false;
  EXPECT_EQ(utf16le_escaped(H("7000 7500 6200"), bad), "pub");
  EXPECT_FALSE(bad);
}

TEST(Smb2Pipe, DecodesCreateAndPending) {
  const Bytes create = golden("sessions_smb2_create_response_srvsvc");
  auto c = decode_smb2_create_response(create);
  ASSERT_TRUE(c) << c.error;
  ASSERT_TRUE(c->response);
  EXPECT_EQ(c->response->CreateAction, 1U);  // FILE_OPENED
  EXPECT_NE(c->response->FileId, Smb2FileId{});
  expect_every_truncation_fails(create, decode_smb2_create_response, "create response");
  const Bytes pending = golden("sessions_smb2_ioctl_response_pending");
  EXPECT_TRUE(smb2_is_interim(pending));
  EXPECT_FALSE(smb2_is_interim(create));
}

TEST(Smb2Pipe, CreateRequestNamesThePipeAsRpcclientDoes) {
  const Bytes theirs = golden("sessions_smb2_create_request_srvsvc");
  auto ours = encode_smb2_create_pipe_request(Smb2Header{}, "srvsvc");
  ASSERT_TRUE(ours) << ours.error;
  // NameOffset, NameLength and the name itself.
  EXPECT_EQ(Bytes(ours.value->end() - 12, ours.value->end()), Bytes(theirs.end() - 12, theirs.end()));
}

}  // namespace
}  // namespace legacyscan::smb
