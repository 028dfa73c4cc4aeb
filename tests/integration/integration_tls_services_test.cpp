// SPDX-License-Identifier: Apache-2.0
// The TLS probe against real Debian daemons in the lab's "services" scenario (scripts/lab.d/services,
// namespace ls-services): postfix (SMTP STARTTLS on 25 and 587), dovecot (IMAP/POP3 STARTTLS on 143/110,
// implicit TLS on 993/995), vsftpd (AUTH TLS on 21), PostgreSQL (SSLRequest on 5432) and xrdp (RDP
// negotiation on 3389). Every expectation is derived from the daemons' own configuration, read back with
// their own tools where they have one (postconf, doveconf, psql SHOW) and expanded with
// `openssl ciphers -s -V -stdname` for the same cipher string: nothing here is typed in by hand.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "lab_support.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "tests/integration/tls_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kVersions{"tls1.0", "tls1.1", "tls1.2", "tls1.3"};

std::string services_dir() {
  const char* d = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(d && *d ? d : "/var/tmp/legacyscan-lab") + "/services";
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

std::string command_value(const std::string& cmd) {
  auto r = run_command(cmd);
  EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
  return trim(r.out);
}

// "key=value" files (vsftpd.conf, xrdp.ini).
std::string file_value(const std::string& path, const std::string& key) {
  std::istringstream in(slurp(path));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + "=", 0) == 0) return trim(line.substr(key.size() + 1));
  ADD_FAILURE() << key << " not in " << path;
  return "";
}

std::string postconf(const std::string& param) {
  return command_value("postconf -c " + services_dir() + "/postfix/etc -h " + param);
}
// A master.cf override (-o) of one service, or the main.cf value.
std::string postconf_service(const std::string& service, const std::string& param) {
  auto r = run_command("postconf -c " + services_dir() + "/postfix/etc -P");
  std::istringstream in(r.out);
  std::string line;
  const std::string prefix = service + "/inet/" + param + " = ";
  while (std::getline(in, line))
    if (line.find(prefix) != std::string::npos) return trim(line.substr(line.find(prefix) + prefix.size()));
  return postconf(param);
}
std::string doveconf(const std::string& param) {
  return command_value("doveconf -c " + services_dir() + "/dovecot/dovecot.conf -h " + param);
}
std::string psql_show(const std::string& param) {
  return command_value("runuser -u postgres -- psql -h " + services_dir() + "/postgres -U postgres -Atc " +
                       shell_quote("SHOW " + param));
}

// "TLSv1" / "TLSv1.2" -> "tls1.0" / "tls1.2".
std::string version_key(std::string v) {
  if (v.rfind("TLSv", 0) != 0) {
    ADD_FAILURE() << "not a TLS version: " << v;
    return v;
  }
  v = "tls" + v.substr(4);
  return v == "tls1" ? "tls1.0" : v;
}

std::set<std::string> versions_from(const std::string& min, const std::string& max = "TLSv1.3") {
  std::set<std::string> out;
  const auto lo = std::find(kVersions.begin(), kVersions.end(), version_key(min));
  const auto hi = std::find(kVersions.begin(), kVersions.end(), version_key(max));
  for (auto it = lo; it != kVersions.end() && it <= hi; ++it) out.insert(*it);
  return out;
}

// Postfix protocol syntax: ">=TLSv1", ">=TLSv1.2" (postconf(5) smtpd_tls_protocols).
std::set<std::string> postfix_versions(const std::string& protocols) {
  if (protocols.rfind(">=", 0) == 0) return versions_from(protocols.substr(2));
  ADD_FAILURE() << "unexpected postfix protocol syntax: " << protocols;
  return {};
}

// OpenSSL 3 refuses TLS 1.0 and 1.1 below security level 0 whatever the daemon enables: the string
// decides, as it does in the daemon.
std::set<std::string> with_seclevel(std::set<std::string> versions, const std::string& cipher_string) {
  if (cipher_string.find("@SECLEVEL=0") == std::string::npos) {
    versions.erase("tls1.0");
    versions.erase("tls1.1");
  }
  return versions;
}

// The suites of a cipher string for one version, in OpenSSL's order, that an RSA certificate can serve.
std::vector<std::string> openssl_suites(const std::string& version, const std::string& cipher_string) {
  static const std::map<std::string, std::string> flags{
      {"tls1.0", "-tls1"}, {"tls1.1", "-tls1_1"}, {"tls1.2", "-tls1_2"}, {"tls1.3", "-tls1_3"}};
  auto r = run_command("openssl ciphers -s -V -stdname " + flags.at(version) + " " + shell_quote(cipher_string));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> out;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    unsigned a = 0, b = 0;
    if (std::sscanf(line.c_str(), " 0x%x,0x%x", &a, &b) != 2) continue;
    if ((a == 0x13) != (version == "tls1.3")) continue;
    const auto* s = tls::find_cipher_suite(static_cast<std::uint16_t>(a << 8 | b));
    if (!s) continue;
    if (!s->tls13 && s->auth != "RSA") continue;  // ECDSA/DSS suites need another certificate
    out.emplace_back(s->iana);
  }
  return out;
}

