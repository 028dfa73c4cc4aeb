// SPDX-License-Identifier: Apache-2.0
// Authentication paths after a hardening change, over the SMB probe's real sessions of the lab's
// sessions scenario (tests/data/results/smb.json; see matrix_auth_test.cpp): opennas (127.0.0.1)
// accepts LM, NTLMv1 and guest.
#include <gtest/gtest.h>

#include "legacyscan/engine/fields.hpp"
#include "src/compat/matrix_cells.hpp"
#include "src/compat/whatif.hpp"
#include "tests/unit/result_fields_support.hpp"

namespace legacyscan::matrix {
namespace {

std::optional<smb::SmbResult> opennas() {
  return fields::read<smb::SmbResult>(test::golden_results("smb").at("sessions/127.0.0.1"));
}

AuthUse xp(bool guest = false) {
  AuthUse a;
  a.kerberos = true;
  a.ntlm = {"lm", "ntlmv1"};
  a.guest = guest;
  return a;
}

WhatIf change(std::vector<std::string> disable) {
  std::string err;
  auto w = parse_whatif(disable, {}, err);
  EXPECT_TRUE(w) << err;
  return w ? *w : WhatIf{};
}

const Cell kTransport = make_cell(CellVerdict::works, "SMB1 NT LM 0.12", "SMB1 NT LM 0.12");
const Cell kNoKey = make_cell(CellVerdict::fails, "the KDC would accept none of the client's etypes");

TEST(WhatIfAuth, KerberosGoneFallsToNtlmv1ThenFails) {
  const auto smb = opennas();
  auto c = auth_after(kTransport, xp(), smb, kNoKey, change({"rc4"}), "session");
  EXPECT_EQ(c.verdict, CellVerdict::degraded);
  EXPECT_EQ(c.auth, "NTLMv1");
  c = auth_after(kTransport, xp(), smb, kNoKey, change({"rc4", "ntlmv1"}), "session");
  EXPECT_EQ(c.verdict, CellVerdict::fails);
  EXPECT_NE(c.reason.find("refused once ntlmv1 is off"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("Kerberos:"), std::string::npos) << c.reason;
}

TEST(WhatIfAuth, GuestIsTheLastPathUntilGuestIsOff) {
  const auto smb = opennas();
  auto c = auth_after(kTransport, xp(true), smb, kNoKey, change({"ntlmv1"}), "session");
  EXPECT_EQ(c.auth, "guest");
  c = auth_after(kTransport, xp(true), smb, kNoKey, change({"ntlmv1", "guest"}), "session");
  EXPECT_EQ(c.verdict, CellVerdict::fails) << c.reason;
  EXPECT_NE(c.reason.find("refused once guest is off"), std::string::npos) << c.reason;
}

// Without sessions in the scan, a refusal the change makes is still known; what it leaves alone is not.
TEST(WhatIfAuth, WithoutSessionsOnlyTheChangeIsKnown) {
  const auto s = sessions_after(nullptr, "smb probe not run", change({"ntlmv1"}));
  EXPECT_TRUE(s.ntlm.v1.outcome.ok());
  EXPECT_FALSE(s.ntlm.v1.accepted);
  EXPECT_FALSE(s.ntlm.v2.outcome.ok());
  EXPECT_EQ(auth_after(kTransport, xp(), std::nullopt, kNoKey, change({"ntlmv1"}), "bind").verdict, CellVerdict::fails);
  AuthUse v2;
  v2.ntlm = {"ntlmv2"};
  EXPECT_EQ(auth_after(kTransport, v2, std::nullopt, kNoKey, change({"ntlmv1"}), "bind").verdict, CellVerdict::unknown);
}

TEST(WhatIfAuth, CellChangesNameBeforeAndAfter) {
  Row before, after;
  before.smb = make_cell(CellVerdict::works, "SMB 2.1");
  before.smb->auth = "Kerberos RC4";
  before.kerberos = make_cell(CellVerdict::works, "rc4", "rc4-hmac");
  after.smb = make_cell(CellVerdict::fails, "every session path fails");
  after.kerberos = before.kerberos;
  const auto changes = cell_changes(before, after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].protocol, "smb");
  EXPECT_EQ(changes[0].before.auth, "Kerberos RC4");
  EXPECT_EQ(changes[0].after.verdict, CellVerdict::fails);
}

}  // namespace
}  // namespace legacyscan::matrix
