// SPDX-License-Identifier: Apache-2.0
// Passive mode end to end: real clients against the lab DCs, captured by `scripts/lab capture` (or
// live by legacyscan itself on the namespace's loopback), then `legacyscan pcap` on the result. The
// JSON is validated against docs/schema/passive.schema.json.
#include <unistd.h>

#include <cstdlib>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

const std::string kSrc = LEGACYSCAN_SOURCE_DIR;

std::string lab_value(const std::string& scenario, const std::string& key) {
  auto r = run_command(kSrc + "/scripts/lab info " + scenario);
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  return "";
}

std::string temp(const std::string& name) {
  return ::testing::TempDir() + "/passive-" + std::to_string(::getpid()) + "-" + name;
}

void expect_valid(const std::string& json_file) {
  const std::string py =
      "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); jsonschema.Draft202012Validator.check_schema(s); "
      "e=list(jsonschema.Draft202012Validator(s).iter_errors(json.load(open(sys.argv[2])))); "
      "[print('/'.join(map(str,x.absolute_path)), x.message) for x in e[:10]]; sys.exit(1 if e else 0)";
  auto r = run_command("/usr/bin/python3 -c " + shell_quote(py) + " " + kSrc + "/docs/schema/passive.schema.json " +
                       json_file);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

nlohmann::json pcap_json(const std::vector<std::string>& args, const std::string& save_to = "") {
  std::string cmd = shell_quote(LEGACYSCAN_BINARY) + " pcap";
  for (const auto& a : args) cmd += " " + a;
  cmd += " --format json";
  auto r = run_command(cmd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (!save_to.empty()) std::ofstream(save_to) << r.out;
  auto doc = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out.substr(0, 300);
  return doc;
}

bool has_finding(const nlohmann::json& client, const std::string& id) {
  for (const auto& f : client["legacy"])
    if (f["id"] == id) return true;
  return false;
}

TEST(IntegrationPassive, Smb1ClientCapturedFromTheLegacyDc) {
  const std::string addr = lab_value("legacy", "LAB_ADDR");
  const std::string user = lab_value("legacy", "LAB_ADMIN_USER"), pass = lab_value("legacy", "LAB_ADMIN_PASSWORD");
  ASSERT_FALSE(addr.empty());
  const std::string conf = temp("smb1.conf"), cap = temp("smb1.pcap"), out = temp("smb1.json");
  std::ofstream(conf) << "[global]\n  client min protocol = NT1\n  client max protocol = NT1\n";
  auto c = run_command("LEGACYSCAN_LAB_CAPTURE_FILTER='tcp port 445' " + kSrc + "/scripts/lab capture legacy " + cap +
                       " -- smbclient -s " + conf + " //" + addr + "/netlogon -U " + shell_quote(user + "%" + pass) +
                       " -c ls");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  auto doc = pcap_json({cap}, out);
  expect_valid(out);
  ASSERT_GE(doc["clients"].size(), 1u);
  const auto& client = doc["clients"][0];
  EXPECT_EQ(client["address"], addr);
  const auto& smb = client["protocols"]["smb"];
  EXPECT_GE(smb["smb1_sessions"].get<int>(), 1);
  EXPECT_TRUE(smb["dialects_offered"].contains("NT LM 0.12"));
  EXPECT_TRUE(has_finding(client, "smb1"));
  // Passwords never reach the report; the NTLM user does.
  EXPECT_EQ(doc.dump().find(pass), std::string::npos);
  EXPECT_TRUE(client["protocols"]["ntlm"]["versions"].contains("NTLMv2"));

  // The same capture through standard input gives the same client facts.
  auto piped = run_command(
      "sh -c " + shell_quote("cat " + cap + " | " + shell_quote(LEGACYSCAN_BINARY) + " pcap - --format json"));
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  auto again = nlohmann::json::parse(piped.out, nullptr, false);
  ASSERT_FALSE(again.is_discarded());
  EXPECT_EQ(again["clients"][0]["protocols"], client["protocols"]);

  // What if SMB1 is switched off: this client breaks, with its evidence.
  auto w =
      run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif --from-capture " + cap + " --disable smb1 --format json");
  ASSERT_EQ(w.exit_code, 0) << w.err;
  auto wj = nlohmann::json::parse(w.out, nullptr, false);
  ASSERT_FALSE(wj.is_discarded());
  ASSERT_EQ(wj["clients"].size(), 1u);
  EXPECT_EQ(wj["clients"][0]["address"], addr);
  EXPECT_EQ(wj["clients"][0]["verdict"], "breaks");
  std::remove(cap.c_str());
}

TEST(IntegrationPassive, LiveCaptureSeesTheNetbiosProbesSamLogon) {
  const std::string addr = lab_value("legacy", "LAB_ADDR");
  const std::string out = temp("live.json");
  // legacyscan captures live on the namespace's loopback (ports 137/138 only) until SIGINT; the
  // netbios probe runs meanwhile.
  const std::string cmd =
      "ip netns exec ls-legacy sh -c " +
      shell_quote("timeout -s INT 8 " + shell_quote(LEGACYSCAN_BINARY) +
                  " pcap --interface lo --filter 'udp port 137 or udp port 138' --format json > " + out +
                  " & sleep 2; timeout -s INT 10 " + shell_quote(LEGACYSCAN_BINARY) + " scan " + addr +
                  " --probes netbios --timeout 2s -q --format json >/dev/null; wait; exit 0");
  auto r = run_command(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(slurp(out), nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << slurp(out).substr(0, 300);
  expect_valid(out);
  ASSERT_EQ(doc["source"]["inputs"][0], "interface:lo");
  bool sam_logon = false;
  for (const auto& c : doc["clients"]) sam_logon |= has_finding(c, "sam-logon");
  EXPECT_TRUE(sam_logon) << doc.dump().substr(0, 600);
}

TEST(IntegrationPassive, BadInputIsAClearUsageError) {
  const std::string bin = shell_quote(LEGACYSCAN_BINARY);
  auto none = run_command(bin + " pcap");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("capture files"), std::string::npos) << none.err;
  auto missing = run_command(bin + " pcap /nonexistent/x.pcap");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/x.pcap: No such file or directory"), std::string::npos) << missing.err;
  auto not_pcap = run_command(bin + " pcap " + kSrc + "/README.md");
  EXPECT_EQ(not_pcap.exit_code, 2);
  EXPECT_NE(not_pcap.err.find("README.md"), std::string::npos) << not_pcap.err;
  auto both = run_command(bin + " pcap x.pcap --interface lo");
  EXPECT_EQ(both.exit_code, 2);
  auto no_iface = run_command(bin + " pcap --interface no-such-if0");
  EXPECT_EQ(no_iface.exit_code, 2);
  EXPECT_NE(no_iface.err.find("no-such-if0"), std::string::npos) << no_iface.err;
  // An ordinary user may not capture: the error says what rights are needed.
  auto user = run_command("setpriv --reuid=65534 --regid=65534 --clear-groups " + bin + " pcap --interface lo");
  EXPECT_EQ(user.exit_code, 2);
  EXPECT_NE(user.err.find("CAP_NET_RAW"), std::string::npos) << user.err;
  auto events = run_command(bin + " events " + kSrc + "/CMakeLists.txt");
  EXPECT_EQ(events.exit_code, 2);
  EXPECT_NE(events.err.find("CMakeLists.txt"), std::string::npos) << events.err;
  auto whatif = run_command(bin + " whatif --from-capture " + kSrc + "/tests/data/pcap/smb1.pcap --disable smb9");
  EXPECT_EQ(whatif.exit_code, 2);
  EXPECT_NE(whatif.err.find("smb9"), std::string::npos) << whatif.err;
  auto whatif_both = run_command(bin + " whatif x.json --from-capture y.pcap --disable smb1");
  EXPECT_EQ(whatif_both.exit_code, 2);
}

}  // namespace
}  // namespace legacyscan::testing
