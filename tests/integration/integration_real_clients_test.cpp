// SPDX-License-Identifier: Apache-2.0
// Real clients agree with the matrix: for every profile whose offer a Debian client can be configured to
// send — smbclient (its SMB2 dialect range, signing and SMB 3.1.1 ciphers), MIT kinit (the profile's
// etypes in a private krb5.conf, UDP first or TCP as the profile starts) — that client runs inside each
// lab DC's namespace, and what it negotiated must be what the matrix cell of a scan of that DC says.
// Which profiles qualify is decided from the profiles themselves, and each profile's verified_by must
// name the client exactly when it qualifies ("cell by offer replay only" otherwise).
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "tests/integration/lab_support.hpp"
#include "tests/integration/profiles_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kScenarios{"legacy", "hardened", "stock"};

// One scan per scenario and probe set, shared by the tests (a scan of a DC takes seconds).
const json& scan(const std::string& scenario, const std::string& probes = "smb,kerberos,matrix") {
  static std::map<std::pair<std::string, std::string>, json> done;
  const auto key = std::make_pair(scenario, probes);
  if (!done.contains(key)) {
    std::vector<std::string> args{"127.0.0.1", "--probes", probes, "--timeout", "10s"};
    // The SMB and Kerberos cells need only their ports; the TLS cells need every TLS endpoint (on the
    // services scenario, its implicit-TLS mail ports: JSSE speaks no STARTTLS).
    if (probes.find("tls") == std::string::npos) args.insert(args.end(), {"--ports", "445,88"});
    if (scenario == "services") args.insert(args.end(), {"--tls-ports", "993,995"});
    done[key] = scan_json(scenario, args);
  }
  return done.at(key);
}

const json& cell(const std::string& scenario, const std::string& profile, const std::string& protocol) {
  return matrix_cell(scan(scenario), profile, protocol);
}

// ---- SMB: smbclient -------------------------------------------------------------------------------

const std::vector<std::pair<std::string, std::string>> kSmbclientDialects{
    {"2.0.2", "SMB2_02"}, {"2.1", "SMB2_10"}, {"3.0", "SMB3_00"}, {"3.0.2", "SMB3_02"}, {"3.1.1", "SMB3_11"}};

// A command inside a scenario's namespace, captured (scripts/lab capture), and the tshark fields of the
// packets the display filter keeps; the capture is deleted at once (it may hold NTLM exchanges).
std::string captured_fields(const std::string& scenario, const std::string& command, const std::string& filter,
                            const std::string& fields) {
  static int n = 0;
  // The process id keeps two test runs on one machine (CI stages, developers) from sharing a file.
  const std::string pcap = ::testing::TempDir() + "/legacyscan-real-client-" + std::to_string(::getpid()) + "-" +
                           std::to_string(n++) + ".pcap";
  const auto run = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab capture " + scenario + " " +
                               shell_quote(pcap) + " -- " + command);
  const auto read =
      run_command("tshark -r " + shell_quote(pcap) + " -Y " + shell_quote(filter) + " -T fields " + fields);
  std::remove(pcap.c_str());
  EXPECT_EQ(read.exit_code, 0) << read.err;
  return read.out;
}

// The SMB1 dialects smbclient sends from CORE to NT1, read from its NEGOTIATE on the wire (Samba's own
// list, which no Windows client sends).
const std::string& smbclient_smb1_dialects() {
  static const std::string list = [] {
    auto out = captured_fields("legacy",
                               "timeout 30 smbclient -L //127.0.0.1 -N --option='client min protocol=CORE' "
                               "--option='client max protocol=NT1'",
                               "smb.cmd == 0x72 && smb.flags.response == 0", "-e smb.dialect");
    out = out.substr(0, out.find('\n'));
    EXPECT_FALSE(out.empty()) << "no SMB1 NEGOTIATE from smbclient";
    return out;
  }();
  return list;
}

