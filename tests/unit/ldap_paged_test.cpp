// SPDX-License-Identifier: Apache-2.0
// The paged results control (RFC 2696) of the LDAP codec, against SearchResultDone messages of a paged
// search on the legacy lab DC (ldapsearch -E pr=3) and the control value ldapsearch sent for page two.
#include <gtest/gtest.h>

#include "src/proto/ldap/ldap_codec.hpp"
#include "tests/unit/ldap_test_support.hpp"

namespace legacyscan::ldap {
namespace {

using testdata::golden;

TEST(LdapPaged, SearchResultDoneCarriesTheCookie) {
  auto more = decode_ldap_message(golden("legacy_paged_search_done_more"));
  ASSERT_TRUE(more) << more.error;
  ASSERT_TRUE(more->searchResDone);
  EXPECT_EQ(more->searchResDone->resultCode, LDAP_SUCCESS);
  ASSERT_TRUE(more->paged);
  EXPECT_EQ(more->paged->cookie, (Bytes{'1', 0}));
  auto last = decode_ldap_message(golden("legacy_paged_search_done_last"));
  ASSERT_TRUE(last) << last.error;
  ASSERT_TRUE(last->paged);
  EXPECT_TRUE(last->paged->cookie.empty());
}

TEST(LdapPaged, RequestCarriesTheControl) {
  SearchRequest req;
  req.baseObject = "DC=legacy,DC=test";
  req.scope = 2;
  req.and_equality = {{"objectClass", Bytes{'u', 's', 'e', 'r'}}};
  req.attributes = {"sAMAccountName"};
  req.paged = PagedResults{3, Bytes{'1', 0}};
  const auto hex = to_hex(encode_search_request(3, req));
  // The control value ldapsearch sent for the second page (size 3, cookie "1\0"), after the OID and
  // our criticality TRUE.
  EXPECT_NE(hex.find("0416312e322e3834302e3131333535362e312e342e3331390101ff0409300702010304023100"), std::string::npos)
      << hex;
  req.paged.reset();
  EXPECT_EQ(to_hex(encode_search_request(3, req)).find("312e322e3834302e3131333535362e312e342e333139"),
            std::string::npos);
}

TEST(LdapPaged, MalformedControlsAreErrors) {
  auto bytes = golden("legacy_paged_search_done_more");
  bytes[bytes.size() - 3] = 0x05;  // the cookie's length now runs past the control value
  auto m = decode_ldap_message(bytes);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error.find("paged results control"), std::string::npos) << m.error;
}

}  // namespace
}  // namespace legacyscan::ldap
