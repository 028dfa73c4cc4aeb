// SPDX-License-Identifier: Apache-2.0
// The matrix's RDP and VPN cells from real scans of the lab's remote-access servers: xrdp per security
// layer (scenario rdp), FreeRDP's shadow server requiring NLA (scenario rdpnla) and strongSwan's IKEv1
// and IKEv2 responders (scenario vpn). What each cell must say comes from the servers' own files
// (xrdp-PORT.ini, shadow.args, swanctl.conf) and the profiles' offers; real clients then agree:
// FreeRDP (`xfreerdp /sec:... /auth-only`) gets through the security negotiation with the protocol a
// cell negotiated, and fails with every protocol the client could use where the cell fails; ike-scan
// gets a Main Mode handshake with the L2TP/IPsec transform and authentication a cell names; strongSwan's
// charon-cmd, sent a profile's IKEv2 proposal, gets one selected exactly where the IKEv2 cell works.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "lab_support.hpp"
#include "src/compat/profiles.hpp"
#include "src/proto/ike/ike_codec.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kProfiles{"windows-xp-sp3", "windows-7", "windows-10"};

std::string lab_dir() {
  const char* d = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(d && *d ? d : "/var/tmp/legacyscan-lab");
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// A scan's matrix cells of one protocol, by profile id (copies: nothing points into the document).
std::map<std::string, json> cells_of(const json& doc, const std::string& protocol) {
  std::map<std::string, json> out;
  for (const auto& r : doc.at("hosts").at(0).at("matrix"))
    out[r.at("profile")] = r.at("protocols").value(protocol, json::object());
  return out;
}

// The security a server allows, from its configuration: "rdp", "tls", "negotiate" (xrdp's
// security_layer) or "nla" (the shadow server's /sec:nla).
std::map<int, std::string> xrdp_layers() {
  std::map<int, std::string> out;
  for (const auto& f : std::filesystem::directory_iterator(lab_dir() + "/rdp")) {
    const auto name = f.path().filename().string();
    if (name.rfind("xrdp-", 0) != 0 || f.path().extension() != ".ini") continue;
    std::smatch m;
    const std::string ini = slurp(f.path().string());
    if (std::regex_search(ini, m, std::regex("\\nsecurity_layer=([a-z]+)"))) out[std::stoi(name.substr(5))] = m[1];
  }
  return out;
}

// What the profile's client ends up with against a server of that layer: the RDP_NEG_RSP protocol
// it negotiates, or "" when it cannot connect ([MS-RDPBCGR] 3.3.5.3.1: the server selects from what
// the client requests; SSL_NOT_ALLOWED_BY_SERVER sends a client that allows it to standard security).
std::string expected_protocol(const matrix::RdpUse& c, const std::string& layer) {
  const bool ssl = c.requested & 0x1, hybrid = c.requested & 0x2;
  if (layer == "nla") return hybrid ? "PROTOCOL_HYBRID" : "";
  if (layer == "tls") return ssl ? "PROTOCOL_SSL" : "";
  if (layer == "rdp") return c.standard_security ? "PROTOCOL_RDP" : "";
  return ssl ? "PROTOCOL_SSL" : (c.standard_security ? "PROTOCOL_RDP" : "");  // negotiate
}

// xfreerdp with one security protocol: whether it got through the negotiation and the server's
// connect response (FreeRDP's own log lines; no credential is valid, so it never logs on).
bool freerdp_reaches(const std::string& scenario, int port, const std::string& sec) {
  const std::string home = ::testing::TempDir() + "/freerdp-home";
  std::filesystem::create_directories(home);
  auto r = run_command("ip netns exec ls-" + scenario + " env HOME=" + shell_quote(home) +
                       " timeout 60 xvfb-run -a xfreerdp /v:127.0.0.1:" + std::to_string(port) + " /sec:" + sec +
                       " /auth-only /u:legacyscan-nobody /p:none /cert:ignore "
                       "/log-filters:com.freerdp.core.nego:DEBUG 2>&1");
  const std::string out = r.out + r.err;
  const std::map<std::string, std::string> names{{"rdp", "RDP"}, {"tls", "TLS"}, {"nla", "NLA"}};
  return out.find("Negotiated " + names.at(sec) + " security") != std::string::npos &&
         out.find("Protocol Security Negotiation Failure") == std::string::npos &&
         out.find("mcs_recv_connect_response failure") == std::string::npos;
}

std::string sec_of(const std::string& protocol) {
  if (protocol == "PROTOCOL_HYBRID" || protocol == "PROTOCOL_HYBRID_EX") return "nla";
  if (protocol == "PROTOCOL_SSL") return "tls";
  return "rdp";
}

class IntegrationMatrixRemote : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* s : {"rdp", "rdpnla", "vpn"}) {
      auto st = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab status " + s);
      ASSERT_EQ(st.exit_code, 0) << "the " << s << " scenario is not up (scripts/lab up " << s << ")";
    }
    std::vector<std::string> ports;
    for (const auto& [port, layer] : xrdp_layers()) ports.push_back(std::to_string(port));
    const std::vector<std::string> common{"--profiles", joined(kProfiles), "--no-ping", "--timeout", "2s"};
    auto args = std::vector<std::string>{"127.0.0.1", "--probes", "rdp,matrix", "--ports", joined(ports)};
    args.insert(args.end(), common.begin(), common.end());
    rdp_ = scan_json("rdp", args);
    args = {"127.0.0.1", "--probes", "rdp,matrix", "--ports", "3389"};
    args.insert(args.end(), common.begin(), common.end());
    nla_ = scan_json("rdpnla", args);
    args = {"127.0.0.1", "--probes", "vpn,matrix"};
    args.insert(args.end(), common.begin(), common.end());
    vpn_ = scan_json("vpn", args);
  }
  static json rdp_, nla_, vpn_;
};
json IntegrationMatrixRemote::rdp_, IntegrationMatrixRemote::nla_, IntegrationMatrixRemote::vpn_;