// smbclient's options that make it send this SMB offer, or none when it cannot. SMB1: only Samba's own
// dialect list, signing "desired" for a client that enables it (it then signs when the server enables
// signing, as [MS-CIFS] 3.2.4.2.4 says such a client does). SMB2: a contiguous range of dialects, signing
// "if_required" (SMB2 signs only when a side requires it); its SMB2 client signs whenever the server
// requires it ([MS-SMB2] 3.2.4.1.1), so "cannot sign" has no equivalent.
std::optional<std::vector<std::string>> smbclient_options(const json& smb) {
  const auto& smb1 = smb.at("smb1_dialects");
  if (smb.at("signing") == "disabled" || (!smb1.empty() && !smb.at("smb2_dialects").empty())) return std::nullopt;
  const std::string signing = "client signing=" + std::string(smb.at("signing") == "required" ? "required"
                                                              : !smb1.empty()                 ? "desired"
                                                                                              : "if_required");
  if (!smb1.empty()) {
    std::string list;
    for (const auto& d : smb1) list += (list.empty() ? "" : ",") + d.get<std::string>();
    if (list != smbclient_smb1_dialects()) return std::nullopt;
    return std::vector<std::string>{"client min protocol=CORE", "client max protocol=NT1", signing};
  }
  std::vector<std::size_t> at;
  for (const auto& d : smb.at("smb2_dialects")) {
    std::size_t i = 0;
    while (i < kSmbclientDialects.size() && kSmbclientDialects[i].first != d) ++i;
    if (i == kSmbclientDialects.size() || (!at.empty() && i != at.back() + 1)) return std::nullopt;
    at.push_back(i);
  }
  std::vector<std::string> o{"client min protocol=" + kSmbclientDialects[at.front()].second,
                             "client max protocol=" + kSmbclientDialects[at.back()].second, signing};
  if (smb.contains("encryption_ciphers") && !smb.at("encryption_ciphers").empty()) {
    std::string list;
    for (const auto& c : smb.at("encryption_ciphers")) list += (list.empty() ? "" : ", ") + c.get<std::string>();
    o.push_back("client smb3 encryption algorithms=" + list);
  }
  return o;
}

// What smbclient negotiated ("SMB 3.1.1"), or "" when its negotiation failed.
std::string smbclient_dialect(const std::string& scenario, const std::vector<std::string>& options) {
  std::string cmd = std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab exec " + scenario +
                    " -- timeout 30 smbclient -L //127.0.0.1 -N -d 4";
  for (const auto& o : options) cmd += " --option=" + shell_quote(o);
  const auto r = run_command(cmd);
  std::smatch m;
  const std::string all = r.out + r.err;
  if (std::regex_search(all, m, std::regex(R"(negotiated dialect\[(\w+)\])"))) {
    for (const auto& [name, option] : kSmbclientDialects)
      if (option == m[1]) return "SMB " + name;
    // SMB1: smbclient logs its protocol level (NT1 stands for "NT LANMAN 1.0" and "NT LM 0.12" alike);
    // the dialect the server chose is the DialectIndex of its answer on the wire.
    std::string again = "timeout 30 smbclient -L //127.0.0.1 -N";
    for (const auto& o : options) again += " --option=" + shell_quote(o);
    const auto index =
        captured_fields(scenario, again, "smb.cmd == 0x72 && smb.flags.response == 1", "-e smb.dialect.index");
    std::vector<std::string> offered;
    std::istringstream list(smbclient_smb1_dialects());
    for (std::string d; std::getline(list, d, ',');) offered.push_back(d);
    const auto i = static_cast<std::size_t>(std::atoi(index.c_str()));
    if (!index.empty() && i < offered.size()) return offered[i];
    ADD_FAILURE() << "smbclient negotiated " << m[1] << ", but its NEGOTIATE answer has no dialect index";
  }
  EXPECT_NE(all.find("protocol negotiation failed"), std::string::npos)
      << "smbclient neither negotiated nor failed to negotiate:\n"
      << all.substr(0, 800);
  return "";
}

// ---- Kerberos: kinit ------------------------------------------------------------------------------

