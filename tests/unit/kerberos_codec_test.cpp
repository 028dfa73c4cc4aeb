// SPDX-License-Identifier: Apache-2.0
// The Kerberos codec against messages captured from the lab's Samba 4.17 KDCs (tests/data/kerberos).
#include <gtest/gtest.h>

#include <algorithm>

#include "src/proto/ber/ber.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "tests/unit/kerberos_test_support.hpp"

namespace legacyscan::kerberos {
namespace {

using testing::golden;
using testing::unframed;

std::vector<std::int32_t> padata_types(const std::vector<PaData>& list) {
  std::vector<std::int32_t> out;
  for (const auto& p : list) out.push_back(p.padata_type);
  return out;
}

const PaData* find_pa(const std::vector<PaData>& list, std::int32_t type) {
  for (const auto& p : list)
    if (p.padata_type == type) return &p;
  return nullptr;
}

// ---- AS-REQ encoder ----------------------------------------------------------------------------

// The probe's own AS-REQs, captured on the wire; Samba answered both (25 and 14), tshark 4.0 dissects
// them without a malformed field.
TEST(KerberosCodec, AsReqMatchesGoldenRc4WithAesCompanion) {
  AsReqOptions o;
  o.realm = "HARDENED.TEST";
  o.cname = {KRB_NT_PRINCIPAL, {"DC2$"}};
  o.etype = {23, 18};
  o.nonce = 12345;
  o.pac_request = true;
  auto r = encode_as_req(o);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(to_hex(*r.value), to_hex(golden("hardened_as_req_probe_rc4_with_aes")));
}

TEST(KerberosCodec, AsReqMatchesGoldenDesCbcCrcAlone) {
  AsReqOptions o;
  o.realm = "LEGACY.TEST";
  o.cname = {KRB_NT_PRINCIPAL, {"DC1$"}};
  o.etype = {1};
  o.nonce = 12345;
  o.pac_request = true;
  auto r = encode_as_req(o);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(to_hex(*r.value), to_hex(golden("legacy_as_req_probe_des_cbc_crc")));
}

TEST(KerberosCodec, AsReqStructure) {
  AsReqOptions o;
  o.realm = "STOCK.TEST";
  o.cname = {KRB_NT_PRINCIPAL, {"DC3$"}};
  o.etype = {23, -133, -128, 24, -135, 3, 1};
  o.nonce = 0x7fffffff;
  auto r = encode_as_req(o);
  ASSERT_TRUE(r) << r.error;
  // [APPLICATION 10] { SEQUENCE { [1] pvno 5, [2] msg-type 10, [4] req-body } } (no padata asked for)
  ber::Reader top(*r.value), app, seq, c;
  ASSERT_TRUE(top.enter(ber::application_tag(10), app));
  ASSERT_TRUE(app.enter_sequence(seq));
  std::int64_t v = 0;
  ASSERT_TRUE(seq.enter_context(1, c));
  ASSERT_TRUE(c.read_integer(v));
  EXPECT_EQ(v, 5);
  ASSERT_TRUE(seq.enter_context(2, c));
  ASSERT_TRUE(c.read_integer(v));
  EXPECT_EQ(v, 10);
  EXPECT_FALSE(seq.next_is(ber::Class::Context, 3));
  ber::Reader body_ctx, body;
  ASSERT_TRUE(seq.enter_context(4, body_ctx));
  ASSERT_TRUE(body_ctx.enter_sequence(body));
  // Walk to etype [8] and read the list back, negative numbers included.
  while (!body.next_is(ber::Class::Context, 8)) ASSERT_TRUE(body.skip());
  ber::Reader et_ctx, et;
  ASSERT_TRUE(body.enter_context(8, et_ctx));
  ASSERT_TRUE(et_ctx.enter_sequence(et));
  std::vector<std::int32_t> got;
  while (!et.empty()) {
    ASSERT_TRUE(et.read_integer(v));
    got.push_back(static_cast<std::int32_t>(v));
  }
  EXPECT_EQ(got, o.etype);
}

TEST(KerberosCodec, AsReqRefusesEmptyFields) {
  AsReqOptions o;
  o.cname = {KRB_NT_PRINCIPAL, {"x"}};
  o.etype = {23};
  EXPECT_FALSE(encode_as_req(o));  // no realm
  o.realm = "R";
  o.etype.clear();
  EXPECT_FALSE(encode_as_req(o));  // no etype
}

// ---- KRB-ERROR ---------------------------------------------------------------------------------

TEST(KerberosCodec, LegacyPreauthRequiredRc4) {
  auto e = decode_krb_error(golden("legacy_krb_error_preauth_required_rc4"));
  ASSERT_TRUE(e) << e.error;
  EXPECT_EQ(e->pvno, 5);
  EXPECT_EQ(e->msg_type, KRB_ERROR);
  EXPECT_EQ(e->error_code, KDC_ERR_PREAUTH_REQUIRED);
  EXPECT_EQ(e->realm, "LEGACY.TEST");
  EXPECT_EQ(e->crealm.value_or(""), "LEGACY.TEST");
  ASSERT_TRUE(e->cname);
  EXPECT_EQ(e->cname->to_string(), "DC1$");
  EXPECT_EQ(e->sname.to_string(), "krbtgt/LEGACY.TEST");
  EXPECT_EQ(e->sname.name_type, KRB_NT_SRV_INST);
  EXPECT_EQ(e->stime, "20261123151013Z");
  EXPECT_EQ(e->e_text.value_or(""), "Need to use PA-ENC-TIMESTAMP/PA-PK-AS-REQ");
  ASSERT_TRUE(e->e_data);
  auto md = decode_method_data(*e->e_data);
  ASSERT_TRUE(md) << md.error;
  // Samba 4.17 (Heimdal KDC): PKINIT, old PKINIT, PKINIT-KX, ENC-TIMESTAMP, FX-FAST, GSS, ETYPE-INFO2, ETYPE-INFO.
  EXPECT_EQ(padata_types(*md), (std::vector<std::int32_t>{16, 15, 147, 2, 136, 655, 19, 11}));
  const auto* info2 = find_pa(*md, PA_ETYPE_INFO2);
  ASSERT_NE(info2, nullptr);
  auto entries = decode_etype_info2(info2->padata_value);
  ASSERT_TRUE(entries) << entries.error;
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].etype, 23);
  EXPECT_FALSE((*entries)[0].salt);  // RC4 has no salt
}

