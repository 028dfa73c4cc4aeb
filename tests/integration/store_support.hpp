// SPDX-License-Identifier: Apache-2.0
// Shared by the result store's integration tests (SQLite and PostgreSQL).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>

#include "lab_support.hpp"
#include "src/store/store.hpp"

namespace legacyscan::testing {

// Eight scans of the hardened DC started at once, each writing the store and its own -o file
// (DIR/outN.json); the number of findings the eight outputs hold.
inline std::size_t run_eight_scanners(const std::string& dir, const std::string& store) {
  std::string cmd = "ip netns exec ls-hardened sh -c '";
  for (int i = 0; i < 8; ++i)
    cmd += LEGACYSCAN_BINARY + std::string(" scan 127.0.0.1 --probes smb,kerberos,ldap -q --store \"") + store +
           "\" -o " + dir + "/out" + std::to_string(i) + ".json & ";
  cmd += "wait'";
  const auto r = run_command(cmd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::size_t findings = 0;
  for (int i = 0; i < 8; ++i)
    findings += nlohmann::json::parse(slurp(dir + "/out" + std::to_string(i) + ".json"))["hosts"][0]["findings"].size();
  return findings;
}

// Starts `legacyscan scan --store STORE --format jsonl -o OUT` in a lab namespace with six hosts (the DC
// six times, one at a time, standard error to ERR) and returns once `stored_hosts()` counts a host in the
// store: the scan is then still running, with five hosts to go.
inline pid_t start_long_scan(const std::string& scenario, const std::string& store, const std::string& out,
                             const std::string& err, const std::function<std::int64_t()>& stored_hosts) {
  const pid_t child = ::fork();
  if (child == 0) {
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDERR_FILENO);
    const std::string ns = "ls-" + scenario;
    ::execlp("ip", "ip", "netns", "exec", ns.c_str(), LEGACYSCAN_BINARY, "scan", "127.0.0.1", "127.0.0.1", "127.0.0.1",
             "127.0.0.1", "127.0.0.1", "127.0.0.1", "--concurrency", "1", "--store", store.c_str(), "--format", "jsonl",
             "-o", out.c_str(), "-q", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 1200 && stored_hosts() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return child;
}

// The hosts of a JSON lines output (its lines with probes; the others are its summary).
inline std::size_t jsonl_hosts(const std::string& path) {
  std::size_t hosts = 0;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);) hosts += nlohmann::json::parse(line).contains("probes") ? 1 : 0;
  return hosts;
}

// The store's schema as legacyscan created it at version 1 (its first release of the store) and 2 (the
// version PostgreSQL came with): src/store/store.cpp's migrations as they were committed then, in
// SQLite's words; PostgreSQL's differ in the key column only. A migration is never edited, so these are
// also the first one or two of today's, but written out here: a test of the migration must not take the
// old schema from the code under test.
inline std::string old_store_schema(int version, bool postgres) {
  std::string sql = R"SQL(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started TEXT NOT NULL,
  finished TEXT,
  command TEXT NOT NULL,
  scanner_host TEXT NOT NULL,
  version TEXT NOT NULL,
  shard TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'interrupted',
  summary TEXT
);
CREATE TABLE hosts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  target TEXT NOT NULL,
  address TEXT NOT NULL,
  started TEXT,
  finished TEXT,
  result TEXT NOT NULL
);
CREATE INDEX hosts_run ON hosts(run_id);
CREATE TABLE findings (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  probe TEXT NOT NULL,
  port TEXT NOT NULL,
  check_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  value TEXT NOT NULL,
  evidence TEXT NOT NULL
);
CREATE INDEX findings_host ON findings(host_id);
CREATE TABLE matrix_cells (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  profile TEXT NOT NULL,
  name TEXT NOT NULL,
  verdict TEXT NOT NULL,
  protocols TEXT NOT NULL
);
CREATE INDEX matrix_cells_host ON matrix_cells(host_id);
CREATE TABLE terms (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  term TEXT NOT NULL,
  state TEXT NOT NULL,
  checks TEXT NOT NULL
);
CREATE INDEX terms_host ON terms(host_id);
)SQL";
  if (version >= 2)
    sql += R"SQL(