// MIT's names for the etypes it can send; a profile with any other (DES, Microsoft's negative RC4
// variants) cannot be emulated.
const std::map<int, std::string> kMitEtypes{{18, "aes256-cts-hmac-sha1-96"},
                                            {17, "aes128-cts-hmac-sha1-96"},
                                            {20, "aes256-cts-hmac-sha384-192"},
                                            {19, "aes128-cts-hmac-sha256-128"},
                                            {23, "arcfour-hmac"},
                                            {24, "arcfour-hmac-exp"}};
// The short names kinit's trace prints for the etype the KDC selected.
const std::map<std::string, int> kMitTraceNames{{"aes256-cts", 18},  {"aes128-cts", 17}, {"aes256-sha2", 20},
                                                {"aes128-sha2", 19}, {"rc4-hmac", 23},   {"rc4-hmac-exp", 24}};

std::optional<std::string> mit_enctypes(const json& krb) {
  std::string list;
  for (const auto& e : krb.at("etypes")) {
    const auto it = kMitEtypes.find(e.get<int>());
    if (it == kMitEtypes.end()) return std::nullopt;
    list += (list.empty() ? "" : " ") + it->second;
  }
  return list;
}

// The etype the KDC selected for the client's AS-REQ (from its PA-ETYPE-INFO2, as kinit's trace says),
// 0 when the KDC supports none of them, -1 when kinit said neither.
int kinit_etype(const std::string& scenario, const json& krb, const std::string& principal) {
  const auto info = lab_info(scenario);
  const std::string conf = ::testing::TempDir() + "/legacyscan-krb5-" + scenario + ".conf";
  {
    std::ofstream f(conf);
    f << "[libdefaults]\n  default_realm = " << info.at("LAB_REALM") << "\n  dns_lookup_kdc = false\n"
      << "  permitted_enctypes = " << *mit_enctypes(krb) << "\n  default_tkt_enctypes = " << *mit_enctypes(krb)
      << "\n  allow_weak_crypto = true\n"
      // TCP first for clients that start there; MIT's default tries UDP first, as XP/2003 do.
      << (krb.at("starts_on") == "tcp" ? "  udp_preference_limit = 1\n" : "") << "[realms]\n  " << info.at("LAB_REALM")
      << " = {\n    kdc = 127.0.0.1:88\n  }\n";
  }
  // No password is given: the KDC's PREAUTH_REQUIRED names the etype, then kinit stops.
  const auto r = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab exec " + scenario +
                             " -- env KRB5_CONFIG=" + shell_quote(conf) +
                             " KRB5_TRACE=/dev/stderr KRB5CCNAME=MEMORY: timeout 30 kinit " + shell_quote(principal));
  std::remove(conf.c_str());
  std::smatch m;
  if (std::regex_search(r.err, m, std::regex(R"(Selected etype info: etype ([\w-]+))"))) {
    const auto it = kMitTraceNames.find(m[1]);
    EXPECT_NE(it, kMitTraceNames.end()) << "kinit names an etype this test does not know: " << m[1];
    return it == kMitTraceNames.end() ? -1 : it->second;
  }
  if (r.err.find("KDC has no support for encryption type") != std::string::npos) return 0;
  ADD_FAILURE() << "kinit neither selected an etype nor was refused";
  return -1;
}

// ---- TLS: openssl s_client ----------------------------------------------------------------------

// The local OpenSSL's suites: IANA code ("0xC02F") -> its OpenSSL name and IANA name, read from
// `openssl ciphers -stdname -V` (what this build of OpenSSL can send at security level 0).
struct OpensslSuite {
  std::string openssl, iana;
  bool tls13 = false;
};
const std::map<std::string, OpensslSuite>& openssl_suites() {
  static const auto table = [] {
    std::map<std::string, OpensslSuite> t;
    auto r = run_command("openssl ciphers -stdname -V " + shell_quote("ALL:COMPLEMENTOFALL:@SECLEVEL=0"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::regex row(R"re(0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2}) - (\S+)\s+- (\S+)\s+(\S+))re");
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, row)) continue;
      std::string hex = "0x" + m[1].str() + m[2].str();
      for (auto& ch : hex) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      hex[1] = 'x';
      t[hex] = OpensslSuite{m[4], m[3], m[5] == "TLSv1.3"};
    }
    return t;
  }();
  return table;
}