// OpenSSL's default TLS 1.3 suites (-ciphersuites not set), which `openssl ciphers -tls1_3` lists first.
std::vector<std::string> openssl_default_tls13() { return openssl_suites("tls1.3", "kRSA"); }

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string item;
  while (std::getline(in, item, sep))
    if (!trim(item).empty()) out.push_back(trim(item));
  return out;
}

struct Expected {
  std::uint16_t port;
  std::string service;
  std::string starttls;  // "" = implicit TLS
  std::set<std::string> versions;
  std::string cipher_string;
  std::vector<std::string> tls13;
  bool server_order;
};

class IntegrationTlsServices : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto st = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab status services");
    ASSERT_EQ(st.exit_code, 0) << "the services scenario is not up (scripts/lab up services): " << st.out << st.err;
    doc_ = scan_json("services", {"127.0.0.1", "--probes", "tls", "--tls-ports", "25,587,143,110,993,995,21,5432,3389",
                                  "--timeout", "2s"});
  }

  static const json& endpoint(std::uint16_t port) { return tls_endpoint(doc_, port); }

  // Every version verdict and the exact suite list of every version; in order when the server enforces
  // its own order (the enumeration then follows the server's preference, which is OpenSSL's order).
  static void check(const Expected& x) {
    SCOPED_TRACE("port " + std::to_string(x.port));
    const auto& e = endpoint(x.port);
    ASSERT_EQ(e["status"], "ok") << e.dump();
    EXPECT_EQ(e["service"], x.service);
    if (x.starttls.empty()) {
      EXPECT_TRUE(e["starttls"].is_null());
    } else {
      EXPECT_EQ(e["starttls"], x.starttls);
    }
    EXPECT_EQ(e["versions"]["ssl2"], "rejected");
    EXPECT_EQ(e["versions"]["ssl3"], "rejected");
    for (const auto& v : kVersions) {
      const bool on = x.versions.count(v) > 0;
      EXPECT_EQ(e["versions"][v], on ? "accepted" : "rejected") << v << ": " << e["version_answers"][v];
      auto want = v == "tls1.3" ? x.tls13 : openssl_suites(v, x.cipher_string);
      if (!on) want.clear();
      auto got = accepted_suite_names(e, v);
      if (!x.server_order) {
        std::sort(want.begin(), want.end());
        std::sort(got.begin(), got.end());
      }
      EXPECT_EQ(got, want) << v;
    }
    EXPECT_EQ(e["server_order"], x.server_order);
    EXPECT_FALSE(e.contains("cipher_errors")) << e["cipher_errors"];
    ASSERT_TRUE(e["certificate"].is_object()) << e.dump();
    EXPECT_EQ("subject=" + e["certificate"]["subject"].get<std::string>(),
              command_value("openssl x509 -noout -subject -nameopt RFC2253 -in " + services_dir() + "/cert.pem"));
  }

  static json doc_;
};
json IntegrationTlsServices::doc_;

TEST_F(IntegrationTlsServices, PostfixSmtpStartTls) {
  const auto ciphers = postconf("tls_" + postconf("smtpd_tls_ciphers") + "_cipherlist");
  const auto protocols = postconf("smtpd_tls_protocols");
  check({25, "smtp", "smtp", with_seclevel(postfix_versions(protocols), ciphers), ciphers, openssl_default_tls13(),
         postconf("tls_preempt_cipherlist") == "yes"});
}

TEST_F(IntegrationTlsServices, PostfixSubmissionStartTls) {
  const auto ciphers = postconf("tls_" + postconf_service("127.0.0.1:submission", "smtpd_tls_ciphers") + "_cipherlist");
  const auto protocols = postconf_service("127.0.0.1:submission", "smtpd_tls_protocols");
  check({587, "submission", "smtp", with_seclevel(postfix_versions(protocols), ciphers), ciphers,
         openssl_default_tls13(), postconf_service("127.0.0.1:submission", "tls_preempt_cipherlist") == "yes"});
}

