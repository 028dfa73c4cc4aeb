// SPDX-License-Identifier: Apache-2.0
// The SMB probe against the lab's standalone Samba file servers (scripts/lab.d/files, namespace
// ls-files): an SMB1-only appliance ("nas") and an SMB 2.0.2/2.1 server with signing required
// ("files7"). Here the NTLM session setup goes over SMB1 and over SMB 2.1 (never over 3.1.1 as on the
// DCs), SMB1 answers with LANMAN dialects, and SMB2 is refused by a closed connection or by
// STATUS_NOT_SUPPORTED. Every expectation is derived from the servers' smb.conf as Samba's own testparm
// reads it back, through Samba's protocol table (source3/smbd/negprot.c): nothing is typed in by hand.
#include <algorithm>
#include <cstdlib>
#include <map>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

// Samba's protocol levels, lowest first ("server min/max protocol" values).
const std::vector<std::string> kLevels{"CORE",    "COREPLUS", "LANMAN1", "LANMAN2", "NT1",
                                       "SMB2_02", "SMB2_10",  "SMB3_00", "SMB3_02", "SMB3_11"};
int level(std::string name) {
  // testparm prints Samba's canonical spelling, where "SMB2" is SMB2_10 and "SMB3" is SMB3_11.
  if (name == "SMB2") name = "SMB2_10";
  if (name == "SMB3") name = "SMB3_11";
  auto it = std::find(kLevels.begin(), kLevels.end(), name);
  EXPECT_NE(it, kLevels.end()) << "unknown Samba protocol level " << name;
  return static_cast<int>(it - kLevels.begin());
}

// The dialect strings legacyscan offers in SMB1 and the Samba level each one stands for in Samba's
// negprot table ("Windows for Workgroups 3.1a" is not in it: never accepted).
const std::vector<std::pair<std::string, std::string>> kSmb1{
    {"PC NETWORK PROGRAM 1.0", "CORE"}, {"LANMAN1.0", "LANMAN1"}, {"Windows for Workgroups 3.1a", ""},
    {"LM1.2X002", "LANMAN2"},           {"LANMAN2.1", "LANMAN2"}, {"NT LM 0.12", "NT1"}};
const std::vector<std::pair<std::string, std::string>> kSmb2{
    {"2.0.2", "SMB2_02"}, {"2.1", "SMB2_10"}, {"3.0", "SMB3_00"}, {"3.0.2", "SMB3_02"}, {"3.1.1", "SMB3_11"}};

struct Server {
  std::string address, netbios;
  int min = 0, max = 0;
  std::string signing;  // disabled, required, or testparm's value otherwise (auto, default)
};

std::string files_dir() {
  const char* d = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(d && *d ? d : "/var/tmp/legacyscan-lab") + "/files";
}

