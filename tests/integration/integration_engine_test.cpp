// SPDX-License-Identifier: Apache-2.0
// Engine features end to end in the lab: sharding and merge, resume, DC discovery through the DC's own
// DNS, host timeout, interrupt with valid partial output.
#include <filesystem>
#include <set>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

std::string temp_file(const std::string& name) {
  return ::testing::TempDir() + "/legacyscan-engine-" + std::to_string(::getpid()) + "-" + name;
}

// The lines of a JSON-lines file: the hosts, or (ends) the end records of the runs that wrote it.
std::vector<json> json_lines(const std::string& text, bool ends = false) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto j = json::parse(line);
    if ((j.value("record", "") == "end") == ends) out.push_back(std::move(j));
  }
  return out;
}

TEST(IntegrationEngine, ShardsCoverTheTargetListOnceAndMergeBackInOrder) {
  const std::vector<std::string> targets{"127.0.0.1:445", "127.0.0.1:4451", "127.0.0.1:139", "127.0.0.1:4452",
                                         "127.0.0.1:4453"};
  const auto a = temp_file("shard1.json"), b = temp_file("shard2.jsonl"), merged = temp_file("merged.json");
  auto args = targets;
  for (auto x : {"--probes", "smb", "--shard", "1/2", "--format", "json", "-o"}) args.push_back(x);
  args.push_back(a);
  args.insert(args.begin(), "scan");
  auto r1 = run_in_lab("legacy", args);
  EXPECT_EQ(r1.exit_code, 0) << r1.err;
  args = targets;
  for (auto x : {"--probes", "smb", "--shard", "2/2", "--format", "jsonl", "-o"}) args.push_back(x);
  args.push_back(b);
  args.insert(args.begin(), "scan");
  auto r2 = run_in_lab("legacy", args);
  EXPECT_EQ(r2.exit_code, 3) << "shard 2 holds only closed ports: " << r2.err;

  const auto part1 = json::parse(slurp(a));
  ASSERT_EQ(part1.at("hosts").size(), 3u);  // indexes 0, 2, 4
  EXPECT_EQ(part1.at("hosts").at(1).at("target"), "127.0.0.1:139");
  EXPECT_EQ(json_lines(slurp(b)).size(), 2u);  // indexes 1, 3

  auto m = run_command(shell_quote(LEGACYSCAN_BINARY) + " merge " + a + " " + b + " -o " + merged);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  const auto all = json::parse(slurp(merged));
  ASSERT_EQ(all.at("hosts").size(), 5u);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    EXPECT_EQ(all.at("hosts").at(i).at("index"), i);
    EXPECT_EQ(all.at("hosts").at(i).at("target"), targets[i]);
  }
  auto v = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/validate-json " + merged);
  EXPECT_EQ(v.exit_code, 0) << v.err;

  auto bad = run_command(shell_quote(LEGACYSCAN_BINARY) + " merge /nonexistent.json");
  EXPECT_EQ(bad.exit_code, 2);
  auto bad_shard = run_in_lab("legacy", {"scan", "127.0.0.1", "--shard", "3/2"});
  EXPECT_EQ(bad_shard.exit_code, 2);
  EXPECT_NE(bad_shard.err.find("--shard"), std::string::npos);
}

TEST(IntegrationEngine, ResumeSkipsHostsAlreadyInTheFile) {
  const auto out = temp_file("resume.jsonl");
  std::filesystem::remove(out);
  auto r1 = run_in_lab("stock",
                       {"scan", "127.0.0.1:445", "127.0.0.1:4451", "--probes", "smb", "--format", "jsonl", "-o", out});
  EXPECT_EQ(r1.exit_code, 0) << r1.err;
  ASSERT_EQ(json_lines(slurp(out)).size(), 2u);
  // A finished run ends its lines with the end record.
  const auto ends = json_lines(slurp(out), true);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_TRUE(ends.at(0).at("complete").get<bool>());
  EXPECT_EQ(ends.at(0).at("hosts_done"), 2);
  // The same list plus one more target: only the new one is scanned, appended to the same file.
  auto r2 = run_in_lab("stock", {"scan", "127.0.0.1:445", "127.0.0.1:4451", "127.0.0.1:139", "--probes", "smb",
                                 "--format", "jsonl", "-o", out, "--resume", out});
  EXPECT_EQ(r2.exit_code, 0) << r2.err;
  const auto lines = json_lines(slurp(out));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines.at(2).at("target"), "127.0.0.1:139");
  EXPECT_EQ(lines.at(2).at("index"), 2);
  auto bad = run_in_lab("stock", {"scan", "127.0.0.1", "--resume", "/nonexistent.jsonl"});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(IntegrationEngine, DomainDiscoveryFindsTheDcThroughItsOwnDns) {
  auto doc = scan_json("hardened",
                       {"--domain", "hardened.test", "--dns-server", "127.0.0.1", "--probes", "smb", "--ports", "445"});
  ASSERT_EQ(doc.at("hosts").size(), 1u);
  EXPECT_EQ(doc.at("hosts").at(0).at("target"), "dc2.hardened.test");
  EXPECT_EQ(doc.at("hosts").at(0).at("address"), "127.0.0.1");
  EXPECT_EQ(doc.at("hosts").at(0).at("probes").at("smb").at("ports").at("445").at("ntlm").at("netbios_computer"),
            "DC2");

  auto none =
      run_in_lab("hardened", {"scan", "--domain", "nosuch.test", "--dns-server", "127.0.0.1", "--probes", "smb"});
  EXPECT_EQ(none.exit_code, 3) << none.err;
  EXPECT_NE(none.err.find("no domain controller"), std::string::npos) << none.err;
  auto bad = run_in_lab("hardened", {"scan", "--domain", "nodots"});
  EXPECT_EQ(bad.exit_code, 2);
  auto bad_server = run_in_lab("hardened", {"scan", "--domain", "hardened.test", "--dns-server", "not-an-address"});
  EXPECT_EQ(bad_server.exit_code, 2);
}