const std::map<std::string, std::string> kOpensslVersions{
    {"tls1.0", "TLSv1"}, {"tls1.1", "TLSv1.1"}, {"tls1.2", "TLSv1.2"}, {"tls1.3", "TLSv1.3"}};
const std::map<std::string, std::string> kOpensslGroups{
    {"x25519", "X25519"}, {"secp256r1", "P-256"}, {"secp384r1", "P-384"}, {"secp521r1", "P-521"}, {"x448", "X448"}};

// s_client's arguments that send this stack's hello (versions, suites in order, groups), or none when it
// cannot: no SSL 2.0-format hello and no SSL 3.0 in Debian's OpenSSL, only the suites and groups it
// has, and its TLS 1.3 suites always come first.
std::optional<std::vector<std::string>> s_client_options(const json& stack) {
  if (stack.value("sslv2_hello", false)) return std::nullopt;
  std::vector<std::string> versions;
  for (const auto& v : stack.at("versions")) {
    const auto it = kOpensslVersions.find(v.get<std::string>());
    if (it == kOpensslVersions.end()) return std::nullopt;
    versions.push_back(it->second);
  }
  std::string tls13, tls12;
  bool seen12 = false;
  for (const auto& c : stack.at("cipher_suites")) {
    std::string hex = c.get<std::string>();
    hex[1] = 'x';
    for (std::size_t i = 2; i < hex.size(); ++i)
      hex[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i])));
    const auto it = openssl_suites().find(hex);
    if (it == openssl_suites().end() || (it->second.tls13 && seen12)) return std::nullopt;
    seen12 = seen12 || !it->second.tls13;
    auto& list = it->second.tls13 ? tls13 : tls12;
    list += (list.empty() ? "" : ":") + it->second.openssl;
  }
  std::string groups;
  for (const auto& g : stack.value("groups", json::array())) {
    const auto it = kOpensslGroups.find(g.get<std::string>());
    if (it == kOpensslGroups.end()) return std::nullopt;
    groups += (groups.empty() ? "" : ":") + it->second;
  }
  std::vector<std::string> o{"-min_protocol", versions.front(), "-max_protocol", versions.back(), "-brief"};
  // An empty list turns that kind of suite off, as the client has none of them.
  o.insert(o.end(), {"-ciphersuites", tls13, "-cipher", (tls12.empty() ? "" : tls12 + ":") + "@SECLEVEL=0"});
  if (!groups.empty()) o.insert(o.end(), {"-groups", groups});
  return o;
}

// What s_client negotiated ("TLS 1.3 TLS_AES_256_GCM_SHA384", as the matrix names it), or "".
std::string s_client_negotiated(const std::string& scenario, int port, const std::vector<std::string>& options) {
  std::string cmd = std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab exec " + scenario +
                    " -- timeout 30 openssl s_client -connect 127.0.0.1:" + std::to_string(port);
  for (const auto& o : options) cmd += " " + shell_quote(o);
  const auto r = run_command(cmd);
  const std::string all = r.out + r.err;
  std::smatch v, c;
  if (all.find("CONNECTION ESTABLISHED") == std::string::npos ||
      !std::regex_search(all, v, std::regex(R"re(Protocol version: TLSv(1(\.\d)?))re")) ||
      !std::regex_search(all, c, std::regex(R"re(Ciphersuite: (\S+))re")))
    return "";
  std::string version = v[1];
  if (version == "1") version = "1.0";
  for (const auto& [hex, suite] : openssl_suites())
    if (suite.openssl == c[1]) return "TLS " + version + " " + suite.iana;
  ADD_FAILURE() << "s_client negotiated a suite this OpenSSL does not list: " << c[1];
  return "";
}

