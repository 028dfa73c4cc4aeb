// SPDX-License-Identifier: Apache-2.0
// Share lists and signed sessions over SMB1 against the lab's "sessions" nt1only server (server max
// protocol = NT1, server signing = mandatory; scripts/lab.d/sessions). What it must list is the
// sections of its smb.conf as testparm reads them back, and Samba's own client limited to NT1
// (smbclient -L -m NT1) must list the same; smbclient over NT1 as the lab user must agree on every
// tree connect, which the server serves only when the request's signature (made with the NTLM
// exported session key, exchanged when the CHALLENGE offers NTLMSSP_NEGOTIATE_KEY_EXCH) is right.
#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>

#include "tests/integration/lab_support.hpp"
#include "tests/integration/samba_shares.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::string kAddress = "127.0.0.4";

std::string sessions_dir() {
  const char* d = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(d && *d ? d : "/var/tmp/legacyscan-lab") + "/sessions";
}

std::string global(const std::string& parameter) {
  auto r = run_command("testparm -s --section-name=global --parameter-name=" + shell_quote(parameter) + " " +
                       shell_quote(sessions_dir() + "/nt1only/smb.conf") + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << parameter;
  std::string v = r.out;
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v;
}

std::set<std::string> nt1only_shares() { return testparm_shares(sessions_dir() + "/nt1only/smb.conf"); }

std::string user_auth() {
  std::string p = slurp(sessions_dir() + "/labuser.password");
  while (!p.empty() && p.back() == '\n') p.pop_back();
  return "-U " + shell_quote("labuser%" + p);
}

// smbclient limited to NT1 in the scenario's namespace.
RunResult smbclient(const std::string& args) {
  return run_command("ip netns exec ls-sessions smbclient -m NT1 --option='client min protocol=NT1' " + args + " 2>&1");
}

// The share names of `smbclient -L` (the "Sharename Type Comment" table).
std::set<std::string> smbclient_list(const std::string& auth) {
  auto r = smbclient("-L //" + kAddress + " " + auth);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::set<std::string> out;
  std::istringstream in(r.out);
  bool table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("Sharename") != std::string::npos) table = true;
    if (!table || line.empty() || line[0] != '\t' || line.find("---") != std::string::npos ||
        line.find("Sharename") != std::string::npos) {
      if (table && line.empty()) table = false;
      continue;
    }
    std::istringstream words(line);
    std::string name;
    words >> name;
    out.insert(name);
  }
  return out;
}

const json& scan() {
  static const json doc =
      scan_json("sessions", {kAddress, "--probes", "smb", "--ports", "445", "--no-ping", "--shares", "all", "--user",
                             "labuser", "--password-file", sessions_dir() + "/labuser.password"});
  return doc;
}

const json& port() { return scan().at("hosts").at(0).at("probes").at("smb").at("ports").at("445"); }

const json* list_of(const std::string& session) {
  if (!port().contains("share_lists")) return nullptr;
  for (const auto& l : port().at("share_lists"))
    if (l.at("session") == session) return &l;
  return nullptr;
}

TEST(IntegrationSmb1ShareList, Nt1OnlyServerListsItsSharesAsSmbclientDoes) {
  ASSERT_EQ(global("server max protocol"), "NT1");
  const std::set<std::string> configured = nt1only_shares();
  EXPECT_EQ(smbclient_list("-N"), configured);
  // No SMB2 dialect is accepted, NT LM 0.12 is: the list can only come over SMB1.
  EXPECT_TRUE(port().at("smb2").at("dialects").empty()) << port().at("smb2").dump();
  EXPECT_EQ(port().at("smb1").at("dialects"), json::array({"NT LM 0.12"}));
  // restrict anonymous = 0: the null session lists them too.
  ASSERT_EQ(global("restrict anonymous"), "0");
  for (const std::string session : {"anonymous", "user"}) {
    SCOPED_TRACE(session);
    const json* l = list_of(session);
    ASSERT_NE(l, nullptr) << port().dump().substr(0, 2000);
    EXPECT_EQ(l->at("status"), "ok") << l->dump();
    EXPECT_EQ(l->at("via"), "smb1 NT LM 0.12");
    EXPECT_EQ(l->at("answer"), "WERR_OK");
    EXPECT_EQ(l->at("level"), 1);
    std::set<std::string> names;
    for (const auto& s : l->at("shares")) names.insert(s.at("name").get<std::string>());
    EXPECT_EQ(names, configured);
  }
}

TEST(IntegrationSmb1ShareList, UserSessionSignsWithTheExchangedKeyAndConnectsWhatSmbclientConnects) {
  ASSERT_EQ(global("server signing"), "required");
  const json& user = port().at("sessions").at("user");
  ASSERT_EQ(user.at("status"), "ok") << user.dump();
  ASSERT_TRUE(user.at("accepted").get<bool>()) << user.dump();
  // The key is exchanged exactly when the server's CHALLENGE offers it.
  const auto& flags = port().at("ntlm").at("negotiate_flags");
  const bool offered = std::find(flags.begin(), flags.end(), "NTLMSSP_NEGOTIATE_KEY_EXCH") != flags.end();
  EXPECT_TRUE(offered) << flags.dump();
  EXPECT_EQ(user.at("ntlm_key_exch").get<bool>(), offered);
  std::size_t seen = 0;
  for (const auto& t : port().at("shares")) {
    if (t.at("session") != "user") continue;
    ++seen;
    const std::string share = t.at("name");
    SCOPED_TRACE(share);
    EXPECT_EQ(t.at("status"), "ok") << t.dump();
    EXPECT_EQ(t.at("sent"), "signed");
    // Signing is mandatory: a request with a wrong signature would not be served, and the answer's
    // signature must verify.
    EXPECT_EQ(t.at("answer_protection"), "valid") << t.dump();
    const bool client =
        smbclient("//" + kAddress + "/" + shell_quote(share) + " " + user_auth() + " -c exit").exit_code == 0;
    EXPECT_EQ(t.at("connected").get<bool>(), client) << t.dump();
  }
  EXPECT_EQ(seen, nt1only_shares().size());  // IPC$ and every listed share
}

}  // namespace
}  // namespace legacyscan::testing