struct RdpServer {
  std::string scenario;
  int port;
  std::string layer;
  const json* doc;
};

std::vector<RdpServer> rdp_servers(const json& rdp, const json& nla) {
  std::vector<RdpServer> out;
  for (const auto& [port, layer] : xrdp_layers()) out.push_back({"rdp", port, layer, &rdp});
  const std::string args = slurp(lab_dir() + "/rdpnla/shadow.args");
  EXPECT_NE(args.find("/sec:nla"), std::string::npos) << args;
  out.push_back({"rdpnla", 3389, args.find("/sec:nla") != std::string::npos ? "nla" : "negotiate", &nla});
  return out;
}

TEST_F(IntegrationMatrixRemote, RdpCellsFollowTheServersSecurityLayer) {
  int failing = 0;
  for (const auto& s : rdp_servers(rdp_, nla_))
    for (const auto& id : kProfiles) {
      const auto& client = *matrix::find_profile(id)->rdp;
      const json cell = cells_of(*s.doc, "rdp").at(id).at(std::to_string(s.port));
      const auto want = expected_protocol(client, s.layer);
      SCOPED_TRACE(s.scenario + ":" + std::to_string(s.port) + " (" + s.layer + ") " + id + ": " + cell.dump());
      if (want.empty()) {
        ++failing;
        EXPECT_EQ(cell.at("verdict"), "fails");
        if (s.layer == "nla") {
          EXPECT_NE(cell.at("reason").get<std::string>().find("requires NLA"), std::string::npos);
        }
        continue;
      }
      EXPECT_EQ(cell.value("negotiated", ""), want);
      EXPECT_EQ(cell.at("verdict"), want == "PROTOCOL_RDP" ? "degraded" : "works");
    }
  EXPECT_GT(failing, 0) << "the NLA server must fail a client that cannot do CredSSP";
}

