// SPDX-License-Identifier: Apache-2.0
// The user's session against the hardened DC (scripts/lab: "server signing = mandatory", SMB3 only):
// where the DC takes NTLM at all, the session must sign its TREE_CONNECT to be served and the signed
// answer must verify; where it refuses NTLM ("ntlm auth = disabled") no key exists and no tree is
// tried. What the DC requires is read from its smb.conf (testparm); smbclient's NTLM logon over SMB3
// with the same account must agree.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "tests/integration/lab_support.hpp"
#include "tests/integration/samba_shares.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

std::string testparm(const std::string& conf, const std::string& parameter) { return testparm_global(conf, parameter); }

TEST(IntegrationSmbSigning, HardenedDcUserSessionAgreesWithSmbclient) {
  const auto info = lab_info("hardened");
  const std::string conf = info.at("LAB_SMB_CONF");
  const std::string signing = testparm(conf, "server signing");
  ASSERT_TRUE(signing == "required" || signing == "mandatory") << signing;
  const std::string pw = ::testing::TempDir() + "/smb-signing-pw-" + std::to_string(::getpid());
  std::ofstream(pw) << info.at("LAB_ADMIN_PASSWORD") << "\n";
  const std::string user = info.at("LAB_DOMAIN") + "\\" + info.at("LAB_ADMIN_USER");
  auto r = run_in_lab("hardened", {"scan", info.at("LAB_ADDR"), "--probes", "smb", "--no-ping", "--ports", "smb:445",
                                   "--timeout", "5s", "--user", user, "--password-file", pw, "--format", "json"});
  std::remove(pw.c_str());
  const json doc = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.out.substr(0, 400) << r.err;
  EXPECT_EQ(r.out.find(info.at("LAB_ADMIN_PASSWORD")), std::string::npos);
  const json& p = doc["hosts"][0]["probes"]["smb"]["ports"]["445"];
  EXPECT_TRUE(p["smb2"]["signing"]["required"].get<bool>()) << p["smb2"].dump();
  // smbclient's NTLM logon (no Kerberos) over SMB3, signing as the server requires.
  auto client = run_command("ip netns exec ls-hardened smbclient //" + info.at("LAB_ADDR") +
                            "/IPC$ -m SMB3 --use-kerberos=off -U " +
                            shell_quote(user + "%" + info.at("LAB_ADMIN_PASSWORD")) + " -c exit 2>&1");
  const json& u = p.at("sessions").at("user");
  ASSERT_EQ(u.at("status"), "ok") << u.dump();
  EXPECT_EQ(u.at("accepted").get<bool>(), client.exit_code == 0) << u.dump() << client.out;
  const json* ipc = nullptr;
  for (const auto& t : p.at("shares"))
    if (t.at("session") == "user" && t.at("name") == "IPC$") ipc = &t;
  if (testparm(conf, "ntlm auth") == "disabled") {
    // The DC refuses NTLM outright: the logon ends before any key exists, so no tree is tried.
    EXPECT_EQ(u.at("answer"), "STATUS_NTLM_BLOCKED (0xc0000418)");
    EXPECT_NE(client.out.find("NT_STATUS_NTLM_BLOCKED"), std::string::npos) << client.out;
    EXPECT_EQ(ipc, nullptr);
    return;
  }
  ASSERT_NE(ipc, nullptr) << p.at("shares").dump();
  EXPECT_TRUE(ipc->at("connected").get<bool>()) << ipc->dump();
  EXPECT_EQ(ipc->at("sent"), "signed");
  EXPECT_EQ(ipc->at("answer_protection"), "valid");
}

}  // namespace
}  // namespace legacyscan::testing