TEST(KerberosCodec, HardenedPreauthRequiredAes256OverTcp) {
  const Bytes framed = golden("hardened_krb_error_preauth_required_aes256_tcp_framed");
  auto mark = decode_record_mark(ByteView(framed).first(4));
  ASSERT_TRUE(mark) << mark.error;
  EXPECT_EQ(*mark, framed.size() - 4);
  auto e = decode_krb_error(ByteView(framed).subspan(4));
  ASSERT_TRUE(e) << e.error;
  EXPECT_EQ(e->error_code, KDC_ERR_PREAUTH_REQUIRED);
  auto md = decode_method_data(*e->e_data);
  ASSERT_TRUE(md) << md.error;
  auto entries = decode_etype_info2(find_pa(*md, PA_ETYPE_INFO2)->padata_value);
  ASSERT_TRUE(entries) << entries.error;
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].etype, 18);
  EXPECT_EQ((*entries)[0].salt.value_or(""), "HARDENED.TESThostdc2.hardened.test");
  // No PA-ETYPE-INFO beside ETYPE-INFO2 for AES (RFC 4120 5.2.7.5).
  EXPECT_EQ(find_pa(*md, PA_ETYPE_INFO), nullptr);
}

TEST(KerberosCodec, EtypeNosupp) {
  for (const char* name : {"legacy_krb_error_etype_nosupp_aes256", "hardened_krb_error_etype_nosupp_rc4",
                           "legacy_krb_error_etype_nosupp_des_cbc_crc"}) {
    auto e = decode_krb_error(golden(name));
    ASSERT_TRUE(e) << name << ": " << e.error;
    EXPECT_EQ(e->error_code, KDC_ERR_ETYPE_NOSUPP) << name;
    EXPECT_FALSE(e->e_text) << name;
  }
}

