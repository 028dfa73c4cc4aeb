// SPDX-License-Identifier: Apache-2.0
// The SMB probe against the real lab DCs (scripts/lab): Samba 4.17 AD DCs in network namespaces.
#include <algorithm>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

bool contains(const json& array, const std::string& value) {
  return std::find(array.begin(), array.end(), value) != array.end();
}

const json& smb_port(const json& doc, const std::string& port) {
  return doc.at("hosts").at(0).at("probes").at("smb").at("ports").at(port);
}

class IntegrationSmb : public ::testing::Test {
 protected:
  // One scan per scenario, shared by the tests of this suite (each scan makes ~40 connections).
  static const json& scan(const std::string& scenario) {
    static std::map<std::string, json> cache;
    auto it = cache.find(scenario);
    if (it == cache.end())
      it = cache.emplace(scenario, scan_json(scenario, {"127.0.0.1", "--probes", "smb", "--timeout", "5s"})).first;
    return it->second;
  }
};

TEST_F(IntegrationSmb, LegacyAcceptsSmb1WithoutRequiredSigning) {
  const auto& doc = scan("legacy");
  for (const std::string port : {"445", "139"}) {
    SCOPED_TRACE(port);
    const auto& p = smb_port(doc, port);
    EXPECT_EQ(p.at("status"), "ok");
    const auto& s1 = p.at("smb1");
    EXPECT_TRUE(s1.at("enabled").get<bool>());
    EXPECT_TRUE(contains(s1.at("dialects"), "NT LM 0.12"));
    EXPECT_EQ(s1.at("checks").size(), 6u);
    EXPECT_TRUE(s1.at("signing").at("enabled").get<bool>());
    EXPECT_FALSE(s1.at("signing").at("required").get<bool>());
    EXPECT_TRUE(s1.at("extended_security").get<bool>());
    // server min protocol = NT1 leaves the pre-NT dialects refused.
    EXPECT_FALSE(contains(s1.at("dialects"), "PC NETWORK PROGRAM 1.0"));
    const auto& s2 = p.at("smb2");
    EXPECT_EQ(s2.at("dialects"), json({"2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"}));
    EXPECT_FALSE(s2.at("signing").at("required").get<bool>());
    EXPECT_EQ(p.at("multiprotocol").at("answer"), "smb2");
    EXPECT_EQ(p.at("ntlm").at("netbios_computer"), "DC1");
    EXPECT_EQ(p.at("ntlm").at("netbios_domain"), "LEGACY");
    EXPECT_EQ(p.at("ntlm").at("dns_domain"), "legacy.test");
    EXPECT_EQ(p.at("ntlm").at("dns_computer"), "dc1.legacy.test");
  }
  EXPECT_EQ(smb_port(doc, "445").at("transport"), "direct-tcp");
  EXPECT_EQ(smb_port(doc, "139").at("transport"), "netbios-ssn");
  EXPECT_EQ(smb_port(doc, "139").at("called_name"), "*SMBSERVER");
}

TEST_F(IntegrationSmb, HardenedRefusesSmb1AndOldDialectsAndRequiresSigning) {
  const auto& p = smb_port(scan("hardened"), "445");
  EXPECT_EQ(p.at("status"), "ok");
  const auto& s1 = p.at("smb1");
  EXPECT_FALSE(s1.at("enabled").get<bool>());
  EXPECT_TRUE(s1.at("dialects").empty());
  for (const auto& c : s1.at("checks")) EXPECT_EQ(c.at("answer"), "none-of-offered") << c.dump();
  // An SMB1 offer listing "SMB 2.???" draws the SMB2 wildcard even from an SMB3-minimum server.
  EXPECT_EQ(p.at("multiprotocol").at("answer"), "smb2");
  EXPECT_EQ(p.at("multiprotocol").at("dialect"), "2.???");
  const auto& s2 = p.at("smb2");
  // Samba reads "server min protocol = SMB3" as SMB3_11: everything below 3.1.1 is refused.
  EXPECT_EQ(s2.at("dialects"), json({"3.1.1"}));
  EXPECT_EQ(s2.at("rejected"), json({"2.0.2", "2.1", "3.0", "3.0.2"}));
  for (const auto& c : s2.at("checks"))
    if (c.at("answer") != "accepted") {
      EXPECT_EQ(c.at("answer"), "error-status");
      EXPECT_NE(c.at("detail").get<std::string>().find("STATUS_NOT_SUPPORTED"), std::string::npos) << c.dump();
    }
  EXPECT_TRUE(s2.at("signing").at("required").get<bool>());
  for (const auto& [dialect, d] : s2.at("details").items())
    EXPECT_TRUE(d.at("signing").at("required").get<bool>()) << dialect;
  EXPECT_TRUE(s2.at("contexts_tested").get<bool>());
  EXPECT_FALSE(s2.at("encryption_ciphers").empty());
  EXPECT_EQ(s2.at("preauth_integrity"), json({"SHA-512"}));
  EXPECT_EQ(p.at("ntlm").at("netbios_computer"), "DC2");
  EXPECT_EQ(p.at("ntlm").at("netbios_domain"), "HARDENED");
}

