// SPDX-License-Identifier: Apache-2.0
// Passive mode on what captures from real networks contain: segmentation offload (IPv4 total length
// 0), SMB sessions signed only where SMB 3.x always signs, several sessions on one connection,
// NetBIOS node status answers from port 137 to port 137, a TLS 1.3 HelloRetryRequest and a warning
// alert before the ServerHello. The captures come from real clients against the lab
// (scripts/make-captures); every expectation comes from tshark's decoding of the same file, here.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "src/passive/passive.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/proto/ldap/ldap_request.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "src/proto/tls/tls_codec.hpp"
#include "tests/unit/passive_capture_support.hpp"

namespace legacyscan::passive {
namespace {

using testing::kPcapDir;
using testing::read_binary;
using testing::rewrite_pcap;
using testing::TempCapture;
using testing::tshark_fields;

constexpr std::size_t kEth = 14;  // the lab captures are Ethernet (Linux lo)

Report analyze_bytes(const std::string& data) {
  Analyzer a;
  EXPECT_EQ(read_capture_buffer(as_bytes(data), a), "");
  return a.finish();
}

std::size_t ipv4_header(const std::uint8_t* f, std::size_t n) {
  if (n < kEth + 20 || f[12] != 0x08 || f[13] != 0x00 || (f[kEth] >> 4) != 4) return 0;
  return static_cast<std::size_t>(f[kEth] & 0x0f) * 4;
}

std::uint16_t first_hex16(const std::string& field) {
  return static_cast<std::uint16_t>(std::stoul(field.substr(0, field.find(',')), nullptr, 16));
}

// ---- segmentation offload ------------------------------------------------------------------------

// What a capture on the sending host looks like with TSO: every TCP segment that carries data has
// IPv4 total length 0.
std::string as_offloaded(const std::string& pcap) {
  return rewrite_pcap(pcap, [](std::uint8_t* f, std::size_t n) {
    const std::size_t ihl = ipv4_header(f, n);
    if (ihl == 0 || f[kEth + 9] != 6 || n < kEth + ihl + 20) return;
    const std::size_t tcp_len = static_cast<std::size_t>(f[kEth + ihl + 12] >> 4) * 4;
    if (n > kEth + ihl + tcp_len) f[kEth + 2] = f[kEth + 3] = 0;
  });
}

TEST(PassiveRealTraffic, ZeroIpv4TotalLengthIsReadAsTheCapturedLength) {
  for (const char* name : {"kinit-rc4", "ldap-sasl", "smb311-unsigned"}) {
    SCOPED_TRACE(name);
    const std::string original = read_binary(kPcapDir + name + ".pcap");
    const std::string offloaded = as_offloaded(original);
    TempCapture file(offloaded, std::string("tso-") + name);
    // The segments rewritten are those tshark sees carrying TCP data; tshark reads the rewritten file
    // as segmentation offload (its "TSO support") and finds the same segments in it.
    const auto data = tshark_fields(kPcapDir + name + ".pcap", "ip && tcp.len > 0", {"frame.number", "tcp.len"});
    ASSERT_FALSE(data.empty());
    EXPECT_EQ(tshark_fields(file.path, "ip && tcp.len > 0", {"frame.number", "tcp.len"}), data);

    const Report before = analyze_bytes(original);
    const Report after = analyze_bytes(offloaded);
    EXPECT_EQ(before.source.tso_packets, 0u);
    EXPECT_EQ(after.source.tso_packets, data.size());
    EXPECT_EQ(after.source.undecodable_packets, before.source.undecodable_packets);
    EXPECT_EQ(after.source.decode_errors, before.source.decode_errors);
    // Every fact about every client is the same as without offload.
    EXPECT_EQ(to_json(after)["clients"], to_json(before)["clients"]);
  }
}

// ---- SMB signing per session ---------------------------------------------------------------------

struct SessionCount {
  std::uint64_t signed_requests = 0, unsigned_requests = 0;
};

// The rule of docs/passive.md applied to tshark's fields: the requests after a successful
// SESSION_SETUP, without the TREE_CONNECT of SMB 3.x and FSCTL_VALIDATE_NEGOTIATE_INFO.
std::map<std::string, SessionCount> tshark_sessions(const std::string& file) {
  std::uint16_t dialect = 0;
  for (const auto& row : tshark_fields(file, "smb2.cmd == 0 && smb2.flags.response == 1", {"smb2.dialect"}))
    if (!row[0].empty() && first_hex16(row[0]) != 0x02ff) dialect = first_hex16(row[0]);
  std::map<std::string, SessionCount> sessions;
  for (const auto& row :
       tshark_fields(file, "smb2.cmd == 1 && smb2.flags.response == 1 && smb2.nt_status == 0", {"smb2.sesid"}))
    sessions[row[0].substr(0, row[0].find(','))];
  const auto requests = tshark_fields(file, "smb2 && smb2.flags.response == 0 && smb2.sesid != 0",
                                      {"smb2.sesid", "smb2.cmd", "smb2.flags.signature", "smb2.ioctl.function"});
  for (const auto& row : requests) {
    const std::string id = row[0].substr(0, row[0].find(','));
    const int cmd = std::stoi(row[1].substr(0, row[1].find(',')));
    if (cmd == 1 || !sessions.count(id)) continue;
    if (cmd == 3 && dialect >= 0x0300) continue;
    if (cmd == 11 && row[3].rfind("0x00140204", 0) == 0) continue;
    auto& s = sessions[id];
    ++(row[2].substr(0, 1) == "1" ? s.signed_requests : s.unsigned_requests);
  }
  return sessions;
}

TEST(PassiveRealTraffic, SmbSigningIsJudgedOnEverySessionsOwnRequests) {
  const auto manifest = nlohmann::json::parse(read_binary(kPcapDir + "captures.json"));
  for (const char* name : {"smb311-unsigned", "smb300-unsigned", "smb3"}) {
    SCOPED_TRACE(name);
    const auto want = tshark_sessions(kPcapDir + name + ".pcap");
    if (manifest[name].contains("logons")) {
      EXPECT_EQ(want.size(), manifest[name]["logons"].get<std::size_t>());
    }
    const Report r = analyze_bytes(read_binary(kPcapDir + name + ".pcap"));
    ASSERT_EQ(r.clients.size(), 1u);
    const Client& c = r.clients.begin()->second;
    ASSERT_TRUE(c.smb);
    EXPECT_EQ(c.smb->sessions.count, want.size());
    std::uint64_t signed_sessions = 0, unsigned_sessions = 0;
    for (const auto& [id, counts] : want) {
      if (counts.signed_requests + counts.unsigned_requests == 0) continue;
      ++(counts.unsigned_requests ? unsigned_sessions : signed_sessions);
      bool listed = false;
      for (const auto& s : c.smb->session_list)
        if (s.id == id) {
          listed = true;
          EXPECT_EQ(s.signed_requests, counts.signed_requests) << id;
          EXPECT_EQ(s.unsigned_requests, counts.unsigned_requests) << id;
          EXPECT_FALSE(s.auth.empty()) << id;
        }
      EXPECT_TRUE(listed) << id;
    }
    EXPECT_EQ(c.smb->signed_sessions.count, signed_sessions);
    EXPECT_EQ(c.smb->unsigned_sessions.count, unsigned_sessions);
    bool finding = false;
    for (const auto& f : findings(c)) finding |= f.id == "smb-unsigned";
    EXPECT_EQ(finding, unsigned_sessions > 0);
  }
}

// ---- NetBIOS node status -------------------------------------------------------------------------

// Windows sends and answers name service packets from port 137 to port 137.
std::string on_port_137(const std::string& pcap) {
  return rewrite_pcap(pcap, [](std::uint8_t* f, std::size_t n) {
    const std::size_t ihl = ipv4_header(f, n);
    if (ihl == 0 || f[kEth + 9] != 17 || n < kEth + ihl + 8) return;
    std::uint8_t* udp = f + kEth + ihl;
    for (int at : {0, 2}) udp[at] = 0, udp[at + 1] = 137;
    udp[6] = udp[7] = 0;  // no checksum (RFC 768) rather than a wrong one
  });
}

TEST(PassiveRealTraffic, NodeStatusResponsesAreNotDecodeErrors) {
  const std::string original = read_binary(kPcapDir + "nbstat.pcap");
  for (const std::string& data : {original, on_port_137(original)}) {
    TempCapture file(data, "nbstat");
    const auto queries = tshark_fields(file.path, "nbns.flags.response == 0 && nbns.type == 33", {"frame.number"});
    const auto answers = tshark_fields(file.path, "nbns.flags.response == 1 && nbns.type == 33 && !_ws.malformed",
                                       {"ip.dst", "udp.srcport", "udp.dstport"});
    ASSERT_FALSE(answers.empty());
    const Report r = analyze_bytes(data);
    EXPECT_EQ(r.source.decode_errors, 0u);
    std::uint64_t seen = 0;
    for (const auto& [addr, c] : r.clients)
      if (c.netbios) seen += c.netbios->node_status_queries.count;
    EXPECT_EQ(seen, queries.size());
    EXPECT_TRUE(r.clients.count(answers[0][0]));  // the client is the one asking, not the one answering
  }
}

// ---- TLS: HelloRetryRequest, warning alert before the ServerHello ---------------------------------

// tshark: the last ServerHello of each connection is the one that counts. Stream -> version, suite.
std::map<std::string, std::pair<std::string, std::string>> tshark_server_hellos(const std::string& file,
                                                                                const std::string& options = "") {
  std::map<std::string, std::pair<std::string, std::string>> chosen;
  // RFC 8446 4.1.3: a HelloRetryRequest is a ServerHello with this random; it chooses nothing.
  const std::string hrr = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";
  for (const auto& row : tshark_fields(file, "tls.handshake.type == 2",
                                       {"tcp.stream", "tls.handshake.extensions.supported_version",
                                        "tls.handshake.version", "tls.handshake.ciphersuite", "tls.handshake.random"},
                                       options))
    if (row[4] != hrr)
      chosen[row[0]] = {tls::version_name(first_hex16(row[1].empty() ? row[2] : row[1])),
                        tls::cipher_suite_name(first_hex16(row[3]))};
  return chosen;
}

// Per version and per suite, how many connections chose it.
std::pair<std::map<std::string, std::uint64_t>, std::map<std::string, std::uint64_t>> count_choices(
    const std::map<std::string, std::pair<std::string, std::string>>& chosen) {
  std::map<std::string, std::uint64_t> versions, suites;
  for (const auto& [stream, vs] : chosen) ++versions[vs.first], ++suites[vs.second];
  return {versions, suites};
}

std::map<std::string, std::uint64_t> counts(const Tally& t) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& [k, s] : t.values) out[k] = s.count;
  return out;
}

