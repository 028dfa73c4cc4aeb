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
    it = cache
             .emplace(scenario, scan_json(scenario, {"127.0.0.1", "--probes", "smb,kerberos,matrix", "--ports",
                                                     "445,88", "--timeout", "10s"}))
             .first;
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
  // It negotiates NT LM 0.12, but logs on only with NTLMv1: without credentials the scan does not know
  // whether the DC accepts that, so the session is unknown, never assumed to work.
  const auto& appliance_smb = appliance.at("protocols").at("smb");
  EXPECT_EQ(appliance_smb.at("negotiated"), "NT LM 0.12") << appliance_smb.dump();
  EXPECT_EQ(appliance_smb.at("verdict"), "unknown") << appliance_smb.dump();
  EXPECT_NE(appliance_smb.at("reason").get<std::string>().find("NTLMv1"), std::string::npos);
  // XP logs on with Kerberos RC4, which the KDC of a 2003-level domain has.
  EXPECT_EQ(xp.at("protocols").at("smb").value("auth", ""), "Kerberos RC4") << xp.dump();
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

// The TLS endpoints and LDAP too, so every cell these tests read is simulated (NetBIOS, which the
// hardened DC does not speak, would only add its timeouts).
json full_scan(const std::string& scenario) {
  static std::map<std::string, json> cache;
  auto it = cache.find(scenario);
  if (it == cache.end())
    it =
        cache
            .emplace(scenario,
                     scan_json(scenario, {"127.0.0.1", "--probes", "smb,kerberos,tls,ldap,matrix", "--timeout", "10s"}))
            .first;
  return it->second;
}

json profile(const std::string& id) {
  auto r = run_command(shell_quote(LEGACYSCAN_BINARY) + " profiles show " + id);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

// The direct-TLS endpoints the tls probe found (what the matrix replays hellos to).
std::vector<json> tls_endpoints(const json& doc) {
  std::vector<json> out;
  for (const auto& e : doc.at("hosts").at(0).at("probes").at("tls").at("endpoints"))
    if (e.at("status") == "ok" && e.at("starttls").is_null()) out.push_back(e);
  return out;
}

// The stacks of a profile (`profiles show` JSON) that talk LDAPS: the matrix replays only those on
// 636/3269 (a browser's settings say nothing about the machine's LDAP client).
std::vector<json> ldaps_stacks(const json& profile) {
  std::vector<json> out;
  for (const auto& s : profile.at("tls"))
    for (const auto& svc : s.at("services"))
      if (svc == "any" || svc == "ldaps") {
        out.push_back(s);
        break;
      }
  return out;
}

// Each stack's outcome of a TLS cell: its "stacks" when several stacks were tried, else the cell.
std::vector<json> stack_outcomes(const json& cell) {
  if (cell.contains("stacks")) return cell.at("stacks").get<std::vector<json>>();
  return {cell};
}

bool offers_an_accepted_suite(const json& stack, const json& endpoint, const std::string& version) {
  if (!endpoint.at("ciphers").contains(version)) return false;
  for (const auto& offered : stack.at("cipher_suites"))
    for (const auto& accepted : endpoint.at("ciphers").at(version))
      if (accepted.at("hex") == offered) return true;
  return false;
}

TEST(IntegrationMatrix, HardenedDcFailsWindowsXpOnSmbKerberosAndLdapsAndServesWindows10Everywhere) {
  const auto doc = full_scan("hardened");
  const auto endpoints = tls_endpoints(doc);
  ASSERT_FALSE(endpoints.empty()) << "the hardened DC serves LDAPS";
  const auto& xp = row_of(doc, "windows-xp-sp3");
  EXPECT_EQ(xp.at("verdict"), "fails");
  EXPECT_EQ(xp.at("protocols").at("smb").at("verdict"), "fails");
  EXPECT_EQ(xp.at("protocols").at("kerberos").at("verdict"), "fails");
  const auto xp_profile = profile("windows-xp-sp3");
  for (const auto& e : endpoints) {
    const std::string port = std::to_string(e.at("port").get<int>());
    // Derived from what the tls probe measured on that port: no version XP offers is accepted.
    bool common_version = false;
    for (const auto& stack : xp_profile.at("tls"))
      for (const auto& v : stack.at("versions"))
        common_version = common_version || e.at("versions").value(v.get<std::string>(), "") == "accepted";
    ASSERT_FALSE(common_version) << "the hardened DC accepts a version XP offers on " << port;
    const auto& cell = xp.at("protocols").at("tls").at(port);
    EXPECT_EQ(cell.at("verdict"), "fails") << cell.dump();
    // Every XP stack that talks LDAPS was tried, and only those (SChannel, not IE 6's browser settings).
    const auto stacks = ldaps_stacks(xp_profile);
    ASSERT_LT(stacks.size(), xp_profile.at("tls").size()) << "XP has a browser-only stack";
    const auto outcomes = stack_outcomes(cell);
    ASSERT_EQ(outcomes.size(), stacks.size()) << cell.dump();
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      EXPECT_EQ(outcomes.at(i).at("stack"), stacks.at(i).at("stack"));
      EXPECT_EQ(outcomes.at(i).at("verdict"), "fails");
      // The reason says why, from the tls probe's versions of that port.
      EXPECT_NE(outcomes.at(i).at("reason").get<std::string>().find("the server accepts only"), std::string::npos)
          << cell.dump();
    }
  }

  // Windows 10: every cell it has works, and it has one for SMB, Kerberos, LDAP and each TLS endpoint.
  const auto& w10 = row_of(doc, "windows-10");
  EXPECT_EQ(w10.at("verdict"), "works") << w10.dump(2);
  for (const char* proto : {"smb", "kerberos", "ldap"})
    EXPECT_EQ(w10.at("protocols").at(proto).at("verdict"), "works") << proto << ": " << w10.dump(2);
  ASSERT_EQ(w10.at("protocols").at("tls").size(), endpoints.size());
  for (const auto& e : endpoints) {
    const auto& cell = w10.at("protocols").at("tls").at(std::to_string(e.at("port").get<int>()));
    EXPECT_EQ(cell.at("verdict"), "works") << cell.dump();
    EXPECT_EQ(cell.at("negotiated").get<std::string>().rfind("TLS 1.", 0), 0u);
  }
}

