// SPDX-License-Identifier: Apache-2.0
// The SMB signing outcome of a negotiated session, for each client policy against each server mode.
#include <gtest/gtest.h>

#include "src/compat/matrix_cells.hpp"

namespace legacyscan::matrix {
namespace {

SmbOffer client(const std::string& signing) {
  SmbOffer o;
  o.smb1_dialects = {"NT LM 0.12"};
  o.signing = signing;
  return o;
}

bool says(const Cell& c, const std::string& text) { return c.reason.find(text) != std::string::npos; }

TEST(MatrixCells, Smb1SignsWhenBothSidesEnableSigning) {
  // [MS-CIFS] 3.2.4.2.4: a client with signing enabled signs when the server's SecurityMode enables it.
  const auto c = smb_signing_cell(client("enabled"), true, false, "NT LM 0.12", true);
  EXPECT_EQ(c.verdict, CellVerdict::works);
  EXPECT_TRUE(says(c, "signed session")) << c.reason;
  EXPECT_FALSE(says(c, "unsigned")) << c.reason;
  EXPECT_EQ(c.negotiated, "NT LM 0.12");
}

TEST(MatrixCells, Smb1IsUnsignedOnlyWhenOneSideCannotSign) {
  const auto server_off = smb_signing_cell(client("enabled"), false, false, "NT LM 0.12", true);
  EXPECT_TRUE(says(server_off, "server does not enable signing: unsigned session")) << server_off.reason;
  const auto client_off = smb_signing_cell(client("disabled"), true, false, "NT LM 0.12", true);
  EXPECT_TRUE(says(client_off, "client does not sign: unsigned session")) << client_off.reason;
  const auto required = smb_signing_cell(client("enabled"), true, true, "NT LM 0.12", true);
  EXPECT_TRUE(says(required, "server requires signing, client can sign")) << required.reason;
  const auto refused = smb_signing_cell(client("disabled"), true, true, "NT LM 0.12", true);
  EXPECT_EQ(refused.verdict, CellVerdict::fails);
  const auto client_requires = smb_signing_cell(client("required"), false, false, "NT LM 0.12", true);
  EXPECT_EQ(client_requires.verdict, CellVerdict::fails);
}

TEST(MatrixCells, Smb2SignsOnlyWhenOneSideRequiresIt) {
  // [MS-SMB2] 3.2.4.1.1: SMB2+ signs when either side requires it, not merely because both can.
  const auto c = smb_signing_cell(client("enabled"), true, false, "SMB 3.1.1", false);
  EXPECT_EQ(c.verdict, CellVerdict::degraded);
  EXPECT_TRUE(says(c, "unsigned session")) << c.reason;
  const auto required = smb_signing_cell(client("enabled"), true, true, "SMB 3.1.1", false);
  EXPECT_EQ(required.verdict, CellVerdict::works);
}

}  // namespace
}  // namespace legacyscan::matrix
