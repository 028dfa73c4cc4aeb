// SPDX-License-Identifier: Apache-2.0
// Verdicts from real KDC answers (lab captures) and from the shapes other KDCs send (MIT's FAST-only
// 25, Samba's empty ETYPE-INFO2 for a DES-only account), plus the result's JSON contract (docs/probes/kerberos.md).
#include <gtest/gtest.h>

#include "probes/kerberos/kerberos_result.hpp"
#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/ber/ber.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "tests/unit/kerberos_test_support.hpp"

namespace legacyscan::kerberos {
namespace {

using testing::golden;
using testing::unframed;

// A PREAUTH_REQUIRED from the lab with its METHOD-DATA replaced by `padata`.
KrbError preauth_required_with(const std::vector<PaData>& padata) {
  auto e = decode_krb_error(golden("legacy_krb_error_preauth_required_rc4"));
  EXPECT_TRUE(e) << e.error;
  ber::Writer w;
  w.sequence([&](ber::Writer& s) {
    for (const auto& pa : padata)
      s.sequence([&](ber::Writer& p) {
        p.context(1, [&](ber::Writer& c) { c.integer(pa.padata_type); });
        p.context(2, [&](ber::Writer& c) { c.octet_string(pa.padata_value); });
      });
  });
  e->e_data = w.take();
  return *e;
}

TEST(KerberosVerdict, LegacyRc4AloneAccepted) {
  auto a = classify_message(golden("legacy_krb_error_preauth_required_rc4"), 23, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::accepted);
  EXPECT_EQ(a.error_code, KDC_ERR_PREAUTH_REQUIRED);
  EXPECT_EQ(a.chosen, 23);
  EXPECT_EQ(a.kdc_time, "20261123151013Z");
  EXPECT_EQ(a.padata_types.size(), 8u);
}

TEST(KerberosVerdict, LegacyAes256Rejected) {
  auto a = classify_message(golden("legacy_krb_error_etype_nosupp_aes256"), 18, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::rejected);
  EXPECT_EQ(a.error_code, KDC_ERR_ETYPE_NOSUPP);
}

TEST(KerberosVerdict, DesRejectedBySamba) {
  auto a = classify_message(golden("legacy_krb_error_etype_nosupp_des_cbc_crc"), 1, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::rejected);
}

TEST(KerberosVerdict, HardenedRc4WithAesCompanionNotChosen) {
  // Samba's Heimdal KDC names the strongest key (aes256) when rc4 comes first and aes256 second.
  auto a = classify_message(golden("hardened_krb_error_preauth_required_rc4_with_aes_not_chosen"), 23, 18);
  EXPECT_EQ(a.verdict, EtypeVerdict::not_chosen);
  EXPECT_EQ(a.chosen, 18);
}

TEST(KerberosVerdict, StockRc4AloneAcceptedButNotChosenWithAes) {
  EXPECT_EQ(classify_message(golden("stock_krb_error_preauth_required_rc4"), 23, std::nullopt).verdict,
            EtypeVerdict::accepted);
  EXPECT_EQ(classify_message(golden("stock_krb_error_preauth_required_rc4_with_aes"), 23, 18).verdict,
            EtypeVerdict::not_chosen);
}

TEST(KerberosVerdict, Aes256OverTcpAccepted) {
  auto a = classify_message(unframed("hardened_krb_error_preauth_required_aes256_tcp_framed"), 18, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::accepted);
  ASSERT_EQ(a.etype_info2.size(), 1u);
  EXPECT_EQ(a.etype_info2[0].salt.value_or(""), "HARDENED.TESThostdc2.hardened.test");
}

TEST(KerberosVerdict, EtypeInfo2NamingAnotherEtypeIsNoKey) {
  // Alone mode, but the KDC names a different key: not an acceptance of the offered one.
  auto a = classify_message(golden("legacy_krb_error_preauth_required_rc4"), 18, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::no_key);
}

TEST(KerberosVerdict, PrincipalUnknownIsInconclusive) {
  auto a = classify_message(golden("stock_krb_error_c_principal_unknown"), 18, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::inconclusive);
  EXPECT_EQ(a.error_code, KDC_ERR_C_PRINCIPAL_UNKNOWN);
  EXPECT_EQ(a.detail, "KDC_ERR_C_PRINCIPAL_UNKNOWN");
}

TEST(KerberosVerdict, ResponseTooBigIsInconclusive) {
  auto a = classify_message(golden("stock_krb_error_response_too_big"), 18, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::inconclusive);
  EXPECT_EQ(a.error_code, KRB_ERR_RESPONSE_TOO_BIG);
}

TEST(KerberosVerdict, EmptyEtypeInfo2IsNotAcceptance) {
  // Samba 4.17 for an account with only DES keys: 25 whose ETYPE-INFO2 is an empty SEQUENCE.
  auto e = preauth_required_with({{PA_ENC_TIMESTAMP, {}}, {PA_ETYPE_INFO2, {0x30, 0x00}}});
  auto a = classify_reply(KdcReply{e}, 3, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::no_key);
  EXPECT_NE(a.detail.find("empty ETYPE-INFO2"), std::string::npos) << a.detail;
}

TEST(KerberosVerdict, MitFastOnlyPreauthRequiredIsNoKey) {
  // MIT krb5 1.20 without a key of the offered type: 25 carrying only PA-FX-FAST and PA-FX-COOKIE.
  auto e = preauth_required_with({{136, {}}, {133, {'M', 'I', 'T'}}});
  auto a = classify_reply(KdcReply{e}, 16, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::no_key);
  EXPECT_EQ(a.padata_types, (std::vector<std::int32_t>{136, 133}));
}

TEST(KerberosVerdict, MalformedEdataIsProtocolError) {
  auto e = preauth_required_with({});
  e.e_data = Bytes{0x30, 0x05, 0x01};
  auto a = classify_reply(KdcReply{e}, 23, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::protocol_error);
  EXPECT_NE(a.detail.find("e-data"), std::string::npos);
  auto bad_info2 = preauth_required_with({{PA_ETYPE_INFO2, {0x30, 0x03, 0x30, 0x01}}});
  EXPECT_EQ(classify_reply(KdcReply{bad_info2}, 23, std::nullopt).verdict, EtypeVerdict::protocol_error);
}

TEST(KerberosVerdict, AsRepAcceptedAndRoastable) {
  auto rep = decode_kdc_rep(unframed("stock_as_rep_admin_tcp_framed"));
  ASSERT_TRUE(rep) << rep.error;
  auto a = classify_reply(KdcReply{*rep}, 18, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::accepted);
  EXPECT_TRUE(a.as_rep);
  EXPECT_EQ(classify_reply(KdcReply{*rep}, 23, 18).verdict, EtypeVerdict::not_chosen);
  EXPECT_EQ(classify_reply(KdcReply{*rep}, 23, std::nullopt).verdict, EtypeVerdict::protocol_error);
}

TEST(KerberosVerdict, GarbageIsProtocolError) {
  const Bytes http = {'H', 'T', 'T', 'P', '/', '1', '.', '1', ' ', '4', '0', '0', '\r', '\n'};
  auto a = classify_message(http, 23, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::protocol_error);
  EXPECT_FALSE(a.detail.empty());
}

// ---- result: merge and JSON contract -----------------------------------------------------------

EtypeAnswer answer(EtypeVerdict v, std::optional<std::int32_t> code = std::nullopt) {
  EtypeAnswer a;
  a.verdict = v;
  a.error_code = code;
  return a;
}

TEST(KerberosResult, MergeKeepsDefinitiveAnswerOverLoss) {
  EXPECT_EQ(KerberosResult::merge(answer(EtypeVerdict::no_answer), answer(EtypeVerdict::rejected)),
            EtypeVerdict::rejected);
  EXPECT_EQ(KerberosResult::merge(answer(EtypeVerdict::accepted), answer(EtypeVerdict::no_answer)),
            EtypeVerdict::accepted);
  EXPECT_EQ(KerberosResult::merge(answer(EtypeVerdict::rejected), answer(EtypeVerdict::accepted)),
            EtypeVerdict::accepted);
  EXPECT_EQ(KerberosResult::merge(answer(EtypeVerdict::no_answer), answer(EtypeVerdict::no_answer)),
            EtypeVerdict::no_answer);
  EXPECT_EQ(KerberosResult::merge(answer(EtypeVerdict::inconclusive, 6), answer(EtypeVerdict::no_answer)),
            EtypeVerdict::inconclusive);
}

TEST(KerberosResult, JsonKeysFollowTheContract) {
  KerberosResult r;
  r.realm = "LEGACY.TEST";
  r.realm_source = "option";
  r.principal = "DC1$@LEGACY.TEST";
  r.principal_source = "smb/ldap";
  r.udp.tested = r.tcp.tested = true;
  r.udp.max_attempts = 1;
  for (const auto& e : enumerated_etypes()) {
    EtypeRow row;
    row.etype = e.number;
    row.name = std::string(e.name);
    const bool rc4 = e.number == 23;
    row.udp_alone = row.tcp_alone = answer(rc4 ? EtypeVerdict::accepted : EtypeVerdict::rejected, rc4 ? 25 : 14);
    row.udp_with_aes = row.tcp_with_aes = row.udp_alone;
    r.etypes.push_back(row);
  }
  OfferResult xp;
  xp.name = "windows-xp-sp3";
  xp.offered = {23, 3, 1};
  xp.tcp = answer(EtypeVerdict::accepted, 25);
  xp.tcp.chosen = 23;
  xp.udp = xp.tcp;
  r.xp_offer = xp;
  r.preauth_types = {"PA-ENC-TIMESTAMP"};
  r.clock_skew_seconds = -2;
  const auto j = r.to_json();
  EXPECT_EQ(j["status"], "ok");
  EXPECT_FALSE(j.contains("reason"));
  EXPECT_EQ(j["realm"], "LEGACY.TEST");
  EXPECT_EQ(j["principal"], "DC1$@LEGACY.TEST");
  EXPECT_EQ(j["transports"]["udp"]["status"], "ok");
  EXPECT_EQ(j["transports"]["udp"]["too_big_seen"], false);
  EXPECT_EQ(j["transports"]["tcp"]["status"], "ok");
  ASSERT_EQ(j["etypes"].size(), 11u);
  for (const auto& e : enumerated_etypes()) {
    const std::string n(e.name);
    ASSERT_TRUE(j["etypes"].contains(n)) << n;
    ASSERT_TRUE(j["etypes_with_aes"].contains(n)) << n;
    ASSERT_TRUE(j["etype_details"].contains(n)) << n;
    EXPECT_TRUE(j["etype_details"][n].contains("udp"));
    EXPECT_TRUE(j["etype_details"][n].contains("tcp"));
    EXPECT_TRUE(j["etype_details"][n].contains("error"));
  }
  EXPECT_EQ(j["etypes"]["rc4-hmac"], "accepted");
  EXPECT_EQ(j["etypes"]["des-cbc-crc"], "rejected");
  EXPECT_EQ(j["etype_details"]["des-cbc-crc"]["error"], "KDC_ERR_ETYPE_NOSUPP");
  EXPECT_EQ(j["xp_offer"]["chosen"], "rc4-hmac");
  EXPECT_EQ(j["preauth_types"][0], "PA-ENC-TIMESTAMP");
  EXPECT_EQ(j["asrep_roastable"], false);
  EXPECT_EQ(j["clock_skew_seconds"], -2);

  std::vector<Finding> rows;
  r.findings(rows);
  std::size_t etype_rows = 0;
  for (const auto& row : rows)
    if (row.check.rfind("kerberos.etype.", 0) == 0) ++etype_rows;
  EXPECT_EQ(etype_rows, 11u);
}

TEST(KerberosResult, XpOfferErrorWhenNothingChosen) {
  KerberosResult r;
  OfferResult xp;
  xp.tcp = answer(EtypeVerdict::rejected, 14);
  xp.udp = answer(EtypeVerdict::no_answer);
  r.xp_offer = xp;
  const auto j = r.to_json();
  EXPECT_FALSE(j["xp_offer"].contains("chosen"));
  EXPECT_EQ(j["xp_offer"]["error"], "KDC_ERR_ETYPE_NOSUPP");
}

TEST(KerberosResult, FailedProbeHasReason) {
  KerberosResult r;
  r.status = Status::timeout;
  r.reason = "no Kerberos answer";
  const auto j = r.to_json();
  EXPECT_EQ(j["status"], "timeout");
  EXPECT_EQ(j["reason"], "no Kerberos answer");
}

}  // namespace
}  // namespace legacyscan::kerberos