TEST(PassiveRealTraffic, TlsReadsTheServerHelloAfterARetryOrAWarning) {
  const std::string file = kPcapDir + "tls-hrr-alert.pcap";
  const auto chosen = tshark_server_hellos(file);
  ASSERT_EQ(tshark_fields(file, "tls.handshake.type == 1", {"tcp.stream"}).size(), chosen.size() + 1)
      << "one connection has a HelloRetryRequest (two ClientHellos)";
  ASSERT_FALSE(tshark_fields(file, "tls.alert_message.level == 1", {"tcp.stream"}).empty());

  const Report r = analyze_bytes(read_binary(file));
  EXPECT_EQ(r.source.partial_flows, 0u);
  EXPECT_EQ(r.source.decode_errors, 0u);
  ASSERT_EQ(r.clients.size(), 1u);
  const Client& c = r.clients.begin()->second;
  ASSERT_TRUE(c.tls);
  EXPECT_EQ(c.tls->handshakes.count, chosen.size());
  const auto [versions, suites] = count_choices(chosen);
  EXPECT_EQ(counts(c.tls->negotiated), versions);
  EXPECT_EQ(counts(c.tls->cipher_suites), suites);
}

TEST(PassiveRealTraffic, TlsAfterTheRdpNegotiationIsRead) {
  // legacyscan's TLS probe against xrdp (services scenario): X.224 with RDP_NEG_REQ, then TLS. tshark
  // reads the negotiation as RDP (RDP_NEG_RSP, type 2; its field is named negReq.selectedProtocol),
  // and the handshake when told that port 3389 carries TLS.
  const std::string file = kPcapDir + "rdp-tls.pcap";
  const std::string as_tls = "-d tcp.port==3389,tls";
  std::set<std::string> tls_streams;
  for (const auto& row : tshark_fields(file, "rdp.neg_type == 2", {"tcp.stream", "rdp.negReq.selectedProtocol"}))
    if (const auto p = std::stoul(row[1], nullptr, 0); p == 1 || p == 2 || p == 8) tls_streams.insert(row[0]);
  ASSERT_FALSE(tls_streams.empty());
  std::set<std::string> hellos;
  for (const auto& row : tshark_fields(file, "tls.handshake.type == 1", {"tcp.stream"}, as_tls))
    if (tls_streams.count(row[0])) hellos.insert(row[0]);
  auto chosen = tshark_server_hellos(file, as_tls);
  std::erase_if(chosen, [&](const auto& kv) { return !tls_streams.count(kv.first); });

  const Report r = analyze_bytes(read_binary(file));
  ASSERT_EQ(r.clients.size(), 1u);
  const Client& c = r.clients.begin()->second;
  ASSERT_TRUE(c.tls);
  ASSERT_TRUE(c.tls->ports.count(3389));
  const TlsPortFacts& p = c.tls->ports.at(3389);
  EXPECT_EQ(p.handshakes.count, hellos.size());
  const auto [versions, suites] = count_choices(chosen);
  EXPECT_EQ(counts(p.negotiated), versions);
  EXPECT_EQ(counts(p.cipher_suites), suites);
}

