// SPDX-License-Identifier: Apache-2.0
// The SMB1 named-pipe codecs against golden bytes captured from the lab's "sessions" nt1only server
// (server max protocol = NT1) while smbclient -L -m NT1 listed its shares anonymously, first with
// its four shares, then with 120 more (a list over several DCE-RPC fragments, read on with
// READ_ANDX): tests/data/smb/nt1only_smb1_*.hex.
#include <gtest/gtest.h>

#include "src/proto/dcerpc/dcerpc_pdu.hpp"
#include "src/proto/dcerpc/dcerpc_srvsvc.hpp"
#include "src/proto/smb1/smb1_pipe.hpp"
#include "tests/unit/smb_golden.hpp"

namespace legacyscan::smb {
namespace {

TEST(Smb1Pipe, DecodesTheNtCreateResponseOfTheSrvsvcPipe) {
  const Bytes msg = golden("nt1only_smb1_nt_create_response_srvsvc");
  auto r = decode_smb1_nt_create_response(msg);
  ASSERT_TRUE(r) << r.error;
  EXPECT_FALSE(r->is_error());
  EXPECT_EQ(r->WordCount, 34);
  EXPECT_EQ(r->FID, 0x41F0);
  EXPECT_EQ(r->ResourceType, 2);  // FileTypeMessageModePipe
  expect_every_truncation_fails(msg, decode_smb1_nt_create_response, "nt create andx response");
}

TEST(Smb1Pipe, TransactNmPipeAnswersCarryTheDceRpcPdus) {
  auto bind = decode_smb1_transaction_response(golden("nt1only_smb1_transaction_response_bind_ack"));
  ASSERT_TRUE(bind) << bind.error;
  EXPECT_EQ(bind->TotalDataCount, bind->Data.size());
  auto ack = dcerpc::decode_dcerpc_bind_ack(bind->Data);
  ASSERT_TRUE(ack) << ack.error;
  EXPECT_TRUE(ack->accepted);

  const Bytes msg = golden("nt1only_smb1_transaction_response_share_enum_1");
  auto r = decode_smb1_transaction_response(msg);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->DataDisplacement, 0);
  auto pdu = dcerpc::decode_dcerpc_response(r->Data);
  ASSERT_TRUE(pdu) << pdu.error;
  EXPECT_TRUE(pdu->last());
  auto e = dcerpc::decode_share_enum_response(pdu->stub);
  ASSERT_TRUE(e) << e.error;
  EXPECT_EQ(e->win_error, 0U);
  ASSERT_EQ(e->shares.size(), 4U);  // public, data, secret, IPC$: the four shares it had then
  EXPECT_EQ(e->shares[0].name, "public");
  EXPECT_EQ(e->shares[3].name, "IPC$");
  expect_every_truncation_fails(msg, decode_smb1_transaction_response, "transaction response");
}

TEST(Smb1Pipe, EncodesTheTransactNmPipeRequestAsSmbclientSentIt) {
  const Bytes msg = golden("nt1only_smb1_transaction_request_share_enum_1");
  auto h = decode_smb1_header(msg);
  ASSERT_TRUE(h) << h.error;
  // The PDU starts at DataOffset 84 and runs to the end; smbclient asked for 4,280 bytes.
  const ByteView pdu = ByteView(msg).subspan(84);
  auto enc = encode_smb1_transact_nmpipe_request(*h, 0x41F0, pdu, 4280);
  ASSERT_TRUE(enc) << enc.error;
  EXPECT_EQ(to_hex(*enc.value), to_hex(msg));
}

TEST(Smb1Pipe, ReadAndxGivesTheFragmentsThatDidNotFit) {
  const Bytes mid = golden("nt1only_smb1_read_andx_response_mid");
  auto r = decode_smb1_read_andx_response(mid);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->WordCount, 12);
  EXPECT_EQ(r->Data.size(), dcerpc::dcerpc_frag_length(r->Data));
  auto pdu = dcerpc::decode_dcerpc_response(r->Data);
  ASSERT_TRUE(pdu) << pdu.error;
  EXPECT_FALSE(pdu->last());
  auto last = decode_smb1_read_andx_response(golden("nt1only_smb1_read_andx_response_last"));
  ASSERT_TRUE(last) << last.error;
  auto end = dcerpc::decode_dcerpc_response(last->Data);
  ASSERT_TRUE(end) << end.error;
  EXPECT_TRUE(end->last());
  expect_every_truncation_fails(mid, decode_smb1_read_andx_response, "read andx response");

  const Bytes req = golden("nt1only_smb1_read_andx_request");
  auto h = decode_smb1_header(req);
  ASSERT_TRUE(h) << h.error;
  auto enc = encode_smb1_read_andx_request(*h, 0x30D2, 4280);
  ASSERT_TRUE(enc) << enc.error;
  EXPECT_EQ(to_hex(*enc.value), to_hex(req));
}

TEST(Smb1Pipe, ErrorsAndBadOffsets) {
  Bytes msg = golden("nt1only_smb1_transaction_response_bind_ack");
  // DataOffset (word 7, at 33 + 14) past the end.
  Bytes bad = msg;
  bad[33 + 14] = 0xFF;
  bad[33 + 15] = 0x7F;
  EXPECT_FALSE(decode_smb1_transaction_response(bad));
  // An error answer: no words, a status.
  Bytes err(msg.begin(), msg.begin() + kSmb1HeaderSize);
  err[5] = 0x22;  // STATUS_ACCESS_DENIED 0xc0000022
  err[8] = 0xC0;
  err.push_back(0);
  err.push_back(0);
  err.push_back(0);
  auto r = decode_smb1_transaction_response(err);
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->is_error());
  err[5] = 0;
  err[8] = 0;
  EXPECT_FALSE(decode_smb1_transaction_response(err));  // no words and no status
  EXPECT_FALSE(decode_smb1_read_andx_response(msg));    // another command
  EXPECT_FALSE(encode_smb1_nt_create_pipe_request(Smb1Header{}, ""));
}

}  // namespace
}  // namespace legacyscan::smb