// ---- TLS: Java JSSE -------------------------------------------------------------------------------

// LegacyTlsClient compiled once, and a java.security override that enables every algorithm the JDK
// disables by default (SSL 3.0, TLS 1.0/1.1, 3DES, RC4, DES, export suites).
const std::string& jsse_dir() {
  static const std::string dir = [] {
    const std::string d = ::testing::TempDir() + "/legacyscan-jsse-" + std::to_string(::getpid());
    const auto r =
        run_command("mkdir -p " + shell_quote(d) + " && javac -d " + shell_quote(d) + " " +
                    shell_quote(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/integration/LegacyTlsClient.java"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ofstream(d + "/java.security") << "jdk.tls.disabledAlgorithms=\njdk.certpath.disabledAlgorithms=\n"
                                           "jdk.tls.legacyAlgorithms=\n";
    return d;
  }();
  return dir;
}

std::string jsse_command(const std::string& groups) {
  return "java -Djava.security.properties=" + shell_quote(jsse_dir() + "/java.security") +
         (groups.empty() ? "" : " -Djdk.tls.namedGroups=" + shell_quote(groups)) + " -cp " + shell_quote(jsse_dir()) +
         " LegacyTlsClient";
}

// The suites this JDK can send, by their JSSE names (SSL_ for the SSL 3.0-era ones).
const std::set<std::string>& jsse_suites() {
  static const auto all = [] {
    std::set<std::string> out;
    const auto r = run_command(jsse_command("") + " --list");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) out.insert(line);
    return out;
  }();
  return all;
}

const std::map<std::string, std::string> kJsseVersions{
    {"ssl3", "SSLv3"}, {"tls1.0", "TLSv1"}, {"tls1.1", "TLSv1.1"}, {"tls1.2", "TLSv1.2"}, {"tls1.3", "TLSv1.3"}};
const std::set<std::string> kJsseGroups{"secp256r1", "secp384r1", "secp521r1", "x25519",
                                        "x448",      "ffdhe2048", "ffdhe3072", "ffdhe4096"};

// JSSE's arguments for this stack's hello (groups, versions, suites in order), or none when it cannot
// send it: no SSL 2.0-format hello, only the suites and groups this JDK has; a stack with ECDHE suites
// must name its groups (else JSSE would send its own).
std::optional<std::vector<std::string>> jsse_options(const json& stack) {
  if (stack.value("sslv2_hello", false)) return std::nullopt;
  std::string versions, suites, groups;
  for (const auto& v : stack.at("versions")) {
    if (!kJsseVersions.contains(v.get<std::string>())) return std::nullopt;
    versions += (versions.empty() ? "" : ",") + kJsseVersions.at(v.get<std::string>());
  }
  bool ecdhe = false;
  for (const auto& c : stack.at("cipher_suites")) {
    const auto code = static_cast<std::uint16_t>(std::stoul(c.get<std::string>(), nullptr, 16));
    std::string name = code == 0x00FF ? "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" : tls::cipher_suite_name(code);
    if (!jsse_suites().contains(name) && name.starts_with("TLS_")) name = "SSL_" + name.substr(4);
    if (!jsse_suites().contains(name)) return std::nullopt;
    ecdhe = ecdhe || name.find("_ECDHE_") != std::string::npos;
    suites += (suites.empty() ? "" : ",") + name;
  }
  for (const auto& g : stack.value("groups", json::array())) {
    if (!kJsseGroups.contains(g.get<std::string>())) return std::nullopt;
    groups += (groups.empty() ? "" : ",") + g.get<std::string>();
  }
  if (ecdhe && groups.empty()) return std::nullopt;
  return std::vector<std::string>{groups, versions, suites};
}

// What JSSE negotiated, in the matrix's words ("TLS 1.0 TLS_RSA_WITH_3DES_EDE_CBC_SHA"), or "".
std::string jsse_negotiated(const std::string& scenario, int port, const std::vector<std::string>& options) {
  const auto r = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab exec " + scenario + " -- timeout 30 " +
                             jsse_command(options[0]) + " 127.0.0.1 " + std::to_string(port) + " " +
                             shell_quote(options[1]) + " " + shell_quote(options[2]));
  std::smatch m;
  if (!std::regex_search(r.out, m, std::regex(R"re(^OK (SSLv3|TLSv1(\.\d)?) (\S+))re"))) {
    EXPECT_TRUE(r.out.starts_with("FAIL ")) << "LegacyTlsClient said neither OK nor FAIL:\n" << r.out << r.err;
    return "";
  }
  const std::map<std::string, std::string> version{{"SSLv3", "SSL 3.0"},
                                                   {"TLSv1", "TLS 1.0"},
                                                   {"TLSv1.1", "TLS 1.1"},
                                                   {"TLSv1.2", "TLS 1.2"},
                                                   {"TLSv1.3", "TLS 1.3"}};
  std::string suite = m[3];
  if (suite.starts_with("SSL_")) suite = "TLS_" + suite.substr(4);
  return version.at(m[1]) + " " + suite;
}

