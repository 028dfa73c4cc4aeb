// SPDX-License-Identifier: Apache-2.0
// The vpn probe against real Debian daemons in the lab's "vpn" scenario (scripts/lab.d/vpn, namespace
// ls-vpn): strongSwan's charon (a legacy IKEv1 responder with Aggressive Mode and NAT-T, and a hardened
// IKEv2 one) and pptpd. Expectations come from the daemons' own files (swanctl.conf, strongswan.conf,
// pptpd.conf) and from ike-scan, which is asked about every IKEv1 transform legacyscan offers, one at a
// time: the transforms legacyscan reports are exactly those ike-scan gets a handshake for.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

#include "lab_support.hpp"
#include "src/proto/ike/ike_codec.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

std::string vpn_dir() {
  const char* d = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(d && *d ? d : "/var/tmp/legacyscan-lab") + "/vpn";
}

// The proposals of one connection of swanctl.conf: "3des-sha1-modp1024,aes128-sha1-modp1024".
std::vector<std::vector<std::string>> swanctl_proposals(const std::string& connection) {
  const std::string conf = slurp(vpn_dir() + "/strongswan/swanctl.conf");
  const auto at = conf.find("  " + connection + " {");
  EXPECT_NE(at, std::string::npos) << connection << " not in swanctl.conf";
  std::smatch m;
  const std::string rest = conf.substr(at == std::string::npos ? 0 : at);
  EXPECT_TRUE(std::regex_search(rest, m, std::regex("\\n\\s*proposals = ([^\\n]+)")));
  std::vector<std::vector<std::string>> out;
  std::istringstream list(m[1].str());
  for (std::string p; std::getline(list, p, ',');) {
    std::vector<std::string> words;
    std::istringstream in(p);
    for (std::string w; std::getline(in, w, '-');) words.push_back(w);
    out.push_back(words);
  }
  return out;
}

// strongSwan's proposal keywords (strongSwan docs, "IKEv2 Cipher Suites") in legacyscan's names.
std::string keyword(const std::string& w) {
  static const std::map<std::string, std::string> names = {{"des", "DES-CBC"},
                                                           {"3des", "3DES-CBC"},
                                                           {"aes128", "AES-128-CBC"},
                                                           {"aes192", "AES-192-CBC"},
                                                           {"aes256", "AES-256-CBC"},
                                                           {"md5", "MD5"},
                                                           {"sha1", "SHA1"},
                                                           {"sha256", "SHA2-256"},
                                                           {"sha384", "SHA2-384"},
                                                           {"sha512", "SHA2-512"},
                                                           {"aes128gcm16", "AES-128-GCM-16"},
                                                           {"aes256gcm16", "AES-256-GCM-16"},
                                                           {"prfsha256", "PRF-HMAC-SHA2-256"},
                                                           {"prfsha384", "PRF-HMAC-SHA2-384"}};
  if (auto it = names.find(w); it != names.end()) return it->second;
  return w;  // group names are the same in both: modp1024, ecp256
}

std::set<std::string> strings_of(const json& a) {
  std::set<std::string> out;
  for (const auto& s : a) out.insert(s.get<std::string>());
  return out;
}

class IntegrationVpn : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto st = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab status vpn");
    ASSERT_EQ(st.exit_code, 0) << "the vpn scenario is not up (scripts/lab up vpn): " << st.out << st.err;
    doc_ = scan_json("vpn", {"127.0.0.1", "--probes", "vpn", "--no-ping", "--timeout", "2s"});
    vpn_ = doc_["hosts"][0]["probes"]["vpn"];
  }
  static json doc_, vpn_;
};
json IntegrationVpn::doc_;
json IntegrationVpn::vpn_;

TEST_F(IntegrationVpn, PptpAnswersAndIsBad) {
  ASSERT_NE(slurp(vpn_dir() + "/pptpd/pptpd.conf").find("listen 127.0.0.1"), std::string::npos);
  const auto& p = vpn_["pptp"];
  ASSERT_EQ(p["status"], "ok") << p.dump();
  EXPECT_EQ(p["protocol_version"], "1.0");
  EXPECT_EQ(p["result_code"], 1);
  bool bad = false;
  for (const auto& f : doc_["hosts"][0]["findings"])
    if (f["check"] == "vpn.pptp") bad = f["verdict"] == "bad";
  EXPECT_TRUE(bad);
}

