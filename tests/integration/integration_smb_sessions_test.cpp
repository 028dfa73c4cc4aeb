// SPDX-License-Identifier: Apache-2.0
// The smb probe's sessions against the lab's "sessions" servers (scripts/lab.d/sessions, namespace
// ls-sessions): an open NAS (guest mapping, NTLMv1 and LM, anonymous IPC$), a server that takes
// NTLMv1 but no guest, and a strict one (NTLMv2 only, encryption required). What each must grant is
// derived from its smb.conf as testparm reads it back, and Samba's own client, smbclient, must agree
// with legacyscan on every logon it can make (smbclient cannot send an LM response alone, so LM is
// checked against testparm only).
#include <algorithm>
#include <cstdlib>

#include "tests/integration/sessions_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::vector<std::string>& kServers = kSessionsServers;

std::string share_parameter(const std::string& name, const std::string& share, const std::string& parameter) {
  auto r =
      run_command("testparm -s --section-name=" + shell_quote(share) + " --parameter-name=" + shell_quote(parameter) +
                  " " + shell_quote(sessions_dir() + "/" + name + "/smb.conf") + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << share << " " << parameter;
  std::string v = r.out;
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v;
}

std::string password() {
  std::string p = slurp(sessions_dir() + "/labuser.password");
  while (!p.empty() && p.back() == '\n') p.pop_back();
  return p;
}

// What a server's configuration says it must grant.
struct Expect {
  std::string address;
  bool guest = false;          // map to guest = bad user
  bool anonymous_ipc = false;  // restrict anonymous below 2
  bool encrypt_required = false;
  bool ntlmv1 = false;  // ntlm auth = yes / ntlmv1-permitted
  bool lm = false;      // lanman auth, and only where NTLMv1 is allowed
};

Expect expect(const std::string& name) {
  Expect e;
  const std::string interfaces = testparm(name, "interfaces");
  e.address = interfaces.substr(0, interfaces.find('/'));
  e.encrypt_required = testparm(name, "server smb encrypt") == "required";
  // Samba refuses guest and anonymous sessions, which cannot encrypt, when encryption is required.
  e.guest = testparm(name, "map to guest") == "Bad User" && !e.encrypt_required;
  e.anonymous_ipc = std::stoi(testparm(name, "restrict anonymous")) < 2 && !e.encrypt_required;
  const std::string ntlm = testparm(name, "ntlm auth");
  e.ntlmv1 = ntlm == "ntlmv1-permitted" || ntlm == "yes";
  e.lm = e.ntlmv1 && testparm(name, "lanman auth") == "Yes";
  return e;
}

// smbclient inside the scenario's namespace: true when it connected the share and ran `exit`.
bool smbclient(const std::string& address, const std::string& share, const std::string& auth,
               const std::string& options = "") {
  auto r = run_command("ip netns exec ls-sessions smbclient " + shell_quote("//" + address + "/" + share) + " " + auth +
                       " " + options + " -c exit");
  return r.exit_code == 0;
}

std::string user_auth() { return "-U " + shell_quote("labuser%" + password()); }

class IntegrationSmbSessions : public ::testing::Test {
 protected:
  static const RunResult& run() {
    static const RunResult r = [] {
      std::vector<std::string> args{"scan"};
      for (const auto& n : kServers) args.push_back(expect(n).address);
      for (const std::string& a :
           std::vector<std::string>{"--probes", "smb", "--no-ping", "--timeout", "5s", "--user", "labuser",
                                    "--password-file", sessions_dir() + "/labuser.password", "--format", "json"})
        args.push_back(a);
      return run_in_lab("sessions", args);
    }();
    return r;
  }
  static const json& doc() {
    static const json d = json::parse(run().out, nullptr, false);
    return d;
  }
  static const json& port(const std::string& address, const std::string& p) {
    for (const auto& h : doc().at("hosts"))
      if (h.at("address") == address) return h.at("probes").at("smb").at("ports").at(p);
    ADD_FAILURE() << address << " not in the scan";
    static const json none = json::object();
    return none;
  }
  static std::string verdict(const std::string& address, const std::string& check) {
    for (const auto& h : doc().at("hosts"))
      if (h.at("address") == address)
        for (const auto& f : h.at("findings"))
          if (f.at("port") == "445/tcp" && f.at("check") == check) return f.at("verdict");
    return "(no finding " + check + ")";
  }
};

TEST_F(IntegrationSmbSessions, ScanSucceedsAndNeverPrintsThePassword) {
  ASSERT_EQ(run().exit_code, 0) << run().err;
  ASSERT_FALSE(doc().is_discarded());
  EXPECT_EQ(run().out.find(password()), std::string::npos);
  EXPECT_EQ(run().err.find(password()), std::string::npos);
}

TEST_F(IntegrationSmbSessions, AnonymousAndGuestAgreeWithTestparmAndSmbclient) {
  for (const auto& name : kServers) {
    SCOPED_TRACE(name);
    const Expect e = expect(name);
    const bool client_anonymous = smbclient(e.address, "IPC$", "-N");
    const bool client_guest = smbclient(e.address, "IPC$", "-U " + shell_quote("legacyscan-nobody%not-a-password"));
    for (const std::string p : {"445", "139"}) {
      SCOPED_TRACE(p);
      const auto& s = port(e.address, p).at("sessions");
      EXPECT_EQ(s.at("guest").at("status"), "ok");
      EXPECT_EQ(s.at("guest").at("accepted").get<bool>(), e.guest);
      if (e.guest) {
        EXPECT_EQ(s.at("guest").at("granted"), "guest");
      }
      EXPECT_EQ(s.at("guest").at("accepted").get<bool>(), client_guest);
      // The anonymous session: granted unless encryption is required; IPC$ per restrict anonymous.
      EXPECT_EQ(s.at("anonymous").at("accepted").get<bool>(), !e.encrypt_required);
      bool ipc = false;
      for (const auto& t : port(e.address, p).value("shares", json::array()))
        if (t.at("session") == "anonymous" && t.at("name") == "IPC$") ipc = t.at("connected").get<bool>();
      EXPECT_EQ(ipc, e.anonymous_ipc);
      EXPECT_EQ(ipc, client_anonymous);
    }
    EXPECT_EQ(verdict(e.address, "smb.session.guest"), e.guest ? "bad" : "good");
    EXPECT_EQ(verdict(e.address, "smb.session.anonymous"),
              e.anonymous_ipc ? "warn" : (e.encrypt_required ? "good" : "info"));
  }
}

TEST_F(IntegrationSmbSessions, Smb1SessionsWhereTheServerSpeaksSmb1) {
  for (const auto& name : kServers) {
    SCOPED_TRACE(name);
    const Expect e = expect(name);
    const bool smb1 = testparm(name, "server min protocol") == "NT1";
    const bool client_anonymous = smbclient(e.address, "IPC$", "-N", "-m NT1 --option='client min protocol=NT1'");
    const auto& p = port(e.address, "445");
    ASSERT_EQ(p.at("sessions").contains("smb1"), smb1);
    bool ipc = false;
    for (const auto& t : p.value("shares", json::array()))
      if (t.at("via") == "smb1 NT LM 0.12" && t.at("session") == "anonymous") ipc = t.at("connected").get<bool>();
    EXPECT_EQ(ipc, client_anonymous);
    if (!smb1) continue;
    const auto& s1 = p.at("sessions").at("smb1");
    EXPECT_EQ(s1.at("guest").at("accepted").get<bool>(), e.guest);
    EXPECT_EQ(ipc, e.anonymous_ipc);
    EXPECT_EQ(verdict(e.address, "smb1.session.anonymous"), e.anonymous_ipc ? "warn" : "info");
  }
}

TEST_F(IntegrationSmbSessions, NtlmResponseTypesAgreeWithTestparmAndSmbclient) {
  for (const auto& name : kServers) {
    SCOPED_TRACE(name);
    const Expect e = expect(name);
    const auto& n = port(e.address, "445").at("sessions").at("ntlm");
    const bool client_v2 = smbclient(e.address, "data", user_auth());
    const bool client_v1 = smbclient(e.address, "data", user_auth(), "--option='client ntlmv2 auth=no'");
    EXPECT_TRUE(client_v2);
    EXPECT_EQ(n.at("v2").at("accepted").get<bool>(), client_v2);
    EXPECT_EQ(n.at("v1").at("accepted").get<bool>(), e.ntlmv1);
    EXPECT_EQ(n.at("v1_ess").at("accepted").get<bool>(), e.ntlmv1);
    EXPECT_EQ(n.at("v1_ess").at("accepted").get<bool>(), client_v1);
    EXPECT_EQ(n.at("lm").at("accepted").get<bool>(), e.lm);
    EXPECT_EQ(port(e.address, "445").at("sessions").at("user").at("accepted").get<bool>(), client_v2);
    EXPECT_EQ(verdict(e.address, "smb.ntlm.v1"), e.ntlmv1 ? "bad" : "good");
    EXPECT_EQ(verdict(e.address, "smb.ntlm.lm"), e.lm ? "bad" : "good");
  }
}

TEST_F(IntegrationSmbSessions, EncryptionRequiredLocksOutSmb21Clients) {
  for (const auto& name : kServers) {
    SCOPED_TRACE(name);
    const Expect e = expect(name);
    const auto& s = port(e.address, "445").at("sessions");
    // Samba flags every session of a server that wants encryption (desired or required).
    const std::string want = testparm(name, "server smb encrypt");
    const auto flags = s.at("user").at("session_flags");
    EXPECT_EQ(std::find(flags.begin(), flags.end(), "ENCRYPT_DATA") != flags.end(),
              want == "required" || want == "desired");
    // An SMB 2.1 client cannot encrypt: smbclient limited to 2.1 fails exactly where it is required.
    EXPECT_EQ(smbclient(e.address, "data", user_auth(), "-m SMB2_10"), !e.encrypt_required);
    if (e.encrypt_required) {
      EXPECT_EQ(s.at("anonymous").at("answer"), "STATUS_ACCESS_DENIED (0xc0000022)");
    }
    // With credentials every server tells (an anonymous or guest IPC$, or the user's logon over 2.1).
    const auto& er = s.at("encryption_required");
    ASSERT_EQ(er.at("status"), "ok") << er.dump();
    EXPECT_EQ(er.at("required").get<bool>(), e.encrypt_required);
    EXPECT_EQ(verdict(e.address, "smb.encryption_required"), "info");
  }
}

// The user's session signs its tree connects (every 3.1.1 session must) and encrypts them where the
// server flags the session ENCRYPT_DATA and refuses them unencrypted; smbclient over SMB3 (asked to
// encrypt where testparm says the server requires it) must connect IPC$ exactly when legacyscan does.
TEST_F(IntegrationSmbSessions, UserSessionSignsAndEncryptsItsTreeConnectLikeSmbclient) {
  for (const auto& name : kServers) {
    SCOPED_TRACE(name);
    const Expect e = expect(name);
    std::vector<json> ipc;
    // The SMB2/3 session (a port that also speaks SMB1 has the user's SMB1 session too, which cannot
    // encrypt: integration_smb1_dual_share_list_test.cpp).
    for (const auto& t : port(e.address, "445").at("shares"))
      if (t.at("session") == "user" && t.at("name") == "IPC$" && !t.value("via", "").starts_with("smb1"))
        ipc.push_back(t);
    ASSERT_FALSE(ipc.empty()) << port(e.address, "445").at("shares").dump();
    // The session signs with the key its AUTHENTICATE exchanged, exactly when the CHALLENGE offered
    // NTLMSSP_NEGOTIATE_KEY_EXCH (Samba always does).
    const auto& flags = port(e.address, "445").at("ntlm").at("negotiate_flags");
    const bool key_exch = std::find(flags.begin(), flags.end(), "NTLMSSP_NEGOTIATE_KEY_EXCH") != flags.end();
    EXPECT_TRUE(key_exch) << flags.dump();
    EXPECT_EQ(port(e.address, "445").at("sessions").at("user").at("ntlm_key_exch").get<bool>(), key_exch);
    const std::string encrypt = e.encrypt_required ? " --option='client smb encrypt=required'" : "";
    const bool client = smbclient(e.address, "IPC$", user_auth(), "-m SMB3" + encrypt);
    EXPECT_TRUE(client);
    EXPECT_EQ(ipc.back().at("connected").get<bool>(), client) << ipc.back().dump();
    EXPECT_EQ(ipc.back().at("sent"), e.encrypt_required ? "encrypted" : "signed");
    for (const auto& t : ipc) {
      EXPECT_EQ(t.at("status"), "ok") << t.dump();
      // An encrypted answer is authenticated by its cipher; a signed one must verify.
      const std::string p = t.value("answer_protection", "");
      EXPECT_TRUE(p == "valid" || p == "encrypted") << t.dump();
    }
    const auto& er = port(e.address, "445").at("sessions").at("encryption_required");
    if (e.encrypt_required) {
      // First refused unencrypted, then granted encrypted: the server requires encryption.
      ASSERT_EQ(ipc.size(), 2u);
      EXPECT_FALSE(ipc[0].at("connected").get<bool>());
      EXPECT_EQ(ipc[0].at("sent"), "signed");
      EXPECT_NE(er.value("evidence", "").find("granted it encrypted"), std::string::npos) << er.dump();
    }
  }
}

TEST_F(IntegrationSmbSessions, NamedSharesInTheGuestSessionAgreeWithTestparmAndSmbclient) {
  const std::string name = "opennas";
  const Expect e = expect(name);
  ASSERT_TRUE(e.guest) << "opennas maps unknown users to guest";
  const std::vector<std::string> shares{"public", "secret", "legacyscan-nosuch"};
  const json doc = scan_json("sessions", {e.address, "--probes", "smb", "--ports", "445", "--no-ping", "--smb-shares",
                                          "public,secret,legacyscan-nosuch"});
  const auto& p = doc.at("hosts").at(0).at("probes").at("smb").at("ports").at("445");
  for (const auto& share : shares) {
    SCOPED_TRACE(share);
    // A share exists when testparm knows it; a guest reaches it when it says `guest ok`.
    const bool exists = run_command("testparm -s --section-name=" + shell_quote(share) + " " +
                                    shell_quote(sessions_dir() + "/" + name + "/smb.conf") + " >/dev/null 2>&1")
                            .exit_code == 0;
    const bool guest_ok = exists && share_parameter(name, share, "guest ok") == "Yes";
    const bool client = smbclient(e.address, share, "-U " + shell_quote("legacyscan-nobody%not-a-password"), "-m SMB3");
    const json* found = nullptr;
    for (const auto& t : p.at("shares"))  // over SMB2/3, as smbclient -m SMB3 connects
      if (t.at("session") == "guest" && t.at("name") == share && !t.value("via", "").starts_with("smb1")) found = &t;
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->at("connected").get<bool>(), guest_ok);
    EXPECT_EQ(found->at("connected").get<bool>(), client);
    if (!exists) {
      EXPECT_EQ(found->at("answer"), "STATUS_BAD_NETWORK_NAME (0xc00000cc)");
    }
    if (guest_ok) {
      EXPECT_EQ(found->at("share_type"), "disk");
      EXPECT_EQ(found->at("access"), share_parameter(name, share, "read only") == "Yes" ? "read" : "read, write");
    }
  }
}

TEST_F(IntegrationSmbSessions, PolicyRulesFailWhereTheConfigurationAllowsIt) {
  for (const auto& name : kServers) {
    SCOPED_TRACE(name);
    const Expect e = expect(name);
    auto r = run_in_lab("sessions", {"scan", e.address, "--probes", "smb", "--ports", "445", "--no-ping", "--require",
                                     "smb.guest=off", "--require", "ntlm.v1=off", "--user", "labuser",
                                     "--password-file", sessions_dir() + "/labuser.password"});
    EXPECT_EQ(r.exit_code, e.guest || e.ntlmv1 ? 1 : 0) << r.err;
    EXPECT_EQ(r.err.find("smb.guest=off") != std::string::npos, e.guest) << r.err;
  }
}

}  // namespace
}  // namespace legacyscan::testing
