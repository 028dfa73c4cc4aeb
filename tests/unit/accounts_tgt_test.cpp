// SPDX-License-Identifier: Apache-2.0
// The TGT's etypes on the --user account's row: which row is that account's, and its JSON.
#include <gtest/gtest.h>

#include "legacyscan/engine/fields.hpp"
#include "src/compat/accounts_tickets.hpp"

namespace legacyscan::accounts {
namespace {

Tgt tgt_of(std::vector<std::string> name, std::string realm, std::int32_t ticket, std::int32_t session) {
  Tgt t;
  t.outcome = Outcome::success();
  t.cname.name_string = std::move(name);
  t.crealm = std::move(realm);
  t.ticket_etype = ticket;
  t.session_etype = session;
  return t;
}

TEST(AccountsTgt, OnlyTheUsersOwnRowCarriesItsEtypes) {
  const auto t = tgt_of({"Administrator"}, "EXAMPLE.TEST", 18, 23);
  const auto mine = tgt_etypes_of(t, "administrator", "EXAMPLE.TEST");
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->ticket, "aes256-cts-hmac-sha1-96");
  EXPECT_EQ(mine->session_key, "rc4-hmac");
  EXPECT_TRUE(tgt_etypes_of(t, "Administrator@example.test", "OTHER.TEST"));
  EXPECT_FALSE(tgt_etypes_of(t, "Administrator@OTHER.TEST", "EXAMPLE.TEST"));
  EXPECT_FALSE(tgt_etypes_of(t, "alice", "EXAMPLE.TEST"));
  EXPECT_FALSE(tgt_etypes_of(t, "HTTP/Administrator", "EXAMPLE.TEST"));
}

TEST(AccountsTgt, NoTgtNoEtypes) {
  auto t = tgt_of({"alice"}, "EXAMPLE.TEST", 18, 18);
  t.outcome = Outcome::failure(Status::refused, "KDC_ERR_PREAUTH_FAILED");
  EXPECT_FALSE(tgt_etypes_of(t, "alice", "EXAMPLE.TEST"));
}

TEST(AccountsTgt, PrincipalNamesTheRealmOnlyWhenItIsAnother) {
  const auto t = tgt_of({"svc", "host"}, "EXAMPLE.TEST", 18, 17);
  EXPECT_EQ(tgt_principal(t, "example.test"), "svc/host");
  EXPECT_EQ(tgt_principal(t, "OTHER.TEST"), "svc/host@EXAMPLE.TEST");
}

TEST(AccountsTgt, RowWithoutTgtHasNoKey) {
  AccountResult a;
  a.name = "alice";
  EXPECT_FALSE(fields::to_json(a).contains("tgt"));
  a.tgt = TgtEtypes{"aes256-cts-hmac-sha1-96", "aes256-cts-hmac-sha1-96"};
  const auto j = fields::to_json(a);
  EXPECT_EQ(j.at("tgt").at("session_key"), "aes256-cts-hmac-sha1-96");
  AccountResult back;
  fields::from_json(j, back);
  EXPECT_EQ(fields::to_json(back), j);
}

}  // namespace
}  // namespace legacyscan::accounts
