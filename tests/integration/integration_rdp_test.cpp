// SPDX-License-Identifier: Apache-2.0
// The rdp probe against Debian's xrdp in the lab's "rdp" scenario (scripts/lab.d/rdp, namespace ls-rdp):
// one xrdp per security setting. What each port must answer is derived from its generated xrdp.ini
// (security_layer, crypt_level), as xrdp.ini(5) documents them: rdp = standard RDP security only, tls =
// TLS only, negotiate = TLS when the client asks for it; crypt_level low, medium, high, fips are the
// encryption levels LOW, CLIENT_COMPATIBLE, HIGH, FIPS of [MS-RDPBCGR] 5.3.1. xrdp has no CredSSP, so
// NLA is never required.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

std::string rdp_dir() {
  const char* d = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(d && *d ? d : "/var/tmp/legacyscan-lab") + "/rdp";
}

std::string ini_value(const std::string& path, const std::string& key) {
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  ADD_FAILURE() << key << " not in " << path;
  return "";
}

struct Instance {
  int port = 0;
  std::string layer, level;
};

std::vector<Instance> instances() {
  std::vector<Instance> out;
  for (const auto& f : std::filesystem::directory_iterator(rdp_dir())) {
    const auto name = f.path().filename().string();
    if (name.rfind("xrdp-", 0) != 0 || f.path().extension() != ".ini") continue;
    Instance i;
    i.port = std::stoi(name.substr(5));
    i.layer = ini_value(f.path().string(), "security_layer");
    i.level = ini_value(f.path().string(), "crypt_level");
    out.push_back(i);
  }
  return out;
}

class IntegrationRdp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto st = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab status rdp");
    ASSERT_EQ(st.exit_code, 0) << "the rdp scenario is not up (scripts/lab up rdp): " << st.out << st.err;
    std::string ports;
    for (const auto& i : instances()) ports += (ports.empty() ? "" : ",") + std::to_string(i.port);
    doc_ = scan_json("rdp", {"127.0.0.1", "--probes", "rdp", "--ports", ports, "--no-ping", "--timeout", "2s"});
  }
  static const json& endpoint(int port) {
    for (const auto& e : doc_["hosts"][0]["probes"]["rdp"]["endpoints"])
      if (e["port"] == port) return e;
    static const json none;
    ADD_FAILURE() << "no endpoint " << port;
    return none;
  }
  static json doc_;
};
json IntegrationRdp::doc_;

TEST_F(IntegrationRdp, SecurityLayerPerXrdpIni) {
  const auto all = instances();
  ASSERT_GE(all.size(), 3u);
  for (const auto& i : all) {
    SCOPED_TRACE("port " + std::to_string(i.port) + " security_layer=" + i.layer);
    const auto& e = endpoint(i.port);
    ASSERT_EQ(e["status"], "ok") << e.dump();
    std::set<std::string> accepted;
    for (const auto& a : e["accepted"]) accepted.insert(a.get<std::string>());
    std::set<std::string> expected;
    if (i.layer == "rdp") expected = {"PROTOCOL_RDP"};
    if (i.layer == "tls") expected = {"PROTOCOL_SSL"};
    if (i.layer == "negotiate") expected = {"PROTOCOL_RDP", "PROTOCOL_SSL"};
    EXPECT_EQ(accepted, expected);
    EXPECT_EQ(e["standard_security_accepted"], i.layer != "tls");
    EXPECT_FALSE(e["nla_required"].get<bool>());
    if (i.layer == "tls") {
      EXPECT_EQ(e["negotiations"][0]["failure"], "SSL_REQUIRED_BY_SERVER");
      EXPECT_FALSE(e.contains("standard_security"));
    }
  }
}

TEST_F(IntegrationRdp, EncryptionLevelPerCryptLevel) {
  const std::map<std::string, std::string> level = {
      {"low", "LOW"}, {"medium", "CLIENT_COMPATIBLE"}, {"high", "HIGH"}, {"fips", "FIPS"}};
  int checked = 0;
  for (const auto& i : instances()) {
    if (i.layer == "tls") continue;
    SCOPED_TRACE("port " + std::to_string(i.port) + " crypt_level=" + i.level);
    const auto& s = endpoint(i.port)["standard_security"];
    ASSERT_EQ(s["status"], "ok") << s.dump();
    EXPECT_EQ(s["encryption_level"], level.at(i.level));
    if (i.level == "fips") {
      EXPECT_EQ(s["encryption_method"], "FIPS");
    }
    if (i.level == "high") {
      EXPECT_EQ(s["encryption_method"], "128BIT");
    }
    EXPECT_EQ(s["server_certificate"], "proprietary");  // xrdp signs with rsakeys.ini, no X.509
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

TEST_F(IntegrationRdp, FindingsReadAsHardeningNeeds) {
  for (const auto& f : doc_["hosts"][0]["findings"]) {
    EXPECT_NE(f["verdict"], "failed") << f.dump();
    if (f["check"] == "rdp.nla") {
      EXPECT_EQ(f["verdict"], "warn") << f.dump();
    }
    if (f["check"] == "rdp.standard_security") {
      EXPECT_EQ(f["verdict"], f["value"].get<std::string>().rfind("ACCEPTED", 0) == 0 ? "bad" : "good") << f.dump();
    }
  }
}

}  // namespace
}  // namespace legacyscan::testing
