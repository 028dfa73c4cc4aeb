// SPDX-License-Identifier: Apache-2.0
// The result store against real scans of the lab DCs: two scans under one target name make a history
// whose regressions are those the scans' own JSON shows; a stored run renders as its file did; eight
// scanners write one store at once; a killed scan and a store broken mid-scan lose nothing they should
// keep; passwords never reach the store.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "lab_support.hpp"
#include "store_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

std::string bin() { return shell_quote(LEGACYSCAN_BINARY); }

class IntegrationStore : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/legacyscan-store-it-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = dir_ + "/fleet.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // One number from SQL on the store file, as a user of the store would ask it.
  std::int64_t count(const std::string& sql) { return count_in(db_, sql); }
  static std::int64_t count_in(const std::string& file, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* s = nullptr;
    std::int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
  }
  void exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 30000);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  // The scan of six hosts (store_support.hpp), once its first host is in the store file.
  pid_t start_long_scan(const std::string& scenario, const std::string& out) {
    return testing::start_long_scan(scenario, db_, out, dir_ + "/scan.err", [this] {
      return std::filesystem::exists(db_) ? count("SELECT COUNT(*) FROM hosts") : 0;
    });
  }

  std::string dir_;
  std::string db_;
};

bool smb1_enabled(const json& host) {
  for (const auto& [port, p] : host["probes"]["smb"]["ports"].items())
    if (p.value("/smb1/enabled"_json_pointer, false)) return true;
  return false;
}

bool rc4_accepted(const json& host) { return host["probes"]["kerberos"]["etypes"].value("rc4-hmac", "") == "accepted"; }

json last_host(const std::string& jsonl) {
  json host;
  std::istringstream in(slurp(jsonl));
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("probes")) host = j;
  }
  return host;
}