// Whether a real client's outcome (what it negotiated, in the matrix's words; "" when it failed) is
// the matrix's: both failed, or both negotiated the same.
bool agrees(const std::string& real, const json& outcome) {
  return real.empty() ? outcome.at("verdict") == "fails"
                      : outcome.at("verdict") != "fails" && outcome.value("negotiated", "") == real;
}

// Runs a real client for every profile with that protocol whose offer it can send (run returns none
// when it cannot), on every lab DC, and expects each outcome to be the profile's cell there.
void expect_agreement(const std::string& client, const std::string& protocol,
                      const std::function<std::optional<std::string>(const std::string&, const json&)>& run) {
  int agreed = 0, compared = 0;
  for (const auto& scenario : kScenarios)
    for (const auto& p : profiles()) {
      if (!p.contains(protocol)) continue;
      const auto real = run(scenario, p);
      if (!real) continue;
      const auto& c = cell(scenario, p.at("id"), protocol);
      ++compared;
      EXPECT_TRUE(agrees(*real, c)) << p.at("id") << " on " << scenario << ": " << client << " "
                                    << (real->empty() ? "failed" : "negotiated " + *real) << ", the cell says "
                                    << c.dump();
      agreed += agrees(*real, c) ? 1 : 0;
    }
  std::cout << "[ " << client << " ] " << agreed << " of " << compared << " " << protocol << " cells agree\n";
  EXPECT_GT(compared, 0);
}

// ---- the tests ------------------------------------------------------------------------------------

TEST(IntegrationRealClients, ProfilesNameTheRealClientExactlyWhenOneCanSendTheirOffer) {
  for (const auto& p : profiles()) {
    const auto& v = p.at("verified_by");
    if (p.contains("smb")) {
      EXPECT_EQ(v.at("smb").at("client").get<std::string>().starts_with("smbclient"),
                smbclient_options(p.at("smb")).has_value())
          << p.at("id");
    }
    if (p.contains("kerberos")) {
      EXPECT_EQ(v.at("kerberos").at("client").get<std::string>().starts_with("kinit"),
                mit_enctypes(p.at("kerberos")).has_value())
          << p.at("id");
    }
    if (p.contains("tls")) {
      // s_client where it can send a stack's offer, else Java's JSSE, else no real client.
      bool s_client = false, jsse = false;
      for (const auto& stack : p.at("tls")) {
        s_client = s_client || s_client_options(stack).has_value();
        jsse = jsse || jsse_options(stack).has_value();
      }
      const std::string client = v.at("tls").at("client");
      EXPECT_EQ(client.starts_with("openssl s_client"), s_client) << p.at("id");
      EXPECT_EQ(client.starts_with("Java JSSE"), !s_client && jsse) << p.at("id");
    }
    // integration_real_clients_auth_test: a Kerberos/NTLM bind's path, a cleartext bind, the <1C> query.
    if (p.contains("ldap")) {
      const bool cleartext = p.at("ldap").at("cleartext_bind");
      const std::string client = v.at("ldap").at("client");
      EXPECT_EQ(client.starts_with("kinit + ldapsearch"), p.contains("auth") && !cleartext) << p.at("id");
      EXPECT_EQ(client.starts_with("ldapsearch -x"), cleartext) << p.at("id");
    }
    if (p.contains("netbios")) {
      EXPECT_EQ(v.at("netbios").at("client").get<std::string>().starts_with("nmblookup"),
                p.at("netbios").at("sam_logon").get<bool>())
          << p.at("id");
    }
  }
}

