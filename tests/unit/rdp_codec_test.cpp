// SPDX-License-Identifier: Apache-2.0
// RDP connection start codecs against PDUs captured from the lab's xrdp 0.9.21 (scripts/lab.d/rdp;
// tests/data/rdp/*.hex say how each was captured).
#include <gtest/gtest.h>

#include "src/proto/rdp/rdp_codec.hpp"
#include "tests/unit/golden_hex.hpp"

namespace legacyscan::rdp {
namespace {

Bytes golden(const std::string& name) { return golden_hex("rdp", name); }

TEST(RdpCodec, RequestsAreTheOnesSent) {
  EXPECT_EQ(encode_connection_request(kProtocolRdp), golden("x224_request_rdp"));
  EXPECT_EQ(encode_mcs_connect_initial(kProtocolRdp, kEncryption40 | kEncryption56 | kEncryption128 | kEncryptionFips),
            golden("mcs_connect_initial"));
}

TEST(RdpCodec, NegotiationAnswers) {
  auto rdp = decode_connection_confirm(golden("x224_confirm_3389_rdp"));
  ASSERT_TRUE(rdp) << rdp.error;
  EXPECT_EQ(rdp->kind, ConnectionConfirm::Kind::response);
  EXPECT_EQ(rdp->selected_protocol, kProtocolRdp);
  auto ssl = decode_connection_confirm(golden("x224_confirm_3389_ssl"));
  ASSERT_TRUE(ssl) << ssl.error;
  EXPECT_EQ(protocol_name(ssl->selected_protocol), "PROTOCOL_SSL");
  auto failure = decode_connection_confirm(golden("x224_confirm_3393_failure"));
  ASSERT_TRUE(failure) << failure.error;
  EXPECT_EQ(failure->kind, ConnectionConfirm::Kind::failure);
  EXPECT_EQ(failure_name(failure->failure_code), "SSL_REQUIRED_BY_SERVER");
}

// xrdp.ini crypt_level: high -> HIGH with 128-bit, low -> LOW with 40-bit, fips -> FIPS.
TEST(RdpCodec, ServerSecurityData) {
  struct Case {
    const char* file;
    const char* level;
    const char* method;
  };
  for (const auto& c :
       {Case{"mcs_connect_response_3389_high", "HIGH", "128BIT"}, Case{"mcs_connect_response_3390_low", "LOW", "40BIT"},
        Case{"mcs_connect_response_3392_fips", "FIPS", "FIPS"}}) {
    SCOPED_TRACE(c.file);
    auto d = decode_mcs_connect_response(golden(c.file));
    ASSERT_TRUE(d) << d.error;
    ASSERT_TRUE(d->has_security);
    EXPECT_EQ(encryption_level_name(d->encryption_level), c.level);
    EXPECT_EQ(encryption_method_names(d->encryption_method), std::vector<std::string>{c.method});
    EXPECT_EQ(d->server_random_length, 32u);
    EXPECT_EQ(d->certificate_version, 1u);  // proprietary (rsakeys.ini)
    EXPECT_EQ(d->version, 0x00080004u);
  }
}

TEST(RdpCodec, HostilePdus) {
  auto cc = golden("x224_confirm_3389_rdp");
  EXPECT_FALSE(decode_connection_confirm(ByteView(cc).first(10)));
  auto lying = cc;
  lying[3] = 0xff;  // TPKT length past the bytes
  EXPECT_FALSE(decode_connection_confirm(lying));
  auto neg = cc;
  neg[11] = 9;  // RDP_NEG type
  EXPECT_FALSE(decode_connection_confirm(neg));
  auto mcs = golden("mcs_connect_response_3390_low");
  auto cut = mcs;  // the TPKT ends inside the server data
  cut.resize(mcs.size() - 40);
  cut[2] = static_cast<std::uint8_t>(cut.size() >> 8);
  cut[3] = static_cast<std::uint8_t>(cut.size());
  EXPECT_FALSE(decode_mcs_connect_response(cut));
  auto result = mcs;
  result[14] = 1;  // MCS result (after TPKT, X.224 and the BER header): rt-domain-merging
  EXPECT_FALSE(decode_mcs_connect_response(result));
  EXPECT_EQ(tpkt_length(Bytes{2, 0, 0, 19}), 0u);
}

TEST(RdpCodec, Names) {
  EXPECT_EQ(protocols_name(kProtocolSsl | kProtocolHybrid | kProtocolHybridEx),
            "PROTOCOL_SSL|PROTOCOL_HYBRID|PROTOCOL_HYBRID_EX");
  EXPECT_EQ(protocols_name(0), "PROTOCOL_RDP");
  EXPECT_EQ(failure_name(5), "HYBRID_REQUIRED_BY_SERVER");
  EXPECT_EQ(encryption_level_name(2), "CLIENT_COMPATIBLE");
}

}  // namespace
}  // namespace legacyscan::rdp
