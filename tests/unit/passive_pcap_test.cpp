// SPDX-License-Identifier: Apache-2.0
// Passive mode on the captures scripts/make-captures recorded from real clients against the lab DCs
// (tests/data/pcap). The expectations come from tests/data/pcap/captures.json, which the same script
// wrote from the clients' configuration (enctypes, protocol limits, bind DN, SNI...).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "src/passive/passive.hpp"

namespace legacyscan::passive {
namespace {

const std::string kDir = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/pcap/";

nlohmann::json manifest() {
  std::ifstream f(kDir + "captures.json");
  return nlohmann::json::parse(f);
}

Report analyze(const std::string& name) {
  Analyzer a;
  const std::string err = read_capture_files({kDir + name + ".pcap"}, a);
  EXPECT_EQ(err, "");
  return a.finish();
}

// The one client of a single-tool capture.
const Client& only_client(const Report& r) {
  EXPECT_EQ(r.clients.size(), 1u);
  return r.clients.begin()->second;
}

bool has_finding(const Client& c, const std::string& id) {
  for (const auto& f : findings(c))
    if (f.id == id) return true;
  return false;
}

TEST(PassivePcap, Smb1ClientNegotiatesSmb1) {
  const auto m = manifest()["smb1"];
  ASSERT_EQ(m["client_max_protocol"], "NT1");
  const Report r = analyze("smb1");
  EXPECT_EQ(r.source.partial_flows, 0u);
  EXPECT_EQ(r.source.decode_errors, 0u);
  const Client& c = only_client(r);
  ASSERT_TRUE(c.smb);
  EXPECT_EQ(c.smb->smb1_sessions.count, 1u);
  EXPECT_TRUE(c.smb->dialects_offered.has("NT LM 0.12"));
  for (const auto& [d, s] : c.smb->dialects_offered.values)
    EXPECT_FALSE(std::isdigit(static_cast<unsigned char>(d[0]))) << d;
  EXPECT_TRUE(c.smb->ports.has(std::to_string(m["server_port"].get<int>())));
  EXPECT_TRUE(has_finding(c, "smb1"));
  // The legacy DC has "server signing = auto" and smbclient's NT1 default does not sign.
  EXPECT_EQ(c.smb->signed_sessions.count + c.smb->unsigned_sessions.count, 1u);
  ASSERT_TRUE(c.ntlm);
  EXPECT_TRUE(c.ntlm->versions.has("NTLMv2"));
  bool user_seen = false;
  for (const auto& [u, s] : c.ntlm->users.values)
    user_seen |= u.size() >= m["user"].get<std::string>().size() &&
                 u.substr(u.size() - m["user"].get<std::string>().size()) == m["user"];
  EXPECT_TRUE(user_seen);
}

TEST(PassivePcap, Smb3ClientIsSignedAndModern) {
  const auto m = manifest()["smb3"];
  ASSERT_EQ(m["client_signing"], "required");
  const Report r = analyze("smb3");
  const Client& c = only_client(r);
  ASSERT_TRUE(c.smb);
  EXPECT_EQ(c.smb->smb1_sessions.count, 0u);
  for (const auto& [d, s] : c.smb->dialects_offered.values) EXPECT_EQ(d.substr(0, 2), "3.") << d;
  ASSERT_EQ(c.smb->negotiated.values.size(), 1u);
  EXPECT_EQ(c.smb->negotiated.values.begin()->first.substr(0, 2), "3.");
  EXPECT_EQ(c.smb->signed_sessions.count, 1u);
  EXPECT_EQ(c.smb->unsigned_sessions.count, 0u);
  EXPECT_FALSE(has_finding(c, "smb1"));
  EXPECT_FALSE(has_finding(c, "smb-unsigned"));
}

void expect_kerberos(const std::string& name, bool rc4) {
  const auto m = manifest()[name];
  const Report r = analyze(name);
  const Client& c = only_client(r);
  ASSERT_TRUE(c.kerberos);
  const KerberosFacts& k = *c.kerberos;
  // The client offers exactly its configured enctypes, in AS-REQs and the TGS-REQ of kvno.
  std::string offer;
  for (const auto& e : m["enctypes"]) offer += (offer.empty() ? "" : ",") + e.get<std::string>();
  ASSERT_EQ(k.offers.values.size(), 1u);
  EXPECT_EQ(k.offers.values.begin()->first, offer);
  EXPECT_GE(k.requests.count("AS-REQ"), 1u);
  EXPECT_EQ(k.requests.count("TGS-REQ"), 1u);
  EXPECT_TRUE(k.principals.has(m["principal"].get<std::string>()));
  EXPECT_TRUE(k.services.has(m["service"].get<std::string>()));
  // The KDC can only answer with the one enctype offered.
  const std::string only = m["enctypes"][0];
  EXPECT_TRUE(k.reply_key_etypes.has(only));
  EXPECT_TRUE(k.session_key_etypes.has(only));
  EXPECT_TRUE(k.transports.has("tcp"));  // udp_preference_limit = 1 in the script's krb5.conf
  EXPECT_EQ(has_finding(c, "rc4"), rc4);
}

TEST(PassivePcap, KinitRc4OnlyIsAnRc4Client) { expect_kerberos("kinit-rc4", true); }
TEST(PassivePcap, KinitAesOnlyIsNot) { expect_kerberos("kinit-aes", false); }

void expect_tls(const std::string& name, bool legacy) {
  const auto m = manifest()[name];
  const Report r = analyze(name);
  const Client& c = only_client(r);
  ASSERT_TRUE(c.tls);
  const std::string v = m["version"];
  const auto port = static_cast<std::uint16_t>(m["server_port"].get<int>());
  ASSERT_TRUE(c.tls->ports.count(port));
  const TlsPortFacts& p = c.tls->ports.at(port);
  EXPECT_EQ(p.handshakes.count, 1u);
  EXPECT_TRUE(p.max_version_offered.has(v));
  EXPECT_TRUE(p.negotiated.has(v));  // the legacy DC's "tls priority" allows 1.0 and 1.1
  EXPECT_TRUE(p.sni.has(m["sni"].get<std::string>()));
  EXPECT_EQ(p.cipher_suites.values.size(), 1u);
  ASSERT_TRUE(p.negotiated_suites.count(v));
  EXPECT_EQ(p.negotiated_suites.at(v).values.size(), 1u);
  EXPECT_TRUE(p.negotiated_suites.at(v).has(p.cipher_suites.values.begin()->first));
  EXPECT_EQ(has_finding(c, "tls1.0"), legacy);
}

// A client with one TLS 1.0 and one TLS 1.3 connection: the TLS 1.0 finding names the suite of the
// TLS 1.0 connection, never the TLS 1.3-only suite of the other.
TEST(PassivePcap, Tls10FindingNamesTheSuiteOfTheTls10Connection) {
  Client c;
  TlsFacts& t = c.tls_facts();
  const std::pair<const char*, const char*> connections[] = {{"TLS 1.0", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
                                                             {"TLS 1.3", "TLS_AES_256_GCM_SHA384"}};
  for (const auto& [version, suite] : connections) {
    t.handshakes.hit(0);
    t.max_version_offered.hit(version, 0);
    t.negotiated.hit(version, 0);
    t.cipher_suites.hit(suite, 0);
    t.negotiated_suites[version].hit(suite, 0);
    t.servers.hit("192.0.2.1:636", 0);
    t.ports[636].negotiated.hit(version, 0);
  }
  bool seen = false;
  for (const auto& f : findings(c))
    if (f.id == "tls1.0") {
      seen = true;
      EXPECT_NE(f.evidence.find("negotiated TLS 1.0 (TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA) on port 636"),
                std::string::npos)
          << f.evidence;
      EXPECT_EQ(f.evidence.find("TLS_AES_256_GCM_SHA384"), std::string::npos) << f.evidence;
    }
  EXPECT_TRUE(seen);
}

TEST(PassivePcap, OpensslTls1IsATls10Client) { expect_tls("tls10", true); }
TEST(PassivePcap, OpensslTls12IsNot) { expect_tls("tls12", false); }

TEST(PassivePcap, CleartextSimpleBindShowsTheDnNeverThePassword) {
  const auto m = manifest()["ldap-simple"];
  const Report r = analyze("ldap-simple");
  const Client& c = only_client(r);
  ASSERT_TRUE(c.ldap);
  EXPECT_TRUE(c.ldap->simple_binds_cleartext.has(m["bind_dn"].get<std::string>()));
  EXPECT_TRUE(c.ldap->bind_results.has("success"));  // "ldap server require strong auth = no"
  EXPECT_TRUE(has_finding(c, "ldap-cleartext-bind"));
  // The report must not contain the password, which is in the capture.
  const std::string dump = to_json(r).dump() + to_csv(r) + to_table(r);
  EXPECT_EQ(dump.find("LegacyScan.Lab"), std::string::npos);
}

TEST(PassivePcap, SaslGssapiBindIsSigned) {
  const auto m = manifest()["ldap-sasl"];
  const Report r = analyze("ldap-sasl");
  const Client& c = only_client(r);
  ASSERT_TRUE(c.ldap);
  const std::string mech = m["mechanism"];
  EXPECT_TRUE(c.ldap->sasl_binds.has(mech));
  EXPECT_TRUE(c.ldap->sasl_signed.has(mech));
  EXPECT_FALSE(c.ldap->sasl_unsigned.has(mech));
  EXPECT_FALSE(has_finding(c, "ldap-unsigned-sasl"));
  ASSERT_TRUE(c.kerberos);  // the ticket for ldap/<fqdn> was fetched in the same capture
  EXPECT_TRUE(c.kerberos->principals.has(m["principal"].get<std::string>()));
}

TEST(PassivePcap, NetbiosProbeSendsSamLogonAndNameQueries) {
  const auto m = manifest()["netbios"];
  const Report r = analyze("netbios");
  const Client& c = only_client(r);
  ASSERT_TRUE(c.netbios);
  EXPECT_GE(c.netbios->sam_logon_requests.count, 1u);
  const std::string domain = m["domain"];
  bool domain_query = false;
  for (const auto& [n, s] : c.netbios->name_queries.values) domain_query |= n.rfind(domain + "<", 0) == 0;
  EXPECT_TRUE(domain_query);
  EXPECT_TRUE(has_finding(c, "sam-logon"));
  EXPECT_FALSE(c.names.empty());  // the mailslot request names the computer
}

TEST(PassivePcap, StartTlsInMailAndFtpIsFollowedIntoTls) {
  const auto m = manifest()["starttls"];
  const Report r = analyze("starttls");
  const Client& c = only_client(r);
  ASSERT_TRUE(c.tls);
  for (const auto& [proto, port] : m["server_ports"].items()) {
    const auto p = static_cast<std::uint16_t>(port.get<int>());
    ASSERT_TRUE(c.tls->ports.count(p)) << proto;
    EXPECT_EQ(c.tls->ports.at(p).handshakes.count, 1u) << proto;  // the ClientHello after the upgrade
    if (proto != "ftp") {
      EXPECT_FALSE(c.tls->ports.at(p).negotiated.empty()) << proto;
    }
  }
}

TEST(PassivePcap, LdapProbeSendsCldapPings) {
  const Report r = analyze("cldap");
  const Client& c = only_client(r);
  ASSERT_TRUE(c.ldap);
  EXPECT_GE(c.ldap->cldap_pings.count, 1u);
  EXPECT_FALSE(c.ldap->ntver.empty());
  EXPECT_TRUE(has_finding(c, "cldap"));
}

TEST(PassivePcap, CombinedCaptureSeparatesClients) {
  const auto m = manifest()["combined"];
  const Report r = analyze("combined");
  EXPECT_EQ(r.clients.size(), m.size());
  auto at = [&](const char* tool) -> const Client& { return r.clients.at(m[tool].get<std::string>()); };
  EXPECT_TRUE(has_finding(at("smb1"), "smb1"));
  EXPECT_FALSE(has_finding(at("smb3"), "smb1"));
  EXPECT_TRUE(has_finding(at("kinit-rc4"), "rc4"));
  EXPECT_FALSE(has_finding(at("kinit-aes"), "rc4"));
  EXPECT_TRUE(has_finding(at("tls10"), "tls1.0"));
  EXPECT_FALSE(has_finding(at("tls12"), "tls1.0"));
  EXPECT_TRUE(has_finding(at("ldap-simple"), "ldap-cleartext-bind"));
  EXPECT_TRUE(has_finding(at("netbios"), "sam-logon"));

  std::string err;
  auto rows = capture_whatif(r, {"smb1", "rc4", "tls1.0"}, {"ldap-signing"}, err);
  ASSERT_TRUE(rows) << err;
  std::set<std::string> broken;
  for (const auto& row : *rows)
    if (row.verdict == "breaks") broken.insert(row.address);
  // kinit-udp offers only RC4 too.
  const std::set<std::string> expected{m["smb1"], m["kinit-rc4"], m["kinit-udp"], m["tls10"], m["ldap-simple"]};
  EXPECT_EQ(broken, expected);
  EXPECT_FALSE(capture_whatif(r, {"smb9"}, {}, err));
  EXPECT_NE(err.find("smb9"), std::string::npos);
}

TEST(PassivePcap, TruncatedCaptureReportsPartialFlowsAndDoesNotCrash) {
  std::ifstream f(kDir + "smb3.pcap", std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string whole = ss.str();
  // Cut in the middle of the session: the SMB flow never completes.
  for (std::size_t cut : {whole.size() / 3, whole.size() / 2}) {
    Analyzer a;
    const std::string data = whole.substr(0, cut);
    // A file cut short is not an error: what was read is reported, with a warning.
    EXPECT_EQ(read_capture_buffer(as_bytes(data), a), "");
    const Report r = a.finish();
    EXPECT_GE(r.source.packets, 1u);
    EXPECT_EQ(r.source.warnings.size(), 1u);
  }
  // Dropping every third packet leaves gaps: the flow is partial, nothing crashes.
  Analyzer a;
  std::string data = whole.substr(0, 24);
  std::size_t off = 24, n = 0;
  while (off + 16 <= whole.size()) {
    const auto* h = reinterpret_cast<const std::uint8_t*>(whole.data() + off);
    const std::size_t caplen = h[8] | (h[9] << 8) | (h[10] << 16) | (static_cast<std::size_t>(h[11]) << 24);
    if (n++ % 3 != 2 || n < 4) data += whole.substr(off, 16 + caplen);
    off += 16 + caplen;
  }
  ASSERT_EQ(read_capture_buffer(as_bytes(data), a), "");
  const Report r = a.finish();
  EXPECT_EQ(r.source.partial_flows, 1u);
}

TEST(PassivePcap, RejectsWhatIsNotACapture) {
  Analyzer a;
  EXPECT_NE(read_capture_buffer(as_bytes("not a capture at all"), a), "");
  EXPECT_NE(read_capture_files({kDir + "captures.json"}, a), "");
  EXPECT_NE(read_capture_files({kDir + "does-not-exist.pcap"}, a), "");
}

}  // namespace
}  // namespace legacyscan::passive
