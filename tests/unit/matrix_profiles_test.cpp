// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "probes/matrix/matrix_result.hpp"
#include "src/compat/profiles.hpp"

namespace legacyscan::matrix {
namespace {

using nlohmann::json;

TEST(MatrixProfiles, EveryFileOnDiskIsEmbeddedAndParses) {
  std::size_t on_disk = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(LEGACYSCAN_SOURCE_DIR) + "/src/compat/profiles"))
    if (e.path().extension() == ".json") {
      ++on_disk;
      std::ifstream f(e.path());
      auto doc = json::parse(f);
      auto p = parse_profile(doc);
      ASSERT_TRUE(p) << e.path() << ": " << p.error;
      EXPECT_EQ(p->id + ".json", e.path().filename().string()) << "file name must be the profile id";
    }
  EXPECT_EQ(all_profiles().size(), on_disk);
  EXPECT_GE(all_profiles().size(), 32u);
}

TEST(MatrixProfiles, TheIssueListIsCovered) {
  for (const char* id : {"windows-xp-sp3",
                         "windows-xp-2010",
                         "windows-server-2003",
                         "windows-vista",
                         "windows-7",
                         "windows-7-tls12",
                         "windows-8",
                         "windows-8.1",
                         "windows-10",
                         "windows-11-24h2",
                         "ie-8-10-windows-7",
                         "android-4.3",
                         "android-4.4",
                         "firefox-26",
                         "safari-6",
                         "java-6",
                         "java-7",
                         "windows-phone-8",
                         "linux-cifs-old",
                         "samba-3.4",
                         "smb1-appliance",
                         "macos-10.8",
                         "dotnet-3.5",
                         "dotnet-4.0-4.5",
                         "winhttp-windows-7",
                         "winhttp-windows-7-dsp",
                         "sqlncli-2008r2",
                         "sqlncli-2012",
                         "exchange-2010-smtp",
                         "exchange-2013-smtp",
                         "azure-ad-connect",
                         "office-2010-windows-7",
                         "powershell-5.1-web",
                         "java-8",
                         "python-2.7-openssl-1.0.1",
                         "linux-cifs-modern",
                         "samba-client-4",
                         "macos-11",
                         "scan-to-smb-printer",
                         "nas-guest",
                         "ios-16",
                         "android-12"})
    EXPECT_NE(find_profile(id), nullptr) << id;
  const auto* xp = find_profile("windows-xp-sp3");
  ASSERT_TRUE(xp && xp->smb && xp->kerberos);
  EXPECT_TRUE(xp->smb->smb2_dialects.empty());
  // As an MIT KDC logged a Windows XP client (the source is in the profile).
  EXPECT_EQ(xp->kerberos->etypes, (std::vector<std::int32_t>{23, -133, -128, 3, 1, 24, -135}));
  EXPECT_EQ(xp->kerberos->starts_on, "udp");
  // A browser has no SMB row.
  EXPECT_FALSE(find_profile("firefox-26")->smb);
}

TEST(MatrixProfiles, BadProfilesNameTheField) {
  json ok = find_profile("windows-7")->raw;
  auto bad = ok;
  bad["smb"]["smb2_dialects"] = {"2.2"};
  auto r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("smb2_dialects"), std::string::npos) << r.error;
  bad = ok;
  bad["smb"].erase("source");
  r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("source"), std::string::npos) << r.error;
  bad = ok;
  bad["protocols"].push_back("nfs");
  EXPECT_FALSE(parse_profile(bad));
  bad = ok;
  bad["tls"][0]["cipher_suites"] = {"0xZZ"};
  EXPECT_FALSE(parse_profile(bad));
  EXPECT_FALSE(parse_profile(json::array()));
  bad = ok;
  bad["tls"][0]["groups"] = {"secp256r1", "curve-nobody-knows"};
  r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("groups"), std::string::npos) << r.error;
  bad = ok;
  bad["tls"][0]["capture"] = {{"client", "IE 8-10 Win 7"}, {"source", "a capture"}, {"differs", {{"colour", "why"}}}};
  r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("colour"), std::string::npos) << r.error;
  // Every client that authenticates (SMB, LDAP) says how: no path is assumed.
  bad = ok;
  bad.erase("auth");
  r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("auth"), std::string::npos) << r.error;
  bad = ok;
  bad["auth"]["ntlm"] = {"ntlmv3"};
  r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("ntlm"), std::string::npos) << r.error;
  bad = find_profile("samba-client-4")->raw;
  bad["auth"]["kerberos"] = true;
  r = parse_profile(bad);
  ASSERT_FALSE(r) << "Kerberos without the profile's etypes";
  EXPECT_NE(r.error.find("auth.kerberos"), std::string::npos) << r.error;
  const auto xp = find_profile("windows-xp-sp3");
  ASSERT_TRUE(xp && xp->auth);
  EXPECT_EQ(xp->auth->lm_compatibility_level, 0);
  EXPECT_EQ(xp->auth->ntlm, (std::vector<std::string>{"lm", "ntlmv1"}));
}

