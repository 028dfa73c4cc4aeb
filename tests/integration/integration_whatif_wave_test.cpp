// SPDX-License-Identifier: Apache-2.0
// `whatif` over real saved results: the rc4-2026 wave joining a credentialed account audit of the
// accounts DC, a scan of the legacy DC and the KDC's service-ticket events; and the authentication
// paths of the legacy DC's matrix cells after "rc4 off" and "ntlmv1 off". Expected results come from
// the DCs' own databases and configuration (sam.ldb through lab_account_keys.py, testparm). Samba
// writes no Windows 4769 events, so the events are written here in the Security log's export format
// (the layout of tests/data/events/kdc-rc4-2026.json) from what sam.ldb stores for each service: the
// keys the KDC would name in "Available Keys" and the ticket etype it would issue.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

constexpr std::uint32_t kDisabled = 0x2, kUseDesKeyOnly = 0x200000;  // [MS-ADTS] 2.2.16

std::string temp_path(const std::string& what) {
  return ::testing::TempDir() + "/legacyscan-wave-" + what + "-" + std::to_string(::getpid());
}

// What a DC's sam.ldb stores per account (tests/integration/lab_account_keys.py).
json stored_accounts(const std::string& scenario, const std::string& names = "") {
  const auto conf = lab_info(scenario).at("LAB_SMB_CONF");
  const auto dir = conf.substr(0, conf.rfind("/etc/"));
  auto r =
      run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/integration/lab_account_keys.py " +
                  shell_quote(dir + "/private/sam.ldb") + " " + shell_quote(conf) + " " + names);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

bool has_type(const json& stored, int t) {
  for (const auto& k : stored.at("key_types"))
    if (k.get<int>() == t) return true;
  return false;
}

// Runs the binary in a scenario's namespace with the administrator's password in a file deleted at once.
RunResult with_admin(const std::string& scenario, std::vector<std::string> args) {
  const auto info = lab_info(scenario);
  const auto pw = temp_path("pw");
  std::ofstream(pw) << info.at("LAB_ADMIN_PASSWORD") << "\n";
  args.insert(args.end(), {"--user", info.at("LAB_ADMIN_USER"), "--password-file", pw});
  auto r = run_in_lab(scenario, args);
  std::remove(pw.c_str());
  return r;
}

// One 4769 in the export layout Get-WinEvent | ConvertTo-Json writes: `client` at `address` asked
// for a ticket to `service`.
json event_4769(const std::string& realm, const std::string& client, const std::string& address,
                const std::string& service, const json& stored) {
  const bool aes = has_type(stored, 17) || has_type(stored, 18), rc4 = has_type(stored, 23);
  std::string keys = aes ? "AES-SHA1" : "";
  if (rc4) keys += keys.empty() ? "RC4" : ", RC4";
  const auto& attr = stored.at("supported_etypes");
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%X", attr.is_null() ? 0u : attr.get<unsigned>());
  const std::string message =
      "A Kerberos service ticket was requested.\r\n\r\nAccount Information:\r\n\tAccount Name:\t\t" + client + "@" +
      realm + "\r\n\tAccount Domain:\t\t" + realm +
      "\r\n\tMSDS-SupportedEncryptionTypes:\tN/A\r\n\tAvailable Keys:\tAES-SHA1, RC4\r\n\r\nService "
      "Information:\r\n\tService Name:\t\t" +
      service + "\r\n\tMSDS-SupportedEncryptionTypes:\t" + (attr.is_null() ? std::string("N/A") : std::string(hex)) +
      "\r\n\tAvailable Keys:\t" + keys + "\r\n\r\nNetwork Information:\r\n\tClient Address:\t\t::ffff:" + address +
      "\r\n\tClient Port:\t\t49280\r\n\r\nAdditional Information:\r\n\tTicket Encryption Type:\t" +
      (aes && !rc4 ? "0x12" : "0x17") + "\r\n\tSession Encryption Type:\t0x12\r\n\tFailure Code:\t\t0x0\r\n";
  return {{"Id", 4769},
          {"ProviderName", "Microsoft-Windows-Security-Auditing"},
          {"LogName", "Security"},
          {"MachineName", "dc4.accounts.test"},
          {"TimeCreated", "2026-04-14T10:00:00Z"},
          {"Message", message},
          {"Properties", json::array()}};
}

