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

const std::vector<std::string> kProfiles{"windows-xp-sp3", "windows-7", "windows-10", "windows-11-24h2",
                                         "macos-11",       "ios-16",    "android-12"};

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
      if (!matrix::find_profile(id)->rdp) continue;  // the VPN-only profiles
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
      if (!matrix::find_profile(id)->rdp) continue;  // the VPN-only profiles
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

// The profile's IKEv2 proposals in strongSwan's proposal syntax (strongSwan docs, "IKEv2 Cipher Suites"),
// one string per proposal: a proposal may list several algorithms of each kind, as the profiles' do.
std::vector<std::string> strongswan_proposals(const matrix::VpnUse& client) {
  std::map<std::string, std::string> words{{"3DES-CBC", "3des"},
                                           {"CHACHA20-POLY1305", "chacha20poly1305"},
                                           {"HMAC-SHA1-96", "sha1"},
                                           {"HMAC-SHA2-256-128", "sha256"},
                                           {"HMAC-SHA2-384-192", "sha384"},
                                           {"HMAC-SHA2-512-256", "sha512"},
                                           {"AES-XCBC-96", "aesxcbc"},
                                           {"AES-CMAC-96", "aescmac"},
                                           {"PRF-HMAC-SHA1", "prfsha1"},
                                           {"PRF-HMAC-SHA2-256", "prfsha256"},
                                           {"PRF-HMAC-SHA2-384", "prfsha384"},
                                           {"PRF-HMAC-SHA2-512", "prfsha512"},
                                           {"PRF-AES128-XCBC", "prfaesxcbc"},
                                           {"PRF-AES128-CMAC", "prfaescmac"}};
  for (const char* bits : {"128", "192", "256"}) {
    const std::string b = bits;
    words["AES-" + b + "-CBC"] = "aes" + b;
    words["AES-" + b + "-CTR"] = "aes" + b + "ctr";
    for (const char* icv : {"8", "12", "16"}) words["AES-" + b + "-GCM-" + icv] = "aes" + b + "gcm" + icv;
  }
  std::vector<std::string> out;
  for (const auto& p : client.ikev2) {
    std::string text;
    for (const auto& t : p.transforms) {
      const auto name = ike::v2_transform_name({t.type, t.id, t.key_length});
      EXPECT_TRUE(words.contains(name)) << name;
      text += (text.empty() ? "" : "-") + (words.contains(name) ? words.at(name) : name);
    }
    for (auto g : p.groups) text += "-" + ike::group_name(g);  // strongSwan's names are the probe's
    out.push_back(text);
  }
  return out;
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
  int compared = 0;
  for (const auto& id : kProfiles) {
    const auto* p = matrix::find_profile(id);
    if (!p->vpn || p->vpn->ikev2.empty()) continue;
    const json cell = vpn.at(id).at("ikev2");
    std::string options;
    for (const auto& proposal : strongswan_proposals(*p->vpn)) options += " --ike-proposal " + shell_quote(proposal);
    auto r = run_command("STRONGSWAN_CONF=" + shell_quote(conf) +
                         " timeout 8 ip netns exec ls-vpn charon-cmd --host 127.0.0.1 --identity client.lab.test "
                         "--profile ikev2-eap --eap-identity legacyscan-nobody" +
                         options + " 2>&1");
    const std::string out = r.out + r.err;
    const bool selected = out.find("selected proposal: IKE:") != std::string::npos;
    ASSERT_TRUE(selected || out.find("NO_PROPOSAL_CHOSEN") != std::string::npos) << options << "\n" << out;
    EXPECT_EQ(selected, cell.at("verdict") != "fails") << id << options << ": " << cell.dump();
    ++compared;
  }
  EXPECT_GE(compared, 6) << "Windows 7, 10, 11, macOS, iOS and Android have IKEv2";
}

TEST_F(IntegrationMatrixRemote, UnsourcedL2tpProposalsGiveUnknownCells) {
  // The lab's legacy-l2tp connection answers IKEv1; a client whose Main Mode proposals have no
  // source is not judged against it.
  const auto vpn = cells_of(vpn_, "vpn");
  for (const auto& id : kProfiles) {
    const auto* p = matrix::find_profile(id);
    if (!p->vpn || p->vpn->ikev1_no_source.empty()) continue;
    const json cell = vpn.at(id).at("ikev1");
    EXPECT_EQ(cell.at("verdict"), "unknown") << id << ": " << cell.dump();
    EXPECT_NE(cell.at("reason").get<std::string>().find("no source"), std::string::npos) << cell.dump();
  }
}

// `legacyscan whatif` over one of the fixture's scans, saved to a file.
json whatif_of(const json& scan, const std::string& name, const std::string& options) {
  const std::string saved = ::testing::TempDir() + "/legacyscan-whatif-remote-" + name + ".json";
  std::ofstream(saved) << scan.dump();
  auto r =
      run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif " + shell_quote(saved) + " " + options + " --format json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out.substr(0, 400);
  return doc;
}