TEST(IntegrationRealClients, SmbclientAgreesWithTheSmbCells) {
  expect_agreement("smbclient", "smb", [](const std::string& scenario, const json& p) -> std::optional<std::string> {
    const auto options = smbclient_options(p.at("smb"));
    if (!options) return std::nullopt;
    return smbclient_dialect(scenario, *options);
  });
}

// Whether smbclient's session is signed, as the wire shows: after the NEGOTIATE, SMB1 packets carry
// FLAGS2_SMB_SECURITY_SIGNATURE and a signature ([MS-CIFS] 2.2.3.1, 3.1.5.1). It logs on as the lab's
// administrator from an authentication file that is deleted at once; the capture is deleted too.
bool smbclient_signs_smb1(const std::string& scenario, const std::vector<std::string>& options) {
  const auto info = lab_info(scenario);
  const std::string auth = ::testing::TempDir() + "/legacyscan-auth-" + scenario;
  {
    std::ofstream f(auth);
    f << "username = " << info.at("LAB_ADMIN_USER") << "\npassword = " << info.at("LAB_ADMIN_PASSWORD")
      << "\ndomain = " << info.at("LAB_DOMAIN") << "\n";
  }
  std::string cmd = "timeout 30 smbclient //127.0.0.1/netlogon -A " + shell_quote(auth) + " -c ls";
  for (const auto& o : options) cmd += " --option=" + shell_quote(o);
  const auto signatures =
      captured_fields(scenario, cmd, "smb && smb.cmd != 0x72 && smb.flags2.sec_sig == 1", "-e smb.signature");
  std::remove(auth.c_str());
  std::istringstream in(signatures);
  // "BSRSPYL " is the placeholder a client that means to sign puts in its SESSION_SETUP before it has a
  // key ([MS-CIFS] 3.2.4.2.4); only real signatures after it count.
  for (std::string line; std::getline(in, line);)
    if (line.find_first_not_of('0') != std::string::npos && line != "4253525350594c20") return true;
  return false;
}

TEST(IntegrationRealClients, Smb1SessionsAreSignedAsTheCellsSay) {
  int compared = 0;
  for (const auto& scenario : kScenarios)
    for (const auto& p : profiles()) {
      if (!p.contains("smb") || p.at("smb").at("smb1_dialects").empty()) continue;
      const auto options = smbclient_options(p.at("smb"));
      const auto& c = cell(scenario, p.at("id"), "smb");
      if (!options || c.at("verdict") == "fails") continue;
      const std::string reason = c.at("reason");
      const bool cell_signed =
          reason.find("unsigned") == std::string::npos &&
          (reason.find("signed session") != std::string::npos || reason.find("requires signing") != std::string::npos);
      ++compared;
      EXPECT_EQ(smbclient_signs_smb1(scenario, *options), cell_signed)
          << p.at("id") << " on " << scenario << ": the cell says " << reason;
    }
  std::cout << "[ smbclient ] " << compared << " SMB1 sessions compared for signing\n";
  EXPECT_GT(compared, 0) << "no lab DC negotiates SMB1 with a profile smbclient can emulate";
}

TEST(IntegrationRealClients, KinitAgreesWithTheKerberosCells) {
  expect_agreement("kinit", "kerberos", [](const std::string& scenario, const json& p) -> std::optional<std::string> {
    if (!mit_enctypes(p.at("kerberos"))) return std::nullopt;
    const std::string principal =
        scan(scenario).at("hosts").at(0).at("probes").at("kerberos").at("principal").get<std::string>();
    EXPECT_FALSE(principal.empty()) << scenario;
    const int real = kinit_etype(scenario, p.at("kerberos"), principal);
    return real == 0 ? "" : real < 0 ? "(kinit said neither)" : kerberos::etype_name(real);
  });
}