TEST_F(IntegrationTlsServices, DovecotImapPop3StartTlsAndImplicit) {
  const auto ciphers = doveconf("ssl_cipher_list");
  const auto versions = with_seclevel(versions_from(doveconf("ssl_min_protocol")), ciphers);
  const auto tls13 = split(doveconf("ssl_cipher_suites"), ':');
  const bool order = doveconf("ssl_prefer_server_ciphers") == "yes";
  check({143, "imap", "imap", versions, ciphers, tls13, order});
  check({110, "pop3", "pop3", versions, ciphers, tls13, order});
  check({993, "imaps", "", versions, ciphers, tls13, order});
  check({995, "pop3s", "", versions, ciphers, tls13, order});
}

TEST_F(IntegrationTlsServices, VsftpdAuthTls) {
  const auto conf = services_dir() + "/vsftpd/vsftpd.conf";
  ASSERT_EQ(file_value(conf, "ssl_enable"), "YES");
  ASSERT_EQ(file_value(conf, "ssl_sslv3"), "NO");
  // vsftpd 3.0.3 has no option for DH parameters and gives OpenSSL none, so OpenSSL cannot serve DHE.
  const auto ciphers = file_value(conf, "ssl_ciphers") + ":!kDHE";
  // ssl_tlsv1=YES leaves every TLS version to OpenSSL (vsftpd only sets SSL_OP_NO_TLSv1 when it is NO).
  const auto versions = file_value(conf, "ssl_tlsv1") == "YES" ? versions_from("TLSv1") : versions_from("TLSv1.1");
  check({21, "ftp", "ftp", with_seclevel(versions, ciphers), ciphers, openssl_default_tls13(), false});
}

TEST_F(IntegrationTlsServices, PostgresqlSslRequest) {
  ASSERT_EQ(psql_show("ssl"), "on");
  const auto ciphers = psql_show("ssl_ciphers");
  const auto max = psql_show("ssl_max_protocol_version");
  const auto versions = versions_from(psql_show("ssl_min_protocol_version"), max.empty() ? "TLSv1.3" : max);
  check({5432, "postgresql", "postgres", with_seclevel(versions, ciphers), ciphers, openssl_default_tls13(),
         psql_show("ssl_prefer_server_ciphers") == "on"});
}

TEST_F(IntegrationTlsServices, XrdpRdpNegotiation) {
  const auto ini = services_dir() + "/xrdp/xrdp.ini";
  ASSERT_EQ(file_value(ini, "security_layer"), "tls");
  const auto ciphers = file_value(ini, "tls_ciphers");
  std::set<std::string> versions;
  for (const auto& v : split(file_value(ini, "ssl_protocols"), ',')) versions.insert(version_key(v));
  check({3389, "rdp", "rdp", with_seclevel(versions, ciphers), ciphers, openssl_default_tls13(), false});
}

// BSI TR-02102-2 asks for DH groups of 3000 bits: postfix's built-in 2048-bit group fails it, and the
// reason names the suite. The group size is what an independent client (openssl s_client) is given.
TEST_F(IntegrationTlsServices, PostfixDhGroupBelowBsiThreshold) {
  const auto out = command_value("ip netns exec ls-services sh -c " +
                                 shell_quote("openssl s_client -connect 127.0.0.1:587 -starttls smtp -tls1_2 -cipher "
                                             "DHE-RSA-AES128-GCM-SHA256 </dev/null 2>&1; true"));
  const auto at = out.find("Server Temp Key: DH, ");
  ASSERT_NE(at, std::string::npos) << out;
  const int dh_bits = std::atoi(out.c_str() + at + 21);
  ASSERT_GT(dh_bits, 0);
  for (std::uint16_t port : {25, 587}) {
    const auto& e = endpoint(port);
    bool any_dhe = false;
    for (const auto& s : e["ciphers"]["tls1.2"])
      if (s["kex"] == "DH") {
        any_dhe = true;
        EXPECT_EQ(s["kex_bits"], dh_bits) << s.dump();
      }
    EXPECT_TRUE(any_dhe) << port;
    EXPECT_EQ(e["bsi_minimum"], false);
    const auto reasons = e["bsi_reasons"].dump();
    EXPECT_NE(reasons.find("DH " + std::to_string(dh_bits) + " bits < 3000"), std::string::npos) << reasons;
  }
  EXPECT_EQ(endpoint(587)["pfs_only"], true);  // forward secrecy, but a group too small for the BSI
}

TEST_F(IntegrationTlsServices, OutputValidatesAgainstTheSchema) {
  const std::string file = ::testing::TempDir() + "/legacyscan-tls-services-" + std::to_string(::getpid()) + ".json";
  std::ofstream(file) << doc_.dump();
  auto r = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/validate-json " + file);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  std::remove(file.c_str());
}

}  // namespace
}  // namespace legacyscan::testing
