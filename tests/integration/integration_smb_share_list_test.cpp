// SPDX-License-Identifier: Apache-2.0
// The smb probe's share lists (NetrShareEnum over the srvsvc pipe) and `--shares all` against real
// Samba servers: the lab's "sessions" opennas (guest mapping, restrict anonymous = 0, three shares)
// and the "shares" scenario's server with 10,000 shares (scripts/lab.d/shares). The shares a server
// must list are the sections of its smb.conf as testparm reads it back, and Samba's own client,
// rpcclient (netshareenumall), must list the same; smbclient must agree on every tree connect.
#include <cstdlib>
#include <set>
#include <sstream>

#include "tests/integration/lab_support.hpp"
#include "tests/integration/samba_shares.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

std::string lab_dir() {
  const char* d = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(d && *d ? d : "/var/tmp/legacyscan-lab");
}

// rpcclient's anonymous netshareenumall in the scenario's namespace.
std::set<std::string> rpcclient_shares(const std::string& ns, const std::string& address) {
  auto r = run_command("ip netns exec " + ns + " rpcclient -N -U% " + shell_quote(address) + " -c 'netshareenumall 1'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("netname: ")) out.insert(line.substr(9));
  return out;
}

const json& port445(const json& doc) { return doc.at("hosts").at(0).at("probes").at("smb").at("ports").at("445"); }

const json* list_of(const json& port, const std::string& session) {
  if (!port.contains("share_lists")) return nullptr;
  for (const auto& l : port.at("share_lists"))
    if (l.at("session") == session) return &l;
  return nullptr;
}

std::set<std::string> names(const json& list) {
  std::set<std::string> out;
  for (const auto& s : list.at("shares")) out.insert(s.at("name").get<std::string>());
  return out;
}

TEST(IntegrationSmbShareList, OpenNasListsItsSharesAndAllAreTreeConnectedAsSmbclientDoes) {
  const std::string conf = lab_dir() + "/sessions/opennas/smb.conf";
  const std::set<std::string> configured = testparm_shares(conf);
  ASSERT_GT(configured.size(), 1U);
  const std::set<std::string> client = rpcclient_shares("ls-sessions", "127.0.0.1");
  EXPECT_EQ(client, configured);
  const json doc =
      scan_json("sessions", {"127.0.0.1", "--probes", "smb", "--ports", "445", "--no-ping", "--shares", "all"});
  const json& p = port445(doc);
  for (const std::string session : {"anonymous", "guest"}) {
    SCOPED_TRACE(session);
    const json* l = list_of(p, session);
    ASSERT_NE(l, nullptr) << "no share list for the " << session << " session";
    EXPECT_EQ(l->at("status"), "ok");
    EXPECT_EQ(l->at("answer"), "WERR_OK");
    EXPECT_EQ(l->at("level"), 1);
    EXPECT_EQ(names(*l), configured);
    EXPECT_EQ(l->at("total_entries").get<std::size_t>(), configured.size());
  }
  // Every listed share was tree-connected in the guest session; smbclient as a made-up user (guest)
  // must connect exactly the same ones.
  std::size_t seen = 0;
  for (const auto& t : p.at("shares")) {
    // Over SMB2/3, as smbclient -m SMB3 connects (the SMB1 guest session's trees are compared with an
    // NT1 client in integration_smb1_dual_share_list_test.cpp).
    if (t.at("session") != "guest" || t.at("name") == "IPC$" || t.value("via", "").starts_with("smb1")) continue;
    ++seen;
    const std::string share = t.at("name");
    SCOPED_TRACE(share);
    const bool smbclient = run_command("ip netns exec ls-sessions smbclient " + shell_quote("//127.0.0.1/" + share) +
                                       " -U 'legacyscan-nobody%not-a-password' -m SMB3 -c exit")
                               .exit_code == 0;
    EXPECT_EQ(t.at("connected").get<bool>(), smbclient);
  }
  EXPECT_EQ(seen, configured.size() - 1);
}

TEST(IntegrationSmbShareList, RestrictAnonymousTwoListsNothingToTheNullSession) {
  // v1ok: restrict anonymous = 2 refuses the anonymous IPC$ tree, so no list is taken, as rpcclient
  // is refused.
  const std::string conf = lab_dir() + "/sessions/v1ok/smb.conf";
  auto r = run_command("testparm -s --section-name=global --parameter-name='restrict anonymous' " + shell_quote(conf) +
                       " 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0);
  ASSERT_EQ(std::stoi(r.out), 2);
  EXPECT_NE(run_command("ip netns exec ls-sessions rpcclient -N -U% 127.0.0.2 -c 'netshareenumall 1'").exit_code, 0);
  const json doc = scan_json("sessions", {"127.0.0.2", "--probes", "smb", "--ports", "445", "--no-ping"});
  EXPECT_EQ(list_of(port445(doc), "anonymous"), nullptr);
}

TEST(IntegrationSmbShareList, TenThousandSharesAreListedAndAllIsCapped) {
  const std::set<std::string> configured = testparm_shares(lab_dir() + "/shares/many/smb.conf");
  ASSERT_GE(configured.size(), 10000U);
  EXPECT_EQ(rpcclient_shares("ls-shares", "127.0.0.1"), configured);
  const json doc = scan_json(
      "shares", {"127.0.0.1", "--probes", "smb", "--ports", "445", "--no-ping", "--timeout", "20s", "--shares", "all"});
  const json& p = port445(doc);
  const json* l = list_of(p, "guest");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->at("status"), "ok") << l->dump().substr(0, 300);
  EXPECT_EQ(names(*l), configured);
  EXPECT_NE(l->at("note").get<std::string>().find("first 512 of " + std::to_string(configured.size() - 1)),
            std::string::npos);
  std::size_t trees = 0;
  for (const auto& t : p.at("shares"))
    if (t.at("session") == "guest" && t.at("name") != "IPC$") ++trees;
  EXPECT_EQ(trees, 512U);
}

TEST(IntegrationSmbShareList, NamesThatAreNotUtf16AreShownEscapedAndNotConnected) {
  // The hostile server (tests/hostile/srvsvc_hostile.py) says which names it lists, escaped.
  auto r = run_command("python3 " +
                       shell_quote(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/hostile/srvsvc_hostile.py") + " names");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> expected;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) expected.insert(line);
  const json doc =
      scan_json("shares", {"127.0.0.2", "--probes", "smb", "--ports", "445", "--no-ping", "--shares", "all"});
  const json& p = port445(doc);
  const json* l = list_of(p, "guest");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(names(*l), expected);
  std::size_t invalid = 0;
  for (const auto& s : l->at("shares")) {
    const std::string name = s.at("name");
    const bool escaped = name.find("\\u") != std::string::npos;
    EXPECT_EQ(s.value("invalid_utf16", false), escaped) << name;
    invalid += escaped ? 1 : 0;
  }
  EXPECT_GT(invalid, 0U);
  EXPECT_NE(l->at("note").get<std::string>().find(std::to_string(invalid) + " listed names that are not valid UTF-16"),
            std::string::npos);
  for (const auto& t : p.at("shares")) EXPECT_EQ(t.at("name").get<std::string>().find("\\u"), std::string::npos);
  // Every output format renders the escaped names.
  for (const std::string format : {"table", "markdown", "html", "csv-findings"}) {
    auto out = run_in_lab("shares",
                          {"scan", "127.0.0.2", "--probes", "smb", "--ports", "445", "--no-ping", "--format", format});
    EXPECT_EQ(out.exit_code, 0) << format << ": " << out.err;
  }
}

}  // namespace
}  // namespace legacyscan::testing
