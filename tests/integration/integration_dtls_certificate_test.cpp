// SPDX-License-Identifier: Apache-2.0
// The tls probe's DTLS 1.3 check and DTLS certificate against the lab's "dtls" scenario: OpenSSL 3.0's
// s_server (PORT.args) and GnuTLS 3.7's gnutls-serv (PORT.gnutls), both DTLS 1.2 at most. No Debian 12
// server speaks DTLS 1.3, so: tshark must decode the probe's DTLS 1.3 ClientHello as one (legacy
// version DTLS 1.2, supported_versions DTLS 1.3), every server must answer it as RFC 9147 5.3 lets a
// DTLS 1.2 server (a ServerHello of the newest version it has, the one `openssl s_client -dtls`
// negotiates too), and the probe must say "rejected" with that answer.
// The certificate each server sends must be the one `openssl s_client -dtls -showcerts` prints, and the
// capture must show it arriving in more than one fragment (RFC 6347 4.2.3).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

// The scenario's state: $LEGACYSCAN_LAB_DIR (scripts/lab's default below) and its folder.
std::string dtls_dir() {
  const char* set = std::getenv("LEGACYSCAN_LAB_DIR");
  return (set && *set ? std::string(set) : std::string("/var/tmp/legacyscan-lab")) + "/dtls";
}

// One server: its port, its flags, and whether it is gnutls-serv (PORT.gnutls) or s_server (PORT.args).
struct Server {
  int port = 0;
  std::string args;
  bool gnutls = false;
};

std::vector<Server> servers() {
  std::vector<Server> out;
  for (const auto& f : std::filesystem::directory_iterator(dtls_dir())) {
    const auto ext = f.path().extension();
    if (ext != ".args" && ext != ".gnutls") continue;
    out.push_back({std::stoi(f.path().stem().string()), slurp(f.path().string()) + " ", ext == ".gnutls"});
  }
  return out;
}

std::string ports_of(const std::vector<Server>& all) {
  std::string ports;
  for (const auto& s : all) ports += (ports.empty() ? "" : ",") + std::to_string(s.port);
  return ports;
}

// openssl s_client -dtls (any version) against one port: its output.
std::string s_client(int port, const std::string& extra = "") {
  return run_command("echo Q | ip netns exec ls-dtls timeout 10 openssl s_client -dtls -connect 127.0.0.1:" +
                     std::to_string(port) + " " + extra + " -cipher 'ALL:@SECLEVEL=0' 2>&1")
      .out;
}

class IntegrationDtlsCertificate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto st = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab status dtls");
    ASSERT_EQ(st.exit_code, 0) << "the dtls scenario is not up (scripts/lab up dtls): " << st.out << st.err;
    // One scan, captured: the DTLS datagrams both ways.
    pcap_ = ::testing::TempDir() + "/legacyscan-dtls-" + std::to_string(::getpid()) + ".pcap";
    const std::string cmd = shell_quote(LEGACYSCAN_BINARY) +
                            " scan 127.0.0.1 --probes tls --tls-ports 9 --dtls-ports " + ports_of(servers()) +
                            " --no-ping --timeout 2s --format json";
    auto r = run_command("LEGACYSCAN_LAB_CAPTURE_FILTER=udp " + std::string(LEGACYSCAN_SOURCE_DIR) +
                         "/scripts/lab capture dtls " + shell_quote(pcap_) + " -- " + cmd);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err.substr(0, 2000);
    doc_ = json::parse(r.out, nullptr, false);
    ASSERT_FALSE(doc_.is_discarded()) << r.out.substr(0, 2000);
  }
  static void TearDownTestSuite() { std::remove(pcap_.c_str()); }
  static std::string tshark(const std::string& filter, const std::string& fields) {
    std::string decode;
    for (const auto& s : servers()) decode += " -d udp.port==" + std::to_string(s.port) + ",dtls";
    auto r = run_command("tshark -r " + shell_quote(pcap_) + decode + " -Y " + shell_quote(filter) + " -T fields " +
                         fields + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.out.substr(0, 2000);
    return r.out;
  }
  static json endpoint(int port) {
    for (const auto& e : doc_["hosts"][0]["probes"]["tls"]["dtls_endpoints"])
      if (e["port"] == port) return e;
    ADD_FAILURE() << "no DTLS endpoint " << port;
    return json::object();
  }
  static json doc_;
  static std::string pcap_;
};
json IntegrationDtlsCertificate::doc_;
std::string IntegrationDtlsCertificate::pcap_;

TEST_F(IntegrationDtlsCertificate, TsharkReadsTheProbesDtls13ClientHello) {
  // Client hellos whose supported_versions offer DTLS 1.3 (0xfefc): legacy_version DTLS 1.2.
  const auto out = tshark("dtls.handshake.type == 1 && dtls.handshake.extensions.supported_version == 0xfefc",
                          "-e dtls.handshake.version -e dtls.handshake.extensions.supported_version "
                          "-e dtls.handshake.session_id_length -e _ws.expert");
  std::istringstream in(out);
  int hellos = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    ++hellos;
    // legacy_version DTLS 1.2, only DTLS 1.3 in supported_versions, an empty legacy_session_id.
    EXPECT_EQ(line.rfind("0xfefd\t0xfefc\t0", 0), 0u) << line;
    EXPECT_EQ(line.find("alformed"), std::string::npos) << line;
  }
  EXPECT_GE(hellos, static_cast<int>(servers().size())) << out;
}

