// SPDX-License-Identifier: Apache-2.0
// The tls probe's DTLS part against OpenSSL's s_server -listen in the lab's "dtls" scenario
// (scripts/lab.d/dtls, namespace ls-dtls). What each port must accept is derived from the flags the
// scenario gave each server ($LEGACYSCAN_LAB_DIR/dtls/PORT.args): -dtls1 and -dtls1_2 pin a version,
// -dtls allows both; the suites of a -cipher list are what `openssl ciphers` expands it to for the
// TLS version the DTLS version follows. Every version verdict is also checked against the answer of
// `openssl s_client -dtls1` / `-dtls1_2`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

std::string dtls_dir() {
  const char* d = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(d && *d ? d : "/var/tmp/legacyscan-lab") + "/dtls";
}

struct Server {
  int port = 0;
  std::string args;
  [[nodiscard]] bool has(const std::string& flag) const {
    std::istringstream in(args);
    for (std::string w; in >> w;)
      if (w == flag) return true;
    return false;
  }
  [[nodiscard]] std::string cipher_list() const {
    std::istringstream in(args);
    for (std::string w; in >> w;)
      if (w == "-cipher" && in >> w) return w;
    return "";
  }
  // s_server -dtls takes both versions; -dtls1 / -dtls1_2 only theirs.
  [[nodiscard]] bool allows(const std::string& version) const {
    if (has("-dtls")) return true;
    return has(version == "dtls1.0" ? "-dtls1" : "-dtls1_2");
  }
};

std::vector<Server> servers() {
  std::vector<Server> out;
  for (const auto& f : std::filesystem::directory_iterator(dtls_dir())) {
    if (f.path().extension() != ".args") continue;
    Server s;
    s.port = std::stoi(f.path().stem().string());
    s.args = slurp(f.path().string());
    out.push_back(s);
  }
  return out;
}

// The suite ids ("0xC02F") `openssl ciphers` gives a cipher list for a TLS version.
std::set<std::string> expanded(const std::string& list, const std::string& tls_flag) {
  auto r = run_command("openssl ciphers -V -s " + tls_flag + " -ciphersuites '' " + shell_quote(list));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find("0x");
    if (at == std::string::npos || line.size() < at + 9) continue;
    out.insert("0x" + line.substr(at + 2, 2) + line.substr(at + 7, 2));
  }
  return out;
}

// Whether `openssl s_client` completes a handshake with this version (and suite, when given).
bool s_client_accepts(int port, const std::string& version, const std::string& suite = "ALL:@SECLEVEL=0") {
  const std::string flag = version == "dtls1.0" ? "-dtls1" : "-dtls1_2";
  auto r = run_command("echo Q | ip netns exec ls-dtls timeout 10 openssl s_client " + flag +
                       " -connect 127.0.0.1:" + std::to_string(port) + " -cipher " + shell_quote(suite) + " 2>&1");
  return r.out.find("Cipher is ") != std::string::npos && r.out.find("Cipher is (NONE)") == std::string::npos;
}

class IntegrationDtls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto st = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab status dtls");
    ASSERT_EQ(st.exit_code, 0) << "the dtls scenario is not up (scripts/lab up dtls): " << st.out << st.err;
    std::string ports;
    for (const auto& s : servers()) ports += (ports.empty() ? "" : ",") + std::to_string(s.port);
    // 9 has no TCP listener: the TCP side of the probe ends at once, the DTLS side is what is tested.
    doc_ = scan_json("dtls", {"127.0.0.1", "--probes", "tls", "--tls-ports", "9", "--dtls-ports", ports + ",9",
                              "--no-ping", "--timeout", "2s"});
  }
  static const json& endpoint(int port) {
    for (const auto& e : doc_["hosts"][0]["probes"]["tls"]["dtls_endpoints"])
      if (e["port"] == port) return e;
    static const json none;
    ADD_FAILURE() << "no DTLS endpoint " << port << " in " << doc_.dump().substr(0, 400);
    return none;
  }
  static const json* version(const json& e, const std::string& v) {
    for (const auto& c : e["versions"])
      if (c["version"] == v) return &c;
    return nullptr;
  }
  static json doc_;
};
json IntegrationDtls::doc_;