TEST_F(IntegrationSmb, StockRefusesSmb1AndRequiresSigningOnEveryDialect) {
  const auto& p = smb_port(scan("stock"), "445");
  EXPECT_FALSE(p.at("smb1").at("enabled").get<bool>());
  EXPECT_EQ(p.at("smb2").at("dialects"), json({"2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"}));
  for (const auto& [dialect, d] : p.at("smb2").at("details").items()) {
    EXPECT_TRUE(d.at("signing").at("required").get<bool>()) << dialect;
    EXPECT_FALSE(d.at("security_mechanisms").empty()) << dialect;
  }
  EXPECT_EQ(p.at("ntlm").at("dns_domain"), "stock.test");
  EXPECT_FALSE(p.at("ntlm").at("os_version").get<std::string>().empty());
}

TEST_F(IntegrationSmb, ResultsValidateAgainstTheSchema) {
  const std::string file = ::testing::TempDir() + "/legacyscan-schema-check.json";
  {
    std::ofstream f(file);
    f << scan("legacy").dump();
  }
  auto r = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/validate-json " + file);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json doc = scan("legacy");
  EXPECT_EQ(doc.at("schema_version"), 1);
  EXPECT_EQ(doc.at("tool").at("name"), "legacyscan");
  EXPECT_TRUE(doc.at("complete").get<bool>());
  // The schema must also reject what breaks the contract.
  doc["hosts"][0]["probes"]["smb"]["ports"]["445"]["status"] = "closed";
  {
    std::ofstream f(file);
    f << doc.dump();
  }
  r = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/validate-json " + file);
  EXPECT_EQ(r.exit_code, 1);
}

TEST(IntegrationSmbErrors, ClosedDroppedUnroutableAndNonSmbPorts) {
  // 4451: nothing listens (RST); 4450: nftables drops; 8080: an HTTP server (waits for a request line);
  // 389: the DC's LDAP server (not SMB: it drops the connection); 127.66.0.1: no route.
  auto doc = scan_json("legacy",
                       {"127.0.0.1:4451", "127.0.0.1:4450", "127.0.0.1:8080", "127.0.0.1:389", "127.66.0.1:445",
                        "--probes", "smb", "--timeout", "1s", "--no-ping"},
                       3);
  const auto& hosts = doc.at("hosts");
  ASSERT_EQ(hosts.size(), 5u);
  auto port_of = [&](std::size_t i, const std::string& port) {
    return hosts.at(i).at("probes").at("smb").at("ports").at(port);
  };
  EXPECT_EQ(port_of(0, "4451").at("status"), "refused");
  EXPECT_EQ(port_of(1, "4450").at("status"), "timeout");
  EXPECT_NE(port_of(1, "4450").at("reason").get<std::string>().find("connect"), std::string::npos);
  EXPECT_EQ(port_of(2, "8080").at("status"), "timeout");
  EXPECT_NE(port_of(2, "8080").at("reason").get<std::string>().find("did not answer an SMB NEGOTIATE"),
            std::string::npos);
  EXPECT_EQ(port_of(3, "389").at("status"), "protocol-error");
  EXPECT_NE(port_of(3, "389").at("reason").get<std::string>().find("no SMB answer"), std::string::npos);
  EXPECT_EQ(port_of(4, "445").at("status"), "unreachable");
  for (const auto& h : hosts) {
    EXPECT_NE(h.at("probes").at("smb").at("status"), "ok");
    EXPECT_FALSE(h.at("probes").at("smb").at("reason").get<std::string>().empty());
    // Every operation has a deadline: nothing here may take much longer than one timeout.
    EXPECT_LT(h.at("probes").at("smb").at("elapsed_ms").get<int>(), 5000);
  }
}

TEST(IntegrationSmbErrors, ReachabilityCheckSettlesDeadHostsWithOneConnect) {
  auto doc =
      scan_json("legacy", {"127.0.0.1:4450", "127.66.0.1", "127.0.0.1:4451", "--probes", "smb", "--timeout", "1s"}, 3);
  const auto& hosts = doc.at("hosts");
  ASSERT_EQ(hosts.size(), 3u);
  const auto& dropped = hosts.at(0).at("probes").at("smb");
  EXPECT_EQ(dropped.at("status"), "timeout");
  EXPECT_NE(dropped.at("reason").get<std::string>().find("reachability check"), std::string::npos);
  EXPECT_EQ(hosts.at(1).at("probes").at("smb").at("status"), "unreachable");
  // A refused connection proves the host is up: the probe itself runs and reports the port.
  EXPECT_EQ(hosts.at(2).at("probes").at("smb").at("ports").at("4451").at("status"), "refused");
}

