// SPDX-License-Identifier: Apache-2.0
// The result store over SQLite: schema and migrations, the rows of a real lab host (tests/data/results),
// a run read back as its document, a killed run, redaction, history, and eight writers at once.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cstdio>

#include <filesystem>
#include <set>
#include <string>

#include "result_fields_support.hpp"
#include "src/compat/host_view.hpp"
#include "src/compat/policy.hpp"
#include "src/store/history.hpp"
#include "src/store/store.hpp"

namespace legacyscan::store {
namespace {

using nlohmann::json;

// One host object of a scan of a lab DC, put together from the golden results of each probe.
json lab_host(const std::string& scenario, std::int64_t index = 0) {
  const std::string key = scenario + "/127.0.0.1";
  json probes = json::object();
  for (const char* family : {"smb", "tls", "kerberos", "ldap", "netbios"}) {
    const auto results = test::golden_results(family);
    if (results.contains(key)) probes[family] = results[key];
  }
  return json{{"index", index},
              {"target", "127.0.0.1"},
              {"address", "127.0.0.1"},
              {"started", "2026-12-07T09:00:00Z"},
              {"finished", "2026-12-07T09:00:05Z"},
              {"probes", probes},
              {"matrix", test::golden_results("matrix")[key]["rows"]}};
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/legacyscan-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    remove_files();
  }
  void TearDown() override { remove_files(); }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  // SQL run on the file directly, as a user of the store (or an older legacyscan) would.
  void exec_on_file(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  // One number from SQL run on the file directly, as a user of the store would.
  std::int64_t count(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::int64_t n = -1;
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
  }
  std::string path_;
};

RunInfo info(const std::string& started) { return {started, "legacyscan scan 127.0.0.1", "tester", "0.1.0", ""}; }

json finished(bool complete) {
  return json{{"started", "2026-12-07T09:00:00Z"}, {"finished", "2026-12-07T09:01:00Z"}, {"complete", complete}};
}

// Run 1: the hardened DC (127.0.0.1) and another hardened host (127.0.0.2); run 2: the legacy DC under the
// first one's name, and with `complete` the other host again (the run completes), else not (it does not).
std::pair<std::int64_t, std::int64_t> two_runs(Store& s, const std::string& first_started,
                                               const std::string& second_started, bool complete) {
  const auto first = s.begin_run(info(first_started));
  s.add_host(first, lab_host("hardened", 0));
  json other = lab_host("hardened", 1);
  other["target"] = other["address"] = "127.0.0.2";
  s.add_host(first, other);
  s.finish_run(first, finished(true));
  const auto second = s.begin_run(info(second_started));
  s.add_host(second, lab_host("legacy", 0));
  if (complete) s.add_host(second, other);
  s.finish_run(second, finished(complete));
  return {first, second};
}

TEST_F(StoreTest, CreatesTheSchemaAtTheCurrentVersion) {
  Store s(path_);
  EXPECT_EQ(s.schema_version(), kStoreSchemaVersion);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                  "('runs', 'hosts', 'findings', 'matrix_cells', 'terms', 'schema_version')"),
            6);
  EXPECT_EQ(count("SELECT version FROM schema_version"), kStoreSchemaVersion);
}

TEST_F(StoreTest, MigratesAnOlderStoreAndRefusesANewerOne) {
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version "
                           "VALUES (0)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_EQ(Store(path_).schema_version(), kStoreSchemaVersion);
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs"), 0);
  ASSERT_EQ(count("SELECT COUNT(*) FROM schema_version"), 1);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 999", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  try {
    Store s(path_);
    FAIL() << "a newer store was opened";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("999"), std::string::npos) << e.what();
  }
}

