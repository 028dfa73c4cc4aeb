// SPDX-License-Identifier: Apache-2.0
// What-if over the RDP and VPN cells: the lab's saved rdp and vpn results (tests/data/results: xrdp per
// security layer, strongSwan's legacy IKEv1 and hardened IKEv2 responders, pptpd) and the profiles'
// offers, hardened by the remote-access terms of the vocabulary.
#include <gtest/gtest.h>

#include <fstream>

#include "src/compat/hardening.hpp"
#include "src/compat/matrix_cells.hpp"
#include "src/compat/matrix_remote.hpp"
#include "src/compat/whatif.hpp"
#include "src/proto/rdp/rdp_codec.hpp"

namespace legacyscan::matrix {
namespace {

using nlohmann::json;

json golden(const char* family, const char* key) {
  std::ifstream f(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/results/" + family + ".json");
  return json::parse(f).at(key);
}

// The lab's rdp scenario (xrdp on 3389-3393) and vpn scenario as one host's saved probe results.
HostView lab_host() {
  return read_host_view(
      {{"target", "127.0.0.1"},
       {"address", "127.0.0.1"},
       {"status", "up"},
       {"probes", {{"rdp", golden("rdp", "rdp/127.0.0.1")}, {"vpn", golden("vpn", "vpn/127.0.0.1")}}}});
}

WhatIf change(std::vector<std::string> disable, std::vector<std::string> require = {}) {
  std::string error;
  auto w = parse_whatif(disable, require, error);
  EXPECT_TRUE(w) << error;
  return w.value_or(WhatIf{});
}

// The row as the matrix would have saved it: the IKEv2 cell from the given replay answer.
Row saved_row(const ClientProfile& p, const HostView& host, const IkeV2Answer& answer) {
  Row row;
  row.profile = p.id;
  add_remote_cells(row, p, host.rdp.result, host.vpn.result,
                   [&](const VpnUse& c) { return ikev2_cell(c, answer, ikev2_responder(host.vpn.result)); });
  return row;
}

Row after(const char* id, const HostView& host, const Row& saved, const WhatIf& w) {
  Row row;
  remote_after(row, *find_profile(id), host, &saved, w);
  return row;
}

IkeV2Answer refused() {
  IkeV2Answer a;
  a.outcome = Outcome::success();
  a.notify = "NO_PROPOSAL_CHOSEN";
  return a;
}

TEST(WhatIfRemote, TheRemoteTermsAreInTheVocabularyWithTheirPolicyRules) {
  using compat::TermKind;
  for (const auto& [id, kind, rule] : std::vector<std::tuple<const char*, TermKind, const char*>>{
           {"pptp", TermKind::disable, "vpn.pptp=off"},
           {"ikev1", TermKind::disable, "ike.v1=off"},
           {"ike-3des", TermKind::disable, "ike.3des=off"},
           {"rdp-standard-security", TermKind::disable, "rdp.standard-security=off"},
           {"ike-dh14", TermKind::require, "ike.min-group=14"},
           {"rdp-nla", TermKind::require, "rdp.nla=required"}}) {
    const auto* t = compat::find_hardening_term(id, kind);
    ASSERT_NE(t, nullptr) << id;
    EXPECT_EQ(t->policy_rule, rule) << id;
    EXPECT_TRUE(t->scan_whatif) << id;
  }
  std::string error;
  EXPECT_FALSE(parse_whatif({"rdp-nla"}, {}, error)) << "rdp-nla is required, not disabled";
}

TEST(WhatIfRemote, PptpAndIkev1OffLeaveWindowsXpWithoutVpn) {
  const auto host = lab_host();
  const auto& xp = *find_profile("windows-xp-sp3");
  const Row saved = saved_row(xp, host, refused());
  ASSERT_TRUE(saved.vpn.contains("pptp") && saved.vpn.contains("ikev1"));
  EXPECT_EQ(saved.vpn.at("pptp").verdict, CellVerdict::degraded);
  EXPECT_EQ(saved.vpn.at("ikev1").verdict, CellVerdict::degraded) << saved.vpn.at("ikev1").reason;
  const Row row = after("windows-xp-sp3", host, saved, change({"pptp", "ikev1"}));
  EXPECT_EQ(row.vpn.at("pptp").verdict, CellVerdict::fails);
  EXPECT_EQ(row.vpn.at("ikev1").verdict, CellVerdict::fails);
  const auto changes = cell_changes(saved, row);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].protocol, "vpn/ikev1");
  EXPECT_EQ(changes[1].protocol, "vpn/pptp");
  // The row: a client connects with any one VPN protocol, and none is left.
  EXPECT_EQ(overall(row), CellVerdict::fails);
}

TEST(WhatIfRemote, Ike3desAndDh14RecomputeTheL2tpCellFromTheEnumeration) {
  const auto host = lab_host();
  const auto& xp = *find_profile("windows-xp-sp3");
  const Row saved = saved_row(xp, host, refused());
  // The lab responder accepts 3DES and AES-128 with SHA-1 and MODP-1024; XP offers only 3DES (KB 325158).
  for (const auto& w : {change({"ike-3des"}), change({}, {"ike-dh14"})}) {
    const Row row = after("windows-xp-sp3", host, saved, w);
    const auto& cell = row.vpn.at("ikev1");
    EXPECT_EQ(cell.verdict, CellVerdict::fails) << cell.reason;
    EXPECT_NE(cell.reason.find("none of the client's Main Mode transforms"), std::string::npos) << cell.reason;
    EXPECT_EQ(row.vpn.at("pptp").verdict, CellVerdict::degraded) << "PPTP is not touched";
  }
  // Without 3DES, AES-128 is left for a client that offers it too.
  VpnUse aes = *xp.vpn;
  aes.ikev1.push_back({7, 128, 2, 2});  // AES-128-CBC/SHA1/modp1024 (RFC 2409 Appendix A)
  vpn::IkeV1Info v1 = *host.vpn.result->ike->v1;
  std::erase_if(v1.transforms, [](const vpn::IkeTransform& t) { return t.enc == "3DES-CBC"; });
  const auto left = ikev1_cell(aes, v1);
  EXPECT_EQ(left.negotiated, "AES-128-CBC/SHA1/RSA-sig/modp1024") << left.reason;
}

TEST(WhatIfRemote, Dh14BreaksTheWindowsIkev2ProposalAndKeepsAndroid) {
  auto host = lab_host();
  // A responder that also accepts 3DES, SHA-1 and MODP-1024, as a Windows-compatible one does.
  auto& v2 = *host.vpn.result->ike->v2;
  v2.encryption = {"3DES-CBC", "AES-256-CBC", "AES-128-GCM-16"};
  v2.integrity = {"HMAC-SHA1-96"};
  v2.prf = {"PRF-HMAC-SHA1", "PRF-HMAC-SHA2-256"};
  v2.groups = {"modp1024", "modp2048"};
  IkeV2Answer win;
  win.outcome = Outcome::success();
  win.chosen = {"3DES-CBC", "HMAC-SHA1-96", "PRF-HMAC-SHA1", "modp1024"};
  const Row saved = saved_row(*find_profile("windows-10"), host, win);
  EXPECT_EQ(saved.vpn.at("ikev2").verdict, CellVerdict::degraded);
  EXPECT_EQ(saved.vpn.at("ikev1").verdict, CellVerdict::unknown) << "no source for Windows 10's Main Mode";
  const Row no3des = after("windows-10", host, saved, change({"ike-3des"}));
  EXPECT_EQ(no3des.vpn.at("ikev2").negotiated, "AES-256-CBC/HMAC-SHA1-96/PRF-HMAC-SHA1/modp1024");
  const Row dh14 = after("windows-10", host, saved, change({}, {"ike-dh14"}));
  EXPECT_EQ(dh14.vpn.at("ikev2").verdict, CellVerdict::fails) << dh14.vpn.at("ikev2").reason;
  EXPECT_NE(dh14.vpn.at("ikev2").reason.find("modp2048"), std::string::npos) << dh14.vpn.at("ikev2").reason;
  // Android's AEAD proposal keeps AES-128-GCM-16 with MODP-2048: the cell stays as the replay saw it.
  IkeV2Answer android;
  android.outcome = Outcome::success();
  android.chosen = {"AES-128-GCM-16", "PRF-HMAC-SHA2-256", "modp2048"};
  const Row a_saved = saved_row(*find_profile("android-12"), host, android);
  const Row a_after = after("android-12", host, a_saved, change({"ike-3des"}, {"ike-dh14"}));
  EXPECT_EQ(a_after.vpn.at("ikev2").verdict, CellVerdict::works);
  EXPECT_TRUE(cell_changes(a_saved, a_after).empty());
}

TEST(WhatIfRemote, RdpNlaAndNoStandardSecurityPerClient) {
  const auto host = lab_host();
  const auto& xp = *find_profile("windows-xp-sp3");
  const Row xp_saved = saved_row(xp, host, refused());
  // 3390: security_layer=rdp (the server selects PROTOCOL_RDP for every request); 3389: negotiate.
  ASSERT_EQ(xp_saved.rdp.at(3390).negotiated, "PROTOCOL_RDP");
  ASSERT_EQ(xp_saved.rdp.at(3389).negotiated, "PROTOCOL_SSL");
  const Row no_std = after("windows-xp-sp3", host, xp_saved, change({"rdp-standard-security"}));
  // It never selected TLS on 3390 in the scan: the client's fate there is unknown, not assumed.
  EXPECT_EQ(no_std.rdp.at(3390).verdict, CellVerdict::unknown) << no_std.rdp.at(3390).reason;
  EXPECT_EQ(no_std.rdp.at(3389).verdict, CellVerdict::works);
  const Row nla = after("windows-xp-sp3", host, xp_saved, change({}, {"rdp-nla"}));
  for (const auto& [port, cell] : nla.rdp) {
    EXPECT_EQ(cell.verdict, CellVerdict::fails) << port;
    EXPECT_NE(cell.reason.find("HYBRID_REQUIRED_BY_SERVER"), std::string::npos) << cell.reason;
  }
  // Windows 10 asks for CredSSP: with NLA required it works where the server already selects it.
  const auto& w10 = *find_profile("windows-10");
  auto nla_host = host;
  for (auto& e : nla_host.rdp.result->endpoints)
    for (auto& n : e.negotiations)
      if (e.port == 3389 && (n.requested_protocols & rdp::kProtocolHybrid)) n.selected = "PROTOCOL_HYBRID";
  const Row w10_saved = saved_row(w10, nla_host, refused());
  const Row w10_nla = after("windows-10", nla_host, w10_saved, change({}, {"rdp-nla"}));
  EXPECT_EQ(w10_nla.rdp.at(3389).verdict, CellVerdict::works);
  EXPECT_EQ(w10_nla.rdp.at(3390).verdict, CellVerdict::unknown) << w10_nla.rdp.at(3390).reason;
}

}  // namespace
}  // namespace legacyscan::matrix
