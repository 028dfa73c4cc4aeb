// SPDX-License-Identifier: Apache-2.0
// NetBIOS session service (RFC 1001/1002) and the port-445 framing: golden bytes from the RFC and from
// smbclient against the lab's ls-legacy DC on port 139.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "src/proto/nbss/nbss.hpp"
#include "tests/unit/smb_golden.hpp"

namespace legacyscan::smb {
namespace {

TEST(NbssName, Rfc1001FirstLevelEncodingExample) {
  // RFC 1001 14.1: "FRED" -> EGFCEFEECACACACACACACACACACACACA (space padding, suffix 0x20).
  auto e = netbios_first_level_encode({"FRED", 0x20});
  ASSERT_TRUE(e) << e.error;
  EXPECT_EQ(*e, "EGFCEFEECACACACACACACACACACACACA");
  auto d = netbios_first_level_decode(*e);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->name, "FRED");
  EXPECT_EQ(d->suffix, 0x20);

  auto star = netbios_first_level_encode({"*SMBSERVER", 0x20});
  ASSERT_TRUE(star);
  EXPECT_EQ(*star, "CKFDENECFDEFFCFGEFFCCACACACACACA");
  auto suffix = netbios_first_level_encode({"DC1", 0x00});
  ASSERT_TRUE(suffix);
  EXPECT_EQ(suffix->substr(30), "AA");
}

TEST(NbssName, RejectsBadNames) {
  EXPECT_FALSE(netbios_first_level_encode({"SIXTEENCHARSLONG", 0x20}));
  EXPECT_TRUE(netbios_first_level_encode({"FIFTEENCHARSLON", 0x20}));
  EXPECT_FALSE(netbios_first_level_decode("EGFC"));
  EXPECT_FALSE(netbios_first_level_decode("EGFCEFEECACACACACACACACACACACACQ")) << "'Q' is outside A..P";
  EXPECT_FALSE(netbios_first_level_decode("egfcefeecacacacacacacacacacacaca"));
}

TEST(NbssSessionRequest, EncoderReproducesSmbclientBytes) {
  const Bytes real = golden("legacy_nbss_session_request");
  auto decoded = decode_session_request(real);
  ASSERT_TRUE(decoded) << decoded.error;
  EXPECT_EQ(decoded->called.name, "127.0.0.1") << "smbclient calls the name it was given first";
  EXPECT_EQ(decoded->called.suffix, 0x20);
  EXPECT_FALSE(decoded->calling.name.empty());
  auto encoded = encode_session_request(decoded->called, decoded->calling);
  ASSERT_TRUE(encoded) << encoded.error;
  EXPECT_EQ(to_hex(*encoded), to_hex(real));
  EXPECT_EQ(encoded->size(), 72u);
}

TEST(NbssSessionRequest, EncodesByteForByte) {
  auto encoded = encode_session_request({"*SMBSERVER", 0x20}, {"LEGACYSCAN", 0x00});
  ASSERT_TRUE(encoded);
  EXPECT_EQ(to_hex(*encoded),
            "81000044"
            "20"
            "434b4644454e4543464445464643464745464643434143414341434143414341"
            "00"
            "20"
            "454d4546454845424544464a464445444542454f434143414341434143414141"
            "00");
  EXPECT_FALSE(encode_session_request({"THIS NAME IS TOO LONG", 0x20}, {"X", 0}));
}

TEST(NbssSessionRequest, EveryTruncationFails) {
  const Bytes real = golden("legacy_nbss_session_request");
  for (std::size_t n = 0; n < real.size(); ++n) {
    auto d = decode_session_request(ByteView(real).first(n));
    EXPECT_FALSE(d) << n;
    EXPECT_FALSE(d.error.empty());
  }
}

TEST(NbssSessionPacket, PositiveResponseFromLab) {
  const Bytes real = golden("legacy_nbss_positive_response");
  auto p = decode_session_packet(real);
  ASSERT_TRUE(p) << p.error;
  EXPECT_EQ(p->type, 0x82);
  EXPECT_EQ(p->type_name, "POSITIVE SESSION RESPONSE");
  EXPECT_EQ(p->length, 0u);
  for (std::size_t n = 0; n < real.size(); ++n) EXPECT_FALSE(decode_session_packet(ByteView(real).first(n)));
}

TEST(NbssSessionPacket, NegativeResponsesAreNamed) {
  const std::pair<const char*, const char*> cases[] = {
      {"8300000180", "Not listening on called name"},
      {"8300000181", "Not listening for calling name"},
      {"8300000182", "Called name not present"},
      {"8300000183", "Called name present, but insufficient resources"},
      {"830000018f", "Unspecified error"},
  };
  for (const auto& [hex, name] : cases) {
    auto p = decode_session_packet(H(hex));
    ASSERT_TRUE(p) << p.error;
    EXPECT_EQ(p->type_name, "NEGATIVE SESSION RESPONSE");
    ASSERT_TRUE(p->error_code);
    EXPECT_EQ(p->error_name, name);
  }
  EXPECT_FALSE(decode_session_packet(H("83000000"))) << "no error code";
  EXPECT_FALSE(decode_session_packet(H("830000028000"))) << "LENGTH 2";
}

TEST(NbssSessionPacket, RetargetKeepaliveAndGarbage) {
  auto r = decode_session_packet(H("840000067f000001008b"));
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->retarget_address(), "127.0.0.1:139");
  auto k = decode_session_packet(H("85000000"));
  ASSERT_TRUE(k) << k.error;
  EXPECT_EQ(k->type_name, "SESSION KEEP ALIVE");
  auto m = decode_session_packet(H("00000003ff5342"));
  ASSERT_TRUE(m) << m.error;
  EXPECT_EQ(to_hex(m->trailer), "ff5342");

