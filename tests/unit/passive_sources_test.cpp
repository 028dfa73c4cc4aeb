// SPDX-License-Identifier: Apache-2.0
// Passive mode on the authentication carried by SMB1 named pipes, HTTP and Sicily binds, on lab
// captures of real clients (scripts/make-captures: rpcclient over SMB1, curl --ntlm/--negotiate,
// python3-ldap3), and on public captures of Windows networks (tests/data/README.md). Every
// expectation is tshark's decoding of the same file.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "src/passive/passive.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "tests/unit/passive_capture_support.hpp"

namespace legacyscan::passive {
namespace {

using testing::kPcapDir;
using testing::read_binary;
using testing::tshark_fields;

const std::string kPublicDir = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/public/";

Report analyze_file(const std::string& file) {
  Analyzer a;
  EXPECT_EQ(read_capture_files({file}, a), "");
  return a.finish();
}

// tshark prints an absent string as "NULL".
std::string field(const std::string& s) { return s == "NULL" ? "" : s; }

using Rows = std::vector<std::vector<std::string>>;

// Calls check(client, row) for each tshark row (its first two fields: ip.src, ipv6.src) and returns
// how many rows each client sent.
std::map<std::string, std::uint64_t> per_client(
    const Report& r, const Rows& rows,
    const std::function<void(const Client&, const std::vector<std::string>&)>& check) {
  std::map<std::string, std::uint64_t> n;
  for (const auto& row : rows) {
    const std::string addr = row[0].empty() ? row[1] : row[0];
    const auto it = r.clients.find(addr);
    if (it == r.clients.end()) {
      ADD_FAILURE() << "no client " << addr;
      continue;
    }
    check(it->second, row);
    ++n[addr];
  }
  return n;
}

// Every NTLM AUTHENTICATE tshark finds under `filter`: the user, workstation and version legacyscan
// reports for its sender, and one `via` per message.
void expect_ntlm_agrees(const std::string& file, const std::string& filter, const std::string& via) {
  SCOPED_TRACE(file);
  const auto rows = tshark_fields(file, "ntlmssp.messagetype == 0x00000003 && (" + filter + ")",
                                  {"ip.src", "ipv6.src", "ntlmssp.auth.username", "ntlmssp.auth.domain",
                                   "ntlmssp.auth.hostname", "ntlmssp.auth.ntresponse"});
  ASSERT_FALSE(rows.empty());
  const Report r = analyze_file(file);
  EXPECT_EQ(r.source.decode_errors, 0u);
  const auto sent = per_client(r, rows, [](const Client& c, const std::vector<std::string>& row) {
    ASSERT_TRUE(c.ntlm);
    const std::string user = field(row[2]), domain = field(row[3]), host = field(row[4]);
    if (!user.empty()) {
      EXPECT_TRUE(c.ntlm->users.has(domain.empty() ? user : domain + "\\" + user)) << user;
    }
    if (!host.empty()) {
      EXPECT_TRUE(c.ntlm->workstations.has(host)) << host;
    }
    // [MS-NLMP] 3.3: a 24-byte NT response is NTLMv1, a longer one NTLMv2.
    const std::size_t nt = row[5].size() / 2;
    if (nt >= 24) {
      EXPECT_TRUE(c.ntlm->versions.has(nt > 24 ? "NTLMv2" : "NTLMv1"));
    }
  });
  for (const auto& [addr, n] : sent) EXPECT_EQ(r.clients.at(addr).ntlm->via.count(via), n) << addr;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

// Every AP-REQ tshark finds under `filter`: the service ticket's etype per service and the
// authenticator's etype, and one `via` per AP-REQ.
void expect_ap_req_agrees(const std::string& file, const std::string& filter, const std::string& via) {
  SCOPED_TRACE(file);
  const auto rows = tshark_fields(file, "kerberos.msg_type == 14 && (" + filter + ")",
                                  {"ip.src", "ipv6.src", "kerberos.etype", "kerberos.SNameString"});
  ASSERT_FALSE(rows.empty());
  const Report r = analyze_file(file);
  const auto sent = per_client(r, rows, [](const Client& c, const std::vector<std::string>& row) {
    ASSERT_TRUE(c.kerberos);
    const auto etypes = split(row[2]);  // the ticket's enc-part, then the authenticator
    ASSERT_EQ(etypes.size(), 2u) << row[2];
    std::string sname;
    for (const auto& part : split(row[3])) sname += (sname.empty() ? "" : "/") + part;
    const std::string ticket = sname + ": " + kerberos::etype_name(std::stoi(etypes[0]));
    EXPECT_TRUE(c.kerberos->ap_req_ticket_etypes.has(ticket)) << ticket;
    EXPECT_TRUE(c.kerberos->ap_req_authenticator_etypes.has(kerberos::etype_name(std::stoi(etypes[1]))));
  });
  for (const auto& [addr, n] : sent) EXPECT_EQ(r.clients.at(addr).kerberos->ap_req_via.count(via), n) << addr;
}

// ---- lab captures -----------------------------------------------------------------------------------

TEST(PassiveSources, NtlmInSmb1NamedPipes) {
  // rpcclient [sign] over SMB1 (client ipc max protocol = NT1): the bind in a TRANSACTION on
  // \PIPE\, the AUTH3 in a WRITE_ANDX.
  const std::string file = kPcapDir + "rpc-smb1.pcap";
  ASSERT_FALSE(tshark_fields(file, "smb.cmd == 0x25 && dcerpc.pkt_type == 11", {"frame.number"}).empty());
  ASSERT_FALSE(tshark_fields(file, "smb.cmd == 0x2f && dcerpc.pkt_type == 16", {"frame.number"}).empty());
  expect_ntlm_agrees(file, "dcerpc", "dcerpc");
  expect_ntlm_agrees(file, "smb.cmd == 0x73", "smb");
}

TEST(PassiveSources, HttpNtlmAndNegotiate) {
  // curl --ntlm against a stub asking for NTLM on 5985 (WinRM), curl --negotiate after an RC4-only
  // kinit against one asking for Negotiate on 80 (HTTP/dc1.legacy.test from the legacy DC's KDC).
  const std::string file = kPcapDir + "http-auth.pcap";
  expect_ntlm_agrees(file, "http", "http");
  expect_ap_req_agrees(file, "http", "http");
  const Report r = analyze_file(file);
  const auto asked = tshark_fields(file, "http.www_authenticate", {"ip.src", "tcp.srcport", "http.www_authenticate"});
  ASSERT_FALSE(asked.empty());
  for (const auto& row : asked) {
    const std::string server = row[0] + ":" + row[1];
    ASSERT_TRUE(r.servers.count(server)) << server;
    for (const auto& challenge : split(row[2]))
      EXPECT_TRUE(r.servers.at(server).facts.has("HTTP WWW-Authenticate " + challenge.substr(0, challenge.find(' '))))
          << challenge;
  }
}

TEST(PassiveSources, SicilyNegotiateAndAuthenticateFromLdap3) {
  // python3-ldap3 authentication=NTLM through all three Sicily binds (package discovery [9],
  // NEGOTIATE [10], AUTHENTICATE [11]) against a stub that accepts them.
  const std::string file = kPcapDir + "ldap-sicily-ntlm.pcap";
  const auto binds = tshark_fields(file, "ldap.protocolOp == 0", {"ip.src"});
  ASSERT_EQ(binds.size(), 3u);
  expect_ntlm_agrees(file, "ldap", "ldap");
  // One SICILY bind per NEGOTIATE: the AUTHENTICATE continues it, the package discovery only asks.
  const auto negotiates = tshark_fields(file, "ldap && ntlmssp.messagetype == 0x00000001", {"ip.src"});
  const Report r = analyze_file(file);
  const Client& c = r.clients.at(binds[0][0]);
  ASSERT_TRUE(c.ldap);
  EXPECT_EQ(c.ldap->sasl_binds.count("SICILY"), negotiates.size());
}

// ---- public captures (tests/data/README.md) ------------------------------------------------------

TEST(PassiveSources, PublicCapturesAgreeWithTshark) {
  expect_ntlm_agrees(kPublicDir + "dce_rpc_ntlm.pcapng", "dcerpc", "dcerpc");
  expect_ntlm_agrees(kPublicDir + "raw_ntlm_in_smb.pcap", "smb || smb2", "smb");
  expect_ntlm_agrees(kPublicDir + "aduser1-ntlm.pcap", "ldap", "ldap");
  expect_ap_req_agrees(kPublicDir + "kerberos135_auth.pcapng", "dcerpc", "dcerpc");
  expect_ap_req_agrees(kPublicDir + "kerberos445_auth.pcapng", "smb2", "smb");
  expect_ap_req_agrees(kPublicDir + "kerberos_tso.pcapng", "smb2", "smb");
}

}  // namespace
}  // namespace legacyscan::passive