TEST(KerberosCodec, PrincipalUnknown) {
  auto e = decode_krb_error(golden("stock_krb_error_c_principal_unknown"));
  ASSERT_TRUE(e) << e.error;
  EXPECT_EQ(e->error_code, KDC_ERR_C_PRINCIPAL_UNKNOWN);
  EXPECT_EQ(error_name(e->error_code), "KDC_ERR_C_PRINCIPAL_UNKNOWN");
  EXPECT_EQ(e->cname->to_string(), "nosuchuser");
}

TEST(KerberosCodec, ResponseTooBigAfterEncTimestamp) {
  // kinit's second AS-REQ (with PA-ENC-TIMESTAMP) over UDP: Samba answers 52 and kinit retries on TCP.
  auto e = decode_krb_error(golden("stock_krb_error_response_too_big"));
  ASSERT_TRUE(e) << e.error;
  EXPECT_EQ(e->error_code, KRB_ERR_RESPONSE_TOO_BIG);
  EXPECT_EQ(error_name(e->error_code), "KRB_ERR_RESPONSE_TOO_BIG");
  EXPECT_EQ(e->e_text.value_or(""), "Reply packet too large");
}

// ---- AS-REP ------------------------------------------------------------------------------------

TEST(KerberosCodec, AsRepOuterFields) {
  const Bytes framed = golden("stock_as_rep_admin_tcp_framed");
  auto mark = decode_record_mark(ByteView(framed).first(4));
  ASSERT_TRUE(mark);
  EXPECT_EQ(*mark, framed.size() - 4);
  auto a = decode_kdc_rep(ByteView(framed).subspan(4));
  ASSERT_TRUE(a) << a.error;
  EXPECT_EQ(a->pvno, 5);
  EXPECT_EQ(a->msg_type, KRB_AS_REP);
  EXPECT_EQ(a->crealm, "STOCK.TEST");
  EXPECT_EQ(a->cname.to_string(), "Administrator");
  EXPECT_EQ(a->tkt_vno, 5);
  EXPECT_EQ(a->ticket_realm, "STOCK.TEST");
  EXPECT_EQ(a->ticket_sname.to_string(), "krbtgt/STOCK.TEST");
  EXPECT_EQ(a->ticket_enc_part.etype, 18);
  EXPECT_EQ(a->enc_part.etype, 18);
  EXPECT_GT(a->enc_part.cipher_length, 0u);
  EXPECT_EQ(padata_types(a->padata), (std::vector<std::int32_t>{PA_ETYPE_INFO2}));
}

TEST(KerberosCodec, KdcReplyDispatch) {
  auto err = decode_kdc_reply(golden("stock_krb_error_c_principal_unknown"));
  ASSERT_TRUE(err) << err.error;
  EXPECT_TRUE(std::holds_alternative<KrbError>(*err));
  auto rep = decode_kdc_reply(unframed("stock_as_rep_admin_tcp_framed"));
  ASSERT_TRUE(rep) << rep.error;
  EXPECT_TRUE(std::holds_alternative<KdcRep>(*rep));
  // An AS-REQ is not a reply.
  auto req = decode_kdc_reply(golden("legacy_as_req_rc4_udp"));
  ASSERT_FALSE(req);
  EXPECT_NE(req.error.find("[APPLICATION 10]"), std::string::npos) << req.error;
  EXPECT_FALSE(decode_kdc_reply({}));
  const Bytes http = {'H', 'T', 'T', 'P', '/', '1', '.', '0', ' ', '4', '0', '0'};
  EXPECT_FALSE(decode_kdc_reply(http));
}

// ---- every truncation of every real reply ------------------------------------------------------

struct Sample {
  const char* name;
  bool framed;
};
const Sample kReplies[] = {
    {"legacy_krb_error_preauth_required_rc4", false},
    {"legacy_krb_error_preauth_required_rc4_tcp_framed", true},
    {"legacy_krb_error_etype_nosupp_aes256", false},
    {"legacy_krb_error_etype_nosupp_des_cbc_crc", false},
    {"hardened_krb_error_etype_nosupp_rc4", false},
    {"hardened_krb_error_preauth_required_aes256_tcp_framed", true},
    {"hardened_krb_error_preauth_required_rc4_with_aes_not_chosen", false},
    {"stock_krb_error_c_principal_unknown", false},
    {"stock_krb_error_preauth_required_admin", false},
    {"stock_krb_error_preauth_required_rc4", false},
    {"stock_krb_error_preauth_required_rc4_with_aes", false},
    {"stock_krb_error_response_too_big", false},
    {"stock_as_rep_admin_tcp_framed", true},
};