TEST(IntegrationEngine, ReachabilityPhaseReportsLiveRefusedDroppedAndUnreachable) {
  // The lab's fixtures (docs/lab.md): 445 answers, 4451 refuses, 4450 is dropped by nftables on every
  // local address, 127.66.0.1 has an unreachable route. One scan slot only: the dropped hosts must
  // still be checked together in the reachability phase, not one after another in that slot.
  const std::vector<std::string> dropped{"127.0.0.1:4450", "127.0.0.2:4450", "127.0.0.3:4450",
                                         "127.0.0.4:4450", "127.0.0.5:4450", "127.0.0.6:4450"};
  std::vector<std::string> args{"127.0.0.1:445", "127.0.0.1:4451", "127.66.0.1:445"};
  args.insert(args.end(), dropped.begin(), dropped.end());
  for (auto x : {"--probes", "smb", "--timeout", "2s", "--concurrency", "1"}) args.push_back(x);
  const auto doc = scan_json("legacy", args);
  const auto& hosts = doc.at("hosts");
  ASSERT_EQ(hosts.size(), 3 + dropped.size());
  auto status = [&](std::size_t i) { return hosts.at(i).at("probes").at("smb").at("status").get<std::string>(); };
  auto reason = [&](std::size_t i) { return hosts.at(i).at("probes").at("smb").value("reason", std::string()); };
  EXPECT_EQ(status(0), "ok");
  EXPECT_EQ(status(1), "refused") << reason(1);  // up (it refused), so the probe ran and was refused
  EXPECT_EQ(reason(1).find("reachability"), std::string::npos) << reason(1);
  EXPECT_EQ(status(2), "unreachable") << reason(2);
  EXPECT_NE(reason(2).find("reachability check"), std::string::npos) << reason(2);
  std::string latest_start, earliest_end = "~";
  for (std::size_t i = 3; i < hosts.size(); ++i) {
    EXPECT_EQ(hosts.at(i).at("target"), dropped.at(i - 3));
    EXPECT_EQ(status(i), "timeout") << reason(i);
    EXPECT_NE(reason(i).find("reachability check"), std::string::npos) << reason(i);
    latest_start = std::max(latest_start, hosts.at(i).at("started").get<std::string>());
    earliest_end = std::min(earliest_end, hosts.at(i).at("finished").get<std::string>());
  }
  // Every dropped host's check started before the first of them gave up: they were all in flight
  // at once, although --concurrency is 1.
  EXPECT_LT(latest_start, earliest_end);
}

TEST(IntegrationEngine, AProbeStartsWhenItsOwnDependenciesFinish) {
  // kerberos depends on smb and ldap only. smb and ldap are refused at once (4451), tls waits for the
  // dropped port (4450): kerberos must start while tls is still waiting, not after it.
  auto r = run_in_lab("legacy", {"scan", "127.0.0.1", "--probes", "smb,ldap,kerberos,tls", "--ports",
                                 "smb:4451,ldap:4451,tls:4450,kerberos:88", "--realm", "LEGACY.TEST", "--no-ping",
                                 "--timeout", "2s", "-vv", "--format", "json", "-o", "/dev/null"});
  const auto& log = r.err;
  const auto kerberos_start = log.find("probe kerberos on");
  const auto tls_end = log.find("probe tls finished");
  ASSERT_NE(kerberos_start, std::string::npos) << log;
  ASSERT_NE(tls_end, std::string::npos) << log;
  EXPECT_LT(kerberos_start, tls_end) << log;
  EXPECT_LT(log.find("probe smb finished"), kerberos_start) << log;
  EXPECT_LT(log.find("probe ldap finished"), kerberos_start) << log;
  // -o /dev/null is written in place: the lab runs as root, where the temporary-file-and-rename of
  // -o once replaced /dev/null with a regular file.
  EXPECT_TRUE(std::filesystem::is_character_file(std::filesystem::status("/dev/null")));
}