TEST_F(IntegrationDtlsCertificate, Dtls13IsRejectedAsADtls12ServerAnswersIt) {
  // The servers' own stacks have no DTLS 1.3 (GnuTLS lists its protocols; OpenSSL 3.0's s_server has
  // no -dtls1_3).
  EXPECT_EQ(run_command("gnutls-cli --list 2>&1").out.find("VERS-DTLS1.3"), std::string::npos);
  EXPECT_EQ(run_command("openssl s_server -help 2>&1").out.find("-dtls1_3"), std::string::npos);
  for (const auto& s : servers()) {
    SCOPED_TRACE("port " + std::to_string(s.port) + ": " + s.args);
    const json e = endpoint(s.port);
    ASSERT_EQ(e.value("status", ""), "ok") << e.dump();
    json v13;
    for (const auto& c : e["versions"])
      if (c["version"] == "dtls1.3") v13 = c;
    ASSERT_FALSE(v13.is_null()) << e.dump();
    EXPECT_EQ(v13["verdict"], "rejected");
    // The version a DTLS 1.2-or-older client reaches: what openssl s_client -dtls negotiates.
    std::smatch m;
    const std::string shown = s_client(s.port);
    ASSERT_TRUE(std::regex_search(shown, m, std::regex("Protocol  : DTLSv(1\\.2|1)\\b"))) << shown.substr(0, 2000);
    EXPECT_EQ(v13["answer"], std::string("ServerHello DTLS ") + (m[1] == "1" ? "1.0" : "1.2"));
  }
}

// The leaf as `openssl x509` reads the first certificate of `s_client -showcerts`.
struct OpensslLeaf {
  std::string subject, issuer, not_after, signature;
  int bits = 0, chain = 0;
};

OpensslLeaf openssl_leaf(int port) {
  const std::string shown = s_client(port, "-showcerts");
  OpensslLeaf l;
  const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
  for (auto at = shown.find(begin); at != std::string::npos; at = shown.find(begin, at + 1)) ++l.chain;
  const auto first = shown.find(begin), last = shown.find(end);
  if (first == std::string::npos || last == std::string::npos) return l;
  const std::string pem = dtls_dir() + "/leaf-" + std::to_string(::getpid()) + ".pem";
  {
    std::ofstream f(pem);
    f << shown.substr(first, last + end.size() - first) << "\n";
  }
  const auto x = run_command("openssl x509 -in " + shell_quote(pem) +
                             " -noout -nameopt RFC2253 -subject -issuer -enddate -dateopt iso_8601 -text");
  std::remove(pem.c_str());
  std::smatch m;
  if (std::regex_search(x.out, m, std::regex("subject=([^\\n]*)"))) l.subject = m[1];
  if (std::regex_search(x.out, m, std::regex("issuer=([^\\n]*)"))) l.issuer = m[1];
  if (std::regex_search(x.out, m, std::regex("notAfter=([0-9-]+) ([0-9:]+)Z")))
    l.not_after = m[1].str() + "T" + m[2].str() + "Z";
  if (std::regex_search(x.out, m, std::regex("Signature Algorithm: ([^\\n ]+)"))) l.signature = m[1];
  if (std::regex_search(x.out, m, std::regex("Public-Key: \\(([0-9]+) bit\\)"))) l.bits = std::stoi(m[1]);
  return l;
}

TEST_F(IntegrationDtlsCertificate, CertificateIsWhatOpensslShows) {
  for (const auto& s : servers()) {
    SCOPED_TRACE("port " + std::to_string(s.port) + ": " + s.args);
    const json e = endpoint(s.port);
    ASSERT_TRUE(e.contains("certificate")) << e.dump();
    const json& c = e["certificate"];
    const auto want = openssl_leaf(s.port);
    ASSERT_FALSE(want.subject.empty());
    EXPECT_EQ(c["subject"], want.subject);
    EXPECT_EQ(c["issuer"], want.issuer);
    EXPECT_EQ(c["not_after"], want.not_after);
    EXPECT_EQ(c["signature_algorithm"], want.signature);
    EXPECT_EQ(c["key_bits"], want.bits);
    EXPECT_EQ(static_cast<int>(c["chain"].size()), want.chain);
    EXPECT_EQ(c["self_signed"], want.subject == want.issuer);
    EXPECT_EQ(c["source"], "handshake");
  }
  // The finding, judged as the TLS one: the lab's certificates are self-signed RSA 2048 with SHA-256.
  int findings = 0;
  for (const auto& f : doc_["hosts"][0]["findings"])
    if (f["check"] == "dtls.certificate") {
      EXPECT_EQ(f["verdict"], "warn") << f.dump();
      ++findings;
    }
  EXPECT_EQ(findings, static_cast<int>(servers().size()));
}

TEST_F(IntegrationDtlsCertificate, TheCertificateCameInFragments) {
  // A Certificate fragment that does not start the message: the probe had to reassemble it.
  const auto out = tshark("dtls.handshake.type == 11 && dtls.handshake.fragment_offset > 0",
                          "-e udp.srcport -e dtls.handshake.fragment_offset");
  EXPECT_FALSE(out.empty()) << "no fragmented Certificate in the capture";
}

}  // namespace
}  // namespace legacyscan::testing
