// SPDX-License-Identifier: Apache-2.0
// The vpn probe's PPTP answer against what a real PPTP client experiences: Debian's pptp-linux
// (`pptp --nolaunchpppd`) connects to the lab's pptpd (scenario vpn) while dumpcap records the control
// connection, and tshark decodes the Start-Control-Connection-Reply the client received. Its protocol
// version, result and error codes, host name and vendor must be legacyscan's, and the client must go on
// to place a call (Outgoing-Call-Request) exactly where legacyscan says the control connection is
// accepted. Only the control connection is compared: without pppd the client clears the call at once,
// and PPP with MS-CHAPv2/MPPE would need the ppp kernel modules and a login pptpd does not grant here.
#include <gtest/gtest.h>

#include <sstream>

#include "lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

struct PptpMessage {
  int type = 0;  // RFC 2637 2.1 Control Message Type
  std::string version, result, error, host, vendor, out_result;
};

// The control messages of a capture, in order, as tshark's PPTP dissector decodes them.
std::vector<PptpMessage> pptp_messages(const std::string& pcap) {
  auto r = run_command("tshark -r " + shell_quote(pcap) +
                       " -Y pptp -T fields -E separator=/t -E occurrence=f -e pptp.control_message_type"
                       " -e pptp.protocol_version -e pptp.control_result -e pptp.error -e pptp.host_name"
                       " -e pptp.vendor_name -e pptp.out_result");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<PptpMessage> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::istringstream cols(line);
    for (std::string c; std::getline(cols, c, '\t');) f.push_back(c);
    f.resize(7);
    if (f[0].empty()) continue;
    out.push_back({std::stoi(f[0]), f[1], f[2], f[3], f[4], f[5], f[6]});
  }
  return out;
}

const PptpMessage* first_of(const std::vector<PptpMessage>& m, int type) {
  for (const auto& x : m)
    if (x.type == type) return &x;
  return nullptr;
}

TEST(IntegrationPptpClient, PptpLinuxAgreesWithTheVpnProbe) {
  auto st = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab status vpn");
  ASSERT_EQ(st.exit_code, 0) << "the vpn scenario is not up (scripts/lab up vpn)";
  ASSERT_EQ(run_command("command -v pptp").exit_code, 0) << "pptp-linux is missing: run scripts/deps";

  const json doc = scan_json("vpn", {"127.0.0.1", "--probes", "vpn,matrix", "--ports", "1723", "--no-ping", "--timeout",
                                     "3s", "--profiles", "windows-7"});
  const json& host = doc.at("hosts").at(0);
  const json pptp = host.at("probes").at("vpn").at("pptp");
  SCOPED_TRACE(pptp.dump());
  ASSERT_EQ(pptp.at("status"), "ok");

  // The real client, under a capture of its control connection; --nohostroute: no route changes.
  const std::string pcap = ::testing::TempDir() + "/legacyscan-pptp-client.pcap";
  const std::string log = pcap + ".dumpcap";
  const std::string script = "dumpcap -q -P -i lo -f 'tcp port 1723' -w " + shell_quote(pcap) + " 2>" +
                             shell_quote(log) + " & p=$!; for i in $(seq 100); do grep -q 'Capturing on' " +
                             shell_quote(log) +
                             " && break; sleep 0.1; done; sleep 0.3; timeout 5 pptp 127.0.0.1 --nolaunchpppd "
                             "--nohostroute </dev/null >/dev/null 2>&1; sleep 0.5; kill -INT $p; wait $p";
  auto r = run_command("ip netns exec ls-vpn sh -c " + shell_quote(script));
  ASSERT_EQ(r.exit_code, 0) << r.err << slurp(log);
  const auto messages = pptp_messages(pcap);
  std::string seen;
  for (const auto& m : messages) seen += std::to_string(m.type) + " ";
  SCOPED_TRACE("control messages on the wire: " + seen);
  ASSERT_NE(first_of(messages, 1), nullptr) << "pptp sent no Start-Control-Connection-Request";
  const auto* reply = first_of(messages, 2);
  ASSERT_NE(reply, nullptr) << "pptpd sent no Start-Control-Connection-Reply to pptp";

  // What the client received is what legacyscan reports (version 0x0100 is "1.0", RFC 2637 2.2).
  const int version = std::stoi(reply->version);
  EXPECT_EQ(std::to_string(version >> 8) + "." + std::to_string(version & 0xff), pptp.at("protocol_version"));
  EXPECT_EQ(std::stoi(reply->result), pptp.at("result_code").get<int>());
  EXPECT_EQ(reply->error.empty() ? 0 : std::stoi(reply->error), pptp.at("error_code").get<int>());
  EXPECT_EQ(reply->host, pptp.at("host_name"));
  EXPECT_EQ(reply->vendor, pptp.at("vendor"));

  // The client places a call only over an accepted control connection (result 1, RFC 2637 2.2);
  // that is where legacyscan's check reads BAD and the Windows 7 PPTP cell is not a failure.
  const bool accepted = pptp.at("result_code") == 1;
  EXPECT_EQ(first_of(messages, 7) != nullptr, accepted) << "Outgoing-Call-Request";
  bool bad = false;
  for (const auto& f : host.at("findings"))
    if (f.at("check") == "vpn.pptp") bad = f.at("verdict") == "bad";
  EXPECT_EQ(bad, accepted);
  for (const auto& row : host.at("matrix"))
    if (row.at("profile") == "windows-7") {
      const json cell = row.at("protocols").at("vpn").at("pptp");
      EXPECT_EQ(cell.at("verdict") != "fails", accepted) << cell.dump();
    }
  // pptpd answers the call (Outgoing-Call-Reply, result 1 = Connected); no PPP follows without pppd.
  if (const auto* call = first_of(messages, 8)) {
    EXPECT_EQ(call->out_result, "1");
  }
}

}  // namespace
}  // namespace legacyscan::testing