TEST_F(IntegrationDtls, VersionsPerServerFlagsAndAsOpensslSees) {
  const auto all = servers();
  ASSERT_GE(all.size(), 3u);
  for (const auto& s : all) {
    SCOPED_TRACE("port " + std::to_string(s.port) + ": " + s.args);
    const auto& e = endpoint(s.port);
    ASSERT_EQ(e["status"], "ok") << e.dump();
    EXPECT_EQ(e["transport"], "udp");
    for (const std::string v : {"dtls1.0", "dtls1.2"}) {
      const json* c = version(e, v);
      ASSERT_NE(c, nullptr) << v;
      const bool accepted = (*c)["verdict"] == "accepted";
      EXPECT_EQ(accepted, s.allows(v)) << v << ": " << c->dump();
      EXPECT_EQ(accepted, s_client_accepts(s.port, v)) << v << ": legacyscan and openssl s_client disagree";
      // s_server -listen answers every first hello with a HelloVerifyRequest (RFC 6347 4.2.1).
      if (accepted) {
        EXPECT_EQ((*c)["cookie"], true) << v;
      }
    }
  }
}

TEST_F(IntegrationDtls, SuitesAreTheServersCipherList) {
  for (const auto& s : servers()) {
    if (s.has("-dtls")) continue;  // DEFAULT: depends on the key type, checked suite by suite below
    const std::string v = s.has("-dtls1") ? "dtls1.0" : "dtls1.2";
    SCOPED_TRACE("port " + std::to_string(s.port) + ": " + s.args);
    const json* c = version(endpoint(s.port), v);
    ASSERT_NE(c, nullptr);
    std::set<std::string> found;
    for (const auto& suite : (*c)["ciphers"]) found.insert(suite["hex"].get<std::string>());
    EXPECT_EQ(found, expanded(s.cipher_list(), v == "dtls1.0" ? "-tls1_1" : "-tls1_2"));
    EXPECT_FALSE(c->contains("cipher_error")) << c->dump();
  }
}

TEST_F(IntegrationDtls, EverySuiteFoundIsOneOpensslCanUse) {
  for (const auto& s : servers()) {
    if (!s.has("-dtls")) continue;
    const json* c = version(endpoint(s.port), "dtls1.2");
    ASSERT_NE(c, nullptr);
    ASSERT_FALSE((*c)["ciphers"].empty());
    // Each suite alone, as OpenSSL names it (the IANA name's OpenSSL alias from `openssl ciphers`).
    auto r = run_command("openssl ciphers -V -s -tls1_2 -ciphersuites '' 'ALL:@SECLEVEL=0'");
    for (const auto& suite : (*c)["ciphers"]) {
      const std::string hex = suite["hex"];
      const std::string wire = "0x" + hex.substr(2, 2) + ",0x" + hex.substr(4, 2);
      const auto at = r.out.find(wire);
      ASSERT_NE(at, std::string::npos) << hex;
      std::istringstream line(r.out.substr(at + wire.size()));
      std::string dash, name;
      line >> dash >> name;
      EXPECT_TRUE(s_client_accepts(s.port, "dtls1.2", name + ":@SECLEVEL=0")) << name;
    }
  }
}

// Port 9 has no UDP listener either: the namespace's kernel answers ICMP port unreachable.
TEST_F(IntegrationDtls, ClosedPortAndFindingsJudgeDtls10AsTls11) {
  EXPECT_EQ(endpoint(9)["status"], "refused");
  std::map<std::string, std::string> verdicts;
  for (const auto& f : doc_["hosts"][0]["findings"])
    if (f["probe"] == "tls")
      verdicts[f["port"].get<std::string>() + " " + f["check"].get<std::string>()] = f["verdict"];
  EXPECT_EQ(verdicts["9/udp dtls.endpoint"], "info");
  for (const auto& s : servers()) {
    const std::string port = std::to_string(s.port) + "/udp";
    EXPECT_EQ(verdicts[port + " dtls.version.1.0"], s.allows("dtls1.0") ? "bad" : "good") << port;
    EXPECT_EQ(verdicts[port + " dtls.version.1.2"], s.allows("dtls1.2") ? "good" : "info") << port;
  }
}

// dtls.min=1.2 fails on a port that takes DTLS 1.0 and holds on one that does not.
TEST_F(IntegrationDtls, PolicyDtlsMin) {
  for (const auto& s : servers()) {
    const auto port = std::to_string(s.port);
    auto r = run_in_lab("dtls", {"scan", "127.0.0.1", "--probes", "tls", "--tls-ports", "9", "--dtls-ports", port,
                                 "--no-ping", "--timeout", "2s", "--require", "dtls.min=1.2"});
    SCOPED_TRACE("port " + port + ": " + s.args);
    EXPECT_EQ(r.exit_code, s.allows("dtls1.0") ? 1 : 0) << r.out << r.err;
    if (s.allows("dtls1.0")) {
      EXPECT_NE(r.out.find(port + "/udp: dtls1.0 accepted"), std::string::npos) << r.out;
    }
  }
}

}  // namespace
}  // namespace legacyscan::testing
