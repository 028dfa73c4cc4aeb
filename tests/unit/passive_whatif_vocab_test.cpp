// SPDX-License-Identifier: Apache-2.0
// The capture what-if takes the terms of the one hardening vocabulary (src/compat/hardening), in any
// case, and names the known ones when a term is unknown.
#include <gtest/gtest.h>

#include "src/compat/hardening.hpp"
#include "src/passive/passive.hpp"

namespace legacyscan::passive {
namespace {

TEST(CaptureWhatIf, TakesTheHardeningVocabularyInAnyCase) {
  Report empty;
  std::string error;
  EXPECT_TRUE(capture_whatif(empty, {"SMB1", "NTLMv1"}, {"SMB-Signing"}, error)) << error;
  EXPECT_FALSE(capture_whatif(empty, {"smb3"}, {}, error));
  EXPECT_NE(error.find(compat::hardening_term_list(compat::TermKind::disable, true)), std::string::npos) << error;
  EXPECT_FALSE(capture_whatif(empty, {}, {"kerberos-armoring"}, error));
  EXPECT_NE(error.find("smb-signing, ldap-signing"), std::string::npos) << error;
}

}  // namespace
}  // namespace legacyscan::passive
