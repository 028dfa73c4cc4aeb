// SPDX-License-Identifier: Apache-2.0
// CI policy end to end: exit codes, the summary on stderr, JUnit XML a real parser accepts.
#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

TEST(IntegrationPolicy, Smb1OffFailsOnLegacyAndHoldsOnHardened) {
  const std::string junit = ::testing::TempDir() + "/legacyscan-policy.xml";
  auto legacy = run_in_lab("legacy", {"scan", "127.0.0.1", "--probes", "smb", "--ports", "445", "--require", "smb1=off",
                                      "--require", "smb.signing=required", "--junit", junit});
  EXPECT_EQ(legacy.exit_code, 1) << legacy.err;
  EXPECT_NE(legacy.err.find("policy failed: 127.0.0.1: smb1=off"), std::string::npos) << legacy.err;
  EXPECT_NE(legacy.out.find("FAIL"), std::string::npos);
  // The JUnit file parses as XML and carries both failures.
  auto xml = run_command("/usr/bin/python3 -c " +
                         shell_quote("import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); "
                                     "s=r.find('testsuite'); print(s.get('tests'), s.get('failures'), "
                                     "len(s.findall('testcase/failure')))") +
                         " " + junit);
  EXPECT_EQ(xml.exit_code, 0) << xml.err;
  EXPECT_EQ(xml.out, "2 2 2\n");
  // A second, independent XML parser (libxml2) accepts it too.
  auto lint = run_command("xmllint --noout " + shell_quote(junit));
  EXPECT_EQ(lint.exit_code, 0) << lint.err;

  auto hardened =
      run_in_lab("hardened", {"scan", "127.0.0.1", "--probes", "smb", "--ports", "445", "--require", "smb1=off",
                              "--require", "smb.signing=required", "--require", "smb.min=3.1.1"});
  EXPECT_EQ(hardened.exit_code, 0) << hardened.err;

  auto doc = scan_json("stock", {"127.0.0.1", "--probes", "smb", "--ports", "445", "--require", "smb.min=3.0"}, 1);
  EXPECT_FALSE(doc.at("policy").at("passed").get<bool>());
  EXPECT_EQ(doc.at("policy").at("rules").at(0).at("rule"), "smb.min=3.0");
  EXPECT_NE(doc.at("policy").at("rules").at(0).at("evidence").get<std::string>().find("2.0.2"), std::string::npos);

  auto bad = run_in_lab("stock", {"scan", "127.0.0.1", "--require", "smb1=perhaps"});
  EXPECT_EQ(bad.exit_code, 2);
  auto nothing = run_in_lab("stock", {"scan", "127.0.0.1:4451", "--probes", "smb", "--require", "smb1=off"});
  EXPECT_EQ(nothing.exit_code, 3) << "nothing scanned wins over a failed policy";
}

TEST(IntegrationPolicy, ClientRulesReadTheMatrix) {
  // With the kerberos probe: a session needs an authentication path, which Kerberos gives these clients.
  auto legacy = run_in_lab("legacy", {"scan", "127.0.0.1", "--probes", "smb,kerberos,matrix", "--ports", "445,88",
                                      "--require", "client:windows-xp-sp3=broken"});
  EXPECT_EQ(legacy.exit_code, 1) << legacy.err;
  auto hardened =
      run_in_lab("hardened", {"scan", "127.0.0.1", "--probes", "smb,kerberos,matrix", "--ports", "445,88", "--require",
                              "client:windows-xp-sp3=broken", "--require", "client:windows-10=works"});
  EXPECT_EQ(hardened.exit_code, 0) << hardened.err << hardened.out;
}

}  // namespace
}  // namespace legacyscan::testing
