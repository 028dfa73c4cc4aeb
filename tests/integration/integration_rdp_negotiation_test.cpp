// SPDX-License-Identifier: Apache-2.0
// The rdp probe's RDSTLS request and TLS continuation against xrdp per security layer (scenario rdp)
// and FreeRDP's shadow server requiring NLA (scenario rdpnla). RDSTLS: neither xrdp 0.9 nor FreeRDP 2
// implements it (their help lists no such security), so a PROTOCOL_RDSTLS request must never have
// RDSTLS selected, and is answered as the PROTOCOL_RDP request is. Where a TLS-based protocol is
// selected, the probe's ServerHello must be in the newest version the server allows.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

// $LEGACYSCAN_LAB_DIR, or scripts/lab's default.
std::string lab_dir() {
  const char* set = std::getenv("LEGACYSCAN_LAB_DIR");
  return set && *set ? std::string(set) : std::string("/var/tmp/legacyscan-lab");
}

struct Server {
  std::string scenario;
  int port = 0;
  std::string ini;  // xrdp's generated ini, "" for the shadow server
};

std::vector<Server> servers() {
  std::vector<Server> out;
  for (const auto& f : std::filesystem::directory_iterator(lab_dir() + "/rdp")) {
    const auto name = f.path().filename().string();
    if (name.rfind("xrdp-", 0) == 0 && f.path().extension() == ".ini")
      out.push_back({"rdp", std::stoi(name.substr(5)), slurp(f.path().string())});
  }
  out.push_back({"rdpnla", 3389, ""});
  return out;
}

class IntegrationRdpNegotiation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    for (const char* s : {"rdp", "rdpnla"}) {
      auto st = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab status " + s);
      ASSERT_EQ(st.exit_code, 0) << "the " << s << " scenario is not up (scripts/lab up " << s << ")";
    }
    std::string ports;
    for (const auto& s : servers())
      if (s.scenario == "rdp") ports += (ports.empty() ? "" : ",") + std::to_string(s.port);
    const std::vector<std::string> common{"--probes", "rdp", "--no-ping", "--timeout", "3s"};
    auto args = std::vector<std::string>{"127.0.0.1", "--ports", ports};
    args.insert(args.end(), common.begin(), common.end());
    docs_["rdp"] = scan_json("rdp", args);
    args = {"127.0.0.1", "--ports", "3389"};
    args.insert(args.end(), common.begin(), common.end());
    docs_["rdpnla"] = scan_json("rdpnla", args);
  }
  static json endpoint(const Server& s) {
    for (const auto& e : docs_[s.scenario]["hosts"][0]["probes"]["rdp"]["endpoints"])
      if (e["port"] == s.port) return e;
    ADD_FAILURE() << "no endpoint " << s.scenario << ":" << s.port;
    return json::object();
  }
  static json negotiation(const json& e, int requested) {
    for (const auto& n : e["negotiations"])
      if (n["requested_protocols"] == requested) return n;
    ADD_FAILURE() << "no request " << requested << " in " << e.dump();
    return json::object();
  }
  static std::string answer(const json& n) { return n.value("selected", n.value("failure", std::string("?"))); }
  static std::map<std::string, json> docs_;
};
std::map<std::string, json> IntegrationRdpNegotiation::docs_;

TEST_F(IntegrationRdpNegotiation, RdstlsIsRequestedAloneAndAnsweredAsTheServerHasNoRdstls) {
  // The servers' own help: FreeRDP 2's shadow server offers /sec:<rdp|tls|nla|ext>, no RDSTLS; xrdp's
  // security_layer is rdp, tls or negotiate (xrdp.ini(5)).
  const auto help = run_command("freerdp-shadow-cli /help 2>&1");
  ASSERT_NE(help.out.find("sec:<rdp|tls|nla|ext>"), std::string::npos) << help.out.substr(0, 2000);
  for (const auto& s : servers()) {
    SCOPED_TRACE(s.scenario + ":" + std::to_string(s.port));
    const json e = endpoint(s);
    const json rdstls = negotiation(e, 4);
    EXPECT_EQ(rdstls.value("requested", ""), "PROTOCOL_RDSTLS");
    ASSERT_EQ(rdstls.value("status", ""), "ok") << rdstls.dump();
    EXPECT_NE(rdstls.value("selected", ""), "PROTOCOL_RDSTLS");
    EXPECT_EQ(answer(rdstls), answer(negotiation(e, 0))) << rdstls.dump();
    for (const auto& a : e["accepted"]) EXPECT_NE(a, "PROTOCOL_RDSTLS");
  }
}

TEST_F(IntegrationRdpNegotiation, TlsAfterTheNegotiationIsTheServersNewestVersion) {
  int checked = 0;
  for (const auto& s : servers()) {
    SCOPED_TRACE(s.scenario + ":" + std::to_string(s.port));
    // xrdp: ssl_protocols names the versions ("TLSv1.2, TLSv1.3"); the shadow server takes OpenSSL's
    // default range, up to TLS 1.3.
    std::string newest = "tls1.3";
    std::smatch m;
    if (std::regex_search(s.ini, m, std::regex("\\nssl_protocols=([^\\n]*)")))
      newest = m[1].str().find("TLSv1.3") != std::string::npos ? "tls1.3" : "tls1.2";
    // A named copy: a range-for over a member of the returned temporary would read freed memory.
    const json e = endpoint(s);
    for (const auto& n : e["negotiations"]) {
      const std::string selected = n.value("selected", "");
      if (selected.empty() || selected == "PROTOCOL_RDP") {
        EXPECT_FALSE(n.contains("tls_version")) << n.dump();
        continue;
      }
      EXPECT_EQ(n.value("tls_version", ""), newest) << n.dump();
      EXPECT_TRUE(n.contains("tls_cipher")) << n.dump();
      ++checked;
    }
  }
  EXPECT_GE(checked, 3);  // TLS on xrdp's negotiate and tls ports, CredSSP on the shadow server
}

}  // namespace
}  // namespace legacyscan::testing