TEST_F(StoreTest, AReaderDoesNotCreateAStore) {
  EXPECT_THROW(Store(path_, false), StoreError);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(StoreTest, UnsupportedUrlsAreErrors) {
  std::string path, err;
  EXPECT_FALSE(sqlite_path_of("mysql://db/x", path, err));
  EXPECT_NE(err.find("mysql"), std::string::npos);
  ASSERT_TRUE(sqlite_path_of("sqlite:/tmp/x.db", path, err));
  EXPECT_EQ(path, "/tmp/x.db");
}

// The findings, matrix cells and terms of a host are rows, and agree with the host's own results.
TEST_F(StoreTest, AHostIsStoredAsRows) {
  const auto host = lab_host("legacy");
  Store s(path_);
  const auto run = s.begin_run(info("2026-12-07T09:00:00Z"));
  s.add_host(run, host);
  s.finish_run(run, finished(true));

  const auto view = read_host_view(host);
  ASSERT_FALSE(view.findings.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM findings"), static_cast<std::int64_t>(view.findings.size()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM matrix_cells"), static_cast<std::int64_t>(host["matrix"].size()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM terms"), static_cast<std::int64_t>(stored_terms().size()));
  // SMB1 and RC4 as the legacy DC's own answers tell them.
  bool smb1 = false;
  for (const auto& [port, p] : host["probes"]["smb"]["ports"].items())
    smb1 = smb1 || p.value("/smb1/enabled"_json_pointer, false);
  const bool rc4 = host["probes"]["kerberos"]["etypes"].value("rc4-hmac", "") == "accepted";
  EXPECT_EQ(count("SELECT COUNT(*) FROM terms WHERE term = 'smb1' AND state = 'fail'"), smb1 ? 1 : 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM terms WHERE term = 'rc4' AND state = 'fail'"), rc4 ? 1 : 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM terms WHERE term = 'smb1' AND checks LIKE '%smb1%'"), smb1 ? 1 : 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE status = 'complete' AND finished = '2026-12-07T09:01:00Z'"), 1);
}

TEST_F(StoreTest, ARunReadsBackAsItsDocument) {
  Store s(path_);
  const auto run = s.begin_run(info("2026-12-07T09:00:00Z"));
  // Written as hosts finish (out of order); read back in input order.
  s.add_host(run, lab_host("hardened", 1));
  s.add_host(run, lab_host("legacy", 0));
  s.finish_run(run, finished(true));
  const auto doc = s.run_document(run);
  ASSERT_TRUE(doc);
  ASSERT_EQ((*doc)["hosts"].size(), 2U);
  EXPECT_EQ((*doc)["hosts"][0], lab_host("legacy", 0));
  EXPECT_EQ((*doc)["hosts"][1], lab_host("hardened", 1));
  EXPECT_EQ((*doc)["complete"], true);
  EXPECT_FALSE(s.run_document(run + 1));
}

// Hosts written together (the writer's group commit) are each stored whole, with their own rows; a host
// that cannot be stored takes its whole transaction back, so no half-written host remains.
TEST_F(StoreTest, HostsWrittenTogetherAreEachStoredWhole) {
  Store s(path_);
  const auto run = s.begin_run(info("2026-12-07T09:00:00Z"));
  s.add_hosts(run, {lab_host("hardened", 1), lab_host("legacy", 0)});
  const auto cells =
      static_cast<std::int64_t>(lab_host("hardened", 1)["matrix"].size() + lab_host("legacy", 0)["matrix"].size());
  EXPECT_EQ(count("SELECT COUNT(*) FROM hosts"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM matrix_cells"), cells);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT host_id) FROM terms"), 2);

  // The database refuses the batch's second host (a trigger, as a full disk or a constraint would):
  // the first one, already inserted in the same transaction, is taken back with it.
  exec_on_file(
      "CREATE TRIGGER refuse_idx3 BEFORE INSERT ON hosts WHEN NEW.idx = 3 BEGIN SELECT RAISE(ABORT, 'no'); END");
  EXPECT_THROW(s.add_hosts(run, {lab_host("legacy", 2), lab_host("hardened", 3)}), StoreError);
  EXPECT_EQ(count("SELECT COUNT(*) FROM hosts"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM matrix_cells"), cells);
}

// A scanner killed in the middle leaves the hosts it finished and a run that says it did not finish.
TEST_F(StoreTest, AKilledRunKeepsItsHostsAndStaysInterrupted) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Store s(path_);
    const auto run = s.begin_run(info("2026-12-07T09:00:00Z"));
    s.add_host(run, lab_host("legacy", 0));
    ::kill(::getpid(), SIGKILL);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  Store s(path_);
  const auto runs = s.runs();
  ASSERT_EQ(runs.size(), 1U);
  EXPECT_EQ(runs[0].status, "interrupted");
  EXPECT_EQ(runs[0].finished, "");
  EXPECT_EQ(runs[0].hosts, 1);
  EXPECT_EQ((*s.run_document(runs[0].id))["complete"], false);
}

// Eight processes writing one file at once lose nothing: every run, host and finding is there.
TEST_F(StoreTest, EightWritersAtOnceLoseNothing) {
  // No store yet: the writers also race to create and migrate it.
  constexpr int kWriters = 8, kHosts = 6;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      int code = 0;
      try {
        Store s(path_);
        const auto run = s.begin_run(info("2026-12-07T09:00:0" + std::to_string(w) + "Z"));
        for (int h = 0; h < kHosts; ++h) s.add_host(run, lab_host(h % 2 ? "legacy" : "hardened", h));
        s.finish_run(run, finished(true));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "writer %d: %s\n", w, e.what());
        code = 1;
      }
      ::_exit(code);
    }
    children.push_back(child);
  }
  for (auto child : children) {
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const auto per_host = static_cast<std::int64_t>(read_host_view(lab_host("legacy")).findings.size() +
                                                  read_host_view(lab_host("hardened")).findings.size());
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE status = 'complete'"), kWriters);
  EXPECT_EQ(count("SELECT COUNT(*) FROM hosts"), kWriters * kHosts);
  EXPECT_EQ(count("SELECT COUNT(*) FROM findings"), kWriters * (kHosts / 2) * per_host);
}

TEST_F(StoreTest, PruneRemovesOldRunsWithTheirRows) {
  Store s(path_);
  const auto old_run = s.begin_run(info("2025-01-01T00:00:00Z"));
  s.add_host(old_run, lab_host("legacy"));
  const auto new_run = s.begin_run(info("2026-12-07T00:00:00Z"));
  s.add_host(new_run, lab_host("legacy"));
  EXPECT_EQ(s.prune("2026-01-01T00:00:00Z"), 1);
  ASSERT_EQ(s.runs().size(), 1U);
  EXPECT_EQ(s.runs()[0].id, new_run);
  EXPECT_EQ(count("SELECT COUNT(*) FROM hosts"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM findings"),
            static_cast<std::int64_t>(read_host_view(lab_host("legacy")).findings.size()));
}

TEST(StoreRedaction, PasswordsNeverReachTheRunRow) {
  const auto line = redact_command_line({"legacyscan", "scan", "dc1", "--user", "alice", "--password", "s3cret",
                                         "--password=hunter2", "--store", "postgresql://scan:dbpass@db/fleet"});
  EXPECT_EQ(line.find("s3cret"), std::string::npos) << line;
  EXPECT_EQ(line.find("hunter2"), std::string::npos) << line;
  EXPECT_EQ(line.find("dbpass"), std::string::npos) << line;
  EXPECT_NE(line.find("--user alice"), std::string::npos) << line;
  EXPECT_NE(line.find("postgresql://scan:***@db/fleet"), std::string::npos) << line;
}

// The hardened DC first, then the legacy DC under the same name: every term the legacy DC fails and the
// hardened one passed is a regression, and the host is listed first.
TEST_F(StoreTest, HistoryListsRegressedHostsFirst) {
  Store s(path_);
  const auto [first, second] = two_runs(s, "2026-11-30T09:00:00Z", "2026-12-07T09:00:00Z", true);

  const auto h = build_history(s, "", {});
  ASSERT_EQ(h.buckets.size(), 2U);
  EXPECT_EQ(h.buckets[0].label, "run " + std::to_string(first));
  const auto smb1 = std::find_if(h.terms.begin(), h.terms.end(), [](const auto& t) { return t.term == "smb1"; });
  ASSERT_NE(smb1, h.terms.end());
  EXPECT_EQ(smb1->failing, (std::vector<std::size_t>{0, 1}));
  ASSERT_FALSE(h.hosts.empty());
  EXPECT_EQ(h.hosts[0].host, "127.0.0.1");
  const std::set<std::string> regressed(h.hosts[0].regressed.begin(), h.hosts[0].regressed.end());
  EXPECT_TRUE(regressed.contains("smb1"));
  EXPECT_TRUE(regressed.contains("rc4"));
  EXPECT_EQ(h.hosts[0].before, "run " + std::to_string(first));

  // Per week: both runs fall in different ISO weeks (Mondays 2026-11-30 and 2026-12-07).
  const auto weekly = build_history(s, "", {"", "", true});
  ASSERT_EQ(weekly.buckets.size(), 2U);
  EXPECT_EQ(weekly.buckets[1].label, "2026-12-07");
  // --since drops the first run; --scope keeps only the other host, which never fails smb1.
  EXPECT_EQ(build_history(s, "2026-12-01", {}).buckets.size(), 1U);
  const auto scoped = build_history(s, "", {"127.0.0.2/32", "", false});
  const auto scoped_smb1 =
      std::find_if(scoped.terms.begin(), scoped.terms.end(), [](const auto& t) { return t.term == "smb1"; });
  EXPECT_EQ(scoped_smb1->failing, (std::vector<std::size_t>{0, 0}));

  // --domain: the hosts were scanned by address, so no host is in a DNS domain.
  EXPECT_TRUE(build_history(s, "", {"", "example.test", false}).hosts.empty());

  std::ostringstream table, html;
  render_history_table(table, h, 80);
  std::istringstream lines(table.str());
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80U) << line;
  EXPECT_NE(table.str().find("REGRESSED"), std::string::npos);
  render_history_html(html, h);
  EXPECT_NE(html.str().find("<svg"), std::string::npos);
  EXPECT_EQ(html.str().find("<script"), std::string::npos);
  EXPECT_EQ(html.str().find("src="), std::string::npos);
}

TEST_F(StoreTest, HistoryDomainTakesTheNameAndWhatIsUnderIt) {
  Store s(path_);
  const auto run = s.begin_run(info("2026-12-07T09:00:00Z"));
  for (const char* target : {"dc1.corp.example.test", "CORP.example.test.", "dc2.other.test", "xcorp.example.test"}) {
    json host = lab_host("legacy");
    host["target"] = target;
    host["address"] = "10.0.0.1";
    s.add_host(run, host);
  }
  const auto h = build_history(s, "", {"", "corp.example.test", false});
  std::set<std::string> hosts;
  for (const auto& x : h.hosts) hosts.insert(x.host);
  EXPECT_EQ(hosts, (std::set<std::string>{"dc1.corp.example.test (10.0.0.1)", "CORP.example.test. (10.0.0.1)"}));
}

// The scan's own policy rules are rows of their host, and history counts them as it counts the terms.
TEST_F(StoreTest, PolicyResultsAreRowsThatHistoryCounts) {
  std::string err;
  const auto rule = parse_policy_rule("smb1=off", err);
  ASSERT_TRUE(rule) << err;
  const auto legacy = lab_host("legacy");
  const auto expected = evaluate_policy({*rule}, read_host_view(legacy));
  ASSERT_EQ(expected.size(), 1U);
  Store s(path_);
  const auto run = s.begin_run(info("2026-12-07T09:00:00Z"));
  s.add_host(run, legacy, {*rule});
  json other = lab_host("hardened", 1);
  other["target"] = other["address"] = "127.0.0.2";
  s.add_host(run, other, {});  // scanned without the rule: no row, not judged
  s.finish_run(run, finished(true));
  EXPECT_EQ(count("SELECT COUNT(*) FROM policy_results"), 1);
  EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM policy_results WHERE rule = 'smb1=off' AND state = '") +
                  (expected[0].passed ? "pass" : "fail") + "'"),
            1);
  const auto h = build_history(s, "", {});
  const auto t = std::find_if(h.terms.begin(), h.terms.end(), [](const auto& x) { return x.term == "smb1=off"; });
  ASSERT_NE(t, h.terms.end());
  EXPECT_EQ(t->judged, (std::vector<std::size_t>{expected[0].decided || expected[0].passed ? 1U : 0U}));
  EXPECT_EQ(t->failing, (std::vector<std::size_t>{!expected[0].passed && expected[0].decided ? 1U : 0U}));
}

