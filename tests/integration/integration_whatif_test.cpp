// SPDX-License-Identifier: Apache-2.0
// `legacyscan whatif` on real saved scans of the lab DCs.
#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

json whatif(const std::string& scenario, const std::string& disable) {
  const std::string saved = ::testing::TempDir() + "/legacyscan-whatif-" + scenario + ".json";
  auto scan = run_in_lab(scenario, {"scan", "127.0.0.1", "--probes", "smb,kerberos,matrix", "--ports", "445,88",
                                    "--format", "json", "-o", saved, "--timeout", "10s"});
  EXPECT_EQ(scan.exit_code, 0) << scan.err;
  auto r =
      run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif " + saved + " --disable " + disable + " --format json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

const json& client(const json& doc, const std::string& id) {
  for (const auto& c : doc.at("hosts").at(0).at("clients"))
    if (c.at("profile") == id) return c;
  static const json none;
  ADD_FAILURE() << "no row for " << id;
  return none;
}

TEST(IntegrationWhatIf, DisablingSmb1AndRc4OnTheLegacyDcBreaksWindowsXp) {
  const auto doc = whatif("legacy", "smb1,rc4");
  const auto& xp = client(doc, "windows-xp-sp3");
  EXPECT_EQ(xp.at("verdict"), "fails");
  EXPECT_EQ(xp.at("verdict_now"), "works") << "the saved matrix says XP works today";
  EXPECT_NE(xp.at("reason").get<std::string>().find("the client speaks only SMB1"), std::string::npos);
  EXPECT_NE(client(doc, "windows-10").at("reason").get<std::string>().find("SMB 3.1.1"), std::string::npos);
  // Windows 10 breaks only if its Kerberos lives on RC4: the saved matrix says whether the KDC has AES
  // keys (the legacy DC is at function level 2003: it answers Windows 10 with rc4-hmac).
  const auto saved = json::parse(slurp(::testing::TempDir() + "/legacyscan-whatif-legacy.json"));
  std::string w10_etype;
  for (const auto& r : saved.at("hosts").at(0).at("matrix"))
    if (r.at("profile") == "windows-10") w10_etype = r.at("protocols").at("kerberos").value("negotiated", "");
  ASSERT_FALSE(w10_etype.empty());
  EXPECT_EQ(client(doc, "windows-10").at("verdict"), w10_etype.starts_with("rc4") ? "fails" : "works")
      << client(doc, "windows-10").dump();
  // SMB1 off alone: XP breaks, Windows 10 does not.
  const auto smb1_only = whatif("legacy", "smb1");
  EXPECT_EQ(client(smb1_only, "windows-xp-sp3").at("verdict"), "fails");
  EXPECT_NE(client(smb1_only, "windows-10").at("verdict"), "fails") << client(smb1_only, "windows-10").dump();
}

TEST(IntegrationWhatIf, DisablingRc4OnTheStockDcKeepsWindows10) {
  const auto doc = whatif("stock", "rc4");
  EXPECT_EQ(client(doc, "windows-10").at("verdict"), "works") << client(doc, "windows-10").dump();
  EXPECT_EQ(client(doc, "windows-xp-sp3").at("verdict"), "fails");
  auto bad = run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif /nonexistent.json --disable smb1");
  EXPECT_EQ(bad.exit_code, 2);
  auto unknown = run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif /nonexistent.json --disable ipx");
  EXPECT_EQ(unknown.exit_code, 2);
}

TEST(IntegrationDiff, HardeningFromLegacyToStockShowsWhatChangedAndWhoBreaks) {
  whatif("legacy", "smb1");  // saves the legacy scan
  whatif("stock", "smb1");   // saves the stock scan
  const std::string dir = ::testing::TempDir();
  auto r = run_command(shell_quote(LEGACYSCAN_BINARY) + " diff " + dir + "/legacyscan-whatif-legacy.json " + dir +
                       "/legacyscan-whatif-stock.json --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto d = json::parse(r.out);
  const auto& h = d.at("hosts").at(0);
  EXPECT_EQ(h.at("change"), "changed");
  bool smb1_change = false;
  for (const auto& c : h.at("changes"))
    if (c.at("what") == "smb/445/smb1") smb1_change = c.at("after") == "disabled";
  EXPECT_TRUE(smb1_change) << h.dump();
  bool xp = false;
  for (const auto& c : h.at("clients_newly_broken")) xp = xp || c.at("profile") == "windows-xp-sp3";
  EXPECT_TRUE(xp);
  auto same = run_command(shell_quote(LEGACYSCAN_BINARY) + " diff " + dir + "/legacyscan-whatif-stock.json " + dir +
                          "/legacyscan-whatif-stock.json --format json");
  EXPECT_EQ(json::parse(same.out).at("hosts").at(0).at("change"), "unchanged");
}

}  // namespace
}  // namespace legacyscan::testing