TEST(IntegrationWhatIfWave, WhoBreaksJoinsTheAuditTheEventsAndTheScan) {
  const auto stored = stored_accounts("accounts");
  const auto realm = lab_info("accounts").at("LAB_REALM");
  const auto audit = temp_path("audit.json"), scan = temp_path("scan.json"), events = temp_path("events.json");
  auto a = with_admin("accounts", {"accounts", "127.0.0.1", "--realm", realm, "--format", "json", "-o", audit});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto s = run_in_lab("legacy", {"scan", "127.0.0.1", "--probes", "smb,kerberos,matrix", "--ports", "445,88",
                                 "--format", "json", "-o", scan, "--timeout", "10s"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const auto scanned = json::parse(slurp(scan)).at("hosts").at(0);

  // Every account with an SPN is asked for by one of two clients: the scanned host's address or another.
  json export_doc = json::array();
  std::map<std::string, std::string> address_of;
  std::size_t n = 0;
  for (const auto& [name, st] : stored.items()) {
    if (!st.at("exists").get<bool>() || st.at("spns").empty()) continue;
    address_of[name] = n++ % 2 ? scanned.at("address").get<std::string>() : "127.0.0.9";
    export_doc.push_back(event_4769(realm, "alice", address_of[name], name, st));
  }
  ASSERT_GE(address_of.size(), 3u) << "the accounts DC has SPN accounts (scripts/lab-accounts)";
  std::ofstream(events) << export_doc.dump(1);

  auto r = run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif --wave rc4-2026 --scan " + shell_quote(scan) +
                       " --accounts " + shell_quote(audit) + " --events " + shell_quote(events) + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto w = json::parse(r.out);
  EXPECT_EQ(w.at("wave"), "rc4-2026");
  ASSERT_FALSE(w.at("hosts").empty()) << "the scan's matrix after the wave";
  std::map<std::string, json> rows;
  for (const auto& row : w.at("accounts")) rows[row.at("account").get<std::string>()] = row;

  std::set<std::string> breaking_addresses;
  std::size_t breaks = 0;
  for (const auto& [name, address] : address_of) {
    const auto& st = stored.at(name);
    ASSERT_TRUE(rows.count(name)) << name;
    const auto& row = rows.at(name);
    EXPECT_EQ(row.at("source"), "audit+events") << name;
    ASSERT_EQ(row.at("clients").size(), 1u) << row.dump();
    EXPECT_EQ(row["clients"][0]["address"], address);
    EXPECT_EQ(row["clients"][0]["client"], "alice");
    if (address == scanned.at("address")) {
      EXPECT_EQ(row["clients"][0]["host"], scanned.at("target"));
    }
    // No AES key in sam.ldb: breaks unless RC4 is allowed explicitly (or the account is disabled, which
    // the audit cannot judge by its keys).
    const auto uac = st.at("uac").get<std::uint32_t>();
    if (uac & kDisabled) {
      // krbtgt and disabled accounts: the audit's verdict stands; its clients are listed all the same.
      if (row.at("verdict") == "breaks") breaking_addresses.insert(address);
      continue;
    }
    const bool aes = has_type(st, 17) || has_type(st, 18);
    const auto bits = st.at("supported_etypes").is_null() ? 0u : st.at("supported_etypes").get<std::uint32_t>();
    if (uac & kUseDesKeyOnly || (!aes && !(bits & 0x4))) {
      EXPECT_EQ(row.at("verdict"), "breaks") << row.dump();
      breaking_addresses.insert(address);
      ++breaks;
    } else if (!aes) {
      EXPECT_EQ(row.at("verdict"), "keeps-rc4") << row.dump();
    } else {
      EXPECT_NE(row.at("verdict"), "breaks") << row.dump();
    }
  }
  EXPECT_GE(breaks, 1u) << "the lab's SPN accounts include one without AES keys";
  std::set<std::string> broken;
  for (const auto& c : w.at("clients"))
    if (c.at("verdict") == "breaks") broken.insert(c.at("address").get<std::string>());
  EXPECT_EQ(broken, breaking_addresses);

  // The table names the wave and fits an 80-column terminal; the JSON matches the schema.
  auto table = run_command("COLUMNS=80 " + shell_quote(LEGACYSCAN_BINARY) + " whatif --wave rc4-2026 --accounts " +
                           shell_quote(audit) + " --events " + shell_quote(events));
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("Who breaks after the wave rc4-2026"), std::string::npos) << table.out;
  std::istringstream lines(table.out);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80u) << line;
  const auto out = temp_path("whatif.json");
  std::ofstream(out) << r.out;
  auto v = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/validate-json " +
                       shell_quote(out));
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  // Bad input is a usage error.
  EXPECT_EQ(
      run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif --wave rc4-2026 --events /nonexistent.json").exit_code, 2);
  EXPECT_EQ(run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif --accounts " + shell_quote(audit)).exit_code, 2);
  EXPECT_EQ(
      run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif --wave rc4-2026 --accounts " + shell_quote(scan)).exit_code,
      2);
}

const std::set<std::string> kWeakPaths{"Kerberos RC4", "NTLMv1", "NTLMv1 (ESS)", "LM"};

// The legacy DC's matrix after "rc4 off" and "ntlmv1 off": every cell whose path was RC4 Kerberos or
// NTLMv1/LM changes, before -> after, to another path or fails with the reason.
TEST(IntegrationWhatIfWave, AuthenticationPathsAfterRc4AndNtlmv1Off) {
  const auto saved = temp_path("legacy-cred.json");
  auto s = with_admin("legacy", {"scan", "127.0.0.1", "--probes", "smb,kerberos,ldap,matrix", "--timeout", "10s",
                                 "--format", "json", "-o", saved});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const auto info = lab_info("legacy");
  const auto dc = stored_accounts("legacy", info.at("LAB_HOST") + "$").at(info.at("LAB_HOST") + "$");
  const bool dc_aes = has_type(dc, 17) || has_type(dc, 18);
  auto ntlm =
      run_command("testparm -s --parameter-name='ntlm auth' " + shell_quote(info.at("LAB_SMB_CONF")) + " 2>/dev/null");
  const bool ntlmv1_ok = ntlm.out.starts_with("ntlmv1-permitted") || ntlm.out.starts_with("yes");

  auto r = run_command(shell_quote(LEGACYSCAN_BINARY) + " whatif " + shell_quote(saved) +
                       " --disable rc4 --disable ntlmv1 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto w = json::parse(r.out);
  const auto matrix = json::parse(slurp(saved)).at("hosts").at(0).at("matrix");
  std::size_t weak_before = 0, rc4_before = 0, v1_before = 0;
  for (const auto& row : matrix) {
    json after;
    for (const auto& c : w.at("hosts").at(0).at("clients"))
      if (c.at("profile") == row.at("profile")) after = c;
    ASSERT_FALSE(after.is_null()) << row.at("profile");
    for (const char* proto : {"smb", "ldap"}) {
      if (!row.at("protocols").contains(proto)) continue;
      const std::string auth = row["protocols"][proto].value("auth", "");
      if (!kWeakPaths.count(auth)) continue;
      ++weak_before;
      (auth == "Kerberos RC4" ? rc4_before : v1_before) += 1;
      json change;
      for (const auto& c : after.value("cells", json::array()))
        if (c.at("protocol") == proto) change = c;
      ASSERT_FALSE(change.is_null()) << row.at("profile") << " " << proto << ": " << after.dump();
      EXPECT_EQ(change["before"]["auth"], auth);
      const std::string now = change["after"]["auth"];
      EXPECT_FALSE(kWeakPaths.count(now)) << now;
      if (now.empty()) {
        EXPECT_NE(change["after"]["verdict"], "works") << change.dump();
        EXPECT_FALSE(change["after"]["reason"].get<std::string>().empty());
      }
    }
  }
  // Which weak paths the DC's matrix has today follows from its keys and its ntlm auth setting.
  EXPECT_EQ(rc4_before > 0, !dc_aes) << "the DC's machine account has AES keys: " << dc_aes;
  if (!ntlmv1_ok) {
    EXPECT_EQ(v1_before, 0u);
  }
  EXPECT_GE(weak_before, 1u);
}

}  // namespace
}  // namespace legacyscan::testing