// The counts history reads are kept per run as hosts are written; a store of the schema before them is
// migrated with the same counts made from its rows.
TEST_F(StoreTest, CountsKeptAsHostsAreWrittenAreWhatTheMigrationCounts) {
  std::string err;
  const auto rule = parse_policy_rule("smb1=off", err);
  ASSERT_TRUE(rule) << err;
  {
    Store s(path_);
    const auto second = two_runs(s, "2026-11-30T09:00:00Z", "2026-12-07T09:00:00Z", true).second;
    s.add_host(second, lab_host("legacy", 2), {*rule});  // the same host twice in one run
  }
  const auto rows = count("SELECT COUNT(*) FROM run_counts");
  EXPECT_GT(count("SELECT COUNT(*) FROM run_counts WHERE kind = 1"), 0);
  exec_on_file(
      "CREATE TABLE kept AS SELECT * FROM run_counts; DROP TABLE run_counts; DROP INDEX hosts_host; UPDATE "
      "schema_version SET version = 2");
  EXPECT_EQ(Store(path_).schema_version(), kStoreSchemaVersion);
  EXPECT_EQ(count("SELECT COUNT(*) FROM run_counts"), rows);
  EXPECT_EQ(count("SELECT COUNT(*) FROM kept k JOIN run_counts c ON c.run_id = k.run_id AND c.kind = k.kind AND "
                  "c.name = k.name AND c.failing = k.failing AND c.judged = k.judged"),
            rows);
}

