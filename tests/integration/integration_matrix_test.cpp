// SPDX-License-Identifier: Apache-2.0
// The compatibility matrix against the lab DCs: every cell comes from replaying the client's offer.
#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const json& row_of(const json& doc, const std::string& profile) {
  for (const auto& r : doc.at("hosts").at(0).at("matrix"))
    if (r.at("profile") == profile) return r;
  static const json none;
  ADD_FAILURE() << "no matrix row for " << profile;
  return none;
}

json matrix_scan(const std::string& scenario) {
  static std::map<std::string, json> cache;
  auto it = cache.find(scenario);
  if (it == cache.end())
    it = cache.emplace(scenario, scan_json(scenario, {"127.0.0.1", "--probes", "smb,kerberos,matrix", "--ports",
                                                      "445,88"})).first;
  return it->second;
}

TEST(IntegrationMatrix, LegacyDcServesWindowsXp) {
  const auto doc = matrix_scan("legacy");
  const auto& xp = row_of(doc, "windows-xp-sp3");
  EXPECT_EQ(xp.at("protocols").at("smb").at("verdict"), "works") << xp.dump();
  EXPECT_EQ(xp.at("protocols").at("smb").at("negotiated"), "NT LM 0.12");
  EXPECT_EQ(xp.at("protocols").at("kerberos").at("verdict"), "works") << xp.dump();
  EXPECT_EQ(xp.at("protocols").at("kerberos").at("negotiated"), "rc4-hmac");
  // Samba 4.17's KDC answers an AS-REQ without pre-authentication over UDP.
  EXPECT_NE(xp.at("protocols").at("kerberos").at("reason").get<std::string>().find("UDP"), std::string::npos);
  const auto& appliance = row_of(doc, "smb1-appliance");
  EXPECT_EQ(appliance.at("protocols").at("smb").at("verdict"), "works");
  // Windows 10 negotiates 3.1.1, but nobody requires signing on the legacy DC.
  const auto& w10 = row_of(doc, "windows-10");
  EXPECT_EQ(w10.at("protocols").at("smb").at("negotiated"), "SMB 3.1.1");
  EXPECT_EQ(w10.at("protocols").at("smb").at("verdict"), "degraded");
  // Function level 2003: no AES keys, so an AES-first client falls back to RC4.
  EXPECT_EQ(w10.at("protocols").at("kerberos").at("negotiated"), "rc4-hmac");
  EXPECT_EQ(w10.at("protocols").at("kerberos").at("verdict"), "degraded");
}

TEST(IntegrationMatrix, HardenedDcLocksOutLegacyClients) {
  const auto doc = matrix_scan("hardened");
  const auto& xp = row_of(doc, "windows-xp-sp3");
  EXPECT_EQ(xp.at("verdict"), "fails");
  EXPECT_EQ(xp.at("protocols").at("smb").at("verdict"), "fails");
  EXPECT_NE(xp.at("protocols").at("smb").at("reason").get<std::string>().find("client speaks only SMB1"),
            std::string::npos);
  EXPECT_EQ(xp.at("protocols").at("kerberos").at("verdict"), "fails") << xp.dump();
  for (const char* id : {"windows-7", "windows-8.1", "linux-cifs-old", "samba-3.4", "macos-10.8"})
    EXPECT_EQ(row_of(doc, id).at("protocols").at("smb").at("verdict"), "fails") << id;
  const auto& w10 = row_of(doc, "windows-10");
  EXPECT_EQ(w10.at("protocols").at("smb").at("verdict"), "works") << w10.dump();
  EXPECT_EQ(w10.at("protocols").at("smb").at("negotiated"), "SMB 3.1.1");
  EXPECT_EQ(w10.at("protocols").at("kerberos").at("verdict"), "works") << w10.dump();
  EXPECT_EQ(w10.at("protocols").at("kerberos").at("negotiated"), "aes256-cts-hmac-sha1-96");
  EXPECT_EQ(row_of(doc, "windows-11-24h2").at("protocols").at("smb").at("verdict"), "works");
}

TEST(IntegrationMatrix, ProfilesCommandListsAndShows) {
  auto list = run_command(shell_quote(LEGACYSCAN_BINARY) + " profiles --format json");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto profiles = json::parse(list.out);
  EXPECT_GE(profiles.size(), 22u);
  auto show = run_command(shell_quote(LEGACYSCAN_BINARY) + " profiles show windows-xp-sp3");
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_EQ(json::parse(show.out).at("id"), "windows-xp-sp3");
  auto missing = run_command(shell_quote(LEGACYSCAN_BINARY) + " profiles show windows-99");
  EXPECT_EQ(missing.exit_code, 2);
  // Every profile against the schema in docs/.
  const std::string file = ::testing::TempDir() + "/legacyscan-profiles.json";
  {
    std::ofstream f(file);
    f << list.out;
  }
  auto v = run_command("/usr/bin/python3 -c " +
                       shell_quote("import json,sys,jsonschema; s=json.load(open(sys.argv[1])); "
                                   "[jsonschema.validate(p, s) for p in json.load(open(sys.argv[2]))]") +
                       " " + std::string(LEGACYSCAN_SOURCE_DIR) + "/docs/schema/profile.schema.json " + file);
  EXPECT_EQ(v.exit_code, 0) << v.err;
}

}  // namespace
}  // namespace legacyscan::testing