DROP INDEX terms_host;
CREATE INDEX terms_host ON terms(host_id, term, state);
CREATE INDEX runs_started ON runs(started);
CREATE INDEX hosts_key ON hosts(run_id, target, address);
CREATE TABLE policy_results (
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  rule TEXT NOT NULL,
  state TEXT NOT NULL,
  checks TEXT NOT NULL
);
CREATE INDEX policy_results_host ON policy_results(host_id, rule, state);
)SQL";
  sql += "CREATE TABLE schema_version (version INTEGER NOT NULL);\nINSERT INTO schema_version VALUES (" +
         std::to_string(version) + ");\n";
  const std::string key = "INTEGER PRIMARY KEY AUTOINCREMENT";
  if (postgres)
    for (auto at = sql.find(key); at != std::string::npos; at = sql.find(key, at))
      sql.replace(at, key.size(), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  return sql;
}

// The tables a store of that version has rows in.
inline std::vector<std::string> old_store_tables(int version) {
  std::vector<std::string> t{"runs", "hosts", "findings", "matrix_cells", "terms"};
  if (version >= 2) t.emplace_back("policy_results");
  return t;
}

// A real scan of the legacy DC with a policy rule (so that it has policy rows too) into `store`, a store
// of today's schema, also saved as DIR/legacy.json; that file.
inline std::string scan_for_migration(const std::string& dir, const std::string& store) {
  const auto saved = dir + "/legacy.json";
  const auto r =
      run_in_lab("legacy", {"scan", "127.0.0.1", "--require", "smb1=off", "--store", store, "-o", saved, "-q"});
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << r.err;
  return saved;
}

// A store of version 1 had no policy rows: today's store without them is what one migrates to.
inline constexpr const char* kNoPolicyRows = "DELETE FROM policy_results; DELETE FROM run_counts WHERE kind = 1";

// `old` holds the rows of `current` (a store of today's schema, one scan saved as `saved`) in the schema
// of an older version: the first legacyscan command to open it migrates it, and then it reads back as
// `current` does (history, report), and takes more runs. `count` asks `old` one number in SQL.
inline void expect_migrated(const std::string& old, const std::string& current, const std::string& saved,
                            const std::function<std::int64_t(const std::string&)>& count) {
  const std::string bin = shell_quote(LEGACYSCAN_BINARY);
  const auto runs = run_command(bin + " store runs --store " + shell_quote(old));
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_EQ(count("SELECT version FROM schema_version"), store::kStoreSchemaVersion);
  EXPECT_EQ(count("SELECT COUNT(*) FROM schema_version"), 1);
  EXPECT_NE(runs.out.find("run 1"), std::string::npos) << runs.out;
  for (const char* by : {"run", "week"}) {
    const auto migrated = run_command(bin + " history --format json --by " + by + " --store " + shell_quote(old));
    const auto today = run_command(bin + " history --format json --by " + by + " --store " + shell_quote(current));
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    EXPECT_EQ(migrated.out, today.out);
  }
  const auto migrated = run_command(bin + " report --no-color --run 1 --store " + shell_quote(old));
  const auto today = run_command(bin + " report --no-color --run 1 --store " + shell_quote(current));
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  EXPECT_EQ(migrated.out, today.out);
  // A run written after the migration takes the next id.
  const auto imported = run_command(bin + " import " + shell_quote(saved) + " --store " + shell_quote(old));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(count("SELECT MAX(id) FROM runs"), 2);
  const auto h = run_command(bin + " history --format json --store " + shell_quote(old));
  EXPECT_EQ(nlohmann::json::parse(h.out)["buckets"].size(), 2U) << h.out;
}

}  // namespace legacyscan::testing
