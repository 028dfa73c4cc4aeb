// SPDX-License-Identifier: Apache-2.0
// Authentication paths in the matrix, proven with real clients: for every profile that binds to LDAP
// (the Windows clients, from XP to 11), the lab's administrator logs on as that client would, inside each
// lab DC's namespace. Kerberos: MIT kinit with the profile's etypes (those MIT can send) in a private
// krb5.conf, then `ldapsearch -Y GSSAPI` (a signed SASL bind with a service ticket). NTLM: smbclient
// with the profile's LmCompatibilityLevel-equivalent (`client ntlmv2 auth`, `client lanman auth`) and
// Kerberos off. The real client's first path that logs on (Kerberos, else NTLM, else none) must be the
// path the matrix cell names, from a credentialed scan of the same DC. Files holding the password are
// deleted at once; nothing of the exchanges is kept.
#include <unistd.h>
#include <fstream>
#include <map>
#include <optional>
#include <regex>

#include "tests/integration/lab_support.hpp"
#include "tests/integration/profiles_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kScenarios{"legacy", "hardened", "stock"};

// MIT's names for the etypes it can send (no single DES since krb5 1.18, none of Microsoft's negative
// RC4 variants); a profile's other etypes are left out, which the test says.
const std::map<int, std::string> kMitEtypes{
    {18, "aes256-cts-hmac-sha1-96"}, {17, "aes128-cts-hmac-sha1-96"}, {23, "arcfour-hmac"}, {24, "arcfour-hmac-exp"}};
// kinit's trace names for the etype the KDC selected, as the matrix labels the path.
const std::map<std::string, std::string> kKerberosLabel{{"aes256-cts", "Kerberos AES256"},
                                                        {"aes128-cts", "Kerberos AES128"},
                                                        {"rc4-hmac", "Kerberos RC4"},
                                                        {"rc4-hmac-exp", "Kerberos RC4"}};

std::string temp_file(const std::string& what, const std::string& content) {
  static int n = 0;
  const std::string path =
      ::testing::TempDir() + "/legacyscan-auth-" + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
  std::ofstream(path) << content;
  return path;
}

std::string in_lab(const std::string& scenario) {
  return std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab exec " + scenario + " -- ";
}

// A scan of the DC with the administrator's credentials (the SMB probe then tries each NTLM response).
const json& credentialed_scan(const std::string& scenario) {
  static std::map<std::string, json> done;
  if (!done.contains(scenario)) {
    const auto info = lab_info(scenario);
    const auto password = temp_file("pw", info.at("LAB_ADMIN_PASSWORD") + "\n");
    done[scenario] = scan_json(scenario, {"127.0.0.1", "--probes", "smb,kerberos,ldap,netbios,matrix", "--timeout",
                                          "10s", "--user", info.at("LAB_ADMIN_USER"), "--password-file", password});
    std::remove(password.c_str());
  }
  return done.at(scenario);
}

const json& cell(const std::string& scenario, const std::string& profile, const std::string& protocol) {
  return matrix_cell(credentialed_scan(scenario), profile, protocol);
}

// Kerberos as the client does it: a TGT with its etypes, then a service ticket and a GSSAPI bind to the
// DC's LDAP. The path's label ("Kerberos RC4") when the bind succeeds, none when it does not.
std::optional<std::string> kerberos_logon(const std::string& scenario, const std::vector<int>& etypes) {
  const auto info = lab_info(scenario);
  std::string list;
  for (auto e : etypes)
    if (kMitEtypes.contains(e)) list += (list.empty() ? "" : " ") + kMitEtypes.at(e);
  EXPECT_FALSE(list.empty()) << "no etype of the profile can be sent by MIT kinit";
  const std::string realm = info.at("LAB_REALM");
  const auto conf = temp_file("krb5", "[libdefaults]\n  default_realm = " + realm +
                                          "\n  dns_lookup_kdc = false\n  rdns = false\n  permitted_enctypes = " + list +
                                          "\n  default_tkt_enctypes = " + list + "\n  default_tgs_enctypes = " + list +
                                          "\n  allow_weak_crypto = true\n[realms]\n  " + realm +
                                          " = {\n    kdc = 127.0.0.1:88\n  }\n");
  const auto password = temp_file("pw", info.at("LAB_ADMIN_PASSWORD") + "\n");
  const auto cache = ::testing::TempDir() + "/legacyscan-auth-cc-" + std::to_string(::getpid());
  // -N: the SASL host name is the DC's name as given, not what reverse DNS makes of 127.0.0.1.
  const std::string script = "export KRB5_CONFIG=" + shell_quote(conf) + " KRB5CCNAME=FILE:" + shell_quote(cache) +
                             " KRB5_TRACE=/dev/stderr; timeout 30 kinit " +
                             shell_quote(info.at("LAB_ADMIN_USER") + "@" + realm) + " <" + shell_quote(password) +
                             " >/dev/null && timeout 30 ldapsearch -N -Q -Y GSSAPI -H ldap://" + info.at("LAB_FQDN") +
                             " -b '' -s base dnsHostName; rc=$?; kdestroy 2>/dev/null; exit $rc";
  const auto r = run_command(in_lab(scenario) + "bash -c " + shell_quote(script));
  std::remove(conf.c_str());
  std::remove(password.c_str());
  std::remove(cache.c_str());
  if (r.exit_code != 0) return std::nullopt;
  EXPECT_NE(r.out.find("dnsHostName:"), std::string::npos) << "the GSSAPI bind read nothing:\n" << r.out;
  std::smatch m;
  const bool named = std::regex_search(r.err, m, std::regex(R"(Selected etype info: etype ([\w-]+))"));
  EXPECT_TRUE(named && kKerberosLabel.contains(m[1])) << "kinit's trace names no known etype:\n" << r.err;
  return named && kKerberosLabel.contains(m[1]) ? kKerberosLabel.at(m[1]) : "Kerberos";
}