// One client of a what-if document, and its changed cells by protocol ("vpn/pptp", "rdp/3389").
json client_of(const json& w, const std::string& profile) {
  for (const auto& c : w.at("hosts").at(0).at("clients"))
    if (c.at("profile") == profile) return c;
  ADD_FAILURE() << "no client " << profile;
  return json::object();
}
std::map<std::string, json> changes_of(const json& w, const std::string& profile) {
  std::map<std::string, json> out;
  const json c = client_of(w, profile);
  for (const auto& cell : c.value("cells", json::array())) out[cell.at("protocol")] = cell;
  return out;
}

bool weak_group(const std::string& proposal) {
  for (const char* g : {"modp768", "modp1024", "modp1536"})
    if (proposal.find(g) != std::string::npos) return true;
  return false;
}

TEST_F(IntegrationMatrixRemote, WhatIfVpnHardeningFollowsSwanctlAndTheProfiles) {
  // pptpd answers, and legacy-l2tp (swanctl.conf) decides whether XP's 3des-sha1-modp1024 gets through.
  const auto legacy = proposals_of(connection_block("legacy-l2tp"));
  const bool xp_l2tp = std::find(legacy.begin(), legacy.end(), "3des-sha1-modp1024") != legacy.end();
  const json off = whatif_of(vpn_, "off", "--disable pptp,ikev1");
  const auto xp = changes_of(off, "windows-xp-sp3");
  ASSERT_TRUE(xp.contains("vpn/pptp")) << client_of(off, "windows-xp-sp3").dump();
  EXPECT_EQ(xp.at("vpn/pptp").at("before").at("verdict"), "degraded");
  EXPECT_EQ(xp.at("vpn/pptp").at("after").at("verdict"), "fails");
  EXPECT_EQ(xp.contains("vpn/ikev1"), xp_l2tp);
  if (xp_l2tp) {
    EXPECT_EQ(xp.at("vpn/ikev1").at("after").at("verdict"), "fails");
  }
  // XP's built-in client has nothing else (the profile is complete and has no IKEv2).
  EXPECT_EQ(client_of(off, "windows-xp-sp3").at("verdict"), "fails");
  // The IKEv2 cells are the replays' answers, which neither term touches.
  for (const auto& id : kProfiles) EXPECT_FALSE(changes_of(off, id).contains("vpn/ikev2")) << id;
  // ike-dh14 leaves XP's L2TP/IPsec only if legacy-l2tp has a 3DES/SHA-1 proposal of 2048 bits or more.
  const bool strong = std::any_of(legacy.begin(), legacy.end(),
                                  [](const std::string& p) { return p.starts_with("3des-sha1-") && !weak_group(p); });
  const auto dh14 = changes_of(whatif_of(vpn_, "dh14", "--require ike-dh14"), "windows-xp-sp3");
  if (xp_l2tp && !strong) {
    ASSERT_TRUE(dh14.contains("vpn/ikev1"));
    EXPECT_EQ(dh14.at("vpn/ikev1").at("after").at("verdict"), "fails");
    EXPECT_NE(dh14.at("vpn/ikev1").at("after").at("reason").get<std::string>().find("Main Mode"), std::string::npos);
  }
  EXPECT_FALSE(dh14.contains("vpn/pptp")) << "PPTP has no DH group";
}

TEST_F(IntegrationMatrixRemote, WhatIfRdpHardeningPerClientAndServer) {
  // XP requests PROTOCOL_SSL only (its profile): with NLA required it fails on every server. Windows 10
  // asks for CredSSP: it keeps the NLA server, and xrdp, which the scan never saw select CredSSP, is
  // unknown for it.
  const json x = whatif_of(rdp_, "xrdp-nla", "--require rdp-nla");
  const json n = whatif_of(nla_, "shadow-nla", "--require rdp-nla");
  const auto xp = changes_of(x, "windows-xp-sp3"), w10 = changes_of(x, "windows-10");
  for (const auto& [port, layer] : xrdp_layers()) {
    const auto key = "rdp/" + std::to_string(port);
    ASSERT_TRUE(xp.contains(key)) << key << " " << layer;
    EXPECT_EQ(xp.at(key).at("after").at("verdict"), "fails") << key;
    ASSERT_TRUE(w10.contains(key)) << key << " " << layer;
    EXPECT_EQ(w10.at(key).at("after").at("verdict"), "unknown") << key;
  }
  EXPECT_FALSE(changes_of(n, "windows-10").contains("rdp/3389")) << "the shadow server already requires NLA";
  EXPECT_FALSE(changes_of(n, "windows-xp-sp3").contains("rdp/3389")) << "XP already fails there";
  // Without Standard RDP Security, XP's cell changes exactly on the servers that gave it PROTOCOL_RDP
  // (security_layer=rdp), and becomes unknown: those never selected TLS in the scan.
  const auto std_off = changes_of(whatif_of(rdp_, "xrdp-std", "--disable rdp-standard-security"), "windows-xp-sp3");
  for (const auto& [port, layer] : xrdp_layers()) {
    const auto key = "rdp/" + std::to_string(port);
    EXPECT_EQ(std_off.contains(key), layer == "rdp") << key << " " << layer;
    if (std_off.contains(key)) {
      EXPECT_EQ(std_off.at(key).at("after").at("verdict"), "unknown") << key;
    }
  }
}

}  // namespace
}  // namespace legacyscan::testing
