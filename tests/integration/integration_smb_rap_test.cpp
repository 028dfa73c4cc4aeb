// SPDX-License-Identifier: Apache-2.0
// The RAP NetShareEnum fallback against the lab's "rap" server (scripts/lab.d/rap): an SMB1-only
// Samba that starts no DCE/RPC helpers (rpc start on demand helpers = no), so its srvsvc pipe is
// refused while its own RAP server in smbd still answers \PIPE\LANMAN, as on LAN Manager-era servers
// and appliances. What it must list is its smb.conf as testparm reads it back (names of 12
// characters or fewer: RAP carries no longer ones), and Samba's client, which falls back to RAP
// the same way (smbclient -L over NT1), must list the same names, types and comments.
#include <cstdlib>

#include "tests/integration/lab_support.hpp"
#include "tests/integration/samba_shares.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::string kAddress = "127.0.0.1";

std::string conf() {
  const char* d = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(d && *d ? d : "/var/tmp/legacyscan-lab") + "/rap/smb.conf";
}

std::string global(const std::string& parameter) { return testparm_global(conf(), parameter); }

const json& doc() {
  static const json d =
      scan_json("rap", {kAddress, "--probes", "smb", "--ports", "445", "--no-ping", "--shares", "all"});
  return d;
}

const json& port() { return doc().at("hosts").at(0).at("probes").at("smb").at("ports").at("445"); }

// smbclient's types as legacyscan names them.
std::string client_type(const std::string& t) { return t == "Disk" ? "disk" : t == "IPC" ? "ipc" : t; }

TEST(IntegrationSmbRap, SrvsvcRefusedSharesListedWithRapAsSmbclientListsThem) {
  ASSERT_EQ(global("server max protocol"), "NT1");
  ASSERT_EQ(global("rpc start on demand helpers"), "No");
  ASSERT_EQ(global("restrict anonymous"), "0");
  const std::string lister = "ip netns exec ls-rap smbclient -L //" + kAddress +
                             " -N --option='client min protocol=NT1' --option='client max protocol=NT1'";
  auto r = run_command(lister + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // smbclient tried srvsvc first and was refused (it says so only at debug level 10): its list came
  // from RAP.
  auto debug = run_command(lister + " -d10");
  EXPECT_NE((debug.out + debug.err).find("Could not connect to srvsvc pipe"), std::string::npos);
  const auto client = smbclient_share_table(r.out);
  std::set<std::string> names;
  for (const auto& [name, row] : client) names.insert(name);
  EXPECT_EQ(names, testparm_shares(conf()));

  const json* list = nullptr;
  for (const auto& l : port().at("share_lists"))
    if (l.at("session") == "anonymous") list = &l;
  ASSERT_NE(list, nullptr) << port().dump().substr(0, 2000);
  EXPECT_EQ(list->at("status"), "ok") << list->dump();
  EXPECT_EQ(list->at("method"), "rap");
  EXPECT_EQ(list->at("via"), "smb1 NT LM 0.12");
  EXPECT_EQ(list->at("answer"), "NERR_Success");
  EXPECT_NE(list->at("srvsvc_answer").get<std::string>().find("srvsvc pipe refused"), std::string::npos)
      << list->dump();
  EXPECT_EQ(list->at("total_entries"), client.size());
  std::map<std::string, ListedByClient> ours;
  for (const auto& s : list->at("shares")) ours[s.at("name")] = ListedByClient{s.at("type"), s.value("comment", "")};
  auto want = client;
  for (auto& [name, row] : want) row.type = client_type(row.type);
  EXPECT_EQ(ours.size(), want.size());
  for (const auto& [name, row] : want) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(ours.count(name));
    EXPECT_EQ(ours[name].type, row.type);
    EXPECT_EQ(ours[name].comment, row.comment);
  }
  // The finding says the list came from RAP and what srvsvc answered.
  const json* finding = nullptr;
  for (const auto& f : doc().at("hosts").at(0).at("findings"))
    if (f.at("check") == "smb1.share_list.anonymous" && f.at("port") == "445/tcp") finding = &f;
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(finding->at("verdict"), "warn");  // the null session lists the shares
  EXPECT_NE(finding->at("evidence").get<std::string>().find("srvsvc: srvsvc pipe refused"), std::string::npos)
      << finding->dump();
}

TEST(IntegrationSmbRap, SharesListedByRapAreConnectedAsSmbclientConnects) {
  std::size_t seen = 0;
  for (const auto& t : port().at("shares")) {
    if (t.at("session") != "anonymous" || t.at("name") == "IPC$") continue;
    ++seen;
    const std::string share = t.at("name");
    SCOPED_TRACE(share);
    const bool client = run_command("ip netns exec ls-rap smbclient //" + kAddress + "/" + shell_quote(share) +
                                    " -N --option='client min protocol=NT1' --option='client max protocol=NT1' "
                                    "-c exit 2>&1")
                            .exit_code == 0;
    EXPECT_EQ(t.at("connected").get<bool>(), client) << t.dump();
  }
  EXPECT_EQ(seen + 1, testparm_shares(conf()).size());  // every share but IPC$, from the RAP list
}

}  // namespace
}  // namespace legacyscan::testing