// NTLM as the client's level sends it: smbclient with Kerberos off and its NTLM responses.
std::optional<std::string> ntlm_logon(const std::string& scenario, const json& ntlm) {
  const auto info = lab_info(scenario);
  const bool v2 = std::find(ntlm.begin(), ntlm.end(), "ntlmv2") != ntlm.end();
  const bool lm = std::find(ntlm.begin(), ntlm.end(), "lm") != ntlm.end();
  const auto auth =
      temp_file("smb", "username = " + info.at("LAB_ADMIN_USER") + "\npassword = " + info.at("LAB_ADMIN_PASSWORD") +
                           "\ndomain = " + info.at("LAB_DOMAIN") + "\n");
  const auto r = run_command(
      in_lab(scenario) + "timeout 30 smbclient //127.0.0.1/IPC$ -A " + shell_quote(auth) +
      " --use-kerberos=off --option=" + shell_quote(std::string("client ntlmv2 auth=") + (v2 ? "yes" : "no")) +
      " --option=" + shell_quote(std::string("client lanman auth=") + (lm ? "yes" : "no")) + " -c exit");
  std::remove(auth.c_str());
  if (r.exit_code != 0) {
    EXPECT_NE((r.out + r.err).find("session setup failed"), std::string::npos) << "smbclient failed before its logon:\n"
                                                                               << r.out << r.err;
    return std::nullopt;
  }
  return v2 ? "NTLMv2" : "NTLMv1";
}

TEST(IntegrationRealClientsAuth, RealLogonsTakeThePathTheLdapCellNames) {
  int compared = 0, agreed = 0;
  for (const auto& scenario : kScenarios)
    for (const auto& p : profiles()) {
      if (!p.contains("ldap") || !p.contains("auth") || p.at("ldap").at("cleartext_bind")) continue;
      const auto& a = p.at("auth");
      std::optional<std::string> real;
      if (a.value("kerberos", false)) real = kerberos_logon(scenario, p.at("kerberos").at("etypes"));
      if (!real && a.contains("ntlm")) real = ntlm_logon(scenario, a.at("ntlm"));
      const auto& c = cell(scenario, p.at("id"), "ldap");
      const std::string path = c.value("auth", "");
      const bool same = real ? *real == path : (path.empty() && c.at("verdict") == "fails");
      EXPECT_TRUE(same) << p.at("id") << " on " << scenario << ": the real client logs on with "
                        << real.value_or("nothing") << ", the cell says " << c.dump();
      ++compared;
      agreed += same ? 1 : 0;
    }
  std::cout << "[ kinit+ldapsearch / smbclient ] " << agreed << " of " << compared << " LDAP bind paths agree\n";
  EXPECT_GT(compared, 0);
}