std::string testparm(const std::string& name, const std::string& parameter) {
  auto r = run_command("testparm -s --section-name=global --parameter-name=" + shell_quote(parameter) + " " +
                       shell_quote(files_dir() + "/" + name + "/smb.conf") + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << parameter << ": " << r.err;
  std::string v = r.out;
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v;
}

Server server(const std::string& name) {
  Server s;
  s.netbios = testparm(name, "netbios name");
  std::string interfaces = testparm(name, "interfaces");
  s.address = interfaces.substr(0, interfaces.find('/'));
  s.min = level(testparm(name, "server min protocol"));
  s.max = level(testparm(name, "server max protocol"));
  // testparm prints "No" for disabled and "required" for mandatory.
  const std::string signing = testparm(name, "server signing");
  if (signing == "No" || signing == "disabled") {
    s.signing = "disabled";
  } else if (signing == "required" || signing == "mandatory") {
    s.signing = "required";
  } else {
    s.signing = signing;
  }
  return s;
}

std::vector<std::string> expected(const std::vector<std::pair<std::string, std::string>>& table, const Server& s) {
  std::vector<std::string> out;
  for (const auto& [dialect, lvl] : table)
    if (!lvl.empty() && level(lvl) >= s.min && level(lvl) <= s.max) out.push_back(dialect);
  return out;
}

class IntegrationSmbFiles : public ::testing::Test {
 protected:
  static const json& scan() {
    static const json doc = scan_json(
        "files", {server("nas").address, server("files7").address, "--probes", "smb,matrix", "--timeout", "5s"});
    return doc;
  }
  static const json& host(const Server& s) {
    for (const auto& h : scan().at("hosts"))
      if (h.at("address") == s.address) return h;
    ADD_FAILURE() << s.address << " not in the scan";
    static const json none = json::object();
    return none;
  }
  static const json& cell(const json& h, const std::string& profile) {
    for (const auto& m : h.at("matrix"))
      if (m.at("profile") == profile) return m.at("protocols").at("smb");
    ADD_FAILURE() << profile << " not in the matrix";
    static const json none = json::object();
    return none;
  }
};

TEST_F(IntegrationSmbFiles, Smb1OnlyApplianceLanmanDialectsAndNtlmOverSmb1) {
  const Server s = server("nas");
  ASSERT_LT(s.max, level("SMB2_02")) << "the nas scenario is an SMB1-only server";
  ASSERT_GT(s.min, level("CORE"));
  const auto& h = host(s);
  for (const std::string port : {"445", "139"}) {
    SCOPED_TRACE(port);
    const auto& p = h.at("probes").at("smb").at("ports").at(port);
    EXPECT_EQ(p.at("status"), "ok");
    const auto& s1 = p.at("smb1");
    EXPECT_TRUE(s1.at("enabled").get<bool>());
    EXPECT_EQ(s1.at("dialects"), json(expected(kSmb1, s)));
    EXPECT_EQ(s1.at("signing").at("enabled").get<bool>(), s.signing != "disabled");
    EXPECT_EQ(s1.at("signing").at("required").get<bool>(), s.signing == "required");
    // The multi-protocol negotiate (SMB1 dialects plus SMB 2.002/2.???) ends in SMB1.
    EXPECT_EQ(p.at("multiprotocol").at("answer"), "smb1");
    EXPECT_EQ(p.at("multiprotocol").at("dialect"), expected(kSmb1, s).back());
    // No SMB2 at all: every dialect refused, none accepted.
    const auto& s2 = p.at("smb2");
    EXPECT_EQ(s2.at("dialects"), json::array());
    EXPECT_EQ(s2.at("rejected").size(), kSmb2.size());
    // NTLM target information from an SMB1 SESSION_SETUP_ANDX (extended security).
    EXPECT_EQ(p.at("ntlm").at("status"), "ok");
    EXPECT_EQ(p.at("ntlm").at("via"), "smb1 NT LM 0.12");
    EXPECT_EQ(p.at("ntlm").at("netbios_computer"), s.netbios);
  }
  // Clients that offer SMB1 negotiate it; clients that speak only SMB2/3 fail. The scan has no
  // credentials and no KDC, so whether they can then log on is unknown, never assumed.
  for (const char* id : {"smb1-appliance", "windows-xp-sp3"}) {
    EXPECT_EQ(cell(h, id).at("negotiated"), expected(kSmb1, s).back()) << id;
    EXPECT_EQ(cell(h, id).at("verdict"), "unknown") << id;
  }
  EXPECT_EQ(cell(h, "windows-11-24h2").at("verdict"), "fails");
}

TEST_F(IntegrationSmbFiles, Smb21ServerRequiresSigningAndNtlmOverSmb21) {
  const Server s = server("files7");
  ASSERT_GE(s.min, level("SMB2_02")) << "the files7 scenario has no SMB1";
  const auto& h = host(s);
  const auto dialects = expected(kSmb2, s);
  ASSERT_FALSE(dialects.empty());
  for (const std::string port : {"445", "139"}) {
    SCOPED_TRACE(port);
    const auto& p = h.at("probes").at("smb").at("ports").at(port);
    EXPECT_EQ(p.at("status"), "ok");
    EXPECT_FALSE(p.at("smb1").at("enabled").get<bool>());
    EXPECT_EQ(p.at("smb1").at("dialects"), json::array());
    const auto& s2 = p.at("smb2");
    EXPECT_EQ(s2.at("dialects"), json(dialects));
    EXPECT_EQ(s2.at("rejected").size(), kSmb2.size() - dialects.size());
    EXPECT_EQ(s2.at("signing").at("required").get<bool>(), s.signing == "required");
    // Below 3.1.1 there are no negotiate contexts to test.
    EXPECT_FALSE(s2.at("contexts_tested").get<bool>());
    EXPECT_EQ(p.at("multiprotocol").at("answer"), "smb2");
    // NTLM target information from an SMB2 SESSION_SETUP at the server's highest dialect.
    EXPECT_EQ(p.at("ntlm").at("status"), "ok");
    EXPECT_EQ(p.at("ntlm").at("via"), "smb2 " + dialects.back());
    EXPECT_EQ(p.at("ntlm").at("netbios_computer"), s.netbios);
  }
  // SMB1-only clients fail; Windows 10 negotiates the server's highest dialect.
  EXPECT_EQ(cell(h, "smb1-appliance").at("verdict"), "fails");
  EXPECT_EQ(cell(h, "windows-xp-sp3").at("verdict"), "fails");
  EXPECT_EQ(cell(h, "windows-10").at("verdict"), "unknown") << "no credentials, no KDC: its logon is not judged";
  EXPECT_EQ(cell(h, "windows-10").at("negotiated"), "SMB " + dialects.back());
}

TEST_F(IntegrationSmbFiles, PolicyFailsOnTheSmb1ApplianceOnly) {
  auto nas = run_in_lab("files",
                        {"scan", server("nas").address, "--probes", "smb", "--ports", "445", "--require", "smb1=off"});
  EXPECT_EQ(nas.exit_code, 1) << nas.err;
  EXPECT_NE(nas.err.find("smb1=off"), std::string::npos) << nas.err;
  auto files7 = run_in_lab("files", {"scan", server("files7").address, "--probes", "smb", "--ports", "445", "--require",
                                     "smb1=off", "--require", "smb.signing=required"});
  EXPECT_EQ(files7.exit_code, 0) << files7.err;
}

}  // namespace
}  // namespace legacyscan::testing