// The hardened DC, then the legacy DC under the same target: what history calls a regression is what the
// two scans' own JSON says changed (SMB1, RC4), and the stored runs render as the files did.
TEST_F(IntegrationStore, HistoryShowsWhatChangedBetweenTwoRealScans) {
  const auto hardened = dir_ + "/hardened.json", legacy = dir_ + "/legacy.jsonl";
  auto r = run_in_lab("hardened", {"scan", "127.0.0.1", "--store", db_, "-o", hardened, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_in_lab("legacy", {"scan", "127.0.0.1", "--store", db_, "--format", "jsonl", "-o", legacy, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto before = json::parse(slurp(hardened))["hosts"][0];
  const auto after = last_host(legacy);
  ASSERT_TRUE(after.is_object());

  r = run_command(bin() + " history --store " + shell_quote(db_) + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto h = json::parse(r.out);
  ASSERT_EQ(h["buckets"].size(), 2U);
  for (const auto& t : h["terms"]) {
    if (t["term"] == "smb1") {
      EXPECT_EQ(t["failing"], json::array({smb1_enabled(before) ? 1 : 0, smb1_enabled(after) ? 1 : 0}));
    } else if (t["term"] == "rc4") {
      EXPECT_EQ(t["failing"], json::array({rc4_accepted(before) ? 1 : 0, rc4_accepted(after) ? 1 : 0}));
    }
  }
  // The lab's legacy DC takes SMB1 and RC4 and the hardened one neither (docs/lab.md): a regression.
  ASSERT_TRUE(smb1_enabled(after) && !smb1_enabled(before));
  ASSERT_FALSE(h["hosts"].empty());
  const auto& host = h["hosts"][0];
  EXPECT_EQ(host["host"], "127.0.0.1");
  std::set<std::string> regressed;
  for (const auto& t : host["regressed"]) regressed.insert(t.get<std::string>());
  EXPECT_TRUE(regressed.contains("smb1"));
  EXPECT_EQ(regressed.contains("rc4"), rc4_accepted(after) && !rc4_accepted(before));

  // Every finding of the legacy scan is a row of its run.
  EXPECT_EQ(count("SELECT COUNT(*) FROM findings f JOIN hosts h ON h.id = f.host_id WHERE h.run_id = 2"),
            static_cast<std::int64_t>(after["findings"].size()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM matrix_cells c JOIN hosts h ON h.id = c.host_id WHERE h.run_id = 2"),
            static_cast<std::int64_t>(after["matrix"].size()));

  for (const auto& [run, file] : {std::pair{"1", hardened}, std::pair{"2", legacy}}) {
    const auto stored = run_command(bin() + " report --store " + shell_quote(db_) + " --run " + run + " --no-color");
    const auto saved = run_command(bin() + " report " + shell_quote(file) + " --no-color");
    EXPECT_EQ(stored.exit_code, 0) << stored.err;
    EXPECT_EQ(stored.out, saved.out);
  }
  const auto html = run_command(bin() + " history --store " + shell_quote(db_) + " --format html");
  EXPECT_NE(html.out.find("<svg"), std::string::npos);
  EXPECT_EQ(html.out.find("<script"), std::string::npos);
}

TEST_F(IntegrationStore, EightScannersWriteOneStoreAtOnce) {
  const auto findings = run_eight_scanners(dir_, db_);
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE status = 'complete'"), 8);
  EXPECT_EQ(count("SELECT COUNT(*) FROM hosts"), 8);
  EXPECT_EQ(count("SELECT COUNT(*) FROM findings"), static_cast<std::int64_t>(findings));
}

// SIGKILL in the middle: the finished hosts are in the store, the run says it did not finish.
TEST_F(IntegrationStore, AKilledScanLeavesItsFinishedHostsAndAnInterruptedRun) {
  const pid_t scan = start_long_scan("legacy", dir_ + "/out.jsonl");
  ASSERT_GE(count("SELECT COUNT(*) FROM hosts"), 1);
  ::kill(scan, SIGKILL);
  int status = 0;
  ::waitpid(scan, &status, 0);
  const auto stored = count("SELECT COUNT(*) FROM hosts");
  EXPECT_GE(stored, 1);
  EXPECT_LT(stored, 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE status = 'interrupted' AND finished IS NULL"), 1);
  // Each stored host is whole: its findings came with it in one transaction.
  EXPECT_EQ(count("SELECT COUNT(*) FROM hosts h WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.host_id = h.id)"),
            0);
  const auto runs = run_command(bin() + " store runs --store " + shell_quote(db_));
  EXPECT_NE(runs.out.find("interrupted"), std::string::npos) << runs.out;
}

// A store that breaks in the middle of a scan (here another process drops its terms table): the
// scan goes on, its output has every host, and the error is said and fails the run.
TEST_F(IntegrationStore, AStoreBrokenMidScanCostsTheOutputNothing) {
  const auto out = dir_ + "/out.jsonl";
  const pid_t scan = start_long_scan("hardened", out);
  exec("DROP TABLE terms");
  int status = 0;
  ::waitpid(scan, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_EQ(jsonl_hosts(out), 6U);
  // The hosts after the break are counted as missing from the store, by the number that is.
  const auto stored = count("SELECT COUNT(*) FROM hosts");
  const auto err = slurp(dir_ + "/scan.err");
  EXPECT_NE(err.find(std::to_string(6 - stored) + " host(s) not written"), std::string::npos) << err;
}

// Stores written by legacyscan at schema versions 1 and 2 (their tables made with the DDL of then, the
// rows of a real scan of the legacy DC copied in) are migrated by the first command that opens them.
TEST_F(IntegrationStore, StoresOfSchemaOneAndTwoAreMigratedWithTheirRuns) {
  const auto saved = scan_for_migration(dir_, db_);
  ASSERT_GT(count("SELECT COUNT(*) FROM policy_results"), 0);
  for (const int version : {2, 1}) {
    if (version == 1) exec(kNoPolicyRows);
    const auto old = dir_ + "/v" + std::to_string(version) + ".db";
    std::string sql = old_store_schema(version, false) + "ATTACH DATABASE '" + db_ + "' AS today;";
    for (const auto& table : old_store_tables(version))
      sql += "INSERT INTO " + table + " SELECT * FROM today." + table + ";";
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(old.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
    SCOPED_TRACE("schema version " + std::to_string(version));
    expect_migrated(old, db_, saved, [&old](const std::string& q) { return count_in(old, q); });
  }
}

TEST_F(IntegrationStore, BadStoresStopBeforeScanningAndPasswordsAreNotStored) {
  auto r = run_in_lab("hardened", {"scan", "127.0.0.1", "--store", dir_ + "/no/such/dir/x.db"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--store"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  r = run_in_lab("hardened", {"scan", "127.0.0.1", "--store", "postgresql://u:pw@127.0.0.1/x"});
  EXPECT_EQ(r.exit_code, 2);

  r = run_in_lab("hardened", {"scan", "127.0.0.1", "--probes", "smb", "--user", "nobody", "--password",
                              "NotThisSecret1", "--store", db_, "-q", "-o", dir_ + "/r.json"});
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE command LIKE '%--password ***%'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE command LIKE '%NotThisSecret1%' OR summary LIKE "
                  "'%NotThisSecret1%'"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM hosts WHERE result LIKE '%NotThisSecret1%'"), 0);
}

// `accounts --store`: every audited account of the lab's accounts DC is a host row of the run, and the
// accounts that still need RC4 (breaks, rc4-exception) fail the rc4 term, as the audit's own JSON says.
TEST_F(IntegrationStore, AnAccountsAuditIsStoredAccountByAccount) {
  const auto out = dir_ + "/accounts.json";
  const auto r = run_in_lab("accounts", {"accounts", "127.0.0.1", "--realm", lab_info("accounts").at("LAB_REALM"),
                                         "--principal", "old_user", "--principal", "reset_twice", "--principal",
                                         "des_user", "--principal", "Administrator", "--store", db_, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(slurp(out));
  std::int64_t need_rc4 = 0, fine = 0;
  for (const auto& a : doc["accounts"]) {
    need_rc4 += a["verdict"] == "breaks" || a["verdict"] == "rc4-exception" ? 1 : 0;
    fine += a["verdict"] == "ok" ? 1 : 0;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE status = 'complete' AND summary LIKE '%accounts%'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM hosts"), static_cast<std::int64_t>(doc["accounts"].size()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM terms WHERE term = 'rc4' AND state = 'fail'"), need_rc4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM terms WHERE term = 'rc4' AND state = 'pass'"), fine);
  const auto h = run_command(bin() + " history --format json --store " + shell_quote(db_));
  ASSERT_EQ(h.exit_code, 0) << h.err;
  const auto history = json::parse(h.out);
  for (const auto& t : history["terms"])
    if (t["term"] == "rc4") {
      EXPECT_EQ(t["failing"], json::array({need_rc4}));
    }
}

}  // namespace
}  // namespace legacyscan::testing