// The XP-like client of the issue, from the servers' own configuration: the legacy DC (domain level 2003,
// so only RC4 keys) lets it bind with Kerberos RC4; the hardened DC (AES-only KDC, NTLM disabled) leaves
// it no path at all.
TEST(IntegrationRealClientsAuth, XpBindsThroughKerberosRc4OnlyWhereTheKdcHasRc4) {
  const auto enctypes = [](const std::string& scenario) {
    return run_command(in_lab(scenario) + "testparm -s --parameter-name='kdc supported enctypes' " +
                       shell_quote(lab_info(scenario).at("LAB_SMB_CONF")) + " 2>/dev/null")
        .out;
  };
  const auto ntlm = [](const std::string& scenario) {
    return run_command(in_lab(scenario) + "testparm -s --parameter-name='ntlm auth' " +
                       shell_quote(lab_info(scenario).at("LAB_SMB_CONF")) + " 2>/dev/null")
        .out;
  };
  // The hardened DC's KDC offers AES only (24 = 0x18) and refuses NTLM; the legacy one has neither limit.
  const bool hardened_aes_only = enctypes("hardened").starts_with("24");
  const bool hardened_no_ntlm = ntlm("hardened").starts_with("disabled");
  const bool legacy_rc4 = !enctypes("legacy").starts_with("24");
  ASSERT_TRUE(hardened_aes_only && hardened_no_ntlm && legacy_rc4)
      << "the lab's DCs are not configured as this test expects";
  const auto& legacy = cell("legacy", "windows-xp-sp3", "ldap");
  EXPECT_EQ(legacy.value("auth", ""), "Kerberos RC4") << legacy.dump();
  const auto& hardened = cell("hardened", "windows-xp-sp3", "ldap");
  EXPECT_EQ(hardened.at("verdict"), "fails") << hardened.dump();
  const std::string why = hardened.at("reason");
  EXPECT_NE(why.find("Kerberos: "), std::string::npos) << why;
  EXPECT_NE(why.find("NTLMv1 refused"), std::string::npos) << why;
}

// A client that binds in cleartext (appliances): ldapsearch's simple bind as the administrator on 389
// without TLS works exactly where the cell says the DC accepts it (degraded), and is refused
// (strongerAuthRequired) exactly where the cell fails.
TEST(IntegrationRealClientsAuth, LdapsearchSimpleBindAgreesWithTheCleartextCells) {
  int compared = 0;
  for (const auto& scenario : kScenarios)
    for (const auto& p : profiles()) {
      if (!p.contains("ldap") || !p.at("ldap").at("cleartext_bind")) continue;
      const auto info = lab_info(scenario);
      const auto password = temp_file("pw", info.at("LAB_ADMIN_PASSWORD"));  // -y reads the whole file
      const auto r = run_command(in_lab(scenario) + "timeout 30 ldapsearch -x -H ldap://127.0.0.1 -D " +
                                 shell_quote(info.at("LAB_ADMIN_USER") + "@" + info.at("LAB_REALM")) + " -y " +
                                 shell_quote(password) + " -b '' -s base dnsHostName");
      std::remove(password.c_str());
      const auto& c = cell(scenario, p.at("id"), "ldap");
      if (r.exit_code != 0) {
        EXPECT_NE((r.out + r.err).find("Strong(er) authentication required"), std::string::npos) << r.out << r.err;
      }
      EXPECT_EQ(r.exit_code == 0 ? "degraded" : "fails", c.at("verdict").get<std::string>())
          << p.at("id") << " on " << scenario << ": ldapsearch -x " << (r.exit_code == 0 ? "bound" : "was refused")
          << ", the cell says " << c.dump();
      ++compared;
    }
  std::cout << "[ ldapsearch -x ] " << compared << " cleartext-bind cells compared\n";
  EXPECT_GT(compared, 0);
}

// Clients that locate the DC with the mailslot SAM LOGON (XP, 2003) first ask NetBIOS for the domain's
// <1C> name ([MS-ADTS] 6.3.6.2: the DC locator over NetBIOS); nmblookup asks the same, and its answer must
// be there exactly where the cell works.
TEST(IntegrationRealClientsAuth, NmblookupFindsTheDomainWhereTheNetbiosCellsWork) {
  int compared = 0;
  for (const auto& scenario : kScenarios) {
    const auto info = lab_info(scenario);
    const auto r = run_command(in_lab(scenario) + "timeout 30 nmblookup -U 127.0.0.1 " +
                               shell_quote(info.at("LAB_DOMAIN") + "#1c"));
    const bool found = r.out.find(info.at("LAB_DOMAIN") + "<1c>") != std::string::npos;
    for (const auto& p : profiles()) {
      if (!p.contains("netbios") || !p.at("netbios").at("sam_logon")) continue;
      const auto& c = cell(scenario, p.at("id"), "netbios");
      EXPECT_EQ(found, c.at("verdict") == "works")
          << p.at("id") << " on " << scenario << ": nmblookup " << (found ? "found " : "did not find ")
          << info.at("LAB_DOMAIN") << "<1c>, the cell says " << c.dump();
      ++compared;
    }
  }
  std::cout << "[ nmblookup ] " << compared << " NetBIOS cells compared\n";
  EXPECT_GT(compared, 0);
}

}  // namespace
}  // namespace legacyscan::testing
