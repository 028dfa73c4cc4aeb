// SPDX-License-Identifier: Apache-2.0
// Verdicts on replies captured from the lab's MIT krb5 1.20 KDCs (scripts/lab.d/mit, tests/data/kerberos).
#include <gtest/gtest.h>

#include <algorithm>

#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"
#include "tests/unit/kerberos_test_support.hpp"

namespace legacyscan::kerberos {
namespace {

using testing::golden;

// aesonly@MIT-ALL.TEST asked for des3 alone: MIT's 25 carries PA-FX-FAST and PA-FX-COOKIE, no ETYPE-INFO2.
TEST(KerberosMitGolden, PreauthRequiredWithoutEtypeInfo2IsNoKey) {
  const auto a = classify_message(golden("mit_all_krb_error_preauth_required_des3_no_key"), 16, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::no_key);
  ASSERT_TRUE(a.error_code);
  EXPECT_EQ(*a.error_code, KDC_ERR_PREAUTH_REQUIRED);
  EXPECT_EQ(a.padata_types, (std::vector<std::int32_t>{136, 133}));  // PA-FX-FAST, PA-FX-COOKIE
  EXPECT_TRUE(a.etype_info2.empty());
  EXPECT_FALSE(a.chosen);
  EXPECT_NE(a.detail.find("without PA-ETYPE-INFO2"), std::string::npos) << a.detail;
  // With the companion the same answer would not name aes256 either: still no-key, never accepted.
  EXPECT_EQ(classify_message(golden("mit_all_krb_error_preauth_required_des3_no_key"), 16, 18).verdict,
            EtypeVerdict::no_key);
}

// MIT-DEFAULT.TEST (allow_rc4 unset) refuses rc4-hmac alone and the Windows XP offer: 14.
TEST(KerberosMitGolden, DebianDefaultRejectsRc4AloneAndTheXpOffer) {
  for (const char* name : {"mit_default_krb_error_etype_nosupp_rc4", "mit_default_krb_error_etype_nosupp_xp_offer"}) {
    const auto msg = golden(name);
    const auto a = classify_message(msg, 23, std::nullopt);
    EXPECT_EQ(a.verdict, EtypeVerdict::rejected) << name;
    auto e = decode_krb_error(msg);
    ASSERT_TRUE(e) << e.error;
    EXPECT_EQ(e->error_code, KDC_ERR_ETYPE_NOSUPP);
    EXPECT_EQ(e->realm, "MIT-DEFAULT.TEST");
    EXPECT_EQ(e->sname.to_string(), "krbtgt/MIT-DEFAULT.TEST");
    EXPECT_FALSE(e->stime.empty());
  }
}

// roast@MIT-ALL.TEST (-requires_preauth) asked for rc4-hmac alone: an AS-REP straight away. The decoder
// keeps the etypes and lengths of the encrypted parts, never their bytes.
TEST(KerberosMitGolden, AsRepWithoutPreauthIsAcceptedAndRoastable) {
  const auto msg = golden("mit_all_as_rep_roast_rc4");
  const auto a = classify_message(msg, 23, std::nullopt);
  EXPECT_EQ(a.verdict, EtypeVerdict::accepted);
  EXPECT_TRUE(a.as_rep);
  ASSERT_TRUE(a.chosen);
  EXPECT_EQ(*a.chosen, 23);
  auto rep = decode_kdc_rep(msg);
  ASSERT_TRUE(rep) << rep.error;
  EXPECT_EQ(rep->crealm, "MIT-ALL.TEST");
  EXPECT_EQ(rep->cname.to_string(), "roast");
  EXPECT_EQ(rep->ticket_sname.to_string(), "krbtgt/MIT-ALL.TEST");
  EXPECT_EQ(rep->ticket_enc_part.etype, 18);  // krbtgt's first key
  EXPECT_EQ(rep->enc_part.etype, 23);
  EXPECT_GT(rep->enc_part.cipher_length, 24u);
  // The cipher text is only reachable through decode_as_rep_cipher, as a view into the message.
  auto cipher = decode_as_rep_cipher(msg);
  ASSERT_TRUE(cipher) << cipher.error;
  EXPECT_EQ(cipher->size(), rep->enc_part.cipher_length);
  EXPECT_TRUE(cipher->data() >= msg.data() && cipher->data() + cipher->size() <= msg.data() + msg.size());
  // With the companion offered second MIT would still answer in the first etype it has a key for.
  EXPECT_EQ(classify_message(msg, 23, 18).verdict, EtypeVerdict::accepted);
  // An AS-REP in an etype that was not offered is a protocol error, not an acceptance.
  const auto odd = classify_message(msg, 17, std::nullopt);
  EXPECT_EQ(odd.verdict, EtypeVerdict::protocol_error);
  EXPECT_NE(odd.detail.find("not offered"), std::string::npos);
}

TEST(KerberosMitGolden, EveryTruncationIsAProtocolErrorWithAReason) {
  for (const char* name : {"mit_all_krb_error_preauth_required_des3_no_key", "mit_all_as_rep_roast_rc4",
                           "mit_default_krb_error_etype_nosupp_rc4"}) {
    const auto msg = golden(name);
    for (std::size_t cut = 0; cut < msg.size(); ++cut) {
      const auto a = classify_message(ByteView(msg).first(cut), 23, std::nullopt);
      EXPECT_EQ(a.verdict, EtypeVerdict::protocol_error) << name << " cut at " << cut;
      EXPECT_FALSE(a.detail.empty()) << name << " cut at " << cut;
    }
  }
}

}  // namespace
}  // namespace legacyscan::kerberos
