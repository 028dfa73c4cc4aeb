// SPDX-License-Identifier: Apache-2.0
// The matrix's RDP and VPN cells from the rdp and vpn probes' results and an IKEv2 replay's answer.
#include <gtest/gtest.h>

#include "src/compat/matrix_cells.hpp"
#include "src/compat/matrix_remote.hpp"
#include "src/proto/rdp/rdp_codec.hpp"

namespace legacyscan::matrix {
namespace {

bool says(const Cell& c, const std::string& text) { return c.reason.find(text) != std::string::npos; }

rdp::Negotiation answered(std::uint32_t requested, const std::string& selected, const std::string& failure) {
  rdp::Negotiation n;
  n.outcome = Outcome::success();
  n.requested_protocols = requested;
  n.requested = rdp::protocols_name(requested);
  n.answer = failure.empty() ? "response" : "failure";
  n.selected = selected;
  n.failure = failure;
  return n;
}

const ClientProfile& profile(const char* id) {
  const auto* p = find_profile(id);
  if (!p) throw std::runtime_error(std::string("no profile ") + id);
  return *p;
}

TEST(MatrixRemote, RdpCellFollowsTheAnswerToTheClientsOwnRequest) {
  const auto& xp = *profile("windows-xp-sp3").rdp;
  const auto& w10 = *profile("windows-10").rdp;
  rdp::Endpoint nla;
  nla.outcome = Outcome::success();
  nla.negotiations = {answered(xp.requested, "", "HYBRID_REQUIRED_BY_SERVER"),
                      answered(w10.requested, "PROTOCOL_HYBRID", "")};
  const auto xp_cell = rdp_cell(xp, nla);
  EXPECT_EQ(xp_cell.verdict, CellVerdict::fails);
  EXPECT_TRUE(says(xp_cell, "requires NLA")) << xp_cell.reason;
  EXPECT_TRUE(says(xp_cell, "does not offer CredSSP")) << xp_cell.reason;
  const auto w10_cell = rdp_cell(w10, nla);
  EXPECT_EQ(w10_cell.verdict, CellVerdict::works);
  EXPECT_EQ(w10_cell.negotiated, "PROTOCOL_HYBRID");

  rdp::Endpoint rdp_only;
  rdp_only.outcome = Outcome::success();
  rdp_only.negotiations = {answered(xp.requested, "", "SSL_NOT_ALLOWED_BY_SERVER")};
  rdp_only.standard_security_accepted = true;
  rdp::StandardSecurity s;
  s.outcome = Outcome::success();
  s.encryption_method = "128BIT";
  s.encryption_level = "HIGH";
  rdp_only.standard_security = s;
  const auto fallback = rdp_cell(xp, rdp_only);
  EXPECT_EQ(fallback.verdict, CellVerdict::degraded);
  EXPECT_TRUE(says(fallback, "128BIT RC4 at level HIGH")) << fallback.reason;
  EXPECT_EQ(rdp_cell(w10, rdp_only).verdict, CellVerdict::unknown) << "the probe sent no such request";
  rdp_only.standard_security_accepted = false;
  EXPECT_EQ(rdp_cell(xp, rdp_only).verdict, CellVerdict::fails);
}

vpn::IkeTransform accepted(const char* enc, const char* hash, const char* auth, const char* group, Verdict v) {
  return {enc, hash, auth, group, 0, v};
}

TEST(MatrixRemote, IkeV1CellComparesTheClientsTransformsWithTheEnumeration) {
  const auto& xp = *profile("windows-xp-sp3").vpn;
  vpn::IkeV1Info legacy;
  legacy.outcome = Outcome::success();
  legacy.transforms = {accepted("AES-128-CBC", "SHA1", "PSK", "modp1024", Verdict::warn),
                       accepted("3DES-CBC", "SHA1", "PSK", "modp1024", Verdict::warn)};
  const auto c = ikev1_cell(xp, legacy);
  EXPECT_EQ(c.verdict, CellVerdict::degraded);
  EXPECT_EQ(c.negotiated, "3DES-CBC/SHA1/PSK/modp1024");
  EXPECT_TRUE(says(c, "behind NAT")) << c.reason;
  vpn::IkeV1Info modern;
  modern.outcome = Outcome::success();
  modern.transforms = {accepted("AES-256-CBC", "SHA2-256", "RSA-sig", "modp2048", Verdict::info)};
  const auto refused = ikev1_cell(xp, modern);
  EXPECT_EQ(refused.verdict, CellVerdict::fails);
  EXPECT_TRUE(says(refused, "AES-256-CBC/SHA2-256/RSA-sig/modp2048")) << refused.reason;
  modern.anomaly = "stopped answering";
  EXPECT_EQ(ikev1_cell(xp, modern).verdict, CellVerdict::unknown);
}

TEST(MatrixRemote, IkeV2CellReadsTheReplayedAnswer) {
  const auto& w10 = *profile("windows-10").vpn;
  vpn::IkeV2Info server;
  server.outcome = Outcome::success();
  server.groups = {"ecp256", "modp2048"};
  server.encryption = {"AES-256-GCM-16"};
  IkeV2Answer refused;
  refused.outcome = Outcome::success();
  refused.notify = "NO_PROPOSAL_CHOSEN";
  const auto c = ikev2_cell(w10, refused, &server);
  EXPECT_EQ(c.verdict, CellVerdict::fails);
  EXPECT_TRUE(says(c, "modp1024")) << c.reason;
  EXPECT_TRUE(says(c, "it accepts groups ecp256, modp2048")) << c.reason;
  IkeV2Answer ok;
  ok.outcome = Outcome::success();
  ok.chosen = {"AES-256-CBC", "PRF-HMAC-SHA2-256", "HMAC-SHA2-256-128", "modp1024"};
  EXPECT_EQ(ikev2_cell(w10, ok, &server).verdict, CellVerdict::degraded);
  ok.chosen.back() = "modp2048";
  EXPECT_EQ(ikev2_cell(w10, ok, &server).verdict, CellVerdict::works);
  IkeV2Answer silent;
  silent.outcome = Outcome::failure(Status::timeout, "no answer");
  EXPECT_EQ(ikev2_cell(w10, silent, nullptr).verdict, CellVerdict::fails);
}

TEST(MatrixRemote, RowCountsTheBestVpnProtocolAndNamesAMissingOne) {
  vpn::VpnResult v;
  v.status = Status::ok;
  vpn::IkeV2Info v2;
  v2.outcome = Outcome::success();
  v.ike = vpn::IkeInfo{std::nullopt, v2};
  const std::optional<vpn::VpnResult> only_ikev2 = v;
  const auto replay = [](const VpnUse&) { return make_cell(CellVerdict::works, "replayed"); };
  Row xp;
  add_remote_cells(xp, profile("windows-xp-sp3"), std::nullopt, only_ikev2, replay);
  ASSERT_TRUE(xp.vpn.contains("any"));
  EXPECT_EQ(xp.vpn.at("any").verdict, CellVerdict::fails);
  EXPECT_TRUE(says(xp.vpn.at("any"), "the server speaks IKEv2")) << xp.vpn.at("any").reason;
  // Whether Android 12+ still speaks L2TP/IPsec has no source: its profile is not complete, so a
  // server that speaks only IKEv1 leaves it unknown, not failed.
  vpn::VpnResult v1_only;
  v1_only.status = Status::ok;
  vpn::IkeV1Info v1;
  v1.outcome = Outcome::success();
  v1_only.ike = vpn::IkeInfo{v1, std::nullopt};
  Row android;
  add_remote_cells(android, profile("android-12"), std::nullopt, v1_only, replay);
  ASSERT_TRUE(android.vpn.contains("any"));
  EXPECT_EQ(android.vpn.at("any").verdict, CellVerdict::unknown) << android.vpn.at("any").reason;
  Row w10;
  add_remote_cells(w10, profile("windows-10"), std::nullopt, only_ikev2, replay);
  ASSERT_TRUE(w10.vpn.contains("ikev2"));
  EXPECT_EQ(overall(w10), CellVerdict::works);
  w10.vpn["pptp"] = make_cell(CellVerdict::fails, "refused");
  EXPECT_EQ(overall(w10), CellVerdict::works) << "one VPN protocol that works is enough";
  Row copy;
  copy.protocols_from_json(w10.protocols_to_json());
  EXPECT_EQ(copy.vpn.size(), 2u);
  EXPECT_EQ(copy.vpn.at("ikev2").reason, "replayed");
}

TEST(MatrixRemote, UnsourcedProposalsMakeAnUnknownCellWithTheReason) {
  const auto& w7 = profile("windows-7");
  vpn::VpnResult v;
  v.status = Status::ok;
  v.ike.emplace();
  v.ike->v1.emplace();
  v.ike->v1->outcome = Outcome::success();
  v.ike->v1->transforms.push_back({});
  Row row;
  add_remote_cells(row, w7, std::nullopt, v, [](const VpnUse&) { return make_cell(CellVerdict::works, "replayed"); });
  ASSERT_TRUE(row.vpn.contains("ikev1"));
  EXPECT_EQ(row.vpn.at("ikev1").verdict, CellVerdict::unknown);
  EXPECT_TRUE(says(row.vpn.at("ikev1"), "no source")) << row.vpn.at("ikev1").reason;
  EXPECT_FALSE(row.vpn.contains("any")) << "the client speaks L2TP/IPsec: no \"any\" cell";
}

}  // namespace
}  // namespace legacyscan::matrix
