// SPDX-License-Identifier: Apache-2.0
// The Kerberos probe against the two MIT krb5 1.20 KDCs of the lab's "mit" scenario (scripts/lab.d/mit,
// namespace ls-mit): MIT-ALL.TEST (every switch on) and MIT-DEFAULT.TEST (Debian's defaults), over UDP
// and TCP. Nothing is hard-coded: the expected verdict of every etype is derived from the krb5.conf the
// script wrote (allow_weak_crypto, allow_rc4, allow_des3, permitted_enctypes) and from the principal's
// keys as `kadmin.local getprinc` lists them, by the rules MIT's KDC applies (docs/probes/kerberos.md):
//   alone:     not permitted (unknown to 1.20 like single DES, or weak without allow_weak_crypto) -> 14;
//              an RC4 session key without allow_rc4, a des3 one without allow_des3                -> 14;
//              no key of that etype                                                               -> 25
//              without ETYPE-INFO2 (no-key); else 25 naming it (accepted), or an AS-REP in it.
//   with AES:  not permitted or no key -> the KDC names aes256 (not-chosen); else the etype is the reply
//              key and aes256 the session key (accepted).
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "tests/integration/kerberos_support.hpp"
#include "tests/integration/lab_support.hpp"

namespace {

using legacyscan::testing::run_command;
using legacyscan::testing::shell_quote;
using nlohmann::json;

const std::vector<std::string>& kAll = legacyscan::testing::kKerberosEtypeNames;

// KEY=VALUE lines of `scripts/lab.d/mit info`.
std::map<std::string, std::string> mit_info() {
  static const auto info = [] {
    std::map<std::string, std::string> m;
    auto r = run_command(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/lab.d/mit info");
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line))
      if (auto eq = line.find('='); eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 1);
    return m;
  }();
  return info;
}

std::string trim(std::string s) {
  const auto a = s.find_first_not_of(" \t");
  const auto b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

// MIT spells rc4 "arcfour-hmac"; the probe's names are the IANA/RFC 4757 ones.
std::string probe_name(std::string mit) {
  if (mit.starts_with("DEPRECATED:")) mit = mit.substr(11);
  if (auto colon = mit.find(':'); colon != std::string::npos) mit.resize(colon);  // ":norealm" salt
  if (mit == "arcfour-hmac" || mit == "rc4-hmac" || mit == "arcfour-hmac-md5") return "rc4-hmac";
  if (mit == "arcfour-hmac-exp" || mit == "rc4-hmac-exp" || mit == "arcfour-hmac-md5-exp") return "rc4-hmac-exp";
  return mit;
}

struct Kdc {
  std::string realm, addr, krb5_conf, kdc_conf, keytab;
  bool allow_weak = false, allow_rc4 = false, allow_des3 = false;
  std::set<std::string> permitted;  // empty: MIT's default list (every enctype that is not weak)

  // [libdefaults] of the krb5.conf the lab script wrote for this KDC.
  static Kdc load(const std::string& which) {
    auto info = mit_info();
    Kdc k;
    k.realm = info["MIT_" + which + "_REALM"];
    k.addr = info["MIT_" + which + "_ADDR"];
    k.krb5_conf = info["MIT_" + which + "_KRB5_CONFIG"];
    k.kdc_conf = info["MIT_" + which + "_KDC_PROFILE"];
    k.keytab = info["MIT_" + which + "_KEYTAB"];
    std::istringstream in(legacyscan::testing::slurp(k.krb5_conf));
    std::string line, section;
    while (std::getline(in, line)) {
      line = trim(line);
      if (line.starts_with("[")) section = line;
      if (section != "[libdefaults]") continue;
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      const std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
      if (key == "allow_weak_crypto") k.allow_weak = value == "true";
      if (key == "allow_rc4") k.allow_rc4 = value == "true";
      if (key == "allow_des3") k.allow_des3 = value == "true";
      if (key == "permitted_enctypes") {
        std::istringstream words(value);
        std::string w;
        while (words >> w) k.permitted.insert(probe_name(w));
      }
    }
    return k;
  }

  // The etypes of the principal's keys, from `kadmin.local getprinc` ("Key: vno 1, DEPRECATED:arcfour-hmac").
  [[nodiscard]] std::set<std::string> keys(const std::string& principal) const {
    auto r = run_command("env KRB5_CONFIG=" + shell_quote(krb5_conf) + " KRB5_KDC_PROFILE=" + shell_quote(kdc_conf) +
                         " kadmin.local -r " + shell_quote(realm) + " -q " + shell_quote("getprinc " + principal));
    std::set<std::string> out;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line))
      if (auto p = line.find("Key: vno "); p != std::string::npos)
        if (auto comma = line.find(", ", p); comma != std::string::npos)
          out.insert(probe_name(trim(line.substr(comma + 2))));
    EXPECT_FALSE(out.empty()) << "getprinc " << principal << ": " << r.out << r.err;
    return out;
  }
  // Key etypes in the order getprinc lists them (the first is the one MIT encrypts tickets in).
  [[nodiscard]] std::string first_key(const std::string& principal) const {
    auto r = run_command("env KRB5_CONFIG=" + shell_quote(krb5_conf) + " KRB5_KDC_PROFILE=" + shell_quote(kdc_conf) +
                         " kadmin.local -r " + shell_quote(realm) + " -q " + shell_quote("getprinc " + principal));
    auto p = r.out.find("Key: vno ");
    if (p == std::string::npos) return {};
    auto comma = r.out.find(", ", p);
    return probe_name(trim(r.out.substr(comma + 2, r.out.find('\n', comma) - comma - 2)));
  }

  [[nodiscard]] bool known(const std::string& e) const { return e != "des-cbc-crc" && e != "des-cbc-md5"; }
  [[nodiscard]] bool permitted_etype(const std::string& e) const {
    if (!known(e)) return false;
    if (e == "rc4-hmac-exp" && !allow_weak) return false;  // MIT's only weak enctype left in 1.20
    return permitted.empty() || permitted.count(e) > 0;
  }
  [[nodiscard]] bool session_ok(const std::string& e) const {
    if (e == "rc4-hmac" || e == "rc4-hmac-exp") return allow_rc4;
    if (e == "des3-cbc-sha1") return allow_des3;
    return true;
  }
  [[nodiscard]] std::string alone(const std::string& e, const std::set<std::string>& keys) const {
    if (!permitted_etype(e) || !session_ok(e)) return "rejected";
    return keys.count(e) ? "accepted" : "no-key";
  }
  [[nodiscard]] std::string with_aes(const std::string& e, const std::set<std::string>& keys) const {
    if (e == "aes256-cts-hmac-sha1-96") return alone(e, keys);
    return permitted_etype(e) && keys.count(e) ? "accepted" : "not-chosen";
  }
};