// A week with a host scanned twice is counted from its hosts' latest rows, a week without from its run's
// counts: the week of both runs counts what the second run counts.
TEST_F(StoreTest, AHostScannedTwiceInAWeekCountsWithItsLatestRun) {
  Store s(path_);
  two_runs(s, "2026-12-07T09:00:00Z", "2026-12-08T09:00:00Z", true);
  const auto third = s.begin_run(info("2026-12-14T09:00:00Z"));
  s.add_host(third, lab_host("hardened", 0));
  s.finish_run(third, finished(true));
  const auto by_run = build_history(s, "", {});
  const auto by_week = build_history(s, "", {"", "", true});
  ASSERT_EQ(by_run.buckets.size(), 3U);
  ASSERT_EQ(by_week.buckets.size(), 2U);
  EXPECT_EQ(by_week.buckets[0].hosts, 2U);
  EXPECT_EQ(by_week.buckets[1].hosts, 1U);
  ASSERT_EQ(by_week.terms.size(), by_run.terms.size());
  for (std::size_t i = 0; i < by_run.terms.size(); ++i) {
    EXPECT_EQ(by_week.terms[i].term, by_run.terms[i].term);
    EXPECT_EQ(by_week.terms[i].failing,
              (std::vector<std::size_t>{by_run.terms[i].failing[1], by_run.terms[i].failing[2]}))
        << by_run.terms[i].term;
    EXPECT_EQ(by_week.terms[i].judged, (std::vector<std::size_t>{by_run.terms[i].judged[1], by_run.terms[i].judged[2]}))
        << by_run.terms[i].term;
  }
  const auto smb1 =
      std::find_if(by_week.terms.begin(), by_week.terms.end(), [](const auto& t) { return t.term == "smb1"; });
  ASSERT_NE(smb1, by_week.terms.end());
  EXPECT_EQ(smb1->failing, (std::vector<std::size_t>{1, 0}));
  // The legacy DC's week is the one before the hardened DC's: no regression, and it fails nothing now.
  for (const auto& host : by_week.hosts) EXPECT_TRUE(host.regressed.empty()) << host.host;
}