  EXPECT_FALSE(decode_session_packet(H("84000005000000000000")));
  EXPECT_FALSE(decode_session_packet(H("85000001ff"))) << "keepalive with a trailer";
  EXPECT_FALSE(decode_session_packet(H("48545450"))) << "'HTTP'";
  EXPECT_FALSE(decode_session_packet(H("00020000"))) << "reserved FLAGS bit";
  EXPECT_FALSE(decode_session_packet(H("0000000100ff"))) << "bytes after the packet";
}

TEST(NbssFraming, DirectTcp445) {
  auto need = check_frame(H(""), Transport::DirectTcp445);
  EXPECT_EQ(need.kind, FrameCheck::Kind::NeedMore);
  EXPECT_EQ(need.need, 4u);
  need = check_frame(H("0000"), Transport::DirectTcp445);
  EXPECT_EQ(need.kind, FrameCheck::Kind::NeedMore);
  EXPECT_EQ(need.need, 2u);
  need = check_frame(H("00000005fe53"), Transport::DirectTcp445);
  EXPECT_EQ(need.kind, FrameCheck::Kind::NeedMore);
  EXPECT_EQ(need.need, 3u);
  auto done = check_frame(H("00000002fe53"
                            "0000"),
                          Transport::DirectTcp445);
  EXPECT_EQ(done.kind, FrameCheck::Kind::Complete);
  EXPECT_EQ(done.payload_length, 2u);
  EXPECT_EQ(done.frame_length, 6u) << "the next frame's bytes are not part of this one";
  auto big = check_frame(H("00100001"), Transport::DirectTcp445);
  EXPECT_EQ(big.kind, FrameCheck::Kind::Malformed);
  EXPECT_NE(big.error.find("exceeds the limit"), std::string::npos);
  auto ok_big = check_frame(H("00100000"), Transport::DirectTcp445);
  EXPECT_EQ(ok_big.kind, FrameCheck::Kind::NeedMore) << "exactly 1 MiB is allowed";
  auto garbage = check_frame(H("48"), Transport::DirectTcp445);
  EXPECT_EQ(garbage.kind, FrameCheck::Kind::Malformed) << "first byte of 'HTTP/1.1' is enough";
  EXPECT_EQ(check_frame(H("00ffffff"), Transport::DirectTcp445, 0xffffff).kind, FrameCheck::Kind::NeedMore);
}

TEST(NbssFraming, NetbiosSession139) {
  auto keepalive = check_frame(H("85000000"), Transport::NetbiosSession139);
  EXPECT_EQ(keepalive.kind, FrameCheck::Kind::Complete);
  EXPECT_EQ(keepalive.type, 0x85);
  EXPECT_EQ(keepalive.frame_length, 4u);
  auto extended = check_frame(H("00010000"), Transport::NetbiosSession139);
  EXPECT_EQ(extended.kind, FrameCheck::Kind::NeedMore);
  EXPECT_EQ(extended.need, 65536u) << "E bit adds 65536";
  EXPECT_EQ(check_frame(H("00020000"), Transport::NetbiosSession139).kind, FrameCheck::Kind::Malformed);
  EXPECT_EQ(check_frame(H("47"), Transport::NetbiosSession139).kind, FrameCheck::Kind::Malformed);
  EXPECT_EQ(check_frame(H("00010000"), Transport::NetbiosSession139, 1000).kind, FrameCheck::Kind::Malformed);
  const Bytes positive = golden("legacy_nbss_positive_response");
  auto p = check_frame(positive, Transport::NetbiosSession139);
  EXPECT_EQ(p.kind, FrameCheck::Kind::Complete);
  EXPECT_EQ(p.type, 0x82);
}

TEST(NbssFraming, FrameMessageWritesBothHeaders) {
  const Bytes msg = H("ff534d42");
  auto direct = frame_message(msg, Transport::DirectTcp445);
  ASSERT_TRUE(direct);
  EXPECT_EQ(to_hex(*direct), "00000004ff534d42");
  auto nbss = frame_message(msg, Transport::NetbiosSession139);
  ASSERT_TRUE(nbss);
  EXPECT_EQ(to_hex(*nbss), "00000004ff534d42");
  const Bytes big(70000, 0xAB);
  auto big_nbss = frame_message(big, Transport::NetbiosSession139);
  ASSERT_TRUE(big_nbss);
  EXPECT_EQ(to_hex(ByteView(*big_nbss).first(4)), "00011170") << "70000 = 0x11170: E bit + 0x1170";
  auto check = check_frame(*big_nbss, Transport::NetbiosSession139);
  EXPECT_EQ(check.kind, FrameCheck::Kind::Complete);
  EXPECT_EQ(check.payload_length, 70000u);
  EXPECT_FALSE(frame_message(Bytes(0x20000, 0), Transport::NetbiosSession139));
  EXPECT_TRUE(frame_message(Bytes(0x1ffff, 0), Transport::NetbiosSession139));
}

}  // namespace
}  // namespace legacyscan::smb
