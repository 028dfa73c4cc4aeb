// SPDX-License-Identifier: Apache-2.0
// Offers from the wire, SMB and Kerberos: a profile whose verified_by names a public capture of its
// client (tests/data/public, kept under the rules of tests/data/README.md) is compared with that
// capture at test time. The client's own SMB NEGOTIATE(s) and its first AS-REQ are taken from the file
// (tshark finds the frames and cross-checks the fields), decoded with legacyscan's decoders, and must
// carry the profile's SMB1 dialect list, SMB2 dialects in order, signing mode, SMB 3.1.1 ciphers, etypes
// in order and pre-authentication data, except where the profile says why it deliberately differs
// (offer_differs; a stale note fails too). Every other profile says "offer from documentation, no
// public capture".
#if defined(LEGACYSCAN_PROBE_MATRIX)
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "src/compat/profiles.hpp"
#include "src/proto/kerberos/kerberos_kdc_req.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb2/smb2_codec.hpp"
#include "tests/unit/passive_capture_support.hpp"

namespace legacyscan::matrix {
namespace {

using passive::testing::tshark_fields;

const std::string kPublic = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/public/";

// A profile and protocol held to a capture: the file, the client's address in it, and how the client
// was identified (the profile's offer text must name the file).
struct WireCase {
  std::string profile, protocol, file, client;
};
const std::vector<WireCase> kCases{
    {"windows-10", "smb", "kerberos_tso.pcapng", "172.16.0.211"},
    {"windows-10", "kerberos", "kerberos_tso.pcapng", "172.16.0.211"},
    {"windows-10-enterprise", "smb", "smb_v2_only_head.pcap", "172.31.112.17"},
    {"windows-10-enterprise", "kerberos", "kerberos_tso.pcapng", "172.16.0.211"},
    {"windows-vista", "smb", "smb2_head.pcap", "10.0.0.11"},
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t comma; !s.empty(); start = comma + 1) {
    comma = s.find(',', start);
    out.push_back(s.substr(start, comma - start));
    if (comma == std::string::npos) break;
  }
  return out;
}

// The first message a frame's TCP payload carries, after its 4-byte NetBIOS session header or
// Kerberos record mark.
Bytes message_of(const std::string& payload_hex, const std::string& who) {
  std::string hex = payload_hex;
  hex.erase(std::remove(hex.begin(), hex.end(), ':'), hex.end());
  Bytes b;
  EXPECT_TRUE(from_hex(hex, b) && b.size() > 4) << who << ": no TCP payload";
  return b.size() > 4 ? Bytes(b.begin() + 4, b.end()) : Bytes{};
}

struct Frames {
  std::vector<std::vector<std::string>> rows;
  std::string first(std::size_t field) const { return rows.empty() ? "" : rows.front()[field]; }
};

// Each aspect equals the capture, or the profile says why not and it really differs.
struct Judge {
  const Verification& v;
  std::string who;
  void operator()(const std::string& aspect, bool same, const std::string& detail) const {
    if (v.offer_differs.contains(aspect))
      EXPECT_FALSE(same) << who << ": the profile says its " << aspect
                         << " differ from the capture, but they are the same (stale offer_differs)";
    else
      EXPECT_TRUE(same) << who << ": " << aspect << " differ from the capture\n" << detail;
  }
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

void compare_smb(const ClientProfile& p, const WireCase& c, const Judge& judge) {
  const std::string file = kPublic + c.file;
  const auto smb1 = Frames{tshark_fields(file, "ip.src==" + c.client + " && smb.cmd==0x72 && smb.flags.response==0",
                                         {"tcp.payload", "smb.dialect.name"})};
  const auto smb2 = Frames{tshark_fields(
      file, "ip.src==" + c.client + " && smb2.cmd==0 && smb2.flags.response==0",
      {"tcp.payload", "smb2.dialect", "smb2.sec_mode.sign_required", "smb2.negotiate_context.cipher_id"})};
  ASSERT_FALSE(smb1.rows.empty() && smb2.rows.empty()) << judge.who << ": no NEGOTIATE from the client";
  const auto& offer = *p.smb;

  // The connection's first NEGOTIATE: SMB1 with its dialect strings, or none.
  std::vector<std::string> real_smb1;
  if (!smb1.rows.empty()) {
    const auto neg = smb::decode_smb1_negotiate_request(message_of(smb1.first(0), judge.who));
    ASSERT_TRUE(neg) << judge.who << ": " << neg.error;
    real_smb1 = neg->Dialects;
    EXPECT_EQ(joined(real_smb1), joined(split(smb1.first(1)))) << judge.who << ": tshark reads other dialects";
  }
  judge("smb1_dialects", real_smb1 == offer.smb1_dialects,
        "capture: " + joined(real_smb1) + "\nprofile: " + joined(offer.smb1_dialects));
  if (smb2.rows.empty()) return;  // the server chose an SMB1 string ("SMB 2.002" included)

  const auto neg = smb::decode_smb2_negotiate_request(message_of(smb2.first(0), judge.who));
  ASSERT_TRUE(neg) << judge.who << ": " << neg.error;
  std::vector<std::string> dialects, tshark_dialects;
  for (auto d : neg->Dialects) {
    dialects.push_back(smb::smb2_dialect_name(d));
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%04x", static_cast<unsigned>(d));
    tshark_dialects.push_back(buf);
  }
  EXPECT_EQ(joined(tshark_dialects), joined(split(smb2.first(1)))) << judge.who << ": tshark reads other dialects";
  judge("smb2_dialects", dialects == offer.smb2_dialects,
        "capture: " + joined(dialects) + "\nprofile: " + joined(offer.smb2_dialects));
  const bool required = (neg->SecurityMode & smb::SMB2_NEGOTIATE_SIGNING_REQUIRED) != 0;
  EXPECT_EQ(required, smb2.first(2) == "1" || smb2.first(2) == "True") << judge.who << ": tshark reads otherwise";
  judge("signing", (required ? "required" : "enabled") == offer.signing,
        std::string("capture: ") + (required ? "required" : "enabled") + "\nprofile: " + offer.signing);
  std::vector<std::string> ciphers;
  for (auto id : neg->contexts.Ciphers)
    ciphers.push_back(id == smb::SMB2_ENCRYPTION_AES128_CCM   ? "AES-128-CCM"
                      : id == smb::SMB2_ENCRYPTION_AES128_GCM ? "AES-128-GCM"
                      : id == smb::SMB2_ENCRYPTION_AES256_CCM ? "AES-256-CCM"
                      : id == smb::SMB2_ENCRYPTION_AES256_GCM ? "AES-256-GCM"
                                                              : "cipher " + std::to_string(id));
  EXPECT_EQ(neg->contexts.Ciphers.size(), split(smb2.first(3)).size()) << judge.who << ": tshark reads other ciphers";
  judge("encryption_ciphers", ciphers == offer.encryption_ciphers,
        "capture: " + joined(ciphers) + "\nprofile: " + joined(offer.encryption_ciphers));
}

void compare_kerberos(const ClientProfile& p, const WireCase& c, const Judge& judge) {
  // The client's first AS-REQ of a logon (the one the matrix replays: no pre-authentication yet).
  const auto reqs = Frames{tshark_fields(kPublic + c.file, "ip.src==" + c.client + " && kerberos.msg_type==10",
                                         {"tcp.payload", "kerberos.ENCTYPE", "kerberos.padata_type"})};
  ASSERT_FALSE(reqs.rows.empty()) << judge.who << ": no AS-REQ from the client";
  const auto req = kerberos::decode_kdc_req(message_of(reqs.first(0), judge.who));
  ASSERT_TRUE(req) << judge.who << ": " << req.error;
  std::vector<std::string> real, profile, tshark_etypes = split(reqs.first(1));
  for (auto e : req->etypes) real.push_back(std::to_string(e));
  for (auto e : p.kerberos->etypes) profile.push_back(std::to_string(e));
  EXPECT_EQ(joined(real), joined(tshark_etypes)) << judge.who << ": tshark reads other etypes";
  judge("etypes", real == profile, "capture: " + joined(real) + "\nprofile: " + joined(profile));
  // The matrix's AS-REQ carries PA-PAC-REQUEST only (probes/matrix: pac_request, no pre-authentication).
  judge("padata", req->padata_types == std::vector<std::int32_t>{128},
        "capture: padata types " + reqs.first(2) + "\nmatrix: 128 (PA-PAC-REQUEST)");
}

TEST(MatrixWireOffers, EveryProfileSaysWhereItsSmbAndKerberosOffersComeFrom) {
  for (const auto& p : all_profiles())
    for (const std::string proto : {"smb", "kerberos"}) {
      if (!p.verified_by.contains(proto)) continue;
      const auto& offer = p.verified_by.at(proto).offer;
      const bool held = offer.starts_with(kPublicCapture);
      EXPECT_TRUE(held || offer == kNoPublicCapture) << p.id << " " << proto << ": " << offer;
      const auto c = std::find_if(kCases.begin(), kCases.end(),
                                  [&](const WireCase& w) { return w.profile == p.id && w.protocol == proto; });
      EXPECT_EQ(held, c != kCases.end()) << p.id << " " << proto
                                         << ": the profile and this test disagree on whether a capture holds it";
      if (held && c != kCases.end()) {
        EXPECT_NE(offer.find("tests/data/public/" + c->file), std::string::npos) << p.id << " " << proto;
      }
    }
}

TEST(MatrixWireOffers, HeldOffersEqualThePublicCaptures) {
  for (const auto& c : kCases) {
    const auto* p = find_profile(c.profile);
    ASSERT_NE(p, nullptr) << c.profile;
    ASSERT_TRUE(std::filesystem::exists(kPublic + c.file)) << c.file;
    const Judge judge{p->verified_by.at(c.protocol), c.profile + " " + c.protocol + " vs " + c.file};
    if (c.protocol == "smb") {
      ASSERT_TRUE(p->smb) << judge.who;
      compare_smb(*p, c, judge);
    } else {
      ASSERT_TRUE(p->kerberos) << judge.who;
      compare_kerberos(*p, c, judge);
    }
  }
}

// The client is who the profile says: what identifies it is in the same capture.
TEST(MatrixWireOffers, TheCapturedClientsAreWhoTheProfilesSay) {
  // NTLMSSP_NEGOTIATE VERSION of the client ([MS-NLMP] 2.2.2.10): 6.0.6001 is Vista SP1 / Server 2008,
  // 10.0.17763 Windows 10 1809 / Server 2019.
  auto version = [](const std::string& file, const std::string& client) {
    const auto rows = tshark_fields(kPublic + file, "ip.src==" + client + " && ntlmssp.messagetype==1",
                                    {"ntlmssp.version.major", "ntlmssp.version.minor", "ntlmssp.version.build_number"});
    return rows.empty() ? std::string() : rows[0][0] + "." + rows[0][1] + "." + rows[0][2];
  };
  EXPECT_EQ(version("smb2_head.pcap", "10.0.0.11"), "6.0.6001");
  EXPECT_EQ(version("smb_v2_only_head.pcap", "172.31.112.17"), "10.0.17763");
  // The Windows 10 client names itself in its AS-REQ's NetBIOS address (a DESKTOP- name is what a
  // Windows client install is given); its SMB 3.1.1 contexts offer compression (Windows 10 1903 on)
  // and only the AES-128 ciphers (Windows 11 offers AES-256 too).
  const auto rows = tshark_fields(kPublic + "kerberos_tso.pcapng", "ip.src==172.16.0.211 && kerberos.msg_type==10",
                                  {"kerberos.addr_nb"});
  ASSERT_FALSE(rows.empty());
  EXPECT_TRUE(rows[0][0].starts_with("DESKTOP-")) << rows[0][0];
  const auto neg =
      tshark_fields(kPublic + "kerberos_tso.pcapng", "ip.src==172.16.0.211 && smb2.cmd==0 && smb2.flags.response==0",
                    {"smb2.negotiate_context.type"});
  ASSERT_FALSE(neg.empty());
  EXPECT_NE(neg[0][0].find("0x0003"), std::string::npos) << neg[0][0];
}

}  // namespace
}  // namespace legacyscan::matrix
#endif