// A day of a store is its runs of that day merged: a host scanned twice that day counts with its last run.
TEST_F(StoreTest, ADayIsItsRunsMerged) {
  Store s(path_);
  const auto second = two_runs(s, "2026-12-07T09:00:00Z", "2026-12-07T15:00:00Z", false).second;
  s.begin_run(info("2026-12-08T09:00:00Z"));
  // A capture's run that day holds clients, not scanned hosts: not part of the day.
  const auto capture = s.begin_run(info("2026-12-07T16:00:00Z"));
  s.add_rows(capture, {"10.0.0.9", "10.0.0.9", 0, "", "", json{{"address", "10.0.0.9"}}, {}, {}, {}});
  s.finish_run(capture, {{"command", "pcap"}, {"finished", "2026-12-07T16:00:01Z"}, {"complete", true}});

  const auto day = s.day_document("2026-12-07");
  ASSERT_TRUE(day);
  ASSERT_EQ((*day)["hosts"].size(), 2U);
  EXPECT_EQ((*day)["hosts"][0], (*s.run_document(second))["hosts"][0]);
  EXPECT_EQ((*day)["hosts"][1]["target"], "127.0.0.2");
  EXPECT_EQ((*day)["complete"], false);
  EXPECT_FALSE(s.day_document("2026-12-06"));
}

TEST(StoreHistory, ScopeMustBeAnAddressOrCidr) {
  std::string err;
  EXPECT_TRUE(valid_scope("10.0.0.0/8", err));
  EXPECT_TRUE(valid_scope("fd00::/64", err));
  EXPECT_FALSE(valid_scope("10.0.0.0/33", err));
  EXPECT_FALSE(valid_scope("dc1", err));
}

}  // namespace
}  // namespace legacyscan::store