// ---- LDAP Sicily NTLM binds ----------------------------------------------------------------------

TEST(PassiveRealTraffic, SicilyPackageDiscoveryIsABindNotADecodeError) {
  // ldap3's NTLM bind starts with a package discovery ([9]); the lab's Samba ends the session there.
  const std::string file = kPcapDir + "ldap-sicily.pcap";
  const auto binds = tshark_fields(file, "ldap.protocolOp == 0", {"ip.src"});
  ASSERT_FALSE(binds.empty());
  const Report r = analyze_bytes(read_binary(file));
  EXPECT_EQ(r.source.decode_errors, 0u);
  ASSERT_TRUE(r.clients.count(binds[0][0]));
  const Client& c = r.clients.at(binds[0][0]);
  ASSERT_TRUE(c.ldap);
  EXPECT_FALSE(c.ldap->servers.empty());
}

Bytes hex_bytes(const std::string& hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  return out;
}

Bytes ber(std::uint8_t tag, const Bytes& content) {
  Bytes out{tag};
  if (content.size() < 0x80) {
    out.push_back(static_cast<std::uint8_t>(content.size()));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<std::uint8_t>(content.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(content.size()));
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

TEST(PassiveRealTraffic, SicilyResponseCarriesTheNtlmAuthenticate) {
  // The lab client's NTLM AUTHENTICATE (smbclient's, from smb3.pcap), as an ADSI client would put it
  // in a sicilyResponse [11] BindRequest ([MS-ADTS] 5.1.1.1.3).
  const std::string file = kPcapDir + "smb3.pcap";
  const auto rows = tshark_fields(file, "ntlmssp.messagetype == 0x00000003",
                                  {"tcp.payload", "ntlmssp.auth.username", "ntlmssp.auth.domain"});
  ASSERT_EQ(rows.size(), 1u);
  const Bytes payload = hex_bytes(rows[0][0]);
  const std::string magic("NTLMSSP\0\3\0\0\0", 12);
  const auto at = std::search(payload.begin(), payload.end(), magic.begin(), magic.end());
  ASSERT_NE(at, payload.end());
  const Bytes token(at, payload.end());
  Bytes body = ber(0x02, {3});
  const Bytes name = ber(0x04, {});
  body.insert(body.end(), name.begin(), name.end());
  const Bytes auth = ber(0x8B, token);
  body.insert(body.end(), auth.begin(), auth.end());
  Bytes msg = ber(0x02, {2});
  const Bytes op = ber(0x60, body);
  msg.insert(msg.end(), op.begin(), op.end());
  const Bytes message = ber(0x30, msg);

  auto q = ldap::decode_ldap_request(message);
  ASSERT_TRUE(q) << q.error;
  EXPECT_EQ(q->op, ldap::LdapRequest::Op::bind);
  EXPECT_EQ(q->sicily, 11);
  EXPECT_EQ(q->sasl_mechanism, "SICILY");
  ASSERT_TRUE(q->sasl_credentials);
  auto a = ntlm::decode_ntlm_authenticate_message(*q->sasl_credentials);
  ASSERT_TRUE(a) << a.error;
  EXPECT_EQ(a->UserName, rows[0][1]);
  EXPECT_EQ(a->DomainName, rows[0][2]);
}

// ---- NTLM over DCE-RPC ---------------------------------------------------------------------------

TEST(PassiveRealTraffic, NtlmInDceRpcBindsOverTcpAndNamedPipes) {
  // rpcclient [sign] over ncacn_np (bind in a pipe IOCTL, AUTH3 in a pipe WRITE) and ncacn_ip_tcp
  // (the endpoint mapper, then the port it hands out).
  const std::string file = kPcapDir + "rpc-ntlm.pcap";
  const auto manifest = nlohmann::json::parse(read_binary(kPcapDir + "captures.json"))["rpc-ntlm"];
  const auto rpc = tshark_fields(
      file, "ntlmssp.messagetype == 0x00000003 && dcerpc",
      {"ip.src", "ntlmssp.auth.username", "ntlmssp.auth.domain", "ntlmssp.auth.hostname", "ntlmssp.auth.ntresponse"});
  ASSERT_EQ(rpc.size(), manifest["dcerpc_logons"].get<std::size_t>());
  const auto smb = tshark_fields(file, "ntlmssp.messagetype == 0x00000003 && smb2.cmd == 1", {"ip.src"});
  const Report r = analyze_bytes(read_binary(file));
  EXPECT_EQ(r.source.decode_errors, 0u);
  ASSERT_TRUE(r.clients.count(rpc[0][0]));
  const Client& c = r.clients.at(rpc[0][0]);
  ASSERT_TRUE(c.ntlm);
  EXPECT_EQ(c.ntlm->via.count("dcerpc"), rpc.size());
  EXPECT_EQ(c.ntlm->via.count("smb"), smb.size());
  for (const auto& row : rpc) {
    EXPECT_TRUE(c.ntlm->users.has(row[2] + "\\" + row[1])) << row[2] << "\\" << row[1];
    EXPECT_TRUE(c.ntlm->workstations.has(row[3])) << row[3];
    // [MS-NLMP] 3.3: a 24-byte NT response is NTLMv1, a longer one NTLMv2.
    EXPECT_TRUE(c.ntlm->versions.has(row[4].size() / 2 > 24 ? "NTLMv2" : "NTLMv1"));
  }
}

// ---- Kerberos AP-REQ inside SMB and LDAP --------------------------------------------------------

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  return out;
}

TEST(PassiveRealTraffic, ApReqInSmbLdapAndDceRpcShowsTheServiceTicketEtype) {
  // smbclient --use-kerberos=required after an RC4-only kinit (legacy DC); ldapsearch -Y GSSAPI (stock);
  // rpcclient [sign,krb5] over TCP (a DCE-RPC bind with auth_type 16) after an RC4-only kinit.
  for (const auto& [name, filter, via] :
       {std::tuple<const char*, const char*, const char*>{"smb-kerberos", "tcp.dstport == 445", "smb"},
        {"ldap-sasl", "tcp.dstport == 389", "ldap"},
        {"rpc-kerberos", "dcerpc", "dcerpc"}}) {
    SCOPED_TRACE(name);
    const std::string file = kPcapDir + name + ".pcap";
    const auto rows = tshark_fields(file, std::string("kerberos.msg_type == 14 && ") + filter,
                                    {"ip.src", "kerberos.etype", "kerberos.SNameString"});
    ASSERT_FALSE(rows.empty());
    const Report r = analyze_bytes(read_binary(file));
    ASSERT_TRUE(r.clients.count(rows[0][0]));
    const Client& c = r.clients.at(rows[0][0]);
    ASSERT_TRUE(c.kerberos);
    EXPECT_EQ(c.kerberos->ap_req_via.count(via), rows.size());
    bool rc4 = false;
    for (const auto& row : rows) {
      const auto etypes = split(row[1]);  // the ticket's enc-part, then the authenticator
      ASSERT_EQ(etypes.size(), 2u);
      std::string sname;
      for (const auto& part : split(row[2])) sname += (sname.empty() ? "" : "/") + part;
      const std::string ticket = kerberos::etype_name(std::stoi(etypes[0]));
      EXPECT_TRUE(c.kerberos->ap_req_ticket_etypes.has(sname + ": " + ticket)) << sname << ": " << ticket;
      EXPECT_TRUE(c.kerberos->ap_req_authenticator_etypes.has(kerberos::etype_name(std::stoi(etypes[1]))));
      rc4 |= ticket.rfind("rc4", 0) == 0;
    }
    // Without port 88 in the capture, the RC4 service ticket alone makes the finding.
    TempCapture only_app(rewrite_pcap(read_binary(file),
                                      [](std::uint8_t* f, std::size_t n) {
                                        const std::size_t ihl = ipv4_header(f, n);
                                        if (ihl == 0 || n < kEth + ihl + 4) return;
                                        const std::uint8_t* l4 = f + kEth + ihl;
                                        const bool krb = (l4[0] == 0 && l4[1] == 88) || (l4[2] == 0 && l4[3] == 88);
                                        if (krb) f[12] = f[13] = 0x88;  // not IP any more: dropped as undecodable
                                      }),
                         std::string("noport88-") + name);
    const Report r2 = analyze_bytes(read_binary(only_app.path));
    ASSERT_TRUE(r2.clients.count(rows[0][0]));
    bool finding = false;
    for (const auto& f : findings(r2.clients.at(rows[0][0]))) finding |= f.id == "rc4";
    EXPECT_EQ(finding, rc4);
  }
}

// ---- pcapng with several interfaces ---------------------------------------------------------------

TEST(PassiveRealTraffic, PcapngWithInterfacesOfDifferentLinkTypesIsRead) {
  // tls10.pcap as Ethernet and kinit-rc4.pcap as raw IP with another snapshot length, merged by
  // mergecap (scripts/make-captures): libpcap refuses such a file.
  const std::string file = kPcapDir + "multi-interface.pcapng";
  const auto frames = tshark_fields(file, "frame", {"frame.interface_id", "frame.encap_type"});
  std::set<std::string> interfaces, encaps;
  for (const auto& row : frames) interfaces.insert(row[0]), encaps.insert(row[1]);
  ASSERT_GE(interfaces.size(), 2u);
  ASSERT_GE(encaps.size(), 2u);
  const auto not_ip = tshark_fields(file, "!(tcp or udp)", {"frame.number"});

  Analyzer from_file;
  ASSERT_EQ(read_capture_files({file}, from_file), "");
  const Report r = from_file.finish();
  EXPECT_EQ(r.source.packets, frames.size());
  EXPECT_EQ(r.source.undecodable_packets, not_ip.size());
  EXPECT_TRUE(r.source.warnings.empty());
  // The same facts as the two classic captures read one after the other.
  Analyzer separate;
  ASSERT_EQ(read_capture_files({kPcapDir + "tls10.pcap", kPcapDir + "kinit-rc4.pcap"}, separate), "");
  EXPECT_EQ(to_json(r)["clients"], to_json(separate.finish())["clients"]);
  EXPECT_EQ(to_json(analyze_bytes(read_binary(file)))["clients"], to_json(r)["clients"]);
  // Cut short inside a block: what was read is kept, with a warning.
  const std::string whole = read_binary(file);
  Analyzer cut;
  EXPECT_EQ(read_capture_buffer(as_bytes(whole.substr(0, whole.size() / 2)), cut), "");
  const Report half = cut.finish();
  EXPECT_GT(half.source.packets, 0u);
  EXPECT_LT(half.source.packets, frames.size());
  EXPECT_EQ(half.source.warnings.size(), 1u);
}

// ---- SSL 2.0 SERVER-HELLO -------------------------------------------------------------------------

// Nothing in Debian serves SSL 2.0: a connection to 636 is built around the probe's real
// SSLv2-compatible hello (tests/data/tls) and a SERVER-HELLO in the draft's layout (B.2), as the
// TLS codec tests do, then read by tshark and by the analyzer.
std::string frame(bool from_client, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack, const Bytes& payload) {
  Writer w;
  w.zeros(12);
  w.u16be(0x0800);
  w.u8(0x45);
  w.u8(0);
  w.u16be(static_cast<std::uint16_t>(40 + payload.size()));
  w.zeros(4);
  w.u8(64);
  w.u8(6);
  w.zeros(2);
  w.bytes(Bytes{127, 0, 0, static_cast<std::uint8_t>(from_client ? 2 : 1)});
  w.bytes(Bytes{127, 0, 0, static_cast<std::uint8_t>(from_client ? 1 : 2)});
  w.u16be(from_client ? 40000 : 636);
  w.u16be(from_client ? 636 : 40000);
  w.u32be(seq);
  w.u32be(ack);
  w.u8(0x50);
  w.u8(flags);
  w.u16be(65535);
  w.zeros(4);
  w.bytes(payload);
  const Bytes f = w.take();
  std::string rec(16, '\0');
  for (int i = 0; i < 4; ++i) rec[8 + i] = rec[12 + i] = static_cast<char>((f.size() >> (8 * i)) & 0xff);
  return rec + std::string(f.begin(), f.end());
}

TEST(PassiveRealTraffic, Ssl2ServerHelloIsDecoded) {
  const std::string hex = read_binary(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/tls/ssl2_client_hello.hex");
  const Bytes hello = hex_bytes(hex.substr(0, hex.find_first_of("\r\n")));
  Writer body;
  body.u8(4);      // SERVER-HELLO
  body.u8(0);      // SESSION-ID-HIT
  body.u8(1);      // SSL_CT_X509_CERTIFICATE
  body.u16be(2);   // SERVER-VERSION
  body.u16be(32);  // CERTIFICATE-LENGTH (any bytes: nothing reads them)
  body.u16be(6);   // CIPHER-SPECS-LENGTH
  body.u16be(16);  // CONNECTION-ID-LENGTH
  body.zeros(32);
  body.u24be(0x010080);  // SSL_CK_RC4_128_WITH_MD5
  body.u24be(0x0700c0);  // SSL_CK_DES_192_EDE3_CBC_WITH_MD5
  body.zeros(16);
  Writer rec;
  rec.u16be(static_cast<std::uint16_t>(0x8000 | body.size()));
  rec.bytes(body.view());
  const Bytes server_hello = rec.take();
  std::string pcap("\xd4\xc3\xb2\xa1\x02\x00\x04\x00", 8);
  pcap += std::string(8, '\0') + std::string("\xff\xff\x00\x00\x01\x00\x00\x00", 8);
  pcap += frame(true, 0x02, 100, 0, {});
  pcap += frame(false, 0x12, 500, 101, {});
  pcap += frame(true, 0x18, 101, 501, hello);
  pcap += frame(false, 0x18, 501, static_cast<std::uint32_t>(101 + hello.size()), server_hello);
  TempCapture file(pcap, "ssl2");
  const auto rows =
      tshark_fields(file.path, "tls.handshake.type == 4", {"ip.dst", "tls.record.version", "tls.handshake.cipherspec"});
  ASSERT_EQ(rows.size(), 1u);
  const std::string version = tls::version_name(first_hex16(rows[0][1]));
  const std::string suite = tls::ssl2_cipher_name(
      static_cast<std::uint32_t>(std::stoul(rows[0][2].substr(0, rows[0][2].find(',')), nullptr, 16)));
  const Report r = analyze_bytes(pcap);
  EXPECT_EQ(r.source.decode_errors, 0u);
  ASSERT_TRUE(r.clients.count(rows[0][0]));
  const Client& c = r.clients.at(rows[0][0]);
  ASSERT_TRUE(c.tls);
  EXPECT_TRUE(c.tls->negotiated.has(version)) << version;
  EXPECT_TRUE(c.tls->cipher_suites.has(suite)) << suite;
  bool finding = false;
  for (const auto& f : findings(c)) finding |= f.id == "ssl2";
  EXPECT_EQ(finding, version == "SSL 2.0");
}

}  // namespace
}  // namespace legacyscan::passive
