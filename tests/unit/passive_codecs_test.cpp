// SPDX-License-Identifier: Apache-2.0
// The request-side decoders of passive mode and the TCP reassembly, on bytes cut from the lab
// captures (tests/data/pcap) and on spec layouts, including reordered and truncated input.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "src/passive/packet.hpp"
#include "src/passive/passive.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_kdc_req.hpp"
#include "src/proto/ldap/ldap_request.hpp"
#include "src/proto/smb1/smb1_legacy_session_setup.hpp"
#include "src/proto/tls/tls_client_hello.hpp"

namespace legacyscan::passive {
namespace {

const std::string kDir = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/pcap/";

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The records of a classic little-endian pcap file (header excluded).
std::vector<std::string> records(const std::string& file) {
  std::vector<std::string> out;
  std::size_t off = 24;
  while (off + 16 <= file.size()) {
    const auto* h = reinterpret_cast<const std::uint8_t*>(file.data() + off);
    const std::size_t caplen = h[8] | (h[9] << 8) | (h[10] << 16) | (static_cast<std::size_t>(h[11]) << 24);
    out.push_back(file.substr(off, 16 + caplen));
    off += 16 + caplen;
  }
  return out;
}

ByteView frame_of(const std::string& record) { return as_bytes(record).subspan(16); }

TEST(PassiveCodecs, EthernetLoopbackFrameFromTheLab) {
  const auto recs = records(slurp(kDir + "smb3.pcap"));
  ASSERT_GT(recs.size(), 3u);
  auto p = decode_packet(kLinkEthernet, frame_of(recs[0]));  // the SYN
  ASSERT_TRUE(p) << p.error;
  EXPECT_EQ(p->transport, Transport::tcp);
  EXPECT_EQ(address_string(p->src, p->ipv6), "127.0.0.1");
  EXPECT_EQ(p->dst_port, 445);
  EXPECT_TRUE(p->tcp_flags & kTcpSyn);
  // The same IP packet under the other link types.
  const ByteView ip = frame_of(recs[0]).subspan(14);
  Bytes sll2(20, 0);
  sll2[0] = 0x08;  // protocol type 0x0800, then 18 bytes of interface/hatype/address
  sll2.insert(sll2.end(), ip.begin(), ip.end());
  auto q = decode_packet(kLinkLinuxSll2, sll2);
  ASSERT_TRUE(q) << q.error;
  EXPECT_EQ(q->dst_port, 445);
  Bytes vlan(frame_of(recs[0]).begin(), frame_of(recs[0]).begin() + 12);
  for (std::uint8_t b : {0x81, 0x00, 0x00, 0x05, 0x08, 0x00}) vlan.push_back(b);
  vlan.insert(vlan.end(), ip.begin(), ip.end());
  auto v = decode_packet(kLinkEthernet, vlan);
  ASSERT_TRUE(v) << v.error;
  EXPECT_EQ(v->seq, p->seq);
  EXPECT_TRUE(decode_packet(kLinkRaw, ip));
  EXPECT_FALSE(decode_packet(kLinkEthernet, frame_of(recs[0]).first(20)));
  EXPECT_FALSE(decode_packet(147, ip));  // an unknown link type says so
}

TEST(PassiveCodecs, Ipv6UdpAndAddressText) {
  Bytes pkt = {0x60, 0, 0, 0, 0, 12, 17, 64};
  Bytes src(16, 0), dst(16, 0);
  src[0] = 0xfd, src[15] = 5, dst[15] = 1;
  pkt.insert(pkt.end(), src.begin(), src.end());
  pkt.insert(pkt.end(), dst.begin(), dst.end());
  for (std::uint8_t b : {0xc0, 0x00, 0x00, 0x58, 0x00, 0x0c, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64}) pkt.push_back(b);
  auto p = decode_packet(kLinkRaw, pkt);
  ASSERT_TRUE(p) << p.error;
  EXPECT_TRUE(p->ipv6);
  EXPECT_EQ(p->transport, Transport::udp);
  EXPECT_EQ(p->dst_port, 88);
  EXPECT_EQ(p->payload.size(), 4u);
  EXPECT_EQ(address_string(p->src, true), "fd00::5");
  EXPECT_EQ(address_string(p->dst, true), "::1");
}

TEST(PassiveCodecs, ClientHelloFromTheLabAndGrease) {
  const std::string seed =
      slurp(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/fuzz/corpus/fuzz_passive_client_hello/tls12_client_hello");
  ASSERT_GT(seed.size(), 40u);
  auto h = tls::decode_client_hello(as_bytes(seed).subspan(1));
  ASSERT_TRUE(h) << h.error;
  EXPECT_EQ(h->legacy_version, 0x0303);
  ASSERT_TRUE(h->server_name);
  EXPECT_FALSE(h->cipher_suites.empty());
  // Every prefix fails cleanly (or decodes a hello without extensions).
  for (std::size_t n = 0; n + 1 < seed.size(); n += 7) (void)tls::decode_client_hello(as_bytes(seed).subspan(1, n));
  // GREASE values (RFC 8701) are left out of supported_versions.
  Bytes body = {0x03, 0x03};
  body.insert(body.end(), 32, 0);
  for (std::uint8_t b : {0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00, 0x00, 0x0b, 0x00,
                         0x2b, 0x00, 0x07, 0x06, 0x3a, 0x3a, 0x03, 0x04, 0x03, 0x03})
    body.push_back(b);
  auto g = tls::decode_client_hello(body);
  ASSERT_TRUE(g) << g.error;
  ASSERT_TRUE(g->supported_versions);
  EXPECT_EQ(*g->supported_versions, (std::vector<std::uint16_t>{0x0304, 0x0303}));
  EXPECT_EQ(g->offered_versions().front(), 0x0304);
  const std::string v2 =
      slurp(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/fuzz/corpus/fuzz_passive_client_hello/sslv2_compatible");
  auto s = tls::decode_ssl2_client_hello(as_bytes(v2).subspan(1));
  ASSERT_TRUE(s) << s.error;
  EXPECT_TRUE(s->ssl2_format);
  EXPECT_EQ(s->legacy_version, 0x0301);
  EXPECT_EQ(s->cipher_suites.size(), 3u);
}

TEST(PassiveCodecs, Smb1LegacyVersionFromPasswordLengths) {
  const std::string legacy = slurp(std::string(LEGACYSCAN_SOURCE_DIR) +
                                   "/tests/fuzz/corpus/fuzz_passive_smb1_session_setup/nt_lm_0_12_ntlmv1");
  auto s = smb::decode_smb1_legacy_session_setup(as_bytes(legacy));
  ASSERT_TRUE(s) << s.error;
  EXPECT_EQ(s->version(), "NTLMv1");
  EXPECT_EQ(s->account, "USER");
  EXPECT_EQ(s->domain, "DOM");
}

TEST(PassiveCodecs, KerberosRequestsAndRepliesFromTheLab) {
  const std::string dir = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/fuzz/corpus/fuzz_passive_kerberos/";
  auto q = kerberos::decode_kdc_req(as_bytes(slurp(dir + "kinit-rc4_0_req")));
  ASSERT_TRUE(q) << q.error;
  EXPECT_EQ(q->msg_type, kerberos::KRB_AS_REQ);
  EXPECT_EQ(q->etypes, (std::vector<std::int32_t>{23}));
  EXPECT_EQ(q->sname.rfind("krbtgt/", 0), 0u);
  auto p = kerberos::decode_kdc_rep(as_bytes(slurp(dir + "kinit-aes_1_rep")));
  ASSERT_TRUE(p) << p.error;
  EXPECT_EQ(p->ticket_enc_part.etype, 18);
  EXPECT_EQ(p->enc_part.etype, 18);
  EXPECT_FALSE(kerberos::decode_kdc_req(as_bytes(slurp(dir + "kinit-aes_1_rep"))));  // a reply is not a request
}

TEST(PassiveCodecs, LdapRequests) {
  const std::string dir = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/fuzz/corpus/fuzz_passive_ldap_request/";
  auto b = ldap::decode_ldap_request(as_bytes(slurp(dir + "ldap-simple_0")));
  ASSERT_TRUE(b) << b.error;
  EXPECT_EQ(b->op, ldap::LdapRequest::Op::bind);
  EXPECT_TRUE(b->simple);
  EXPECT_FALSE(b->simple_password_empty);
  EXPECT_EQ(b->bind_dn.rfind("CN=", 0), 0u);
  auto c = ldap::decode_ldap_request(as_bytes(slurp(dir + "cldap_0")));
  ASSERT_TRUE(c) << c.error;
  EXPECT_EQ(c->op, ldap::LdapRequest::Op::search);
  ASSERT_TRUE(c->ntver);
}

// Reassembly: the captured SMB3 session with two data segments swapped, and with one duplicated,
// gives the same facts as the original; a missing segment makes the flow partial.
TEST(PassiveReassembly, OutOfOrderAndRetransmittedSegments) {
  const std::string file = slurp(kDir + "smb3.pcap");
  auto recs = records(file);
  auto run = [&](const std::vector<std::string>& rs) {
    std::string data = file.substr(0, 24);
    for (const auto& r : rs) data += r;
    Analyzer a;
    EXPECT_EQ(read_capture_buffer(as_bytes(data), a), "");
    return a.finish();
  };
  const Report base = run(recs);
  ASSERT_EQ(base.clients.size(), 1u);
  const SmbFacts& want = *base.clients.begin()->second.smb;
  // Find two consecutive client->server data segments and swap them.
  std::vector<std::size_t> client_data;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    auto p = decode_packet(kLinkEthernet, frame_of(recs[i]));
    if (p && p->dst_port == 445 && !p->payload.empty()) client_data.push_back(i);
  }
  ASSERT_GE(client_data.size(), 3u);
  auto swapped = recs;
  std::swap(swapped[client_data[1]], swapped[client_data[2]]);
  swapped.insert(swapped.begin() + static_cast<std::ptrdiff_t>(client_data[1]),
                 recs[client_data[0]]);  // a retransmission
  const Report r = run(swapped);
  ASSERT_EQ(r.clients.size(), 1u);
  const SmbFacts& got = *r.clients.begin()->second.smb;
  EXPECT_EQ(got.dialects_offered.values.size(), want.dialects_offered.values.size());
  EXPECT_EQ(got.negotiated.values.begin()->first, want.negotiated.values.begin()->first);
  EXPECT_EQ(got.signed_sessions.count, want.signed_sessions.count);
  EXPECT_EQ(got.auth.values.begin()->first, want.auth.values.begin()->first);
  EXPECT_EQ(r.source.partial_flows, 0u);
  auto missing = recs;
  missing.erase(missing.begin() + static_cast<std::ptrdiff_t>(client_data[1]));
  EXPECT_EQ(run(missing).source.partial_flows, 1u);
}

TEST(PassiveReassembly, FlowTableIsBounded) {
  // With room for 2 flows the oldest are evicted; every flow is still counted and decoded.
  Analyzer unbounded;
  ASSERT_EQ(read_capture_files({kDir + "combined.pcap"}, unbounded), "");
  const Report all = unbounded.finish();
  ASSERT_GT(all.source.tcp_flows, 2u);
  Limits l;
  l.max_flows = 2;
  Analyzer a(l);
  ASSERT_EQ(read_capture_files({kDir + "combined.pcap"}, a), "");
  EXPECT_LE(a.open_flows(), 2u);
  const Report r = a.finish();
  EXPECT_LE(r.source.peak_flows, 2u);
  EXPECT_EQ(r.source.tcp_flows, all.source.tcp_flows);
  EXPECT_EQ(r.clients.size(), all.clients.size());
}

}  // namespace
}  // namespace legacyscan::passive