TEST(IntegrationMatrix, LegacyDcTlsCellsFollowWhatTheServerAccepts) {
  const auto doc = full_scan("legacy");
  const auto endpoints = tls_endpoints(doc);
  ASSERT_FALSE(endpoints.empty());
  // XP's SChannel offers only RC4/DES/3DES suites: it works on a port only if one of them is accepted
  // at SSL 3.0 or TLS 1.0 there (Samba's GnuTLS NORMAL priority accepts TLS 1.0 but none of them).
  const auto xp = profile("windows-xp-sp3");
  const auto& xp_row = row_of(doc, "windows-xp-sp3");
  for (const auto& e : endpoints) {
    const std::string port = std::to_string(e.at("port").get<int>());
    const bool schannel_can = offers_an_accepted_suite(xp.at("tls").at(0), e, "tls1.0") ||
                              offers_an_accepted_suite(xp.at("tls").at(0), e, "ssl3");
    const auto stack0 = stack_outcomes(xp_row.at("protocols").at("tls").at(port)).at(0);
    EXPECT_EQ(stack0.at("stack"), xp.at("tls").at(0).at("stack"));
    EXPECT_EQ(stack0.at("verdict"), schannel_can ? "degraded" : "fails") << stack0.dump();
    if (!schannel_can && e.at("versions").value("tls1.0", "") == "accepted") {
      EXPECT_NE(stack0.at("reason").get<std::string>().find("no cipher suite in common at tls1.0"), std::string::npos)
          << stack0.dump();
    }
  }
  // Java 6 sends an SSL 2.0-format hello carrying TLS 1.0 suites; the server answers it with TLS 1.0
  // where TLS 1.0 and one of its suites are accepted.
  const auto java = profile("java-6");
  ASSERT_TRUE(java.at("tls").at(0).at("sslv2_hello").get<bool>());
  const auto& java_row = row_of(doc, "java-6");
  for (const auto& e : endpoints) {
    const std::string port = std::to_string(e.at("port").get<int>());
    const auto& cell = java_row.at("protocols").at("tls").at(port);
    if (e.at("versions").value("tls1.0", "") == "accepted" &&
        offers_an_accepted_suite(java.at("tls").at(0), e, "tls1.0")) {
      EXPECT_EQ(cell.at("verdict"), "degraded") << cell.dump();
      EXPECT_EQ(cell.at("negotiated").get<std::string>().rfind("TLS 1.0 ", 0), 0u) << cell.dump();
      EXPECT_NE(cell.at("reason").get<std::string>().find("after an SSL 2.0-format hello"), std::string::npos);
    } else {
      EXPECT_EQ(cell.at("verdict"), "fails") << cell.dump();
    }
  }
}

TEST(IntegrationMatrix, BrowserStacksGetNoLdapsCells) {
  // A client whose only TLS is a browser's (its profile says for which services each stack is) has no
  // cell on the DC's LDAPS ports; its TLS is unknown here, not failed.
  const auto doc = full_scan("legacy");
  ASSERT_FALSE(tls_endpoints(doc).empty());
  for (const char* id : {"ie-8-10-windows-7", "firefox-26", "safari-6"}) {
    const auto p = profile(id);
    ASSERT_TRUE(ldaps_stacks(p).empty()) << id;
    const auto& row = row_of(doc, id);
    const auto& tls = row.at("protocols").at("tls");
    for (const auto& e : tls_endpoints(doc)) EXPECT_FALSE(tls.contains(std::to_string(e.at("port").get<int>()))) << id;
    ASSERT_TRUE(tls.contains("any")) << row.dump();
    EXPECT_EQ(tls.at("any").at("verdict"), "unknown");
    EXPECT_NE(tls.at("any").at("reason").get<std::string>().find("https"), std::string::npos) << row.dump();
  }
}

TEST(IntegrationMatrix, ProfilesCommandListsAndShows) {
  auto list = run_command(shell_quote(LEGACYSCAN_BINARY) + " profiles --format json");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto profiles = json::parse(list.out);
  EXPECT_GE(profiles.size(), 32u);
  auto show = run_command(shell_quote(LEGACYSCAN_BINARY) + " profiles show windows-xp-sp3");
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_EQ(json::parse(show.out).at("id"), "windows-xp-sp3");
  // Where each SMB and Kerberos offer comes from: a public capture, or documentation only.
  show = run_command(shell_quote(LEGACYSCAN_BINARY) + " profiles show windows-10");
  ASSERT_EQ(show.exit_code, 0);
  const auto w10 = json::parse(show.out).at("verified_by");
  EXPECT_TRUE(w10.at("smb").at("offer").get<std::string>().starts_with("held to public capture tests/data/public/"));
  EXPECT_TRUE(w10.at("kerberos").at("offer_differs").contains("etypes"));
  show = run_command(shell_quote(LEGACYSCAN_BINARY) + " profiles show windows-xp-sp3");
  EXPECT_EQ(json::parse(show.out).at("verified_by").at("smb").at("offer"),
            "offer from documentation, no public capture");
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
