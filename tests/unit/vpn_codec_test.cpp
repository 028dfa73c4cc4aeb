// SPDX-License-Identifier: Apache-2.0
// IKEv1/IKEv2 and PPTP codecs against packets captured from the lab's strongSwan 5.9.8 (charon) and
// pptpd 1.4.0 (scripts/lab.d/vpn; tests/data/vpn/*.hex say how each was captured).
#include <gtest/gtest.h>

#include <algorithm>

#include "src/proto/ike/ike_codec.hpp"
#include "src/proto/l2tp/l2tp_codec.hpp"
#include "src/proto/pptp/pptp_codec.hpp"
#include "tests/unit/golden_hex.hpp"

namespace legacyscan {
namespace {

Bytes golden(const std::string& name) { return golden_hex("vpn", name); }

bool has_notify(const ike::Message& m, std::uint16_t type) {
  return std::any_of(m.notifies.begin(), m.notifies.end(), [&](const ike::Notify& n) { return n.type == type; });
}

std::vector<std::string> vendor_names(const ike::Message& m) {
  std::vector<std::string> out;
  for (const auto& v : m.vendor_ids) out.push_back(ike::vendor_id_name(v));
  return out;
}

TEST(PptpCodec, RequestIsTheOneSentToPptpd) { EXPECT_EQ(pptp::encode_sccrq("legacyscan"), golden("pptp_sccrq")); }

TEST(PptpCodec, PptpdReply) {
  const auto bytes = golden("pptp_sccrp");
  EXPECT_EQ(pptp::message_length(bytes), pptp::kControlMessageSize);
  auto r = pptp::decode_sccrp(bytes);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->protocol_version, 0x0100);
  EXPECT_EQ(r->result_code, 1);
  EXPECT_EQ(pptp::result_code_name(r->result_code), "successful channel establishment");
  EXPECT_EQ(r->host_name, "local");  // pptpd's defaults (pptpctrl.c)
  EXPECT_EQ(r->vendor, "linux");
}

TEST(PptpCodec, LyingLengthsAndTruncationAreErrors) {
  auto bytes = golden("pptp_sccrp");
  Bytes shorter(bytes.begin(), bytes.begin() + 100);
  EXPECT_FALSE(pptp::decode_sccrp(shorter));
  auto lying = bytes;
  lying[0] = 0xff;  // Length 0xff9c
  EXPECT_FALSE(pptp::decode_sccrp(lying));
  EXPECT_EQ(pptp::message_length(lying), 0xff9cu);
  auto cookie = bytes;
  cookie[4] ^= 1;
  EXPECT_FALSE(pptp::decode_sccrp(cookie));
  auto request = golden("pptp_sccrq");  // a request is not a reply
  EXPECT_FALSE(pptp::decode_sccrp(request));
}

TEST(PptpCodec, HostNameBytesArePrintable) {
  auto bytes = golden("pptp_sccrp");
  bytes[28] = 0x01;  // first byte of the host name
  auto r = pptp::decode_sccrp(bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->host_name, "\\x01ocal");
}

// The Main Mode offer legacyscan sent, decoded and encoded again, is the same bytes.
TEST(IkeCodec, MainModeRequestRoundTrips) {
  const auto bytes = golden("ike_v1_main_mode_request");
  auto m = ike::decode_message(bytes);
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(m->major_version, 1);
  EXPECT_EQ(m->exchange, ike::kExchangeMainMode);
  ASSERT_EQ(m->v1_transforms.size(), 24u);
  EXPECT_EQ(m->vendor_ids.size(), 4u);
  ike::V1Request again{m->initiator_spi, false, m->v1_transforms, {}, true};
  EXPECT_EQ(ike::encode_v1_request(again), bytes);
}

TEST(IkeCodec, AggressiveRequestRoundTrips) {
  const auto bytes = golden("ike_v1_aggressive_request");
  auto m = ike::decode_message(bytes);
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(m->exchange, ike::kExchangeAggressive);
  ASSERT_FALSE(m->v1_transforms.empty());
  ike::V1Request again{m->initiator_spi, true, m->v1_transforms, "legacyscan.invalid", true};
  EXPECT_EQ(ike::encode_v1_request(again), bytes);
}

// swanctl.conf of the lab: proposals = 3des-sha1-modp1024,aes128-sha1-modp1024.
TEST(IkeCodec, StrongSwanMainModeResponse) {
  auto m = ike::decode_message(golden("ike_v1_main_mode_response"));
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(m->exchange, ike::kExchangeMainMode);
  ASSERT_EQ(m->v1_transforms.size(), 1u);
  const auto& t = m->v1_transforms.front();
  EXPECT_EQ(ike::v1_enc_name(t.enc, t.key_length), "3DES-CBC");
  EXPECT_EQ(ike::v1_hash_name(t.hash), "SHA1");
  EXPECT_EQ(ike::v1_auth_name(t.auth), "PSK");
  EXPECT_EQ(ike::group_name(t.group), "modp1024");
  EXPECT_EQ(t.life_seconds, 28800u);
  EXPECT_EQ(vendor_names(*m), (std::vector<std::string>{"XAUTH", "Dead Peer Detection v1.0", "RFC 3947 NAT-T"}));
}

TEST(IkeCodec, StrongSwanNoProposalChosen) {
  auto m = ike::decode_message(golden("ike_v1_no_proposal_chosen"));
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(m->exchange, ike::kExchangeInformational);
  EXPECT_TRUE(m->v1_transforms.empty());
  ASSERT_TRUE(has_notify(*m, 14));
  EXPECT_EQ(ike::notify_name(1, 14), "NO_PROPOSAL_CHOSEN");
}

TEST(IkeCodec, StrongSwanAggressiveResponse) {
  auto m = ike::decode_message(golden("ike_v1_aggressive_response"));
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(m->exchange, ike::kExchangeAggressive);
  ASSERT_EQ(m->v1_transforms.size(), 1u);
  EXPECT_NE(std::find(m->payloads.begin(), m->payloads.end(), 8), m->payloads.end());  // HASH_R
}

TEST(IkeCodec, NatTResponseNeedsTheMarker) {
  const auto bytes = golden("ike_v1_nat_t_response");
  auto m = ike::decode_message(bytes, true);
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(m->v1_transforms.size(), 1u);
  Bytes without(bytes.begin() + 4, bytes.end());
  EXPECT_FALSE(ike::decode_message(without, true));
  EXPECT_EQ(ike::with_non_esp_marker(without), bytes);
}

// swanctl.conf: aes256gcm16-prfsha384-ecp256 first.
TEST(IkeCodec, StrongSwanIkeSaInitResponse) {
  auto m = ike::decode_message(golden("ike_v2_sa_init_response"));
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(m->major_version, 2);
  EXPECT_EQ(m->exchange, ike::kExchangeIkeSaInit);
  std::vector<std::string> names;
  for (const auto& t : m->v2_transforms) names.push_back(ike::v2_transform_name(t));
  EXPECT_EQ(names, (std::vector<std::string>{"AES-256-GCM-16", "PRF-HMAC-SHA2-384", "ecp256"}));
  EXPECT_EQ(m->v2_ke_group, 19);
  EXPECT_TRUE(has_notify(*m, 16430));  // IKEV2_FRAGMENTATION_SUPPORTED
}

TEST(IkeCodec, StrongSwanInvalidKeNamesTheGroup) {
  auto m = ike::decode_message(golden("ike_v2_invalid_ke"));
  ASSERT_TRUE(m) << m.error;
  ASSERT_EQ(m->notifies.size(), 1u);
  EXPECT_EQ(m->notifies[0].type, 17);
  EXPECT_EQ(m->notifies[0].data, (Bytes{0x00, 0x0e}));  // modp2048, the other configured proposal's
}

TEST(IkeCodec, StrongSwanIkev2NoProposalChosen) {
  auto m = ike::decode_message(golden("ike_v2_no_proposal_chosen"));
  ASSERT_TRUE(m) << m.error;
  EXPECT_TRUE(has_notify(*m, 14));
  EXPECT_TRUE(m->v2_transforms.empty());
}

TEST(IkeCodec, IkeSaInitRequestAsSent) {
  const auto bytes = golden("ike_v2_sa_init_request");
  auto m = ike::decode_message(bytes);
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(m->flags, 0x08);  // initiator
  EXPECT_EQ(m->v2_ke_group, 19);
  EXPECT_TRUE(has_notify(*m, 16430));
  EXPECT_TRUE(has_notify(*m, 16406));
}

TEST(IkeCodec, CookieGoesFirst) {
  ike::V2Request r{Bytes(8, 1),
                   {{{{ike::v2::kEncr, 20, 256}, {ike::v2::kPrf, 6, 0}, {ike::v2::kDh, 19, 0}}}},
                   19,
                   Bytes{0xc0, 0x01, 0xc1, 0xe5}};
  auto m = ike::decode_message(ike::encode_v2_request(r));
  ASSERT_TRUE(m) << m.error;
  ASSERT_FALSE(m->payloads.empty());
  EXPECT_EQ(m->payloads.front(), 41);
  EXPECT_EQ(m->notifies.front().type, 16390);
  EXPECT_EQ(m->notifies.front().data, r.cookie);
}

TEST(IkeCodec, KeyExchangeDataSizes) {
  EXPECT_EQ(ike::key_exchange_data(2).size(), 128u);
  EXPECT_EQ(ike::key_exchange_data(14).size(), 256u);
  EXPECT_EQ(ike::key_exchange_data(19).size(), 64u);
  EXPECT_EQ(ike::key_exchange_data(20).size(), 96u);
  EXPECT_EQ(ike::key_exchange_data(21).size(), 132u);
  EXPECT_EQ(ike::key_exchange_data(31).size(), 32u);
  EXPECT_TRUE(ike::key_exchange_data(99).empty());
}

TEST(IkeCodec, HostileMessages) {
  auto bytes = golden("ike_v1_main_mode_response");
  Bytes header_only(bytes.begin(), bytes.begin() + 20);
  EXPECT_FALSE(ike::decode_message(header_only));
  auto longer = bytes;
  longer[27] = static_cast<std::uint8_t>(longer[27] + 1);  // header length one past the datagram
  EXPECT_FALSE(ike::decode_message(longer));
  auto version = bytes;
  version[17] = 0x30;
  EXPECT_FALSE(ike::decode_message(version));
  auto payload = bytes;
  payload[30] = 0xff;  // SA payload length far past the end
  EXPECT_FALSE(ike::decode_message(payload));
}

// A notify flood: a thousand notifies in one message keep only the first 64.
TEST(IkeCodec, NotifyFloodIsBounded) {
  Writer w;
  w.bytes(Bytes(8, 1));
  w.zeros(8);
  w.u8(41);
  w.u8(0x20);
  w.u8(ike::kExchangeIkeSaInit);
  w.u8(0x20);
  w.u32be(0);
  auto len = w.reserve_u32be();
  for (int i = 0; i < 1000; ++i) {
    w.u8(i + 1 < 1000 ? 41 : 0);
    w.u8(0);
    w.u16be(8);
    w.u8(0);
    w.u8(0);
    w.u16be(14);
  }
  w.patch(len, w.size());
  auto m = ike::decode_message(w.view());
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(m->notifies.size(), 64u);
  EXPECT_EQ(m->payloads.size(), 64u);
}

TEST(IkeCodec, Names) {
  EXPECT_EQ(ike::v1_enc_name(ike::v1::kEncAes, 256), "AES-256-CBC");
  EXPECT_EQ(ike::v1_enc_name(ike::v1::kEncDes, 0), "DES-CBC");
  EXPECT_EQ(ike::v1_hash_name(ike::v1::kHashMd5), "MD5");
  EXPECT_EQ(ike::group_name(1), "modp768");
  EXPECT_EQ(ike::group_name(99), "group-99");
  Bytes win7;
  ASSERT_TRUE(from_hex("1e2b516905991c7d7c96fcbfb587e46100000008", win7));
  EXPECT_EQ(ike::vendor_id_name(win7), "Microsoft Windows 7/Server 2008 R2");
}

// The SCCRQ legacyscan sent (tunnel id 0xdcb3) and xl2tpd's SCCRP (hostname = vpn.lab.test in the lab's
// xl2tpd.conf; xl2tpd's own vendor name and firmware revision 0x0690).
TEST(L2tpCodec, RequestAndXl2tpdReply) {
  EXPECT_EQ(l2tp::encode_sccrq("legacyscan", 0xdcb3), golden("l2tp_sccrq"));
  auto m = l2tp::decode_control_message(golden("l2tp_sccrp"));
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(m->tunnel_id, 0xdcb3);
  EXPECT_EQ(l2tp::message_type_name(m->message_type), "SCCRP");
  EXPECT_EQ(m->protocol_version, 0x0100);
  EXPECT_EQ(m->host_name, "vpn.lab.test");
  EXPECT_EQ(m->vendor, "xelerance.com");
  EXPECT_EQ(m->firmware_revision, 0x0690);
  EXPECT_FALSE(m->challenge);
  EXPECT_NE(m->assigned_tunnel_id, 0);
  auto request = l2tp::decode_control_message(golden("l2tp_sccrq"));
  ASSERT_TRUE(request) << request.error;
  EXPECT_EQ(request->assigned_tunnel_id, 0xdcb3);
}

TEST(L2tpCodec, ZlbAndHostileMessages) {
  auto reply = golden("l2tp_sccrp");
  Bytes zlb(reply.begin(), reply.begin() + 12);
  zlb[3] = 12;  // length: header only
  auto z = l2tp::decode_control_message(zlb);
  ASSERT_TRUE(z) << z.error;
  EXPECT_TRUE(z->zlb);
  auto lying = reply;
  lying[3] = 0xff;  // length past the datagram
  EXPECT_FALSE(l2tp::decode_control_message(lying));
  auto avp = reply;
  avp[13] = 0xff;  // first AVP's length past the message
  EXPECT_FALSE(l2tp::decode_control_message(avp));
  auto data = reply;
  data[0] = 0x40;  // a data message (T clear)
  EXPECT_FALSE(l2tp::decode_control_message(data));
}

}  // namespace
}  // namespace legacyscan