TEST(MatrixProfiles, RemoteAccessSectionsAreParsedAndChecked) {
  const auto* xp = find_profile("windows-xp-sp3");
  ASSERT_TRUE(xp && xp->rdp && xp->vpn);
  EXPECT_EQ(xp->rdp->requested, 0x1u) << "PROTOCOL_SSL only: CredSSP is off on XP SP3";
  ASSERT_EQ(xp->vpn->ikev1.size(), 1u);
  EXPECT_EQ(xp->vpn->ikev1[0].enc, 5);
  EXPECT_EQ(xp->vpn->ikev1[0].hash, 2);
  EXPECT_EQ(xp->vpn->ikev1[0].group, 2);
  EXPECT_EQ(xp->vpn->ikev1_nat_t_behind_nat, false);
  EXPECT_TRUE(xp->vpn->ikev2.empty());
  const auto* w10 = find_profile("windows-10");
  ASSERT_TRUE(w10 && w10->rdp && w10->vpn);
  EXPECT_EQ(w10->rdp->requested, 0xBu);
  ASSERT_EQ(w10->vpn->ikev2.size(), 1u);
  EXPECT_EQ(w10->vpn->ikev2[0].groups, (std::vector<std::uint16_t>{2}));
  json bad = w10->raw;
  bad["rdp"]["requested_protocols"] = {"PROTOCOL_QUANTUM"};
  auto r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("requested_protocols"), std::string::npos) << r.error;
  bad = w10->raw;
  bad["vpn"]["ikev2"]["proposals"][0]["encryption"] = {"ROT13"};
  r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("ROT13"), std::string::npos) << r.error;
  bad = xp->raw;
  bad["vpn"]["l2tp_ipsec"]["transforms"] = {"3DES/SHA1"};
  r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("l2tp_ipsec.transforms"), std::string::npos) << r.error;
  bad = xp->raw;
  bad["vpn"] = json::object();
  EXPECT_FALSE(parse_profile(bad)) << "a VPN section that names no protocol";
}

TEST(MatrixProfiles, VpnProposalsAreSourcedOrSayThereIsNone) {
  // Windows 7 to 11 speak L2TP/IPsec, but their Main Mode proposals have no firm source.
  for (const char* id : {"windows-7", "windows-10", "windows-11-24h2", "macos-11", "ios-16"}) {
    const auto* p = find_profile(id);
    ASSERT_TRUE(p && p->vpn) << id;
    EXPECT_TRUE(p->vpn->ikev1.empty()) << id;
    EXPECT_TRUE(p->vpn->ikev1_no_source.starts_with("no source: ")) << id << ": " << p->vpn->ikev1_no_source;
    EXPECT_FALSE(p->vpn->ikev2.empty()) << id;
    EXPECT_FALSE(p->vpn->ikev2_source.empty()) << id;
  }
  // Windows 11 adds an AES-GCM proposal (no integrity transform) to the CBC one of 7 and 10.
  const auto* w11 = find_profile("windows-11-24h2");
  ASSERT_EQ(w11->vpn->ikev2.size(), 2u);
  EXPECT_TRUE(std::none_of(w11->vpn->ikev2[1].transforms.begin(), w11->vpn->ikev2[1].transforms.end(),
                           [](const IkeV2Offer::Transform& t) { return t.type == 3; }));
  // iOS proposes five single-choice proposals, MODP-2048 first; Android two with four groups each.
  const auto* ios = find_profile("ios-16");
  ASSERT_EQ(ios->vpn->ikev2.size(), 5u);
  EXPECT_EQ(ios->vpn->ikev2[0].groups, (std::vector<std::uint16_t>{14}));
  EXPECT_EQ(ios->vpn->ikev2[4].groups, (std::vector<std::uint16_t>{2}));
  const auto* android = find_profile("android-12");
  ASSERT_TRUE(android && android->vpn);
  ASSERT_EQ(android->vpn->ikev2.size(), 2u);
  EXPECT_EQ(android->vpn->ikev2[0].groups, (std::vector<std::uint16_t>{16, 31, 15, 14}));
  EXPECT_FALSE(android->vpn->pptp) << "no firm source either way: not described";
  EXPECT_FALSE(android->vpn->complete);
  // A "no source" section is that and nothing else, and says why.
  json bad = find_profile("windows-7")->raw;
  bad["vpn"]["l2tp_ipsec"]["no_source"] = "";
  EXPECT_FALSE(parse_profile(bad)) << "an empty reason";
  bad["vpn"]["l2tp_ipsec"]["no_source"] = "unknown";
  EXPECT_FALSE(parse_profile(bad)) << "a reason that does not say it is none";
  bad = android->raw;
  bad["vpn"]["ikev2"]["proposals"][0]["integrity"].push_back("AES-CMAC-128");
  auto r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("AES-CMAC-128"), std::string::npos) << r.error;
}

