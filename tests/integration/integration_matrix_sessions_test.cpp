// SPDX-License-Identifier: Apache-2.0
// The matrix's SMB cells at session level, proven with a real client against the lab's "sessions"
// servers (scripts/lab.d/sessions): opennas (guest mapping, SMB1 with signing disabled), v1ok (NTLMv1,
// encryption desired) and strict (NTLMv2 only, signing and encryption required). legacyscan scans them
// twice, with the lab user and with a user no server knows; for every SMB profile, smbclient is run with
// that profile's settings (its dialect range, `client signing`, `client smb encrypt`, its NTLM responses,
// Kerberos off, the same user) and must connect IPC$ exactly where the cell says the session works. The
// reasons that name the server's refusal are checked against the servers' smb.conf as testparm reads it.
#include <unistd.h>

#include <cstdlib>

#include "tests/integration/profiles_support.hpp"
#include "tests/integration/sessions_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::vector<std::string>& kServers = kSessionsServers;
const std::string kUnknownUser = "legacyscan-nobody";

std::string address(const std::string& name) {
  const std::string interfaces = testparm(name, "interfaces");
  return interfaces.substr(0, interfaces.find('/'));
}

// The password file of a user: the lab user's own, or a made-up one for the user no server knows.
std::string password_file(const std::string& user) {
  if (user != kUnknownUser) return sessions_dir() + "/labuser.password";
  static const std::string made_up = [] {
    const std::string path = ::testing::TempDir() + "/legacyscan-matrix-sessions-" + std::to_string(::getpid());
    std::ofstream(path) << "Not-a-pass-3\n";
    return path;
  }();
  return made_up;
}

// One scan of the three servers with that user; the document.
const json& scan(const std::string& user) {
  static std::map<std::string, json> done;
  if (!done.contains(user)) {
    std::vector<std::string> args;
    for (const auto& n : kServers) args.push_back(address(n));
    for (const std::string a : {"--probes", "smb,matrix", "--no-ping", "--timeout", "5s", "--user"}) args.push_back(a);
    args.push_back(user);
    args.push_back("--password-file");
    args.push_back(password_file(user));
    done[user] = scan_json("sessions", args);
  }
  return done.at(user);
}

const json& smb_cell(const std::string& user, const std::string& server, const std::string& profile) {
  for (const auto& h : scan(user).at("hosts"))
    if (h.at("address") == address(server))
      for (const auto& r : h.at("matrix"))
        if (r.at("profile") == profile) return r.at("protocols").at("smb");
  static const json none = json::object();
  ADD_FAILURE() << "no SMB cell for " << profile << " on " << server;
  return none;
}

std::string smbclient_protocol(const std::string& dialect) {
  if (dialect == "2.0.2") return "SMB2_02";
  if (dialect == "2.1") return "SMB2_10";
  if (dialect == "3.0") return "SMB3_00";
  if (dialect == "3.0.2") return "SMB3_02";
  return "SMB3_11";
}

bool contains(const json& list, const std::string& v) { return std::find(list.begin(), list.end(), v) != list.end(); }

// smbclient's options for a profile: its dialect range (NT1 for its SMB1 dialects: every server
// picks NT LM 0.12 from either list), its signing, its encryption, its NTLM responses, no Kerberos.
std::string client_options(const json& p) {
  const auto& smb = p.at("smb");
  const auto& smb2 = smb.at("smb2_dialects");
  const bool smb1 = !smb.at("smb1_dialects").empty();
  const std::string min = smb1 ? "NT1" : smbclient_protocol(smb2.front());
  const std::string max = smb2.empty() ? "NT1" : smbclient_protocol(smb2.back());
  const std::string signing = smb.at("signing") == "required" ? "required" : smb2.empty() ? "desired" : "if_required";
  const auto& ntlm = p.at("auth").value("ntlm", json::array());
  std::string o = "--use-kerberos=off";
  for (const auto& opt : std::vector<std::string>{
           "client min protocol=" + min, "client max protocol=" + max, "client signing=" + signing,
           std::string("client smb encrypt=") + (smb.at("encryption").get<bool>() ? "if_required" : "off"),
           std::string("client ntlmv2 auth=") + (contains(ntlm, "ntlmv2") ? "yes" : "no"),
           std::string("client lanman auth=") + (contains(ntlm, "lm") ? "yes" : "no")})
    o += " --option=" + shell_quote(opt);
  return o;
}