// Every transform legacyscan offers, asked of the responder one at a time by ike-scan.
TEST_F(IntegrationVpn, IkeV1TransformsAgreeWithIkeScan) {
  const auto& v1 = vpn_["ike"]["v1"];
  ASSERT_EQ(v1["status"], "ok") << v1.dump();
  std::set<std::string> ours;
  for (const auto& t : v1["transforms"])
    ours.insert(t["enc"].get<std::string>() + "/" + t["hash"].get<std::string>() + "/" + t["auth"].get<std::string>() +
                "/" + t["group"].get<std::string>());
  std::string list;
  for (const char* enc : {"1", "5", "7/128", "7/192", "7/256"})
    for (const char* hash : {"1", "2", "4", "5", "6"})
      for (const char* auth : {"1", "3"})
        for (const char* group : {"1", "2", "5", "14", "15", "16", "19", "20", "21"})
          list += std::string(enc) + "," + hash + "," + auth + "," + group + "\n";
  const std::string script = "printf '" + list +
                             "' | xargs -P 8 -I{} sh -c 'ike-scan --sport=0 -M --retry=2 --trans={} 127.0.0.1 | "
                             "grep -q \"Main Mode Handshake returned\" && echo {}'";
  auto r = run_command("ip netns exec ls-vpn sh -c " + shell_quote(script));
  std::set<std::string> theirs;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    int e = 0, bits = 0, h = 0, a = 0, g = 0;
    if (std::sscanf(line.c_str(), "%d/%d,%d,%d,%d", &e, &bits, &h, &a, &g) != 5) {
      bits = 0;
      ASSERT_EQ(std::sscanf(line.c_str(), "%d,%d,%d,%d", &e, &h, &a, &g), 4) << line;
    }
    const auto u = [](int v) { return static_cast<std::uint16_t>(v); };
    theirs.insert(ike::v1_enc_name(u(e), u(bits)) + "/" + ike::v1_hash_name(u(h)) + "/" + ike::v1_auth_name(u(a)) +
                  "/" + ike::group_name(u(g)));
  }
  EXPECT_FALSE(theirs.empty()) << r.err;
  EXPECT_EQ(ours, theirs);
  EXPECT_EQ(v1["offered"], 450);
  EXPECT_TRUE(v1.value("anomaly", "").empty()) << v1["anomaly"];
}

// The algorithms of the accepted transforms are the proposals of swanctl.conf's IKEv1 connection (the
// responder does not check the auth method in the first message: both PSK and RSA-sig come back).
TEST_F(IntegrationVpn, IkeV1MatchesSwanctlConf) {
  std::set<std::string> expected, ours;
  for (const auto& p : swanctl_proposals("legacy-l2tp")) {
    ASSERT_EQ(p.size(), 3u);
    expected.insert(keyword(p[0]) + "/" + keyword(p[1]) + "/" + keyword(p[2]));
  }
  for (const auto& t : vpn_["ike"]["v1"]["transforms"])
    ours.insert(t["enc"].get<std::string>() + "/" + t["hash"].get<std::string>() + "/" + t["group"].get<std::string>());
  EXPECT_EQ(ours, expected);
}

TEST_F(IntegrationVpn, AggressiveModeAgreesWithIkeScanAndConfig) {
  const std::string conf = slurp(vpn_dir() + "/strongswan/swanctl.conf");
  const bool configured = conf.find("aggressive = yes") != std::string::npos;
  const auto& a = vpn_["ike"]["v1"]["aggressive_mode"];
  ASSERT_EQ(a["status"], "ok") << a.dump();
  EXPECT_EQ(a["accepted"], configured);
  // The same transform, asked by ike-scan in Aggressive Mode.
  const auto& t = vpn_["ike"]["v1"]["transforms"][0];
  ASSERT_EQ(t["auth"], "PSK");
  const std::string enc = t["enc"] == "3DES-CBC" ? "5" : "7/128";
  auto r = run_command("ip netns exec ls-vpn ike-scan --sport=0 -A --id=legacyscan.invalid --trans=" + enc + ",2,1," +
                       std::to_string(t["group_number"].get<int>()) + " 127.0.0.1");
  EXPECT_EQ(r.out.find("Aggressive Mode Handshake returned") != std::string::npos, a["accepted"].get<bool>()) << r.out;
  // The hash the responder sent is never in the output.
  EXPECT_EQ(a.dump().find("hash\":\""), std::string::npos);
}

TEST_F(IntegrationVpn, NatTAgreesWithIkeScan) {
  const std::string conf = slurp(vpn_dir() + "/strongswan/strongswan.conf");
  ASSERT_NE(conf.find("port_nat_t = 4500"), std::string::npos);
  const auto& n = vpn_["ike"]["v1"]["nat_t"];
  ASSERT_EQ(n["status"], "ok") << n.dump();
  EXPECT_TRUE(n["answered"].get<bool>());
  EXPECT_EQ(strings_of(n["announced"]).count("RFC 3947 NAT-T"), 1u);
  auto r = run_command("ip netns exec ls-vpn ike-scan --nat-t --sport=0 --dport=4500 -M --trans=5,2,1,2 127.0.0.1");
  EXPECT_NE(r.out.find("Main Mode Handshake returned"), std::string::npos) << r.out << r.err;
}