TEST(KerberosCodec, EveryTruncationOfEveryReplyFailsCleanly) {
  for (const auto& s : kReplies) {
    const Bytes msg = s.framed ? unframed(s.name) : golden(s.name);
    ASSERT_TRUE(decode_kdc_reply(msg)) << s.name;
    for (std::size_t n = 0; n < msg.size(); ++n) {
      const ByteView cut(msg.data(), n);
      auto r = decode_kdc_reply(cut);
      EXPECT_FALSE(r) << s.name << " cut at " << n;
      EXPECT_FALSE(r.error.empty()) << s.name << " cut at " << n;
      EXPECT_FALSE(decode_krb_error(cut)) << s.name << " cut at " << n;
      EXPECT_FALSE(decode_kdc_rep(cut)) << s.name << " cut at " << n;
    }
  }
}

TEST(KerberosCodec, EveryTruncationOfMethodDataAndEtypeInfo2) {
  for (const auto& s : kReplies) {
    const Bytes msg = s.framed ? unframed(s.name) : golden(s.name);
    auto r = decode_kdc_reply(msg);
    ASSERT_TRUE(r) << s.name;
    const auto* e = std::get_if<KrbError>(&*r);
    if (!e || !e->e_data) continue;
    const Bytes& md_bytes = *e->e_data;
    auto md = decode_method_data(md_bytes);
    ASSERT_TRUE(md) << s.name << ": " << md.error;
    for (std::size_t n = 0; n < md_bytes.size(); ++n)
      EXPECT_FALSE(decode_method_data(ByteView(md_bytes.data(), n))) << s.name << " cut at " << n;
    const auto* pa = find_pa(*md, PA_ETYPE_INFO2);
    if (!pa) continue;
    ASSERT_TRUE(decode_etype_info2(pa->padata_value)) << s.name;
    for (std::size_t n = 0; n < pa->padata_value.size(); ++n)
      EXPECT_FALSE(decode_etype_info2(ByteView(pa->padata_value.data(), n))) << s.name << " cut at " << n;
  }
}

TEST(KerberosCodec, EveryTruncationOfTheRecordMark) {
  const Bytes framed = golden("legacy_krb_error_preauth_required_rc4_tcp_framed");
  for (std::size_t n = 0; n < 4; ++n) EXPECT_FALSE(decode_record_mark(ByteView(framed.data(), n)));
}

// ---- hostile input -----------------------------------------------------------------------------

// The UDP answer test: every real reply is an answer, junk and malformed DER are not.
TEST(KerberosCodec, KdcReplyDatagramTakesEveryRealReply) {
  for (const auto& s : kReplies) {
    const Bytes msg = s.framed ? unframed(s.name) : golden(s.name);
    auto shape = kdc_reply_datagram(msg);
    ASSERT_TRUE(shape) << s.name << ": " << shape.error;
    EXPECT_EQ(*shape, std::holds_alternative<KrbError>(*decode_kdc_reply(msg)) ? 30u : 11u) << s.name;
  }
  for (const char* name : {"mit_all_krb_error_preauth_required_des3_no_key", "mit_all_as_rep_roast_rc4",
                           "mit_default_krb_error_etype_nosupp_rc4", "mit_default_krb_error_etype_nosupp_xp_offer"})
    EXPECT_TRUE(kdc_reply_datagram(golden(name))) << name;
}

TEST(KerberosCodec, KdcReplyDatagramTakesAWellFormedReplyWithWrongFields) {
  // An AS-REP whose msg-type says TGS-REP: the KDC's answer (reported as a protocol error), not junk.
  Bytes rep = unframed("legacy_as_rep_admin_rc4_tcp_framed");
  const Bytes msg_type_11 = {0xa1, 0x03, 0x02, 0x01, 0x0b};
  auto at = std::search(rep.begin(), rep.end(), msg_type_11.begin(), msg_type_11.end());
  ASSERT_NE(at, rep.end());
  at[4] = 13;
  EXPECT_TRUE(kdc_reply_datagram(rep));
  EXPECT_FALSE(decode_kdc_reply(rep));
  // The same bytes under [APPLICATION 13] (TGS-REP) are a reply too.
  rep[0] = 0x6d;
  auto tgs = kdc_reply_datagram(rep);
  ASSERT_TRUE(tgs) << tgs.error;
  EXPECT_EQ(*tgs, 13u);
}