TEST(IntegrationSmbCli, HostNamesIpv6JsonLinesAndTable) {
  // The DC's own name resolves inside its namespace (/etc/netns/ls-legacy/hosts).
  auto doc = scan_json("legacy", {"dc1.legacy.test", "--probes", "smb", "--ports", "445"});
  ASSERT_EQ(doc.at("hosts").size(), 1u);
  EXPECT_EQ(doc.at("hosts").at(0).at("target"), "dc1.legacy.test");
  EXPECT_EQ(doc.at("hosts").at(0).at("address"), "127.0.0.1");
  EXPECT_EQ(doc.at("hosts").at(0).at("probes").at("smb").at("ports_scanned"), json({445}));

  auto v6 = scan_json("stock", {"[::1]:445", "--probes", "smb"});
  EXPECT_EQ(v6.at("hosts").at(0).at("address"), "::1");
  EXPECT_EQ(v6.at("hosts").at(0).at("probes").at("smb").at("ports").at("445").at("status"), "ok");

  auto lines =
      run_in_lab("hardened", {"scan", "127.0.0.1:445", "127.0.0.1:4451", "--probes", "smb", "--format", "jsonl"});
  EXPECT_EQ(lines.exit_code, 0) << lines.err;
  std::size_t count = 0;
  std::istringstream in(lines.out);
  json end;
  for (std::string line; std::getline(in, line);) {
    auto host = json::parse(line, nullptr, false);
    ASSERT_FALSE(host.is_discarded()) << line;
    if (host.value("record", "") == "end") {  // the run's end record follows the hosts
      end = host;
      continue;
    }
    EXPECT_TRUE(host.contains("probes"));
    ++count;
  }
  EXPECT_EQ(count, 2u);
  EXPECT_TRUE(end.value("complete", false)) << end.dump();

  auto table = run_in_lab("hardened", {"scan", "127.0.0.1", "--probes", "smb", "--ports", "445"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  // The summary line: SMB1 off and signing required on the hardened DC; every row with --details.
  EXPECT_NE(table.out.find("SMB1:off signing:on"), std::string::npos) << table.out;
  auto details = run_in_lab("hardened", {"scan", "127.0.0.1", "--probes", "smb", "--ports", "445", "--details"});
  EXPECT_NE(details.out.find("smb2.dialects"), std::string::npos) << details.out;
  EXPECT_NE(details.out.find("disabled"), std::string::npos) << details.out;
  EXPECT_EQ(table.out.find("\x1b["), std::string::npos) << "no colour when stdout is not a terminal";
}

TEST(IntegrationSmbCli, BadInputIsAUsageErrorAndScansNothing) {
  auto r = run_in_lab("legacy", {"scan", "127.0.0.1", "10.0.0.256", "--probes", "smb"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("10.0.0.256"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  r = run_in_lab("legacy", {"scan", "127.0.0.1", "--probes", "nosuch"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nosuch"), std::string::npos);
  r = run_in_lab("legacy", {"scan", "127.0.0.1", "--timeout", "soon"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_in_lab("legacy", {"scan", "-iL", "/nonexistent/targets.txt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/targets.txt"), std::string::npos);
  r = run_in_lab("legacy", {"scan"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_in_lab("legacy", {"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("legacyscan"), std::string::npos);
  r = run_in_lab("legacy", {"probes"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("smb"), std::string::npos);
  r = run_in_lab("legacy", {"probes", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto list = json::parse(r.out);
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list.at(0).at("name"), "smb");
  EXPECT_EQ(list.at(0).at("transports"), json({"tcp"}));
}

TEST(IntegrationSmbCli, UnresolvableNameIsReportedNotFatal) {
  auto doc = scan_json("legacy", {"nosuchhost.legacy.test", "127.0.0.1:445", "--probes", "smb"});
  const auto& h0 = doc.at("hosts").at(0);
  EXPECT_EQ(h0.at("address"), "");
  EXPECT_EQ(h0.at("probes").at("smb").at("status"), "error");
  EXPECT_NE(h0.at("probes").at("smb").at("reason").get<std::string>().find("cannot resolve"), std::string::npos);
  EXPECT_EQ(doc.at("hosts").at(1).at("probes").at("smb").at("status"), "ok");
}

}  // namespace
}  // namespace legacyscan::testing