// The IKEv2 connection's proposals, per transform type.
TEST_F(IntegrationVpn, IkeV2MatchesSwanctlConf) {
  std::set<std::string> enc, prf, groups;
  for (const auto& p : swanctl_proposals("hardened-ikev2")) {
    ASSERT_EQ(p.size(), 3u);
    enc.insert(keyword(p[0]));
    prf.insert(keyword(p[1]));
    groups.insert(keyword(p[2]));
  }
  const auto& v2 = vpn_["ike"]["v2"];
  ASSERT_EQ(v2["status"], "ok") << v2.dump();
  EXPECT_EQ(strings_of(v2["encryption"]), enc);
  EXPECT_EQ(strings_of(v2["prf"]), prf);
  EXPECT_EQ(strings_of(v2["groups"]), groups);
  EXPECT_TRUE(v2["integrity"].empty());  // AEAD only
  EXPECT_TRUE(v2.value("anomaly", "").empty()) << v2["anomaly"];
}

// xl2tpd.conf: listen-addr 127.0.0.1, port 1701, hostname vpn.lab.test, no tunnel challenge; it answers
// an SCCRQ in the clear, which is BAD.
TEST_F(IntegrationVpn, L2tpWithoutIpsecAnswersAsXl2tpdIsConfigured) {
  const std::string conf = slurp(vpn_dir() + "/xl2tpd/xl2tpd.conf");
  std::smatch host;
  ASSERT_TRUE(std::regex_search(conf, host, std::regex("\\nhostname = ([^\\n]+)")));
  const auto& l = vpn_["l2tp"];
  ASSERT_EQ(l["status"], "ok") << l.dump();
  EXPECT_EQ(l["message"], "SCCRP");
  EXPECT_EQ(l["host_name"], host[1].str());
  EXPECT_EQ(l["protocol_version"], "1.0");
  EXPECT_EQ(l["challenge"], conf.find("challenge = yes") != std::string::npos);
  bool bad = false;
  for (const auto& f : doc_["hosts"][0]["findings"])
    if (f["check"] == "vpn.l2tp") bad = f["verdict"] == "bad";
  EXPECT_TRUE(bad);
}

// The second xl2tpd of the scenario listens on the port its xl2tpd.conf gives (not 1701), with its own
// hostname: --vpn-ports l2tp:PORT finds it there, and only the L2TP part runs (no default vpn port
// is in the port selection).
TEST_F(IntegrationVpn, L2tpOnAMovedPortWithVpnPorts) {
  const std::string conf = slurp(vpn_dir() + "/xl2tpd-moved/xl2tpd.conf");
  std::smatch port, host;
  ASSERT_TRUE(std::regex_search(conf, port, std::regex("\\nport = ([0-9]+)")));
  ASSERT_TRUE(std::regex_search(conf, host, std::regex("\\nhostname = ([^\\n]+)")));
  ASSERT_NE(port[1].str(), "1701");
  auto doc = scan_json("vpn", {"127.0.0.1", "--probes", "vpn", "--ports", port[1].str(), "--vpn-ports",
                               "l2tp:" + port[1].str(), "--no-ping", "--timeout", "2s"});
  const auto& v = doc["hosts"][0]["probes"]["vpn"];
  ASSERT_EQ(v["l2tp"]["status"], "ok") << v.dump();
  EXPECT_EQ(v["l2tp"]["port"], std::stoi(port[1].str()));
  EXPECT_EQ(v["l2tp"]["host_name"], host[1].str());
  EXPECT_FALSE(v.contains("pptp")) << v.dump();
  EXPECT_FALSE(v.contains("ike")) << v.dump();
  bool bad = false;
  for (const auto& f : doc["hosts"][0]["findings"])
    if (f["check"] == "vpn.l2tp") bad = f["verdict"] == "bad" && f["port"] == port[1].str() + "/udp";
  EXPECT_TRUE(bad);
}

// 127.0.0.2: pptpd listens on 127.0.0.1 only, and swanctl.conf's connections have local_addrs =
// 127.0.0.1, so charon does not answer there. A refusal and silence are findings (GOOD: the legacy
// service is not offered), not errors; with nothing answering the scan exits 3.
TEST_F(IntegrationVpn, OtherAddressRefusesOrStaysSilent) {
  ASSERT_NE(slurp(vpn_dir() + "/strongswan/swanctl.conf").find("local_addrs = 127.0.0.1"), std::string::npos);
  auto doc = scan_json("vpn", {"127.0.0.2", "--probes", "vpn", "--no-ping", "--timeout", "1s"}, 3);
  const auto& v = doc["hosts"][0]["probes"]["vpn"];
  EXPECT_EQ(v["pptp"]["status"], "refused") << v.dump();
  EXPECT_NE(v["ike"]["v1"]["status"], "ok") << v.dump();
  for (const auto& f : doc["hosts"][0]["findings"]) EXPECT_EQ(f["verdict"], "good") << f.dump();
}

}  // namespace
}  // namespace legacyscan::testing
