// SPDX-License-Identifier: Apache-2.0
// Passive mode on remote-access traffic captured from the lab: ike-scan (Main Mode, Aggressive Mode,
// IKEv2) and legacyscan's PPTP request against the "vpn" scenario's charon and pptpd (vpn.pcap, the
// Aggressive Mode answer with its PSK hash removed), openssl s_client -dtls1 / -dtls1_2 against the
// "dtls" scenario (dtls.pcap), and legacyscan's rdp probe against xrdp on 3389 (rdp-standard.pcap).
// Every expectation comes from tshark's decoding of the same file.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <tuple>

#include "src/passive/passive.hpp"
#include "tests/unit/passive_capture_support.hpp"

namespace legacyscan::passive {
namespace {

using testing::kPcapDir;
using testing::read_binary;
using testing::tshark_fields;

const Client& lab_client(const Report& r) {
  static const Client none;
  const auto it = r.clients.find("127.0.0.1");
  if (it == r.clients.end()) {
    ADD_FAILURE() << "no client 127.0.0.1";
    return none;
  }
  return it->second;
}

Report analyze(const std::string& file) {
  Analyzer a;
  EXPECT_EQ(read_capture_buffer(as_bytes(read_binary(kPcapDir + file)), a), "");
  return a.finish();
}

std::uint64_t total(const Tally& t) {
  std::uint64_t n = 0;
  for (const auto& [k, v] : t.values) n += v.count;
  return n;
}

const Finding* finding(const std::vector<Finding>& fs, const std::string& id) {
  for (const auto& f : fs)
    if (f.id == id) return &f;
  return nullptr;
}
// The result points into the vector: it must outlive the pointer.
const Finding* finding(std::vector<Finding>&&, const std::string&) = delete;

TEST(PassiveRemote, IkeAndPptpAsTsharkReadsThem) {
  const std::string file = kPcapDir + "vpn.pcap";
  const auto report = analyze("vpn.pcap");
  const Client& c = lab_client(report);
  ASSERT_TRUE(c.remote.has_value());
  const RemoteFacts& v = *c.remote;
  // The initiators' first messages: responder SPI still zero (IKEv1), or IKE_SA_INIT requests.
  std::uint64_t main_mode = 0, aggressive = 0;
  std::set<std::tuple<std::string, std::string, std::string, std::string>> offered;
  for (const auto& row :
       tshark_fields(file, "isakmp.rspi == 00:00:00:00:00:00:00:00 && isakmp.version == 0x10",
                     {"isakmp.exchangetype", "isakmp.ike.attr.encryption_algorithm", "isakmp.ike.attr.hash_algorithm",
                      "isakmp.ike.attr.authentication_method", "isakmp.ike.attr.group_description"})) {
    if (row[0] == "2") ++main_mode;
    if (row[0] == "4") ++aggressive;
    std::vector<std::vector<std::string>> cols(4);
    for (std::size_t i = 0; i < 4; ++i) {
      std::stringstream ss(row[i + 1]);
      for (std::string x; std::getline(ss, x, ',');) cols[i].push_back(x);
    }
    for (std::size_t t = 0; t < cols[0].size(); ++t) offered.emplace(cols[0][t], cols[1][t], cols[2][t], cols[3][t]);
  }
  EXPECT_EQ(v.ike_v1_main_mode.count, main_mode);
  EXPECT_EQ(v.ike_v1_aggressive.count, aggressive);
  ASSERT_GT(offered.size(), 1u);
  EXPECT_EQ(v.ike_v1_proposals.values.size(), offered.size());
  EXPECT_EQ(v.ike_v2_sa_init.count,
            tshark_fields(file, "isakmp.exchangetype == 34 && isakmp.flag_r == 0", {"frame.number"}).size());
  const auto sccrq = tshark_fields(file, "pptp.control_message_type == 1", {"ip.dst", "tcp.dstport"});
  EXPECT_EQ(v.pptp.count, sccrq.size());
  ASSERT_FALSE(sccrq.empty());
  // Each finding names the servers of its own protocol only.
  EXPECT_EQ(v.pptp_servers.values.size(), 1u);
  EXPECT_TRUE(v.pptp_servers.has(sccrq[0][0] + ":" + sccrq[0][1]));
  const auto fs = findings(c);
  for (const char* id : {"pptp", "ike-aggressive", "ike-v1"}) EXPECT_NE(finding(fs, id), nullptr) << id;
  // Most serious first: PPTP before Aggressive Mode before Main Mode.
  EXPECT_EQ(fs.front().id, "pptp");
}

TEST(PassiveRemote, DtlsVersionsAsTsharkReadsThem) {
  const std::string file = kPcapDir + "dtls.pcap";
  const auto report = analyze("dtls.pcap");
  const Client& c = lab_client(report);
  ASSERT_TRUE(c.remote.has_value());
  const RemoteFacts& v = *c.remote;
  const auto hellos = tshark_fields(file, "dtls.handshake.type == 1", {"dtls.handshake.version"});
  const auto servers = tshark_fields(file, "dtls.handshake.type == 2", {"dtls.handshake.version"});
  EXPECT_EQ(v.dtls_client_hellos.count, hellos.size());
  EXPECT_EQ(total(v.dtls_max_version_offered), hellos.size());
  std::uint64_t dtls10 = 0;
  for (const auto& row : servers) dtls10 += row[0].rfind("0xfeff", 0) == 0;
  ASSERT_GT(dtls10, 0u);
  EXPECT_EQ(v.dtls_negotiated.count("dtls1.0"), dtls10);
  EXPECT_EQ(total(v.dtls_negotiated), servers.size());
  const auto all = findings(c);
  const auto* f = finding(all, "dtls1.0");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->count, dtls10);
}

TEST(PassiveRemote, RdpStandardSecurityAsTsharkReadsIt) {
  const std::string file = kPcapDir + "rdp-standard.pcap";
  const auto report = analyze("rdp-standard.pcap");
  const Client& c = lab_client(report);
  const auto standard = tshark_fields(file, "rdp.neg_type == 0x02 && rdp.negReq.selectedProtocol == 0", {"tcp.stream"});
  ASSERT_GT(standard.size(), 0u);
  ASSERT_TRUE(c.remote.has_value());
  EXPECT_EQ(c.remote->rdp_standard_security.count, standard.size());
  const auto all = findings(c);
  const auto* f = finding(all, "rdp-standard-security");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->count, standard.size());
}

}  // namespace
}  // namespace legacyscan::passive
