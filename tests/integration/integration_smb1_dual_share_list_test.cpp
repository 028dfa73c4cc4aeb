// SPDX-License-Identifier: Apache-2.0
// Share lists over SMB1 on a port that also speaks SMB2, against the lab's legacy DC (server min
// protocol = NT1, so its port 445 answers both families): what an SMB1-only client sees. The
// anonymous and guest sessions over SMB1 list and connect like the SMB2 ones; with credentials the
// user's NTLMv2 logon over SMB1 does too. Samba's client limited to NT1 (smbclient -L -m NT1) must
// list the same shares in the same sessions, and they are the shares of the DC's smb.conf as
// testparm reads them back.
#include <optional>

#include "tests/integration/lab_support.hpp"
#include "tests/integration/samba_shares.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

std::map<std::string, std::string>& info() {
  static std::map<std::string, std::string> i = lab_info("legacy");
  return i;
}

std::string global(const std::string& parameter) { return testparm_global(info()["LAB_SMB_CONF"], parameter); }

const json& doc() {
  static const json d = scan_json(
      "legacy", {info()["LAB_ADDR"], "--probes", "smb", "--ports", "445", "--no-ping", "--shares", "all", "--timeout",
                 "10s", "--user", info()["LAB_ADMIN_USER"], "--password", info()["LAB_ADMIN_PASSWORD"]});
  return d;
}

const json& port() { return doc().at("hosts").at(0).at("probes").at("smb").at("ports").at("445"); }

const json* list_of(const std::string& session, const std::string& family) {
  for (const auto& l : port().at("share_lists"))
    if (l.at("session") == session && l.value("via", "").starts_with(family)) return &l;
  return nullptr;
}

std::set<std::string> names_in(const json& list) {
  std::set<std::string> out;
  for (const auto& s : list.at("shares")) out.insert(s.at("name").get<std::string>());
  return out;
}

// smbclient -L over NT1 only: the share names, or nothing when it could not list.
std::optional<std::set<std::string>> smbclient_nt1(const std::string& auth) {
  auto r = run_command("ip netns exec " + info()["LAB_NS"] + " smbclient -L //" + info()["LAB_ADDR"] + " " + auth +
                       " --option='client min protocol=NT1' --option='client max protocol=NT1' 2>&1");
  if (r.exit_code != 0) return std::nullopt;
  std::set<std::string> out;
  for (const auto& [name, row] : smbclient_share_table(r.out)) out.insert(name);
  return out;
}

TEST(IntegrationSmb1DualShareList, UserOverSmb1ListsWhatSmbclientNt1Lists) {
  ASSERT_EQ(global("server min protocol"), "NT1");
  ASSERT_FALSE(port().at("smb2").at("dialects").empty());
  ASSERT_TRUE(port().at("smb1").at("enabled").get<bool>());
  const json& user = port().at("sessions").at("smb1").at("user");
  ASSERT_EQ(user.at("status"), "ok") << user.dump();
  EXPECT_TRUE(user.at("accepted").get<bool>()) << user.dump();
  const json* smb1 = list_of("user", "smb1");
  const json* smb2 = list_of("user", "smb2");
  ASSERT_NE(smb1, nullptr) << port().at("share_lists").dump().substr(0, 2000);
  ASSERT_NE(smb2, nullptr);
  EXPECT_EQ(smb1->at("method"), "srvsvc");
  EXPECT_EQ(smb1->at("answer"), "WERR_OK") << smb1->dump();
  const auto client = smbclient_nt1("-U " + shell_quote(info()["LAB_ADMIN_USER"] + "%" + info()["LAB_ADMIN_PASSWORD"]));
  ASSERT_TRUE(client.has_value());
  EXPECT_EQ(names_in(*smb1), *client);
  EXPECT_EQ(names_in(*smb1), testparm_shares(info()["LAB_SMB_CONF"]));
  // Every share listed over SMB1 was connected over SMB1 in the user's session, as smbclient can.
  std::set<std::string> connected;
  for (const auto& t : port().at("shares"))
    if (t.at("session") == "user" && t.value("via", "").starts_with("smb1") && t.at("connected").get<bool>())
      connected.insert(t.at("name").get<std::string>());
  EXPECT_EQ(connected, *client);
}

TEST(IntegrationSmb1DualShareList, AnonymousOverSmb1AgreesWithSmbclientNt1) {
  const auto client = smbclient_nt1("-N");
  const json* smb1 = list_of("anonymous", "smb1");
  if (!client) {
    // smbclient could not list anonymously over NT1: neither may legacyscan.
    EXPECT_TRUE(smb1 == nullptr || smb1->at("shares").empty()) << smb1->dump();
    return;
  }
  ASSERT_NE(smb1, nullptr) << port().at("share_lists").dump().substr(0, 2000);
  EXPECT_EQ(names_in(*smb1), *client);
}

TEST(IntegrationSmb1DualShareList, PasswordNeverInOutput) {
  EXPECT_EQ(doc().dump().find(info()["LAB_ADMIN_PASSWORD"]), std::string::npos);
}

}  // namespace
}  // namespace legacyscan::testing