// A TLS client that can send some stacks' hellos: its arguments for a stack (none when it cannot send
// that stack's offer) and what it negotiated with them on a port ("" when the handshake failed).
struct TlsClient {
  std::string name;
  std::function<std::optional<std::vector<std::string>>(const json& stack)> options;
  std::function<std::string(const std::string& scenario, int port, const std::vector<std::string>&)> negotiate;
};

// Every stack the client can emulate (and `only` keeps), on every TLS port of each scenario (every lab
// DC by default), against that stack's own outcome in the profile's cell there.
void expect_tls_agreement(const TlsClient& client, const std::vector<std::string>& scenarios = kScenarios,
                          const std::function<bool(const json& stack)>& only = {}) {
  int agreed = 0, compared = 0;
  for (const auto& scenario : scenarios) {
    const auto& host = scan(scenario, "tls,matrix").at("hosts").at(0);
    for (const auto& p : profiles()) {
      if (!p.contains("tls")) continue;
      for (const auto& row : host.at("matrix")) {
        if (row.at("profile") != p.at("id") || !row.at("protocols").contains("tls")) continue;
        for (const auto& [port, c] : row.at("protocols").at("tls").items()) {
          if (port == "any") continue;
          // Each stack the matrix tried on that port: its own outcome (under "stacks" when several).
          const auto outcomes = c.contains("stacks") ? c.at("stacks") : json::array({c});
          for (const auto& outcome : outcomes)
            for (const auto& stack : p.at("tls")) {
              if (stack.at("stack") != outcome.at("stack")) continue;
              const auto options = client.options(stack);
              if (!options || (only && !only(stack))) continue;
              const auto real = client.negotiate(scenario, std::stoi(port), *options);
              ++compared;
              const bool same = agrees(real, outcome);
              EXPECT_TRUE(same) << p.at("id") << " on " << scenario << ":" << port << ": " << client.name << " "
                                << (real.empty() ? "failed" : "negotiated " + real) << ", the cell says "
                                << outcome.dump();
              agreed += same ? 1 : 0;
            }
        }
      }
    }
  }
  std::cout << "[ " << client.name << " ] " << agreed << " of " << compared << " TLS cells agree"
            << (scenarios == kScenarios ? "" : " (" + scenarios.front() + ")") << "\n";
  EXPECT_GT(compared, 0);
}

TEST(IntegrationRealClients, OpensslSClientAgreesWithTheTlsCells) {
  expect_tls_agreement({"openssl s_client", s_client_options, s_client_negotiated});
}

// Stacks Debian's OpenSSL cannot send (SSL 3.0, 3DES, RC4, single DES): Java's JSSE with every disabled
// algorithm enabled again (tests/integration/LegacyTlsClient.java).
TEST(IntegrationRealClients, JavaJsseAgreesWithTheTlsCellsOfOlderStacks) {
  expect_tls_agreement({"Java JSSE", jsse_options, jsse_negotiated});
}

// Stacks that talk to no DC service (curl/NSS: HTTPS, FTP and mail, never LDAPS) get no cell on the DCs'
// LDAPS ports; the services scenario's dovecot (implicit TLS on 993 and 995) is their lab endpoint.
TEST(IntegrationRealClients, JavaJsseAgreesWithTheMailTlsCellsOfStacksWithoutLdaps) {
  expect_tls_agreement({"Java JSSE", jsse_options, jsse_negotiated}, {"services"}, [](const json& stack) {
    const auto& services = stack.at("services");
    return std::find(services.begin(), services.end(), "any") == services.end() &&
           std::find(services.begin(), services.end(), "ldaps") == services.end();
  });
}

}  // namespace
}  // namespace legacyscan::testing
