// SPDX-License-Identifier: Apache-2.0
// --shares NAME,...: share names are checked before any traffic (a bad one is a usage error).
#include <gtest/gtest.h>

#include "probes/smb/smb_session.hpp"

namespace legacyscan::smb {
namespace {

TEST(SmbShareNames, ListsDistinctNamesInOrder) {
  std::string error;
  EXPECT_EQ(smb_share_names("public,secret,public", error), (std::vector<std::string>{"public", "secret"}));
  EXPECT_TRUE(error.empty());
}

TEST(SmbShareNames, RefusesWhatCannotBeAShareName) {
  for (const std::string& bad :
       std::vector<std::string>{"", "a,,b", "a\\b", "a/b", "c:", std::string(81, 'x'), std::string("a\x01")}) {
    std::string error;
    EXPECT_TRUE(smb_share_names(bad, error).empty()) << bad;
    EXPECT_NE(error.find("--shares"), std::string::npos) << bad;
  }
  std::string many;
  for (int i = 0; i < 65; ++i) many += (i ? "," : "") + std::to_string(i);
  std::string error;
  EXPECT_TRUE(smb_share_names(many, error).empty());
  EXPECT_NE(error.find("more than 64"), std::string::npos);
}

}  // namespace
}  // namespace legacyscan::smb
