// SPDX-License-Identifier: Apache-2.0
// The netbios probe against the lab's Samba 4.17 DCs (scripts/lab): node status, name queries, the
// NETLOGON mailslot pings over the datagram service, and silence/refusal on the lab's fixture ports.
// What each DC must answer comes from the scenario's own configuration (`scripts/lab info`): NetBIOS
// is on in legacy and stock, off in hardened (`disable netbios = yes`, `smb ports = 445`).
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

struct Dc {
  std::string scenario;
  std::string host;        // LAB_HOST: the NetBIOS computer name
  std::string domain;      // LAB_DOMAIN: the NetBIOS domain
  std::string dns_domain;  // LAB_REALM in lower case
  std::string dns_host;    // LAB_FQDN
  bool netbios = true;     // LAB_NETBIOS
};

Dc dc_of(const std::string& scenario) {
  auto info = lab_info(scenario);
  Dc dc;
  dc.scenario = scenario;
  dc.host = info["LAB_HOST"];
  dc.domain = info["LAB_DOMAIN"];
  dc.dns_domain = info["LAB_REALM"];
  std::transform(dc.dns_domain.begin(), dc.dns_domain.end(), dc.dns_domain.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  dc.dns_host = info["LAB_FQDN"];
  dc.netbios = info["LAB_NETBIOS"] != "no";
  EXPECT_FALSE(dc.host.empty() || dc.domain.empty()) << scenario;
  return dc;
}

nlohmann::json netbios_of(const nlohmann::json& doc) {
  if (!doc.contains("hosts") || doc["hosts"].empty()) return {};
  return doc["hosts"][0]["probes"]["netbios"];
}

bool has_name(const nlohmann::json& names, const std::string& name, const std::string& suffix, bool group) {
  return std::any_of(names.begin(), names.end(), [&](const nlohmann::json& n) {
    return n["name"] == name && n["suffix"] == suffix && n["group"] == group;
  });
}

void validate(const nlohmann::json& doc, const std::string& scenario) {
  const std::string file = ::testing::TempDir() + "/netbios-" + scenario + ".json";
  std::ofstream(file) << doc.dump();
  auto v = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/validate-json " + file);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  std::filesystem::remove(file);
}

class IntegrationNetbios : public ::testing::TestWithParam<std::string> {};

TEST_P(IntegrationNetbios, AnswersOfTheDc) {
  const Dc dc = dc_of(GetParam());
  if (!dc.netbios) {
    // NetBIOS off: nothing listens on UDP 137/138 or TCP 139. The kernel answers the datagrams with
    // ICMP port unreachable, so every part is refused at the first attempt, with the reason; never an
    // error, and 139 is closed.
    const auto doc = scan_json(dc.scenario, {"127.0.0.1", "--probes", "netbios", "--netbios-domain", dc.domain}, 3);
    validate(doc, dc.scenario);
    const auto nb = netbios_of(doc);
    ASSERT_TRUE(nb.is_object()) << doc.dump();
    EXPECT_EQ(nb["status"], "refused") << nb.dump(2);
    EXPECT_NE(nb["reason"].get<std::string>().find("no NetBIOS service answered"), std::string::npos) << nb.dump(2);
    EXPECT_EQ(nb["node_status"]["status"], "refused") << nb.dump(2);
    EXPECT_EQ(nb["node_status"]["attempts"], 1);
    EXPECT_NE(nb["node_status"]["reason"].get<std::string>().find("ICMP port unreachable"), std::string::npos);
    // The DC's own port 137 is free here: the probe must not bind it (it would talk to itself).
    EXPECT_EQ(nb["node_status"]["source_port_137"], false);
    EXPECT_TRUE(nb["node_status"].contains("source_port_note"));
    for (const auto& q : nb["name_queries"]) EXPECT_EQ(q["status"], "skipped") << q.dump();
    for (const char* k : {"sam_logon", "sam_logon_machine_account", "sam_logon_v5ex", "primary_query"}) {
      EXPECT_EQ(nb[k]["status"], "refused") << k << ": " << nb[k].dump();
      EXPECT_EQ(nb[k]["attempts"], 1) << k;
      EXPECT_NE(nb[k]["reason"].get<std::string>().find("no datagram service"), std::string::npos) << nb[k].dump();
      EXPECT_EQ(nb[k]["local_port_138"], false) << k;
    }
    EXPECT_EQ(nb["session_port_139"], "closed");
    EXPECT_FALSE(nb["session_port_139_reason"].get<std::string>().empty());
    // Without --netbios-domain nothing names the domain: the mailslot pings are skipped, not errors.
    const auto plain = netbios_of(scan_json(dc.scenario, {"127.0.0.1", "--probes", "netbios"}, 3));
    EXPECT_EQ(plain["status"], "refused") << plain.dump(2);
    EXPECT_EQ(plain["sam_logon"]["status"], "skipped") << plain.dump(2);
    // With smb selected too, the netbios probe runs after it and the domain smb learnt from NTLM
    // reaches the mailslot pings (which then find port 138 closed).
    const auto with_smb = netbios_of(scan_json(dc.scenario, {"127.0.0.1", "--probes", "smb,netbios"}));
    EXPECT_EQ(with_smb["domain_source"], "host-facts") << with_smb.dump(2);
    EXPECT_EQ(with_smb["domain"], dc.domain);
    EXPECT_EQ(with_smb["sam_logon"]["status"], "refused") << with_smb.dump(2);
    return;
  }
  const auto doc = scan_json(dc.scenario, {"127.0.0.1", "--probes", "netbios"});
  validate(doc, dc.scenario);  // the real output validates against docs/schema
  const auto nb = netbios_of(doc);
  EXPECT_FALSE(nb.contains("broadcast"));  // never without --broadcast
  ASSERT_TRUE(nb.is_object()) << nb.dump();
  EXPECT_EQ(nb["status"], "ok") << nb.dump(2);

  // Node status: computer <00>/<20> unique, domain <00> group, <1B> unique (PDC), <1C> group (DCs).
  const auto& ns = nb["node_status"];
  ASSERT_EQ(ns["status"], "ok") << ns.dump(2);
  EXPECT_EQ(ns["computer"], dc.host);
  EXPECT_EQ(ns["workgroup"], dc.domain);
  const auto& names = ns["names"];
  EXPECT_TRUE(has_name(names, dc.host, "00", false)) << names.dump();
  EXPECT_TRUE(has_name(names, dc.host, "20", false)) << names.dump();
  EXPECT_TRUE(has_name(names, dc.domain, "00", true)) << names.dump();
  EXPECT_TRUE(has_name(names, dc.domain, "1B", false)) << names.dump();
  EXPECT_TRUE(has_name(names, dc.domain, "1C", true)) << names.dump();
  for (const auto& n : names) {
    if (n["suffix"] == "1C") {
      EXPECT_EQ(n["type"], "domain controllers");
    }
    if (n["suffix"] == "1B") {
      EXPECT_EQ(n["type"], "domain master browser (PDC)");
    }
  }
  EXPECT_EQ(ns["unit_id"].get<std::string>().size(), 17u);
  EXPECT_EQ(ns["unit_id_reliable"], false);
  // Samba itself holds 127.0.0.1:137 in the namespace, so the request left from another port.
  EXPECT_EQ(ns["source_port_137"], false);

  // Name queries for <1C> and <1B> at the target.
  ASSERT_EQ(nb["name_queries"].size(), 2u);
  for (const auto& q : nb["name_queries"]) {
    EXPECT_EQ(q["status"], "ok") << q.dump();
    EXPECT_EQ(q["found"], true) << q.dump();
    EXPECT_EQ(q["addresses"], nlohmann::json::array({"127.0.0.1"}));
  }
  EXPECT_EQ(nb["name_queries"][0]["name"], std::string(dc.domain) + "<1C>");
  EXPECT_EQ(nb["name_queries"][0]["group"], true);
  EXPECT_EQ(nb["name_queries"][1]["name"], std::string(dc.domain) + "<1B>");
  EXPECT_EQ(nb["name_queries"][1]["group"], false);
  EXPECT_EQ(nb["domain"], dc.domain);
  EXPECT_EQ(nb["domain_source"], "node-status");

  // SAM LOGON as Windows XP sends it, for any user: the DC answers LOGON_SAM_LOGON_RESPONSE (NT40).
  const auto& sam = nb["sam_logon"];
  ASSERT_EQ(sam["status"], "ok") << sam.dump(2);
  EXPECT_EQ(sam["nt_version_sent"], 1);
  EXPECT_EQ(sam["reply_opcode"], 0x13);
  EXPECT_EQ(sam["reply"], "LOGON_SAM_LOGON_RESPONSE");
  EXPECT_EQ(sam["reply_format"], "NT40");
  EXPECT_EQ(sam["pdc_name"], dc.host);
  EXPECT_EQ(sam["logon_server"], std::string("\\\\") + dc.host);
  EXPECT_EQ(sam["domain"], dc.domain);
  EXPECT_EQ(sam["user"], "");
  EXPECT_EQ(sam["lmnt_token"], 0xFFFF);
  EXPECT_EQ(sam["lm20_token"], 0xFFFF);
  // Samba holds 127.0.0.1:138 too: an ephemeral port went into SOURCE_PORT, and the reply reached it.
  EXPECT_EQ(sam["local_port_138"], false);
  EXPECT_GT(sam["local_port"].get<int>(), 1023);
  EXPECT_TRUE(sam.contains("local_port_note"));
  EXPECT_EQ(sam["reply_from"], "127.0.0.1:138");

  // ... and for an unknown machine account: LOGON_SAM_USER_UNKNOWN naming that account.
  const auto& machine = nb["sam_logon_machine_account"];
  ASSERT_EQ(machine["status"], "ok") << machine.dump(2);
  EXPECT_EQ(machine["user_sent"], "LEGACYSCAN$");
  EXPECT_EQ(machine["reply_opcode"], 0x15);
  EXPECT_EQ(machine["reply"], "LOGON_SAM_USER_UNKNOWN");
  EXPECT_EQ(machine["user"], "LEGACYSCAN$");
  EXPECT_EQ(machine["pdc_name"], dc.host);
  EXPECT_EQ(machine["domain"], dc.domain);

  // V5 | V5EX: the modern answer, LOGON_SAM_LOGON_RESPONSE_EX with the DNS names and DS flags.
  const auto& ex = nb["sam_logon_v5ex"];
  ASSERT_EQ(ex["status"], "ok") << ex.dump(2);
  EXPECT_EQ(ex["nt_version_sent"], 6);
  EXPECT_EQ(ex["reply_opcode"], 0x17);
  EXPECT_EQ(ex["reply"], "LOGON_SAM_LOGON_RESPONSE_EX");
  EXPECT_EQ(ex["pdc_name"], dc.host);
  EXPECT_EQ(ex["domain"], dc.domain);
  EXPECT_EQ(ex["dns_domain"], dc.dns_domain);
  EXPECT_EQ(ex["dns_forest"], dc.dns_domain);
  EXPECT_EQ(ex["dns_host"], dc.dns_host);
  EXPECT_EQ(ex["dc_site"], "Default-First-Site-Name");
  const auto flags = ex["ds_flag_names"].get<std::vector<std::string>>();
  for (const char* f : {"PDC", "GC", "LDAP", "DS", "KDC", "WRITABLE"})
    EXPECT_NE(std::find(flags.begin(), flags.end(), f), flags.end()) << f;

  // Primary query: the PDC names itself.
  const auto& pq = nb["primary_query"];
  ASSERT_EQ(pq["status"], "ok") << pq.dump(2);
  EXPECT_EQ(pq["reply"], "LOGON_PRIMARY_RESPONSE");
  EXPECT_EQ(pq["reply_opcode"], 0x0C);
  EXPECT_EQ(pq["pdc_name"], dc.host);
  EXPECT_EQ(pq["domain"], dc.domain);
  EXPECT_EQ(pq["destination"], std::string(dc.domain) + "<1B>");

  EXPECT_EQ(nb["session_port_139"], "open");
}

INSTANTIATE_TEST_SUITE_P(Integration, IntegrationNetbios, ::testing::Values("legacy", "hardened", "stock"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// A SAM LOGON for another domain: Samba stays silent, and the probe says timeout after its retries.
TEST(IntegrationNetbiosSilence, WrongDomainIsTimeout) {
  const auto nb = netbios_of(scan_json("legacy",
                                       {"127.0.0.1", "--probes", "netbios", "--ports", "netbios:138",
                                        "--netbios-domain", "NOSUCHDOMAIN", "--timeout", "300ms", "--retries", "1"},
                                       3));
  ASSERT_TRUE(nb.is_object());
  EXPECT_EQ(nb["status"], "timeout") << nb.dump(2);
  EXPECT_EQ(nb["domain_source"], "option");
  EXPECT_EQ(nb["sam_logon"]["status"], "timeout");
  EXPECT_EQ(nb["sam_logon"]["attempts"], 2);  // the first try and one retry
  EXPECT_NE(nb["sam_logon"]["reason"].get<std::string>().find("no LOGON_SAM_LOGON_REQUEST reply"), std::string::npos);
  // After silence the later pings get one try each.
  EXPECT_EQ(nb["sam_logon_v5ex"]["attempts"], 1);
  EXPECT_FALSE(nb.contains("node_status"));  // 137 not selected
}

// The lab's port 4450 drops everything: timeouts, told apart by retries, never an error. --no-ping:
// the engine's reachability check would TCP-connect 4450 (the probe has a TCP port, 139) and give up.
TEST(IntegrationNetbiosSilence, DroppedPortsAreTimeouts) {
  const auto nb = netbios_of(scan_json(
      "legacy",
      {"127.0.0.1", "--no-ping", "--probes", "netbios", "--ports", "netbios:4450", "--netbios-name-port", "4450",
       "--netbios-datagram-port", "4450", "--netbios-domain", "LEGACY", "--timeout", "200ms", "--retries", "1"},
      3));
  ASSERT_TRUE(nb.is_object());
  EXPECT_EQ(nb["status"], "timeout") << nb.dump(2);
  EXPECT_EQ(nb["node_status"]["status"], "timeout");
  EXPECT_EQ(nb["node_status"]["attempts"], 2);
  for (const auto& q : nb["name_queries"]) EXPECT_EQ(q["status"], "skipped") << q.dump();
  EXPECT_EQ(nb["sam_logon"]["status"], "timeout");
  EXPECT_EQ(nb["primary_query"]["status"], "timeout");
}

// Port 4451 is closed: ICMP port unreachable makes both services "refused" at once.
TEST(IntegrationNetbiosSilence, ClosedPortsAreRefused) {
  const auto nb = netbios_of(
      scan_json("legacy",
                {"127.0.0.1", "--no-ping", "--probes", "netbios", "--ports", "netbios:4451", "--netbios-name-port",
                 "4451", "--netbios-datagram-port", "4451", "--netbios-domain", "LEGACY", "--timeout", "2s"},
                3));
  ASSERT_TRUE(nb.is_object());
  EXPECT_EQ(nb["status"], "refused") << nb.dump(2);
  EXPECT_EQ(nb["node_status"]["status"], "refused");
  EXPECT_EQ(nb["node_status"]["attempts"], 1);
  EXPECT_EQ(nb["sam_logon"]["status"], "refused");
  EXPECT_EQ(nb["sam_logon"]["attempts"], 1);
  EXPECT_EQ(nb["primary_query"]["status"], "refused");
}

// A hostile peer: a UDP responder in the lab namespace (127.0.0.1 only) that answers every request with
// a malformed packet: on the name service port a response whose RDLENGTH runs past the end, on the
// datagram port a DIRECT_UNIQUE datagram, sent to the header's SOURCE_IP/SOURCE_PORT, whose DGM_LENGTH
// runs past the end. The probe must say protocol-error, with what was malformed.
constexpr const char* kHostileResponder = R"PY(
import socket, struct, sys
port, mode, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
golden = [bytes.fromhex(open(p).read().strip()) for p in sys.argv[4:]]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", port))
open(ready, "w").close()
s.settimeout(20)
seen = set()
try:
    while True:
        data, addr = s.recvfrom(65535)
        header_source = (socket.inet_ntoa(data[4:8]), struct.unpack(">H", data[8:10])[0]) if len(data) >= 10 else addr
        if mode == "ns" and len(data) >= 46:
            s.sendto(data[0:2] + bytes([0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]) + data[12:46] +
                     bytes([0, 0x21, 0, 1, 0, 0, 0, 0, 0x01, 0x00]), addr)
        elif mode == "dgm" and len(data) >= 10:
            s.sendto(bytes([0x10, 0x02, 0, 1]) + data[4:10] + struct.pack(">HH", 500, 0) + b" " + b"A" * 10,
                     header_source)
        elif mode.startswith("lossy") and addr not in seen:
            seen.add(addr)  # lose the first datagram of every exchange (each has its own source port)
        elif mode == "lossy-ns" and len(data) >= 50:
            g = golden[0] if data[46:48] == b"\x00\x21" else golden[1]
            s.sendto(data[0:2] + g[2:12] + data[12:46] + g[46:], addr)  # echo the name asked for
        elif mode == "lossy-dgm" or (mode == "dgm-from-138" and addr[1] == 138):
            at = data.find(b"\\MAILSLOT\\NET\\NETLOGON\x00") + 23
            g = golden[1] if data[at] == 0x07 else golden[0]
            mine = data.find(b"\\MAILSLOT\\NET\\GETDC", at)
            theirs = g.find(b"\\MAILSLOT\\NET\\GETDC")
            g = g[:theirs] + data[mine:mine + 22] + g[theirs + 22:]
            s.sendto(g, header_source)
        elif mode == "ns-from-137" and addr[1] == 137 and len(data) >= 50 and data[46:48] == b"\x00\x21":
            s.sendto(data[0:2] + golden[0][2:12] + data[12:46] + golden[0][46:], addr)  # old stacks: only to 137
except socket.timeout:
    pass
)PY";

class HostileResponder {
 public:
  HostileResponder(int port, const char* mode, const std::vector<std::string>& golden = {},
                   const std::string& scenario = "legacy") {
    const std::string base = ::testing::TempDir() + "/netbios-hostile-" + std::to_string(::getpid()) + "-" + mode;
    script_ = base + ".py";
    ready_ = base + ".ready";
    pid_file_ = base + ".pid";
    std::filesystem::remove(ready_);
    std::ofstream(script_) << kHostileResponder;
    std::string cmd = "sh -c 'echo $$ > " + pid_file_ + "; exec ip netns exec ls-" + scenario + " python3 " + script_ +
                      " " + std::to_string(port) + " " + mode + " " + ready_;
    for (const auto& g : golden) cmd += " " + std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/netbios/" + g + ".hex";
    cmd += "' >/dev/null 2>&1 &";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    for (int i = 0; i < 100 && !std::filesystem::exists(ready_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(std::filesystem::exists(ready_)) << "the responder did not start";
  }
  ~HostileResponder() {
    std::ifstream f(pid_file_);
    pid_t pid = 0;
    if (f >> pid && pid > 0) ::kill(pid, SIGTERM);
    std::filesystem::remove(script_);
    std::filesystem::remove(ready_);
    std::filesystem::remove(pid_file_);
  }

 private:
  std::string script_, ready_, pid_file_;
};

TEST(IntegrationNetbiosHostile, MalformedAnswersAreProtocolErrors) {
  HostileResponder ns(4461, "ns");
  HostileResponder dgm(4462, "dgm");
  const auto nb = netbios_of(scan_json(
      "legacy",
      {"127.0.0.1", "--no-ping", "--probes", "netbios", "--ports", "netbios:4461,netbios:4462", "--netbios-name-port",
       "4461", "--netbios-datagram-port", "4462", "--netbios-domain", "LEGACY", "--timeout", "300ms", "--retries", "0"},
      3));
  ASSERT_TRUE(nb.is_object());
  EXPECT_EQ(nb["status"], "protocol-error") << nb.dump(2);
  EXPECT_EQ(nb["node_status"]["status"], "protocol-error");
  EXPECT_NE(nb["node_status"]["reason"].get<std::string>().find("RDLENGTH"), std::string::npos) << nb["node_status"];
  for (const auto& q : nb["name_queries"]) EXPECT_EQ(q["status"], "protocol-error") << q.dump();
  for (const char* k : {"sam_logon", "sam_logon_machine_account", "sam_logon_v5ex", "primary_query"}) {
    EXPECT_EQ(nb[k]["status"], "protocol-error") << k << ": " << nb[k].dump();
    EXPECT_NE(nb[k]["reason"].get<std::string>().find("DGM_LENGTH"), std::string::npos) << nb[k].dump();
  }
}

// Loss: a responder that drops the first datagram of every exchange and answers the retry with a
// reply captured from the legacy DC. Every part is ok after two attempts, and says so.
TEST(IntegrationNetbiosLoss, RetriesRecoverFromLoss) {
  HostileResponder ns(4463, "lossy-ns", {"legacy_node_status_response", "legacy_name_query_1c_response"});
  HostileResponder dgm(4464, "lossy-dgm", {"legacy_sam_logon_v1_response", "legacy_primary_query_response"});
  const auto nb =
      netbios_of(scan_json("legacy", {"127.0.0.1", "--no-ping", "--probes", "netbios", "--ports",
                                      "netbios:4463,netbios:4464", "--netbios-name-port", "4463",
                                      "--netbios-datagram-port", "4464", "--timeout", "300ms", "--retries", "2"}));
  ASSERT_TRUE(nb.is_object());
  EXPECT_EQ(nb["status"], "ok") << nb.dump(2);
  EXPECT_EQ(nb["node_status"]["status"], "ok");
  EXPECT_EQ(nb["node_status"]["attempts"], 2);
  EXPECT_EQ(nb["node_status"]["computer"], "DC1");
  EXPECT_EQ(nb["domain"], "LEGACY");
  for (const auto& q : nb["name_queries"]) {
    EXPECT_EQ(q["status"], "ok") << q.dump();
    EXPECT_EQ(q["attempts"], 2) << q.dump();
  }
  for (const char* k : {"sam_logon", "sam_logon_machine_account", "sam_logon_v5ex", "primary_query"}) {
    EXPECT_EQ(nb[k]["status"], "ok") << k << ": " << nb[k].dump();
    EXPECT_EQ(nb[k]["attempts"], 2) << k;
  }
  EXPECT_EQ(nb["sam_logon"]["reply"], "LOGON_SAM_LOGON_RESPONSE");
  EXPECT_EQ(nb["primary_query"]["reply"], "LOGON_PRIMARY_RESPONSE");
}

// --netbios-local-port: the datagram socket takes that port and writes it into SOURCE_PORT; Samba's
// reply (sent to SOURCE_PORT) reaches it there.
TEST(IntegrationNetbiosPorts, LocalDatagramPortGoesIntoTheHeader) {
  const auto nb = netbios_of(scan_json("legacy", {"127.0.0.1", "--probes", "netbios", "--ports",
                                                  "netbios:137,netbios:138", "--netbios-local-port", "4470"}));
  ASSERT_TRUE(nb.is_object());
  const auto& sam = nb["sam_logon"];
  EXPECT_EQ(sam["status"], "ok") << sam.dump(2);
  EXPECT_EQ(sam["local_port"], 4470);
  EXPECT_EQ(sam["local_port_138"], false);
  EXPECT_FALSE(sam.contains("local_port_note"));
  EXPECT_EQ(sam["reply"], "LOGON_SAM_LOGON_RESPONSE");
  EXPECT_FALSE(nb.contains("session_port_139"));  // 139 not selected
}

// Old stacks answer only queries that come from port 137, and send datagram replies only to 138. A
// responder in the hardened DC's namespace (where nothing holds 137/138) behaves so. As root the probe
// binds both ports and gets its answers; as an ordinary user (setpriv to nobody) it cannot, says so,
// and gets silence.
TEST(IntegrationNetbiosPorts, PrivilegedSourcePortsAsRootAndAsNobody) {
  HostileResponder ns(4465, "ns-from-137", {"legacy_node_status_response"}, "hardened");
  HostileResponder dgm(4466, "dgm-from-138", {"legacy_sam_logon_v1_response", "legacy_primary_query_response"},
                       "hardened");
  const std::vector<std::string> args{"127.0.0.1",
                                      "--no-ping",
                                      "--probes",
                                      "netbios",
                                      "--ports",
                                      "netbios:4465,netbios:4466",
                                      "--netbios-name-port",
                                      "4465",
                                      "--netbios-datagram-port",
                                      "4466",
                                      "--netbios-domain",
                                      "LEGACY",
                                      "--timeout",
                                      "400ms",
                                      "--retries",
                                      "0"};
  const auto root = netbios_of(scan_json("hardened", args));
  ASSERT_TRUE(root.is_object());
  EXPECT_EQ(root["node_status"]["status"], "ok") << root.dump(2);
  EXPECT_EQ(root["node_status"]["source_port_137"], true);
  EXPECT_FALSE(root["node_status"].contains("source_port_note"));
  EXPECT_EQ(root["sam_logon"]["status"], "ok") << root["sam_logon"].dump(2);
  EXPECT_EQ(root["sam_logon"]["local_port"], 138);
  EXPECT_EQ(root["sam_logon"]["local_port_138"], true);

  std::string cmd = "ip netns exec ls-hardened setpriv --reuid=nobody --regid=nogroup --clear-groups " +
                    shell_quote(LEGACYSCAN_BINARY) + " scan";
  for (const auto& a : args) cmd += " " + shell_quote(a);
  const auto r = run_command(cmd + " --format json");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  const auto nobody = netbios_of(nlohmann::json::parse(r.out));
  ASSERT_TRUE(nobody.is_object()) << r.out;
  EXPECT_EQ(nobody["node_status"]["status"], "timeout") << nobody.dump(2);
  EXPECT_EQ(nobody["node_status"]["source_port_137"], false);
  EXPECT_NE(nobody["node_status"]["source_port_note"].get<std::string>().find("cannot bind UDP 137"),
            std::string::npos);
  EXPECT_EQ(nobody["sam_logon"]["status"], "timeout");
  EXPECT_EQ(nobody["sam_logon"]["local_port_138"], false);
  EXPECT_GT(nobody["sam_logon"]["local_port"].get<int>(), 1023);
  EXPECT_NE(nobody["sam_logon"]["local_port_note"].get<std::string>().find("cannot bind UDP 138"), std::string::npos);
}

// --broadcast: the requests go to the namespace's loopback broadcast address (127.255.255.255, which
// Samba listens on too); every DC that answers is listed. The hardened DC has no NetBIOS: silence.
TEST(IntegrationNetbiosBroadcast, EveryAnswerIsListed) {
  for (const std::string scenario : {"legacy", "hardened"}) {
    SCOPED_TRACE(scenario);
    const Dc dc = dc_of(scenario);
    const auto doc = scan_json(scenario,
                               {"127.0.0.1", "--probes", "netbios", "--ports", "netbios:137,netbios:138",
                                "--netbios-domain", dc.domain, "--broadcast", "127.255.255.255", "--timeout", "800ms"},
                               dc.netbios ? 0 : 3);
    validate(doc, "broadcast-" + scenario);
    const auto b = netbios_of(doc)["broadcast"];
    ASSERT_TRUE(b.is_object()) << doc.dump(2);
    EXPECT_EQ(b["address"], "127.255.255.255");
    ASSERT_EQ(b["queries"].size(), 3u) << b.dump(2);
    EXPECT_EQ(b["queries"][0]["request"], "NODE STATUS");
    EXPECT_EQ(b["queries"][1]["request"], "NAME QUERY " + dc.domain + "<1C>");
    EXPECT_EQ(b["queries"][2]["request"], "LOGON_SAM_LOGON_REQUEST");
    for (const auto& q : b["queries"]) {
      EXPECT_EQ(q["sent"], 3) << q.dump();  // the first try and two resends within the window
      if (!dc.netbios) {
        EXPECT_EQ(q["status"], "timeout") << q.dump();
        EXPECT_TRUE(q["answers"].empty());
        continue;
      }
      EXPECT_EQ(q["status"], "ok") << q.dump();
      ASSERT_EQ(q["answers"].size(), 1u) << q.dump();  // one DC, heard once whatever the resends
    }
    if (!dc.netbios) continue;
    const auto& ns = b["queries"][0]["answers"][0];
    EXPECT_EQ(ns["responder"], "127.0.0.1:137");
    EXPECT_EQ(ns["computer"], dc.host);
    EXPECT_EQ(ns["workgroup"], dc.domain);
    EXPECT_EQ(b["queries"][1]["answers"][0]["addresses"], nlohmann::json::array({"127.0.0.1"}));
    const auto& sam = b["queries"][2]["answers"][0];
    EXPECT_EQ(sam["responder"], "127.0.0.1:138");
    EXPECT_EQ(sam["reply"], "LOGON_SAM_LOGON_RESPONSE");
    EXPECT_EQ(sam["computer"], dc.host);
    EXPECT_EQ(sam["workgroup"], dc.domain);
  }
}

// Bad probe options are usage errors (exit 2, the option named), found before anything is sent.
TEST(IntegrationNetbiosOptions, BadValuesAreUsageErrors) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"--broadcast", "everyone"}, "--broadcast everyone: not an IPv4 address"},
      {{"--netbios-local-port", "70000"}, "--netbios-local-port 70000: not a port number"},
      {{"--netbios-name-port", "0"}, "--netbios-name-port 0: not a port number"},
      {{"--netbios-domain", "A-DOMAIN-NAME-TOO-LONG"}, "--netbios-domain must be at most 15 characters"},
      {{"--ldap-aac", "bogus"}, "--ldap-aac bogus: 'bogus' is neither a number nor one of"},
  };
  for (const auto& [extra, message] : cases) {
    std::vector<std::string> args{"scan", "127.0.0.1", "--probes", "netbios,ldap"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_in_lab("legacy", args);
    EXPECT_EQ(r.exit_code, 2) << extra[0] << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace legacyscan::testing
