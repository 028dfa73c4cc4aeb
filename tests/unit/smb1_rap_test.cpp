// SPDX-License-Identifier: Apache-2.0
// RAP NetShareEnum against golden bytes captured from the lab's "rap" server (scripts/lab.d/rap:
// Samba 4.17, SMB1 only, no srvsvc service) while smbclient -L -m NT1 -N listed its shares, which it
// did with RAP after the srvsvc pipe was refused: tests/data/smb/rap_smb1_transaction_*.hex.
#include <gtest/gtest.h>

#include "src/proto/smb1/smb1_pipe.hpp"
#include "src/proto/smb1/smb1_rap.hpp"
#include "tests/unit/smb_golden.hpp"

namespace legacyscan::smb {
namespace {

TEST(Smb1Rap, DecodesTheShareListSambaSentSmbclient) {
  const Bytes msg = golden("rap_smb1_transaction_response_netshareenum");
  auto t = decode_smb1_transaction_response(msg);
  ASSERT_TRUE(t) << t.error;
  EXPECT_EQ(t->TotalParameterCount, 8);
  EXPECT_EQ(t->Parameters.size(), 8U);
  EXPECT_EQ(t->TotalDataCount, t->Data.size());
  auto r = decode_rap_net_share_enum_response(t->Parameters, t->Data);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->status, NERR_SUCCESS);
  EXPECT_EQ(r->converter, 0);
  EXPECT_EQ(r->entries_returned, 3);
  EXPECT_EQ(r->entries_available, 3);
  ASSERT_EQ(r->shares.size(), 3U);
  // The server's smb.conf (scripts/lab.d/rap) in its order, IPC$ last with the server string.
  EXPECT_EQ(r->shares[0].name, "public");
  EXPECT_EQ(r->shares[0].comment, "Public files");
  EXPECT_EQ(rap_share_type_name(r->shares[0].type), "disk");
  EXPECT_EQ(r->shares[1].name, "docs");
  EXPECT_EQ(r->shares[1].comment, "Manuals and scans");
  EXPECT_EQ(r->shares[2].name, "IPC$");
  EXPECT_EQ(rap_share_type_name(r->shares[2].type), "ipc");
  EXPECT_EQ(r->shares[2].comment, "IPC Service (LAN Manager-era server)");
  expect_every_truncation_fails(msg, decode_smb1_transaction_response, "transaction response");
  // The entries need their 20 bytes each; the comments may be cut (they come after the entries).
  for (std::size_t n = 0; n < 3 * 20; ++n)
    EXPECT_FALSE(decode_rap_net_share_enum_response(t->Parameters, ByteView(t->Data).first(n))) << n;
  for (std::size_t n = 0; n < t->Parameters.size(); ++n)
    EXPECT_FALSE(decode_rap_net_share_enum_response(ByteView(t->Parameters).first(n), t->Data)) << n;
}

TEST(Smb1Rap, TheConverterMovesTheCommentsAndABadPointerGivesNone) {
  const Bytes msg = golden("rap_smb1_transaction_response_netshareenum");
  auto t = decode_smb1_transaction_response(msg);
  ASSERT_TRUE(t) << t.error;
  Bytes params = t->Parameters;
  Bytes data = t->Data;
  // Converter 0x1000 with every pointer 0x1000 higher: the same comments.
  params[2] = 0x00;
  params[3] = 0x10;
  for (std::size_t i = 0; i < 3; ++i) data[20 * i + 17] = static_cast<std::uint8_t>(data[20 * i + 17] + 0x10);
  auto moved = decode_rap_net_share_enum_response(params, data);
  ASSERT_TRUE(moved) << moved.error;
  EXPECT_EQ(moved->shares[1].comment, "Manuals and scans");
  // A pointer past the data: an empty comment, the name kept.
  data[20 + 16] = 0xFF;
  data[20 + 17] = 0x7F;
  auto bad = decode_rap_net_share_enum_response(params, data);
  ASSERT_TRUE(bad) << bad.error;
  EXPECT_EQ(bad->shares[1].name, "docs");
  EXPECT_EQ(bad->shares[1].comment, "");
}

TEST(Smb1Rap, ARefusalNeedsOnlyItsStatus) {
  const Bytes denied = H("0500");  // ERROR_ACCESS_DENIED
  auto r = decode_rap_net_share_enum_response(denied, {});
  ASSERT_TRUE(r) << r.error;
  EXPECT_FALSE(r->listed());
  EXPECT_EQ(r->status, 5);
  EXPECT_TRUE(r->shares.empty());
  EXPECT_FALSE(decode_rap_net_share_enum_response({}, {}));
}

TEST(Smb1Rap, EncodesTheRequestAsSmbclientSentIt) {
  const Bytes msg = golden("rap_smb1_transaction_request_netshareenum");
  auto h = decode_smb1_header(msg);
  ASSERT_TRUE(h) << h.error;
  // smbclient asked for level 1 into a 0xFFE0-byte buffer, with up to 1,024 parameter bytes back.
  const Bytes params = encode_rap_net_share_enum_request(1, 0xFFE0);
  EXPECT_EQ(to_hex(params), "000057724c65680042313342577a000100e0ff");
  auto enc = encode_smb1_lanman_request(*h, params, 1024, 0xFFE0);
  ASSERT_TRUE(enc) << enc.error;
  // smbclient pads the empty data block to DataOffset 114 with three more bytes; this encoder puts
  // DataOffset right after the parameters (111) and sends no padding. Everything else is the same.
  Bytes want = msg;
  const std::size_t data_offset = kSmb1HeaderSize + 1 + 2 * 12;
  const std::size_t byte_count = kSmb1HeaderSize + 1 + 2 * 14;
  ASSERT_EQ(want[data_offset], 114);
  want[data_offset] = 111;
  want[byte_count] = static_cast<std::uint8_t>(want[byte_count] - 3);
  want.resize(want.size() - 3);
  EXPECT_EQ(to_hex(*enc.value), to_hex(want));
}

}  // namespace
}  // namespace legacyscan::smb