TEST_F(IntegrationMatrixRemote, RdpProbeAndPolicySeeTheNlaRequirement) {
  for (const auto& s : rdp_servers(rdp_, nla_)) {
    const json* endpoint = nullptr;
    for (const auto& e : s.doc->at("hosts").at(0).at("probes").at("rdp").at("endpoints"))
      if (e.at("port") == s.port) endpoint = &e;
    ASSERT_NE(endpoint, nullptr) << s.scenario << ":" << s.port;
    EXPECT_EQ(endpoint->at("nla_required").get<bool>(), s.layer == "nla") << endpoint->dump();
  }
  // The policy rule on the same servers: passes on the NLA server, fails (exit 1) on xrdp.
  const std::vector<std::string> args{"scan",      "127.0.0.1", "--probes", "rdp",       "--ports",         "3389",
                                      "--no-ping", "--timeout", "2s",       "--require", "rdp.nla=required"};
  EXPECT_EQ(run_in_lab("rdpnla", args).exit_code, 0);
  EXPECT_EQ(run_in_lab("rdp", args).exit_code, xrdp_layers().at(3389) == "nla" ? 0 : 1);
}

TEST_F(IntegrationMatrixRemote, FreeRdpAgreesWithTheRdpCells) {
  for (const auto& s : rdp_servers(rdp_, nla_)) {
    std::map<std::string, bool> reaches;  // per /sec: value, asked once per server
    const auto ask = [&](const std::string& sec) {
      if (!reaches.contains(sec)) reaches[sec] = freerdp_reaches(s.scenario, s.port, sec);
      return reaches[sec];
    };
    for (const auto& id : kProfiles) {
      const auto& client = *matrix::find_profile(id)->rdp;
      const json cell = cells_of(*s.doc, "rdp").at(id).at(std::to_string(s.port));
      SCOPED_TRACE(s.scenario + ":" + std::to_string(s.port) + " " + id + ": " + cell.dump());
      if (cell.at("verdict") != "fails") {
        EXPECT_TRUE(ask(sec_of(cell.at("negotiated")))) << "xfreerdp /sec:" << sec_of(cell.at("negotiated"));
        continue;
      }
      // Every security protocol this client could end up with must fail too.
      if (client.requested & 0x1) {
        EXPECT_FALSE(ask("tls"));
      }
      if (client.requested & 0x2) {
        EXPECT_FALSE(ask("nla"));
      }
      if (client.standard_security) {
        EXPECT_FALSE(ask("rdp"));
      }
    }
  }
}

// swanctl.conf's proposals of one connection, and its remote auth.
std::string connection_block(const std::string& name) {
  const std::string conf = slurp(lab_dir() + "/vpn/strongswan/swanctl.conf");
  const auto at = conf.find("  " + name + " {");
  EXPECT_NE(at, std::string::npos) << name;
  return at == std::string::npos ? "" : conf.substr(at, conf.find("\n  }", at) - at);
}

std::vector<std::string> proposals_of(const std::string& block) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(block, m, std::regex("\\n\\s*proposals = ([^\\n]+)")));
  std::vector<std::string> out;
  std::istringstream list(m[1].str());
  for (std::string p; std::getline(list, p, ',');) out.push_back(p);
  return out;
}

TEST_F(IntegrationMatrixRemote, L2tpCellFollowsSwanctlAndIkeScanAgrees) {
  const auto proposals = proposals_of(connection_block("legacy-l2tp"));
  // Windows XP offers 3DES/SHA-1/MODP-1024 (KB 325158); strongSwan names it 3des-sha1-modp1024.
  const bool accepts = std::find(proposals.begin(), proposals.end(), "3des-sha1-modp1024") != proposals.end();
  const json cell = cells_of(vpn_, "vpn").at("windows-xp-sp3").at("ikev1");
  SCOPED_TRACE(cell.dump());
  EXPECT_EQ(cell.at("verdict"), accepts ? "degraded" : "fails");
  // ike-scan: 3DES (5), SHA1 (2), group 2, with RSA signatures (3) first as XP tries them, then PSK (1).
  const auto handshake = [](int auth) {
    auto r = run_command("ip netns exec ls-vpn ike-scan --sport=0 -M --retry=2 --trans=5,2," + std::to_string(auth) +
                         ",2 127.0.0.1");
    return r.out.find("Main Mode Handshake returned") != std::string::npos;
  };
  const bool rsa = handshake(3), psk = handshake(1);
  EXPECT_EQ(rsa || psk, accepts);
  if (rsa || psk) {
    EXPECT_EQ(cell.value("negotiated", ""), std::string("3DES-CBC/SHA1/") + (rsa ? "RSA-sig" : "PSK") + "/modp1024");
  }
}

