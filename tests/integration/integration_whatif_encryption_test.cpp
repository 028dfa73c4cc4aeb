// SPDX-License-Identifier: Apache-2.0
// `legacyscan whatif --require smb-encryption` on a real saved scan of the lab's "sessions" opennas
// server (SMB1 and SMB2/3, server smb encrypt = if_required: encryption not required today). Once the
// server requires encryption, a client whose saved SMB cell works must fail exactly when it cannot
// encrypt what it negotiated: an SMB1 dialect, SMB 2.x, or an SMB 3.x profile without encryption
// (its profile file says, with the source). The expectation comes from the saved matrix's own cell
// and the profile, each changed cell names its before -> after.
#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::string kSaved = ::testing::TempDir() + "/legacyscan-whatif-encryption-opennas.json";

json saved_scan() {
  auto scan = run_in_lab("sessions", {"scan", "127.0.0.1", "--probes", "smb,matrix", "--ports", "445", "--format",
                                      "json", "-o", kSaved, "--timeout", "10s", "--no-ping"});
  EXPECT_EQ(scan.exit_code, 0) << scan.err;
  return json::parse(slurp(kSaved));
}

bool profile_encrypts(const std::string& id) {
  const auto p = json::parse(slurp(std::string(LEGACYSCAN_SOURCE_DIR) + "/src/compat/profiles/" + id + ".json"));
  return p.contains("smb") && p.at("smb").value("encryption", false);
}

TEST(IntegrationWhatIfEncryption, ClientsThatCannotEncryptBreakTheOthersKeepTheirCell) {
  const json saved = saved_scan();
  const json& port = saved.at("hosts").at(0).at("probes").at("smb").at("ports").at("445");
  ASSERT_FALSE(port.at("sessions").at("encryption_required").value("required", false))
      << "opennas must not require encryption today";
  auto r =
      run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif " + kSaved + " --require smb-encryption --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc.at("require"), json::array({"smb-encryption"}));
  std::size_t broken = 0, kept = 0;
  for (const auto& row : saved.at("hosts").at(0).at("matrix")) {
    const std::string id = row.at("profile");
    if (!row.at("protocols").contains("smb")) continue;
    const json& cell = row.at("protocols").at("smb");
    const std::string verdict = cell.at("verdict");
    if (verdict != "works" && verdict != "degraded") continue;
    SCOPED_TRACE(id + ": " + cell.dump());
    const std::string negotiated = cell.value("negotiated", "");
    ASSERT_FALSE(negotiated.empty());
    const bool can = negotiated.starts_with("SMB 3") && profile_encrypts(id);
    const json* after = nullptr;
    for (const auto& c : doc.at("hosts").at(0).at("clients"))
      if (c.at("profile") == id) after = &c;
    ASSERT_NE(after, nullptr);
    const json cells = after->value("cells", json::array());
    const json* change = nullptr;
    for (const auto& c : cells)
      if (c.at("protocol") == "smb") change = &c;
    if (can) {
      ++kept;
      if (change) {
        EXPECT_NE(change->at("after").at("verdict"), "fails") << change->dump();
      }
      continue;
    }
    ++broken;
    ASSERT_NE(change, nullptr) << after->dump();
    EXPECT_EQ(change->at("before").at("verdict"), verdict);
    EXPECT_EQ(change->at("after").at("verdict"), "fails");
    EXPECT_NE(change->at("after").at("reason").get<std::string>().find("the server would require encryption"),
              std::string::npos);
    EXPECT_EQ(after->at("verdict"), "fails");
  }
  // The profiles span both kinds (XP and Windows 7 cannot encrypt; Windows 10 can).
  EXPECT_GT(broken, 0u);
  EXPECT_GT(kept, 0u);
}

}  // namespace
}  // namespace legacyscan::testing