// smbclient as the client: true when it logged on and connected IPC$.
bool smbclient_logs_on(const std::string& server, const json& p, const std::string& user) {
  // A client that signs in as guest has no account: it always sends a name the server does not know.
  const std::string who = p.at("auth").value("guest", false) ? kUnknownUser : user;
  std::string password = slurp(password_file(who));
  while (!password.empty() && password.back() == '\n') password.pop_back();
  const auto auth = ::testing::TempDir() + "/legacyscan-matrix-sessions-auth-" + std::to_string(::getpid());
  std::ofstream(auth) << "username = " << who << "\npassword = " << password << "\n";
  const auto r =
      run_command("ip netns exec ls-sessions timeout 30 smbclient " + shell_quote("//" + address(server) + "/IPC$") +
                  " -A " + shell_quote(auth) + " " + client_options(p) + " -c exit");
  std::remove(auth.c_str());
  return r.exit_code == 0;
}

TEST(IntegrationMatrixSessions, SmbclientWithEachProfilesSettingsAgreesWithTheSmbCells) {
  int compared = 0, agreed = 0, unknown = 0;
  for (const auto& user : std::vector<std::string>{"labuser", kUnknownUser})
    for (const auto& server : kServers) {
      // Samba's SMB2 client signs whenever the server requires it: a client that cannot sign has no
      // smbclient counterpart against such a server.
      const bool server_requires_signing = testparm(server, "server signing") == "required";
      for (const auto& p : profiles()) {
        if (!p.contains("smb")) continue;
        if (p.at("smb").at("signing") == "disabled" && server_requires_signing) continue;
        // smbclient refuses a guest session only when it requires signing (a guest session cannot sign):
        // it has no counterpart of a client that refuses guest logons without requiring signing.
        if (p.at("auth").value("insecure_guest", "") == "refused" && p.at("smb").at("signing") != "required") continue;
        const auto& c = smb_cell(user, server, p.at("id"));
        if (c.value("verdict", "") == "unknown") {
          ++unknown;
          continue;
        }
        const bool cell_works = c.at("verdict") == "works" || c.at("verdict") == "degraded";
        const bool real = smbclient_logs_on(server, p, user);
        EXPECT_EQ(real, cell_works) << p.at("id") << " on " << server << " as " << user << ": smbclient "
                                    << (real ? "logs on" : "fails") << " with " << client_options(p)
                                    << "; the cell says " << c.dump();
        ++compared;
        agreed += real == cell_works ? 1 : 0;
      }
    }
  std::cout << "[ smbclient ] " << agreed << " of " << compared << " SMB session cells agree (" << unknown
            << " unknown cells not compared)\n";
  EXPECT_GT(compared, 60);
  EXPECT_EQ(unknown, 0) << "with credentials, every session path of these standalone servers is known";
}

// The reasons, from the servers' configuration: where testparm says encryption is required, an SMB 2.1
// client fails for that; where it says `map to guest = bad user`, the user no server knows gets only guest,
// which Windows 11 24H2 refuses and Windows 7 keeps.
TEST(IntegrationMatrixSessions, ReasonsNameTheServersSessionSettings) {
  int required = 0, guest = 0;
  for (const auto& server : kServers) {
    SCOPED_TRACE(server);
    const auto& w7 = smb_cell("labuser", server, "windows-7");
    if (testparm(server, "server smb encrypt") == "required") {
      ++required;
      EXPECT_EQ(w7.at("verdict"), "fails");
      EXPECT_NE(w7.at("reason").get<std::string>().find("the server requires encryption, the client speaks SMB 2.1"),
                std::string::npos)
          << w7.dump();
      EXPECT_EQ(smb_cell("labuser", server, "windows-10").value("auth", ""), "NTLMv2");
    } else {
      EXPECT_EQ(w7.value("auth", ""), "NTLMv2") << w7.dump();
    }
    if (testparm(server, "map to guest") == "Bad User") {
      ++guest;
      const auto& w11 = smb_cell(kUnknownUser, server, "windows-11-24h2");
      EXPECT_EQ(w11.at("verdict"), "fails");
      const std::string why = w11.at("reason");
      EXPECT_NE(why.find("server offers only guest access"), std::string::npos) << why;
      EXPECT_NE(why.find("refuses insecure guest logons"), std::string::npos) << why;
      EXPECT_EQ(smb_cell(kUnknownUser, server, "windows-7").value("auth", ""), "guest");
      EXPECT_EQ(smb_cell("labuser", server, "windows-11-24h2").value("auth", ""), "NTLMv2");
    }
  }
  EXPECT_EQ(required, 1);
  EXPECT_EQ(guest, 1);
}

}  // namespace
}  // namespace legacyscan::testing