TEST_F(IntegrationMatrixRemote, IkeV2CellFollowsSwanctl) {
  // The Windows built-in client proposes MODP-1024 only: it needs a responder proposal with modp1024.
  const auto proposals = proposals_of(connection_block("hardened-ikev2"));
  const bool modp1024 = std::any_of(proposals.begin(), proposals.end(),
                                    [](const std::string& p) { return p.find("modp1024") != std::string::npos; });
  const auto vpn = cells_of(vpn_, "vpn");
  const json w10 = vpn.at("windows-10");
  ASSERT_TRUE(w10.contains("ikev2")) << w10.dump();
  EXPECT_EQ(w10.at("ikev2").at("verdict") == "fails", !modp1024) << w10.dump();
  if (!modp1024) {
    EXPECT_NE(w10.at("ikev2").at("reason").get<std::string>().find("modp1024"), std::string::npos);
  }
  // Windows XP has no IKEv2: no IKEv2 cell, and its row is judged by L2TP/IPsec or PPTP.
  const json xp = vpn.at("windows-xp-sp3");
  EXPECT_FALSE(xp.contains("ikev2")) << xp.dump();
  EXPECT_TRUE(xp.contains("pptp")) << "pptpd answers in the vpn scenario: " << xp.dump();
}

// The profile's IKEv2 proposal in strongSwan's proposal syntax (strongSwan docs, "IKEv2 Cipher Suites"):
// one proposal may list several algorithms of each kind, as the profile's does.
std::string strongswan_proposal(const matrix::VpnUse& client) {
  const std::map<std::string, std::string> words{
      {"3DES-CBC", "3des"},         {"AES-128-CBC", "aes128"},          {"AES-256-CBC", "aes256"},
      {"HMAC-SHA1-96", "sha1"},     {"HMAC-SHA2-256-128", "sha256"},    {"HMAC-SHA2-384-192", "sha384"},
      {"PRF-HMAC-SHA1", "prfsha1"}, {"PRF-HMAC-SHA2-256", "prfsha256"}, {"PRF-HMAC-SHA2-384", "prfsha384"}};
  std::vector<std::string> out;
  for (const auto& t : client.ikev2.at(0).transforms) {
    const auto name = ike::v2_transform_name({t.type, t.id, t.key_length});
    EXPECT_TRUE(words.contains(name)) << name;
    out.push_back(words.contains(name) ? words.at(name) : name);
  }
  for (auto g : client.ikev2.at(0).groups) out.push_back(ike::group_name(g));
  std::string text;
  for (const auto& w : out) text += (text.empty() ? "" : "-") + w;
  return text;
}

TEST_F(IntegrationMatrixRemote, CharonCmdAgreesWithTheIkeV2Cells) {
  // strongSwan's own initiator, on random local ports (the lab's charon holds 500 and 4500), sends
  // the profile's proposal; its IKE_SA_INIT either gets a proposal selected or NO_PROPOSAL_CHOSEN.
  const std::string conf = ::testing::TempDir() + "/charon-cmd.conf";
  {
    std::ofstream out(conf);
    out << "charon-cmd {\n  port = 0\n  port_nat_t = 0\n}\n";
  }
  const auto vpn = cells_of(vpn_, "vpn");
  for (const char* id : {"windows-7", "windows-10"}) {
    const json cell = vpn.at(id).at("ikev2");
    const auto proposal = strongswan_proposal(*matrix::find_profile(id)->vpn);
    auto r = run_command("STRONGSWAN_CONF=" + shell_quote(conf) +
                         " timeout 8 ip netns exec ls-vpn charon-cmd --host 127.0.0.1 --identity client.lab.test "
                         "--profile ikev2-eap --eap-identity legacyscan-nobody --ike-proposal " +
                         shell_quote(proposal) + " 2>&1");
    const std::string out = r.out + r.err;
    const bool selected = out.find("selected proposal: IKE:") != std::string::npos;
    ASSERT_TRUE(selected || out.find("NO_PROPOSAL_CHOSEN") != std::string::npos) << proposal << "\n" << out;
    EXPECT_EQ(selected, cell.at("verdict") != "fails") << id << " " << proposal << ": " << cell.dump();
  }
}

}  // namespace
}  // namespace legacyscan::testing
