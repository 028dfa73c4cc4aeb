// SPDX-License-Identifier: Apache-2.0
// The domain facts of the account audit: the replication metadata of the lab's "accounts" domain
// object (tests/data/accounts, read over LDAPS from the lab DC; ldbsearch --show-binary of the same
// object shows msDS-Behavior-Version at version 2, changed Mon Dec 7 14:38:16 2026 UTC), the date the
// domain could make AES keys, trusts, the HTML Accounts section and the rc4-2026 wave.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "src/compat/accounts_ldap.hpp"
#include "src/compat/accounts_result.hpp"
#include "src/compat/whatif.hpp"
#include "src/report/accounts_report.hpp"

namespace legacyscan::accounts {
namespace {

Bytes data(const std::string& name) {
  std::ifstream f(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/accounts/" + name, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

TEST(AccountsDomain, BehaviorVersionChangeFromTheLabMetadata) {
  const Bytes blob = data("domain-replPropertyMetaData.bin");
  ASSERT_FALSE(blob.empty());
  const auto c = attribute_change(blob, kAttidBehaviorVersion);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->version, 2u);
  EXPECT_EQ(seconds_to_rfc3339(c->time_s), "2026-12-07T14:38:16Z");
  EXPECT_FALSE(attribute_change(blob, 0x12345678));
  // Cut anywhere, or with a count larger than the bytes: no answer, no read past the end.
  for (std::size_t n = 0; n < blob.size(); n += 7) EXPECT_FALSE(attribute_change(ByteView(blob).first(n), 0x7fffffff));
  Bytes big = blob;
  big[8] = 0xff;
  EXPECT_FALSE(attribute_change(big, kAttidBehaviorVersion));
}

TEST(AccountsDomain, GeneralizedTime) {
  const auto s = generalized_time_seconds("20261207143813.0Z");
  ASSERT_TRUE(s);
  EXPECT_EQ(seconds_to_rfc3339(*s), "2026-12-07T14:38:13Z");
  for (const char* bad : {"", "2026", "20261307143813.0Z", "2026120714381x.0Z", "20261207143813.0"})
    EXPECT_FALSE(generalized_time_seconds(bad)) << bad;
}

TEST(AccountsDomain, SidWithRid) {
  // The lab domain's SID; ldbsearch names its RID 521 group S-1-5-21-1392249190-1994027773-3149023069-521.
  const Bytes sid = data("domain-objectSid.bin");
  const Bytes rodc = sid_with_rid(sid, 521);
  ASSERT_EQ(rodc.size(), sid.size() + 4);
  EXPECT_EQ(rodc[1], sid[1] + 1);
  EXPECT_EQ(Bytes(rodc.end() - 4, rodc.end()), (Bytes{0x09, 0x02, 0, 0}));
  std::uint32_t last = 0;
  for (int i = 3; i >= 0; --i) last = (last << 8) | sid[sid.size() - 4 + static_cast<std::size_t>(i)];
  EXPECT_EQ(last, 3149023069u);
  EXPECT_TRUE(sid_with_rid(ByteView(sid).first(9), 521).empty());
  EXPECT_TRUE(sid_with_rid({}, 521).empty());
}

TEST(AccountsDomain, AesKeysSinceIsTheLaterOfRaiseAndRodcGroup) {
  AesKeysSince out;
  const AttributeChange raised{2, 1000};
  EXPECT_EQ(aes_keys_since(4, raised, 10, 900, out), 1000);
  EXPECT_EQ(out.date, seconds_to_rfc3339(1000));
  EXPECT_EQ(out.rodc_group_created, seconds_to_rfc3339(900));
  EXPECT_EQ(aes_keys_since(4, raised, 10, 2000, out), 2000);
  // Never raised: the level since the domain's creation.
  EXPECT_EQ(aes_keys_since(3, AttributeChange{1, 5}, 10, std::nullopt, out), 10);
  // Below 2008: no date, said so.
  EXPECT_FALSE(aes_keys_since(2, raised, 10, 900, out));
  EXPECT_FALSE(out.date);
  EXPECT_NE(out.evidence.find("2003"), std::string::npos);
  EXPECT_FALSE(aes_keys_since(std::nullopt, raised, 10, 900, out));
}

TEST(AccountsDomain, TrustNames) {
  EXPECT_EQ(trust_direction_name(3), "bidirectional");
  EXPECT_EQ(trust_type_name(2), "uplevel");
  EXPECT_EQ(trust_attribute_names(0x88), (std::vector<std::string>{"FOREST_TRANSITIVE", "USES_RC4_ENCRYPTION"}));
  EXPECT_EQ(trust_attribute_names(0x100000), (std::vector<std::string>{"bit-0x100000"}));
}

AccountResult trust(std::string type) {
  AccountResult a;
  a.name = "partner.test";
  a.trust = TrustInfo{"partner.test", "bidirectional", std::move(type), {}, std::nullopt};
  return a;
}

TEST(AccountsDomain, TrustVerdicts) {
  auto a = trust("uplevel");
  decide_trust(a, std::nullopt);
  EXPECT_EQ(a.verdict, AccountVerdict::breaks);
  EXPECT_EQ(a.kind, "trust");
  decide_trust(a, 0x4);
  EXPECT_EQ(a.verdict, AccountVerdict::breaks);
  decide_trust(a, 0x1C);
  EXPECT_EQ(a.verdict, AccountVerdict::rc4_exception);
  decide_trust(a, 0x18);
  EXPECT_EQ(a.verdict, AccountVerdict::ok);
  auto nt4 = trust("downlevel");
  decide_trust(nt4, std::nullopt);
  EXPECT_EQ(nt4.verdict, AccountVerdict::unknown);
}

// The referral tickets for krbtgt/PARTNER decide when they were asked; the attribute only explains.
AccountResult referral(const char* both, const char* rc4, const char* aes) {
  auto a = trust("uplevel");
  a.trust->referral = "krbtgt/PARTNER.TEST@HOME.TEST";
  a.tickets.default_offer = both;
  a.tickets.rc4_only = rc4;
  a.tickets.aes_only = aes;
  return a;
}

TEST(AccountsDomain, TrustVerdictsFromReferralTickets) {
  constexpr const char* kNo = "KDC_ERR_ETYPE_NOSUPP";
  // RC4 only crosses: breaks whatever the attribute says, and the reason shows both.
  auto a = referral("rc4-hmac", "rc4-hmac", kNo);
  decide_trust(a, 0x4);
  EXPECT_EQ(a.verdict, AccountVerdict::breaks);
  EXPECT_NE(a.reason.find("referral tickets for krbtgt/PARTNER.TEST@HOME.TEST: RC4 only"), std::string::npos);
  EXPECT_NE(a.remedy.find("samba-tool domain trust modify"), std::string::npos);
  decide_trust(a, 0x18);
  EXPECT_EQ(a.verdict, AccountVerdict::breaks);
  EXPECT_NE(a.reason.find("the attribute asks for AES, but the KDC issues no AES referral"), std::string::npos);
  // AES only: ok, though the attribute alone would say breaks.
  a = referral("aes256-cts-hmac-sha1-96", kNo, "aes256-cts-hmac-sha1-96");
  decide_trust(a, std::nullopt);
  EXPECT_EQ(a.verdict, AccountVerdict::ok);
  // RC4 preferred with AES keys: an explicit RC4 bit keeps it, no attribute turns AES after the update.
  a = referral("rc4-hmac", "rc4-hmac", "aes256-cts-hmac-sha1-96");
  decide_trust(a, 0x1C);
  EXPECT_EQ(a.verdict, AccountVerdict::rc4_exception);
  decide_trust(a, std::nullopt);
  EXPECT_EQ(a.verdict, AccountVerdict::ok);
  EXPECT_NE(a.reason.find("RC4 today"), std::string::npos);
  // AES by default, RC4 to an RC4-only client because the attribute allows it.
  a = referral("aes256-cts-hmac-sha1-96", "rc4-hmac", "aes256-cts-hmac-sha1-96");
  decide_trust(a, 0x1C);
  EXPECT_EQ(a.verdict, AccountVerdict::rc4_exception);
  // No ticket at all (an inbound-only trust's principal unknown here): the attribute decides.
  a = referral("KDC_ERR_S_PRINCIPAL_UNKNOWN", "KDC_ERR_S_PRINCIPAL_UNKNOWN", "KDC_ERR_S_PRINCIPAL_UNKNOWN");
  decide_trust(a, 0x18);
  EXPECT_EQ(a.verdict, AccountVerdict::ok);
  EXPECT_NE(a.reason.find("no referral ticket"), std::string::npos);
}

AsRequest preauth(std::vector<std::string> keys) {
  AsRequest r;
  r.answer = AsAnswer::preauth_required;
  r.keys = std::move(keys);
  return r;
}

TEST(AccountsDomain, PasswordDateBesideTheKdcAnswer) {
  AccountResult a;
  a.name = "old";
  a.rc4 = preauth({"rc4-hmac"});
  a.pwd_before_aes = true;
  decide(a);
  EXPECT_EQ(a.verdict, AccountVerdict::breaks);
  EXPECT_NE(a.reason.find("password set before the domain could make AES keys"), std::string::npos) << a.reason;
  a.pwd_before_aes = false;
  decide(a);
  EXPECT_NE(a.reason.find("after the domain could make AES keys, yet the KDC has no AES key"), std::string::npos);
  a.aes = preauth({"aes256-cts-hmac-sha1-96"});
  a.pwd_before_aes = true;
  decide(a);
  EXPECT_EQ(a.verdict, AccountVerdict::ok);
  EXPECT_NE(a.reason.find("yet the KDC has AES keys"), std::string::npos);
  a.pwd_before_aes.reset();
  decide(a);
  EXPECT_EQ(a.reason.find("domain could make AES keys"), std::string::npos);
}

TEST(AccountsHtml, SectionEscapesAndSortsWorstFirst) {
  AccountsResult r;
  r.realm = "EXAMPLE.TEST";
  AccountResult ok;
  ok.name = "fine";
  ok.aes = preauth({"aes256-cts-hmac-sha1-96"});
  decide(ok);
  AccountResult bad;
  bad.name = "<script>x</script>";
  bad.rc4 = preauth({"rc4-hmac"});
  decide(bad);
  r.accounts = {ok, bad};
  report::AccountsAudit audit{"dc1", "127.0.0.1", Status::ok, "", &r};
  std::ostringstream out;
  report::render_accounts_html(out, {audit}, "start", "end");
  const auto html = out.str();
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;x&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"accounts\">"), std::string::npos);
  EXPECT_LT(html.find("data-verdict=\"breaks\""), html.find("data-verdict=\"ok\""));
  EXPECT_NE(html.find("breaks 1"), std::string::npos);
  EXPECT_NE(html.find(bad.remedy.substr(0, 30)), std::string::npos);
}

TEST(AccountsWave, Rc4Of2026PerAccount) {
  ASSERT_TRUE(matrix::find_wave("RC4-2026"));
  EXPECT_FALSE(matrix::find_wave("rc4-2027"));
  AccountResult a;
  a.name = "svc";
  a.aes = preauth({"aes256-cts-hmac-sha1-96"});
  a.rc4 = preauth({"rc4-hmac"});
  decide(a);
  EXPECT_EQ(matrix::rc4_2026_account(a, "dc").verdict, "ok");
  a.tickets.default_offer = "rc4-hmac";  // no msDS-SupportedEncryptionTypes: AES from April 2026
  EXPECT_EQ(matrix::rc4_2026_account(a, "dc").verdict, "changes");
  a.supported_etypes.raw = 0x1C;
  decide(a);
  EXPECT_EQ(matrix::rc4_2026_account(a, "dc").verdict, "keeps-rc4");
  AccountResult old;
  old.name = "old";
  old.rc4 = preauth({"rc4-hmac"});
  decide(old);
  const auto row = matrix::rc4_2026_account(old, "dc");
  EXPECT_EQ(row.verdict, "breaks");
  EXPECT_EQ(row.fix, old.remedy);
  std::vector<matrix::WaveAccountRow> rows{matrix::rc4_2026_account(a, "dc"), row};
  matrix::sort_wave_rows(rows);
  EXPECT_EQ(rows.front().verdict, "breaks");
  const auto j = matrix::wave_accounts_to_json(*matrix::find_wave("rc4-2026"), rows);
  EXPECT_EQ(j["counts"]["breaks"], 1);
  EXPECT_EQ(j["counts"]["keeps-rc4"], 1);
}

}  // namespace
}  // namespace legacyscan::accounts