TEST(KerberosCodec, KdcReplyDatagramRejectsJunk) {
  const Bytes krb_error = golden("legacy_krb_error_preauth_required_rc4");
  const auto rejected = [](const Bytes& d, const std::string& why_contains) {
    auto r = kdc_reply_datagram(d);
    EXPECT_FALSE(r) << to_hex(d);
    EXPECT_NE(r.error.find(why_contains), std::string::npos) << r.error;
  };
  rejected({}, "not DER");
  rejected({'H', 'T', 'T', 'P', '/', '1', '.', '0'}, "not DER");
  rejected(golden("legacy_as_req_rc4_udp"), "[APPLICATION 10]");  // a request, not a reply
  rejected({0x30, 0x03, 0x02, 0x01, 0x01}, "UNIVERSAL 16");       // an LDAP-like SEQUENCE
  rejected({0x5e, 0x00}, "not a KRB-ERROR");                      // [APPLICATION 30] primitive
  rejected({0x7e, 0x00}, "[APPLICATION 30]");                     // no SEQUENCE inside
  rejected({0x7e, 0x03, 0x02, 0x01, 0x05}, "[APPLICATION 30]");   // an INTEGER instead of the SEQUENCE
  // Nested DER lengths of 2^31, BER indefinite lengths (the hostile server's KRB-ERRORs).
  rejected({0x7e, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x84, 0x80, 0x00, 0x00, 0x00, 0xa0, 0x03, 0x02, 0x01, 0x05},
           "not DER");
  rejected({0x7e, 0x80, 0x30, 0x80, 0xa0, 0x03, 0x02, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00}, "indefinite");
  // A constructed field inside whose length runs past its parent.
  rejected({0x7e, 0x07, 0x30, 0x05, 0xa0, 0x04, 0x02, 0x01, 0x05}, "[APPLICATION 30]");
  // A real reply with a byte after it, two replies in one datagram, every truncation.
  Bytes trailing = krb_error;
  trailing.push_back(0);
  rejected(trailing, "bytes after");
  Bytes two = krb_error;
  two.insert(two.end(), krb_error.begin(), krb_error.end());
  rejected(two, "bytes after");
  for (std::size_t n = 0; n < krb_error.size(); ++n)
    EXPECT_FALSE(kdc_reply_datagram(ByteView(krb_error.data(), n))) << "cut at " << n;
}

TEST(KerberosCodec, RecordMarkReservedBitAndCap) {
  const Bytes reserved = {0x80, 0x00, 0x00, 0x10};
  auto r = decode_record_mark(reserved);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error.find("reserved"), std::string::npos);
  const Bytes huge = {0x01, 0x00, 0x00, 0x00};
  EXPECT_FALSE(decode_record_mark(huge));
  const Bytes http = {'H', 'T', 'T', 'P'};
  EXPECT_FALSE(decode_record_mark(http));  // 0x48545450 > cap
  EXPECT_EQ(frame_tcp(Bytes{1, 2, 3}), (Bytes{0, 0, 0, 3, 1, 2, 3}));
}

TEST(KerberosCodec, TrailingBytesAfterMessageRejected) {
  Bytes msg = golden("stock_krb_error_c_principal_unknown");
  msg.push_back(0);
  auto e = decode_krb_error(msg);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error.find("after the message"), std::string::npos) << e.error;
}

TEST(KerberosCodec, WrongPvnoRejected) {
  Bytes msg = golden("stock_krb_error_c_principal_unknown");
  ASSERT_EQ(msg[9], 0x05);  // 7e 81 81 30 7f a0 03 02 01 [05]
  msg[9] = 0x04;
  auto e = decode_krb_error(msg);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error.find("pvno"), std::string::npos) << e.error;
}