TEST(IntegrationEngine, FdBudgetKeepsAScanWithinUlimit) {
  // 512 dropped addresses under a soft limit of 256 descriptors: the reachability phase and the probes
  // share the budget, so no connect fails with EMFILE and every address ends as a timeout.
  const auto out = temp_file("fdbudget.jsonl");
  auto r = run_command("ip netns exec ls-legacy prlimit --nofile=256:256 " + shell_quote(LEGACYSCAN_BINARY) +
                       " scan 127.0.0.0/23 --ports 4450 --probes smb --timeout 500ms --format jsonl -o " + out);
  EXPECT_EQ(r.exit_code, 3) << r.err;  // no host answered
  const auto lines = json_lines(slurp(out));
  ASSERT_EQ(lines.size(), 512u);
  std::set<std::string> addresses;
  for (const auto& h : lines) {
    addresses.insert(h.at("address").get<std::string>());
    EXPECT_EQ(h.at("probes").at("smb").at("status"), "timeout") << h.dump();
  }
  EXPECT_EQ(addresses.size(), 512u);
}

TEST(IntegrationEngine, HostTimeoutBoundsAHostThatNeverSpeaks) {
  // The HTTP fixture accepts and waits for a request line: only --host-timeout ends the read early.
  auto doc = scan_json(
      "legacy", {"127.0.0.1:8080", "--probes", "smb", "--timeout", "20s", "--host-timeout", "1s", "--no-ping"}, 3);
  const auto& smb = doc.at("hosts").at(0).at("probes").at("smb");
  EXPECT_EQ(smb.at("status"), "timeout");
  EXPECT_LT(smb.at("elapsed_ms").get<int>(), 10000);
}

TEST(IntegrationEngine, InterruptLeavesValidPartialJson) {
  const auto out = temp_file("interrupted.json");
  std::filesystem::remove(out);
  // One real host, then hosts whose packets are dropped (each would take the 20 s timeout). The
  // interrupt is sent once the log says the first host finished, so the test does not race the scan.
  const auto err = temp_file("interrupted.err");
  std::string cmd = "ip netns exec ls-legacy sh -c " +
                    shell_quote(shell_quote(LEGACYSCAN_BINARY) +
                                " scan 127.0.0.1:445 127.0.0.1:4450 127.0.0.1:4450 127.0.0.1:4450 --no-ping"
                                " --probes smb --timeout 20s --concurrency 1 --format json -v -o " +
                                out + " 2>" + err + " & pid=$!; i=0; while [ $i -lt 600 ] && ! grep -q finished " +
                                err + "; do sleep 0.1; i=$((i+1)); done; kill -INT $pid; wait $pid");
  auto r = run_command(cmd);
  ASSERT_TRUE(std::filesystem::exists(out)) << r.err;
  const auto doc = json::parse(slurp(out));
  EXPECT_FALSE(doc.at("complete").get<bool>());
  ASSERT_GE(doc.at("hosts").size(), 1u);
  EXPECT_EQ(doc.at("hosts").at(0).at("probes").at("smb").at("status"), "ok");
  EXPECT_LT(doc.at("hosts").size(), 4u);
  // The host in flight (one at a time: the second) is listed; the shell's code for SIGINT is the exit.
  ASSERT_EQ(doc.at("hosts_interrupted").size(), 1u) << doc.dump();
  EXPECT_EQ(doc.at("hosts_interrupted").at(0).at("index"), 1);
  EXPECT_EQ(doc.at("hosts_not_started"), 2);
  EXPECT_EQ(r.exit_code, 130) << r.err;
}

TEST(IntegrationEngine, NoProtocolAnswerIsExit3UnlessThePolicyWasDecided) {
  const std::string closed = "127.0.0.1:4451";  // LAB_CLOSED_PORT: every probe's port refused
  // Every probe is refused (NetBIOS by ICMP port unreachable); the client matrix is no answer.
  auto none = run_in_lab("legacy", {"scan", closed, "--format", "json", "--timeout", "2s"});
  EXPECT_EQ(none.exit_code, 3) << none.err;
  EXPECT_NE(none.err.find("nothing could be scanned"), std::string::npos) << none.err;
  // A rule that closed ports decide holds: the policy gives the exit code.
  auto held = run_in_lab("legacy", {"scan", "--require", "netbios.samlogon=off", closed, "--timeout", "2s"});
  EXPECT_EQ(held.exit_code, 0) << held.err;
  // A rule that needs an answer was not decided: still nothing scanned.
  auto undecided = run_in_lab(
      "legacy", {"scan", "--require", "netbios.samlogon=off", "--require", "smb1=off", closed, "--timeout", "2s"});
  EXPECT_EQ(undecided.exit_code, 3) << undecided.err;
}

}  // namespace
}  // namespace legacyscan::testing