json kerberos_of(const json& doc) {
  if (!doc.contains("hosts") || doc["hosts"].empty()) return json::object();
  return doc["hosts"][0]["probes"].value("kerberos", json::object());
}

legacyscan::testing::RunResult run_mit(std::vector<std::string> args, const std::string& env = "") {
  std::string cmd = "ip netns exec " + mit_info()["MIT_NS"] + " env " + env + " " + shell_quote(LEGACYSCAN_BINARY);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  return run_command(cmd);
}

json scan_mit(const std::string& addr, std::vector<std::string> extra, int expected_exit = 0) {
  std::vector<std::string> args{"scan", addr, "--probes", "kerberos", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto r = run_mit(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.err;
  auto doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out.substr(0, 400) << r.err;
  return kerberos_of(doc);
}

// Every etype, both modes, both transports, against the model of the KDC's configuration.
void expect_every_etype(const Kdc& kdc, const json& k, const std::set<std::string>& keys, bool as_rep) {
  ASSERT_EQ(k.value("status", ""), "ok") << k.dump(2);
  EXPECT_EQ(k["realm"], kdc.realm);
  EXPECT_EQ(k["transports"]["udp"]["status"], "ok");
  EXPECT_EQ(k["transports"]["tcp"]["status"], "ok");
  for (const auto& name : kAll) {
    const std::string alone = kdc.alone(name, keys), with_aes = kdc.with_aes(name, keys);
    const auto& d = k["etype_details"][name];
    EXPECT_EQ(k["etypes"][name], alone) << kdc.realm << " " << name << " " << d.dump();
    EXPECT_EQ(d["udp"], alone) << kdc.realm << " " << name << " over UDP";
    EXPECT_EQ(d["tcp"], alone) << kdc.realm << " " << name << " over TCP";
    EXPECT_EQ(k["etypes_with_aes"][name], with_aes) << kdc.realm << " " << name << " with AES " << d.dump();
    EXPECT_EQ(d["udp_with_aes"], with_aes) << kdc.realm << " " << name << " with AES over UDP";
    EXPECT_EQ(d["tcp_with_aes"], with_aes) << kdc.realm << " " << name << " with AES over TCP";
    if (alone == "rejected")
      EXPECT_EQ(d.value("error", ""), "KDC_ERR_ETYPE_NOSUPP") << name;
    else if (alone == "no-key" || !as_rep)
      EXPECT_EQ(d.value("error", ""), "KDC_ERR_PREAUTH_REQUIRED") << name;
    else
      EXPECT_FALSE(d.contains("error")) << name << ": an AS-REP is no error";
  }
  EXPECT_EQ(k["asrep_roastable"], as_rep);
  ASSERT_TRUE(k["clock_skew_seconds"].is_number()) << k.dump();
  EXPECT_LE(std::abs(k["clock_skew_seconds"].get<long>()), 5);  // the KDC runs on this machine
  // XP offer: the first etype of the list that the KDC accepts alone (MIT names the first offered one
  // it can use), or 14 when there is none.
  std::string xp_chosen;
  for (const auto& e : k["xp_offer"]["offered"]) {
    const std::string n = e.get<std::string>();
    if (std::find(kAll.begin(), kAll.end(), n) != kAll.end() && kdc.alone(n, keys) == "accepted") {
      xp_chosen = n;
      break;
    }
  }
  // Without one: 25 without ETYPE-INFO2 when the KDC would take an offered etype but the principal has
  // no key of it, else 14.
  bool some_no_key = false;
  for (const auto& e : k["xp_offer"]["offered"])
    if (std::find(kAll.begin(), kAll.end(), e.get<std::string>()) != kAll.end())
      some_no_key = some_no_key || kdc.alone(e.get<std::string>(), keys) == "no-key";
  if (xp_chosen.empty())
    EXPECT_EQ(k["xp_offer"].value("error", ""), some_no_key ? "KDC_ERR_PREAUTH_REQUIRED" : "KDC_ERR_ETYPE_NOSUPP")
        << k["xp_offer"].dump();
  else
    EXPECT_EQ(k["xp_offer"].value("chosen", ""), xp_chosen) << k["xp_offer"].dump();
}

class IntegrationKerberosMit : public ::testing::TestWithParam<std::string> {};

TEST_P(IntegrationKerberosMit, EveryEtypeBothModesBothTransports) {
  const Kdc kdc = Kdc::load(GetParam());
  const std::string principal = mit_info()["MIT_PRINCIPAL"];
  const auto keys = kdc.keys(principal);
  const auto k = scan_mit(kdc.addr, {"--realm", kdc.realm, "--kerberos-principal", principal});
  EXPECT_EQ(k["principal"], principal + "@" + kdc.realm);
  expect_every_etype(kdc, k, keys, false);
  // A 25 from MIT offers encrypted timestamp and FAST; its ETYPE-INFO2 carries the salt.
  const auto& pa = k["preauth_types"];
  EXPECT_NE(std::find(pa.begin(), pa.end(), "PA-ENC-TIMESTAMP"), pa.end()) << pa.dump();
  EXPECT_NE(std::find(pa.begin(), pa.end(), "PA-FX-FAST"), pa.end()) << pa.dump();
  EXPECT_EQ(k["salts"].value("aes256-cts-hmac-sha1-96", ""), kdc.realm + principal);
}

TEST_P(IntegrationKerberosMit, AesOnlyPrincipalHasNoKeyForTheRest) {
  const Kdc kdc = Kdc::load(GetParam());
  const std::string principal = mit_info()["MIT_AES_ONLY_PRINCIPAL"];
  const auto keys = kdc.keys(principal);
  ASSERT_EQ(keys, (std::set<std::string>{"aes128-cts-hmac-sha1-96", "aes256-cts-hmac-sha1-96"}));
  const auto k = scan_mit(kdc.addr, {"--realm", kdc.realm, "--kerberos-principal", principal});
  expect_every_etype(kdc, k, keys, false);
}

// -requires_preauth: every AS-REQ draws an AS-REP. The finding is reported; nothing of the AS-REP's
// encrypted parts (ticket or reply) appears in JSON, in the table or in the debug log. The cipher texts
// are taken from a capture of the same run.
TEST_P(IntegrationKerberosMit, AsRepRoastableAndNothingOfTheEncryptedPartIsShown) {
  const Kdc kdc = Kdc::load(GetParam());
  const std::string principal = mit_info()["MIT_ROAST_PRINCIPAL"];
  const auto keys = kdc.keys(principal);
  const std::string pcap = ::testing::TempDir() + "/legacyscan-mit-roast-" + GetParam() + ".pcap";
  const std::string out = pcap + ".out", err = pcap + ".err", table = pcap + ".table", dlog = pcap + ".dumpcap";
  std::string scan = shell_quote(LEGACYSCAN_BINARY) + " scan " + kdc.addr + " --probes kerberos --realm " + kdc.realm +
                     " --kerberos-principal " + principal;
  std::string script = "dumpcap -q -P -i lo -f 'port 88' -w " + pcap + " 2>" + dlog + " & p=$!; " +
                       "n=0; until grep -q 'Capturing on' " + dlog +
                       " || [ $n -gt 100 ]; do sleep 0.1; n=$((n+1)); done; sleep 0.3; " + scan +
                       " --format json -vv >" + out + " 2>" + err + "; rc=$?; " + scan + " --format table >" + table +
                       " 2>>" + err + "; sleep 0.5; kill -INT $p; wait $p; exit $rc";
  auto r = run_command("ip netns exec " + mit_info()["MIT_NS"] + " sh -c " + shell_quote(script));
  ASSERT_EQ(r.exit_code, 0) << r.err << legacyscan::testing::slurp(err);
  const std::string json_text = legacyscan::testing::slurp(out), table_text = legacyscan::testing::slurp(table),
                    log_text = legacyscan::testing::slurp(err);
  auto doc = json::parse(json_text, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  const auto k = kerberos_of(doc);
  expect_every_etype(kdc, k, keys, true);
  // The table names the finding by its check id (hosts[].findings[].check) and says it is BAD.
  EXPECT_NE(table_text.find("kerberos.asrep_roastable"), std::string::npos) << table_text;
  EXPECT_NE(table_text.find("yes: an AS-REP came back without pre-authentication"), std::string::npos) << table_text;

  auto ciphers = run_command("tshark -r " + pcap + " -Y 'kerberos.msg_type == 11' -T fields -e kerberos.cipher");
  ASSERT_EQ(ciphers.exit_code, 0) << ciphers.err;
  std::set<std::string> hex;
  std::istringstream lines(ciphers.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string c;
    while (std::getline(fields, c, ','))
      if (c.size() >= 32) hex.insert(c);
  }
  ASSERT_GE(hex.size(), 10u) << "the capture has no AS-REP cipher texts: " << ciphers.out.substr(0, 200);
  auto upper = [](std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return s;
  };
  auto base64 = [](const std::string& hexs) {
    static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string b, out;
    for (std::size_t i = 0; i + 1 < hexs.size(); i += 2)
      b.push_back(static_cast<char>(std::stoi(hexs.substr(i, 2), nullptr, 16)));
    for (std::size_t i = 0; i + 2 < b.size(); i += 3) {
      const unsigned v = (static_cast<unsigned char>(b[i]) << 16) | (static_cast<unsigned char>(b[i + 1]) << 8) |
                         static_cast<unsigned char>(b[i + 2]);
      for (int s = 18; s >= 0; s -= 6) out.push_back(tbl[(v >> s) & 63]);
    }
    return out;
  };
  for (const auto& c : hex) {
    // Any 12 bytes of a cipher text, as hex or as base64 from any of three alignments.
    for (std::size_t off = 0; off + 24 <= c.size(); off += 24) {
      const std::string piece = c.substr(off, 24);
      for (const auto* text : {&json_text, &table_text, &log_text}) {
        EXPECT_EQ(text->find(piece), std::string::npos) << "cipher text (hex) in the output";
        EXPECT_EQ(text->find(upper(piece)), std::string::npos) << "cipher text (HEX) in the output";
      }
    }
    for (std::size_t shift = 0; shift < 3; ++shift) {
      const std::string b64 = base64(c.substr(2 * shift));
      for (std::size_t off = 0; off + 16 <= b64.size(); off += 16)
        for (const auto* text : {&json_text, &table_text, &log_text})
          EXPECT_EQ(text->find(b64.substr(off, 16)), std::string::npos) << "cipher text (base64) in the output";
    }
  }
}

// UDP loss: the MIT-ALL KDC also listens on a second address whose UDP/88 datagrams nftables drops at
// random (scripts/lab.d/mit). With retries, a lost datagram is at worst "no-answer" on UDP, never
// "rejected", and the merged verdicts are those of the loss-free address.
TEST(IntegrationKerberosMitRealm, NoRealmAndNoLdapPingAnswerIsSkipped) {
  // An MIT KDC on a bare address: it names no realm and no LDAP ping is answered there.
  const auto k = scan_mit(mit_info()["MIT_ALL_ADDR"], {"--timeout", "1s"}, 3);
  EXPECT_EQ(k.value("status", ""), "skipped") << k.dump(2);
  EXPECT_NE(k.value("reason", "").find("--realm"), std::string::npos);
  EXPECT_NE(k.value("reason", "").find("LDAP ping"), std::string::npos);
}

TEST(IntegrationKerberosMitLoss, UdpLossNeverTurnsIntoRejected) {
  const Kdc kdc = Kdc::load("ALL");
  const std::string principal = mit_info()["MIT_PRINCIPAL"];
  const auto keys = kdc.keys(principal);
  const auto k = scan_mit(mit_info()["MIT_LOSSY_ADDR"], {"--realm", kdc.realm, "--kerberos-principal", principal,
                                                         "--retries", "5", "--timeout", "400ms"});
  ASSERT_EQ(k.value("status", ""), "ok") << k.dump(2);
  int definitive = 0;
  for (const auto& name : kAll) {
    const auto& d = k["etype_details"][name];
    for (const char* mode : {"udp", "udp_with_aes"}) {
      const std::string want = std::string(mode) == "udp" ? kdc.alone(name, keys) : kdc.with_aes(name, keys);
      const std::string got = d[mode];
      EXPECT_TRUE(got == want || got == "no-answer") << name << " " << mode << ": " << got << " (want " << want << ")";
      definitive += got == want;
    }
    EXPECT_EQ(k["etypes"][name], kdc.alone(name, keys)) << name;
    EXPECT_EQ(k["etypes_with_aes"][name], kdc.with_aes(name, keys)) << name;
  }
  // The loss was real (some exchange needed a resend) and the retries got most answers through.
  EXPECT_GT(k["transports"]["udp"]["max_attempts"].get<int>(), 1);
  EXPECT_GE(definitive, 18) << k["etype_details"].dump();
}

// A hostile fixture on 127.0.0.5:88 (scripts/lab.d/mit) answers UDP with a KRB-ERROR cut short and TCP
// with a record mark whose reserved bit is set. Over UDP a datagram that is not a whole KDC reply cannot
// be told from junk: it is ignored, and the timeout's reason counts it and names the last one's flaw; over
// TCP the record is the KDC's answer: protocol-error. Each with its reason.
TEST(IntegrationKerberosMitHostile, BadRepliesAreIgnoredOnUdpAndProtocolErrorsOnTcpWithAReason) {
  const auto k = scan_mit(mit_info()["MIT_HOSTILE_ADDR"], {"--realm", "MIT-ALL.TEST", "--timeout", "1s"}, 3);
  EXPECT_EQ(k.value("status", ""), "protocol-error") << k.dump(2);
  const auto& udp = k["transports"]["udp"];
  const auto& tcp = k["transports"]["tcp"];
  EXPECT_EQ(udp.value("status", ""), "timeout") << udp.dump();
  EXPECT_NE(udp.value("reason", "").find("ignored"), std::string::npos) << udp.dump();
  EXPECT_NE(udp.value("reason", "").find("exceeds"), std::string::npos) << udp.dump();
  EXPECT_EQ(tcp.value("status", ""), "protocol-error") << tcp.dump();
  EXPECT_NE(tcp.value("reason", "").find("reserved high bit"), std::string::npos) << tcp.dump();
  EXPECT_NE(k.value("reason", "").find("tcp:"), std::string::npos);
  EXPECT_NE(k.value("reason", "").find("udp:"), std::string::npos);
}

// The credentialed exchange (--user with a password, or a keytab exported by kadmin.local ktadd).
json logon(const Kdc& kdc, std::vector<std::string> creds, const std::string& env = "") {
  std::vector<std::string> args{"scan",
                                kdc.addr,
                                "--probes",
                                "kerberos",
                                "--realm",
                                kdc.realm,
                                "--kerberos-principal",
                                mit_info()["MIT_PRINCIPAL"],
                                "--format",
                                "json"};
  args.insert(args.end(), creds.begin(), creds.end());
  auto r = run_mit(args, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << r.out.substr(0, 300) << r.err;
  return kerberos_of(doc);
}

// What MIT answers the XP offer with PA-ENC-TIMESTAMP, derived from the configuration: the reply key is
// the first offered etype the user has a key for and the KDC accepts alone; the ticket is in krbtgt's
// first key; the session key is the first offered etype krbtgt has a key for that may be a session key.
void expect_xp_logon(const Kdc& kdc, const json& x, const std::string& key_source) {
  const std::string user = mit_info()["MIT_XP_USER"];
  EXPECT_EQ(x.value("user", ""), user + "@" + kdc.realm) << x.dump();
  EXPECT_EQ(x.value("key_source", ""), key_source);
  EXPECT_EQ(x.value("status", ""), "ok") << x.dump();
  const auto user_keys = kdc.keys(user), tgt_keys = kdc.keys("krbtgt/" + kdc.realm);
  // The XP offer's etypes that MIT knows, in order (rc4-hmac first; the negative ones are unknown to it).
  const std::vector<std::string> offer{"rc4-hmac", "rc4-hmac-exp", "des-cbc-md5", "des-cbc-crc"};
  std::string reply, session;
  for (const auto& e : offer)
    if (reply.empty() && kdc.alone(e, user_keys) == "accepted") reply = e;
  for (const auto& e : offer)
    if (session.empty() && kdc.permitted_etype(e) && kdc.session_ok(e) && tgt_keys.count(e)) session = e;
  if (reply.empty() || session.empty()) {
    EXPECT_EQ(x.value("error", ""), "KDC_ERR_ETYPE_NOSUPP") << x.dump();
    EXPECT_FALSE(x.contains("session_key_etype"));
    return;
  }
  EXPECT_EQ(x.value("reply_etype", ""), reply) << x.dump();
  EXPECT_EQ(x.value("ticket_etype", ""), kdc.first_key("krbtgt/" + kdc.realm)) << x.dump();
  EXPECT_EQ(x.value("session_key_etype", ""), session) << x.dump();
  EXPECT_EQ(x.value("transport", ""), "udp");  // MIT's AS-REP fits its 4096-byte UDP limit
  EXPECT_EQ(x["udp_response_too_big"], false);
}

TEST_P(IntegrationKerberosMit, XpLogonWithPasswordAndWithKeytab) {
  const Kdc kdc = Kdc::load(GetParam());
  const std::string user = mit_info()["MIT_XP_USER"], pw = mit_info()["MIT_XP_PASSWORD"];
  expect_xp_logon(kdc, logon(kdc, {"--user", user, "--password", pw})["xp_logon"], "password");
  expect_xp_logon(kdc, logon(kdc, {"--user", user + "@" + kdc.realm, "--keytab", kdc.keytab})["xp_logon"], "keytab");
  expect_xp_logon(kdc,
                  logon(kdc, {"--user", user, "--password-env", "LEGACYSCAN_TEST_PW"},
                        "LEGACYSCAN_TEST_PW=" + shell_quote(pw))["xp_logon"],
                  "password");
}

TEST(IntegrationKerberosMitLogon, WrongPasswordIsPreauthFailed) {
  const Kdc kdc = Kdc::load("ALL");
  const auto x = logon(kdc, {"--user", mit_info()["MIT_XP_USER"], "--password", "not-the-password"})["xp_logon"];
  EXPECT_EQ(x.value("status", ""), "ok") << x.dump();
  EXPECT_EQ(x.value("error", ""), "KDC_ERR_PREAUTH_FAILED") << x.dump();
}

TEST(IntegrationKerberosMitLogon, KeytabOfAnotherRealmOrBrokenIsAClearError) {
  const Kdc all = Kdc::load("ALL"), def = Kdc::load("DEFAULT");
  // The MIT-ALL keytab holds no key of xpuser@MIT-DEFAULT.TEST: said so, with what it does hold.
  auto x = logon(def, {"--user", mit_info()["MIT_XP_USER"], "--keytab", all.keytab})["xp_logon"];
  EXPECT_EQ(x.value("status", ""), "error") << x.dump();
  EXPECT_NE(x.value("reason", "").find("has no rc4-hmac key for xpuser@MIT-DEFAULT.TEST"), std::string::npos)
      << x.dump();
  EXPECT_NE(x.value("reason", "").find("xpuser@MIT-ALL.TEST"), std::string::npos) << x.dump();
  // A file that is not a keytab: a usage error before anything is sent (exit 2, no output), as every
  // command that takes --keytab checks the file first.
  const std::string bogus = ::testing::TempDir() + "/legacyscan-not-a-keytab";
  run_command("printf 'hello\\n' >" + bogus);
  const auto r = run_mit({"scan", all.addr, "--probes", "kerberos", "--realm", all.realm, "--kerberos-principal",
                          mit_info()["MIT_PRINCIPAL"], "--user", mit_info()["MIT_XP_USER"], "--keytab", bogus,
                          "--format", "json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out.substr(0, 300);
  EXPECT_NE(r.err.find("--keytab: " + bogus + ": not a keytab"), std::string::npos) << r.err;
}

// The password is never printed: not in JSON, not in the table, not in the -vv debug log.
TEST(IntegrationKerberosMitLogon, PasswordNeverAppearsInOutputOrLogs) {
  const Kdc kdc = Kdc::load("ALL");
  const std::string user = mit_info()["MIT_XP_USER"], pw = mit_info()["MIT_XP_PASSWORD"];
  for (const char* format : {"json", "table"}) {
    auto r = run_mit({"scan", kdc.addr, "--probes", "kerberos", "--realm", kdc.realm, "--kerberos-principal",
                      mit_info()["MIT_PRINCIPAL"], "--user", user, "--password", pw, "--format", format, "-vv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(user), std::string::npos) << "the logon did not run: " << r.out.substr(0, 300);
    EXPECT_GT(r.err.size(), 0u) << "no -vv log";
    EXPECT_EQ(r.out.find(pw), std::string::npos) << format;
    EXPECT_EQ(r.err.find(pw), std::string::npos) << format << " log";
  }
}

// Real output of every kind (AS-REP roastable, keytab logon, a refused logon, the hostile fixture, a
// lossy run) validates against the schema in docs/ (hosts[].probes.kerberos).
TEST(IntegrationKerberosMitSchema, RealOutputValidates) {
  const Kdc all = Kdc::load("ALL"), def = Kdc::load("DEFAULT");
  const std::string user = mit_info()["MIT_XP_USER"];
  const std::vector<std::vector<std::string>> runs{
      {all.addr, "--realm", all.realm, "--kerberos-principal", mit_info()["MIT_ROAST_PRINCIPAL"], "--user", user,
       "--keytab", all.keytab},
      {def.addr, "--realm", def.realm, "--kerberos-principal", mit_info()["MIT_AES_ONLY_PRINCIPAL"], "--user", user,
       "--password", mit_info()["MIT_XP_PASSWORD"]},
      {mit_info()["MIT_HOSTILE_ADDR"], "--realm", all.realm, "--timeout", "1s"},
      {mit_info()["MIT_LOSSY_ADDR"], "--realm", all.realm, "--kerberos-principal", mit_info()["MIT_PRINCIPAL"],
       "--user", user, "--keytab", def.keytab, "--retries", "1", "--timeout", "300ms"},
      {all.addr, "--kerberos-principal", "no-such-principal"},  // no realm: skipped
  };
  int n = 0;
  for (const auto& extra : runs) {
    std::vector<std::string> args{"scan"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--probes", "kerberos", "--format", "json"});
    const std::string file = ::testing::TempDir() + "/legacyscan-krb-schema-" + std::to_string(n++) + ".json";
    args.insert(args.end(), {"-o", file});
    auto r = run_mit(args);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.err;
    auto v = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/validate-json " + file);
    EXPECT_EQ(v.exit_code, 0) << extra[0] << ": " << v.out << v.err;
    const auto doc = json::parse(legacyscan::testing::slurp(file), nullptr, false);
    ASSERT_FALSE(doc.is_discarded());
    EXPECT_TRUE(kerberos_of(doc).contains("status"));
    std::remove(file.c_str());
  }
}

INSTANTIATE_TEST_SUITE_P(IntegrationMitKdc, IntegrationKerberosMit, ::testing::Values("ALL", "DEFAULT"));

}  // namespace