TEST(KerberosCodec, EtypeInfo2EmptyListAndCap) {
  // Samba answered a DES-only account with an empty ETYPE-INFO2 (the ASN.1 says SIZE (1..MAX)).
  const Bytes empty = {0x30, 0x00};
  auto r = decode_etype_info2(empty);
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->empty());
  ber::Writer w;
  w.sequence([](ber::Writer& s) {
    for (int i = 0; i < 65; ++i)
      s.sequence([](ber::Writer& e) { e.context(0, [](ber::Writer& c) { c.integer(23); }); });
  });
  auto many = decode_etype_info2(w.view());
  ASSERT_FALSE(many);
  EXPECT_NE(many.error.find("more than"), std::string::npos);
}

TEST(KerberosCodec, MethodDataCap) {
  ber::Writer w;
  w.sequence([](ber::Writer& s) {
    for (int i = 0; i < 65; ++i)
      s.sequence([](ber::Writer& p) {
        p.context(1, [](ber::Writer& c) { c.integer(2); });
        p.context(2, [](ber::Writer& c) { c.octet_string({}); });
      });
  });
  EXPECT_FALSE(decode_method_data(w.view()));
}

TEST(KerberosCodec, DeepNestingRejected) {
  // 40 nested SEQUENCEs where METHOD-DATA expects PA-DATA.
  Bytes b;
  for (int i = 0; i < 40; ++i) {
    Bytes outer = {0x30, static_cast<std::uint8_t>(b.size())};
    outer.insert(outer.end(), b.begin(), b.end());
    b = outer;
    if (b.size() > 120) break;
  }
  EXPECT_FALSE(decode_method_data(b));
}

TEST(KerberosCodec, LengthBeyondInputRejected) {
  const Bytes lie = {0x7e, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x00};
  EXPECT_FALSE(decode_kdc_reply(lie));
}

// ---- helpers -----------------------------------------------------------------------------------

TEST(KerberosCodec, KerberosTime) {
  EXPECT_EQ(kerberos_time_to_unix("19700101000000Z"), 0);
  EXPECT_EQ(kerberos_time_to_unix("20000301000000Z"), 951868800);
  EXPECT_EQ(kerberos_time_to_unix("20261123151013Z"), 1795446613);
  EXPECT_FALSE(kerberos_time_to_unix("2026112315101Z"));
  EXPECT_FALSE(kerberos_time_to_unix("20261323151013Z"));
  EXPECT_FALSE(kerberos_time_to_unix("20261123151013+"));
}

TEST(KerberosCodec, Names) {
  EXPECT_EQ(error_name(14), "KDC_ERR_ETYPE_NOSUPP");
  EXPECT_EQ(error_name(25), "KDC_ERR_PREAUTH_REQUIRED");
  EXPECT_EQ(error_name(68), "KDC_ERR_WRONG_REALM");
  EXPECT_EQ(error_name(999), "KRB_ERROR_999");
  EXPECT_EQ(padata_name(2), "PA-ENC-TIMESTAMP");
  EXPECT_EQ(padata_name(136), "PA-FX-FAST");
  EXPECT_EQ(padata_name(4242), "PA-4242");
}

TEST(KerberosEtypes, TableIsConsistent) {
  const auto list = enumerated_etypes();
  ASSERT_EQ(list.size(), 11u);
  const std::vector<std::int32_t> want{1, 3, 16, 17, 18, 19, 20, 23, 24, 25, 26};
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i].number, want[i]);
    EXPECT_TRUE(list[i].enumerated);
    EXPECT_EQ(find_etype(list[i].name), find_etype(list[i].number));
  }
  for (const auto& a : known_etypes())
    for (const auto& b : known_etypes())
      if (&a != &b) {
        EXPECT_NE(a.number, b.number);
        EXPECT_NE(a.name, b.name);
      }
  EXPECT_EQ(etype_name(23), "rc4-hmac");
  EXPECT_EQ(etype_name(99), "etype-99");
}

TEST(KerberosEtypes, WindowsXpOfferHasOnlyKnownPreVistaEtypes) {
  const auto& xp = windows_xp_offer();
  EXPECT_FALSE(xp.source.empty());
  ASSERT_FALSE(xp.etypes.empty());
  EXPECT_EQ(xp.etypes.front(), 23);
  for (auto e : xp.etypes) {
    EXPECT_NE(find_etype(e), nullptr) << e;
    EXPECT_FALSE(e == 17 || e == 18) << "Windows XP has no AES";
  }
}

}  // namespace
}  // namespace legacyscan::kerberos