TEST(MatrixProfiles, EveryProtocolSaysHowItsCellsAreVerified) {
  for (const auto& p : all_profiles())
    for (const auto& proto : p.protocols) {
      ASSERT_TRUE(p.verified_by.contains(proto)) << p.id << " " << proto;
      const auto& v = p.verified_by.at(proto);
      EXPECT_FALSE(v.source.empty()) << p.id << " " << proto;
      // A real client the integration tests run (IntegrationRealClients checks which), or none.
      EXPECT_TRUE(v.client == kReplayOnly || v.client.starts_with("smbclient ") || v.client.starts_with("kinit ") ||
                  v.client.starts_with("openssl s_client ") || v.client.starts_with("Java JSSE ") ||
                  v.client.starts_with("ldapsearch ") || v.client.starts_with("nmblookup ") ||
                  v.client.starts_with("ike-scan ") || v.client.starts_with("xfreerdp ") ||
                  v.client.starts_with("charon-cmd "))
          << p.id << " " << proto << ": " << v.client;
    }
  json bad = find_profile("windows-7")->raw;
  bad["verified_by"].erase("netbios");
  auto r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("netbios"), std::string::npos) << r.error;
  bad = find_profile("java-6")->raw;
  bad["verified_by"]["smb"] = {{"client", "smbclient"}, {"source", "a test"}};
  EXPECT_FALSE(parse_profile(bad)) << "a protocol the profile does not list";
  // SMB and Kerberos say where their offer comes from, and differ from a capture only with a reason.
  bad = find_profile("windows-7")->raw;
  bad["verified_by"]["smb"].erase("offer");
  EXPECT_FALSE(parse_profile(bad)) << "an SMB offer of unknown origin";
  bad = find_profile("windows-7")->raw;
  bad["verified_by"]["kerberos"]["offer_differs"] = {{"etypes", "a later update"}};
  EXPECT_FALSE(parse_profile(bad)) << "differs from no capture";
  bad = find_profile("windows-10")->raw;
  bad["verified_by"]["smb"]["offer_differs"]["capabilities"] = "not an aspect";
  r = parse_profile(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("capabilities"), std::string::npos) << r.error;
  bad = find_profile("java-6")->raw;
  bad["verified_by"]["tls"]["offer"] = kNoPublicCapture;
  EXPECT_FALSE(parse_profile(bad)) << "TLS offers name their captures per stack";
  ASSERT_TRUE(find_profile("windows-10")->verified_by.at("kerberos").offer_differs.contains("etypes"));
}

TEST(MatrixResult, OverallVerdictIsTheWorstKnownCell) {
  Row row;
  EXPECT_EQ(overall(row), CellVerdict::unknown);
  row.smb = Cell{CellVerdict::works, "SMB 2.1", "SMB 2.1", "", {}, {}};
  row.ldap = Cell{CellVerdict::unknown, "ldap probe not run", "", "", {}, {}};
  EXPECT_EQ(overall(row), CellVerdict::works);
  row.tls[636] = Cell{CellVerdict::degraded, "TLS 1.0", "", "", {}, {}};
  EXPECT_EQ(overall(row), CellVerdict::degraded);
  row.kerberos = Cell{CellVerdict::fails, "no RC4", "", "", {}, {}};
  EXPECT_EQ(overall(row), CellVerdict::fails);
  row.verdict = overall(row);
  const auto j = row_to_json(row);
  EXPECT_EQ(j.at("verdict"), "fails");
  EXPECT_EQ(j.at("protocols").at("tls").at("636").at("verdict"), "degraded");
}

}  // namespace
}  // namespace legacyscan::matrix
