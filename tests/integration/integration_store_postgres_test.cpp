// SPDX-License-Identifier: Apache-2.0
// The result store on the lab's real PostgreSQL server (the services scenario, reached through its Unix
// socket, which every lab namespace sees): scans of the lab DCs written to it are the rows their JSON
// says; eight scanners writing at once lose nothing; history, report and diff read the same from it as
// from an SQLite store holding the same runs; a wrong password stops the scan before it starts; a
// server restarted in the middle costs the scan's output nothing; stores of older schemas are migrated.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "lab_support.hpp"
#include "src/store/store.hpp"
#include "store_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

std::string bin() { return shell_quote(LEGACYSCAN_BINARY); }

std::string pg_socket_dir() {
  const char* lab = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(lab && *lab ? lab : "/var/tmp/legacyscan-lab") + "/services/postgres";
}

// psql as the user of the store would run it, on the services scenario's server.
std::string psql(const std::string& database, const std::string& sql) {
  const auto r = run_command("psql -X -q -At -h " + shell_quote(pg_socket_dir()) + " -U postgres -d " +
                             shell_quote(database) + " -c " + shell_quote(sql));
  EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  auto out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The role whose password the services scenario's server checks: the one pg_hba.conf line with
// scram-sha-256 (scripts/lab.d/services), "" when there is none.
std::string password_checked_role() {
  std::istringstream in(slurp(pg_socket_dir() + "/data/pg_hba.conf"));
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string type, database, user, address, method;
    if (words >> type >> database >> user >> address >> method && type == "host" && method == "scram-sha-256")
      return user;
  }
  return "";
}

// A PostgreSQL server of the test's own: initdb in a temporary directory, a Unix socket there and no TCP,
// run by the postgres user with the lab's PostgreSQL binaries. The restart test restarts it, which the
// services scenario's server, shared by every other test, must not be.
class OwnPostgres {
 public:
  explicit OwnPostgres(const std::string& dir) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    // Debian's server binaries, the newest major version installed (as scripts/lab.d/services picks).
    int major = 0;
    for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql"))
      if (const int v = std::atoi(e.path().filename().c_str());
          v > major && std::filesystem::exists(e.path() / "bin")) {
        major = v;
        bin_ = (e.path() / "bin").string();
      }
    // The postgres user reaches its directory through the test's own (0755 whatever the umask).
    std::filesystem::permissions(std::filesystem::path(dir_).parent_path(),
                                 std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                     std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                     std::filesystem::perms::others_exec);
    started_ = step("chown postgres " + shell_quote(dir_)) &&
               step("runuser -u postgres -- " + bin_ + "/initdb -D " + shell_quote(dir_ + "/data") +
                    " -A trust -U postgres --no-sync") &&
               pg_ctl("start -o \"-c listen_addresses='' -c fsync=off -k " + dir_ + "\"");
  }
  OwnPostgres(const OwnPostgres&) = delete;
  OwnPostgres& operator=(const OwnPostgres&) = delete;
  ~OwnPostgres() { pg_ctl("stop -m immediate"); }

  [[nodiscard]] bool started() const { return started_; }
  // A fast shutdown (every session ended) and a new server on the same socket.
  bool restart() { return pg_ctl("restart -m fast"); }
  // What went wrong: the failed step's standard error, and the server's log.
  [[nodiscard]] std::string log() const { return failed_ + "\n" + slurp(dir_ + "/log"); }
  [[nodiscard]] std::string url(const std::string& database) const {
    return "postgresql:///" + database + "?host=" + dir_ + "&user=postgres";
  }
  // One answer of psql; "" when it fails (a table not made yet).
  std::string psql(const std::string& database, const std::string& sql) const {
    const auto r = run_command("psql -X -q -At -h " + shell_quote(dir_) + " -U postgres -d " + database + " -c " +
                               shell_quote(sql));
    return r.exit_code == 0 ? trimmed(r.out) : "";
  }

 private:
  bool step(const std::string& command) {
    const auto r = run_command(command);
    if (r.exit_code != 0) failed_ = command + ": " + r.err;
    return r.exit_code == 0;
  }
  bool pg_ctl(const std::string& args) {
    return step("runuser -u postgres -- " + bin_ + "/pg_ctl -D " + shell_quote(dir_ + "/data") + " -w -l " +
                shell_quote(dir_ + "/log") + " " + args);
  }
  std::string dir_, bin_, failed_;
  bool started_ = false;
};

class IntegrationStorePostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    database_ = "legacyscan_it_" + std::to_string(::getpid()) + "_" + name.substr(0, 30);
    dir_ = ::testing::TempDir() + "/legacyscan-pg-it-" + std::to_string(::getpid()) + "-" + name;
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    psql("postgres", "DROP DATABASE IF EXISTS " + database_);
    psql("postgres", "CREATE DATABASE " + database_);
    url_ = "postgresql:///" + database_ + "?host=" + pg_socket_dir() + "&user=postgres";
  }
  void TearDown() override {
    psql("postgres", "DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    std::filesystem::remove_all(dir_);
  }
  std::int64_t count(const std::string& sql) { return std::atoll(psql(database_, sql).c_str()); }

  std::string database_, dir_, url_;
};

// The hardened DC, then the legacy DC under the same target, into PostgreSQL; the same two files
// imported into SQLite. Whatever is read back is the same from both, and what the files say.
TEST_F(IntegrationStorePostgres, ScansReadBackAsFromSqlite) {
  const auto hardened = dir_ + "/hardened.json", legacy = dir_ + "/legacy.json";
  auto r = run_in_lab("hardened", {"scan", "127.0.0.1", "--store", url_, "-o", hardened, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_in_lab("legacy", {"scan", "127.0.0.1", "--store", url_, "-o", legacy, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE status = 'complete'"), 2);
  EXPECT_EQ(count("SELECT version FROM schema_version"), store::kStoreSchemaVersion);
  const auto after = json::parse(slurp(legacy))["hosts"][0];
  EXPECT_EQ(count("SELECT COUNT(*) FROM findings f JOIN hosts h ON h.id = f.host_id WHERE h.run_id = 2"),
            static_cast<std::int64_t>(after["findings"].size()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM matrix_cells c JOIN hosts h ON h.id = c.host_id WHERE h.run_id = 2"),
            static_cast<std::int64_t>(after["matrix"].size()));

  const auto sqlite = dir_ + "/fleet.db";
  r = run_command(bin() + " import " + shell_quote(hardened) + " " + shell_quote(legacy) + " --store " +
                  shell_quote(sqlite));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* by : {"run", "week"}) {
    const auto from_pg = run_command(bin() + " history --format json --by " + by + " --store " + shell_quote(url_));
    const auto from_sqlite =
        run_command(bin() + " history --format json --by " + by + " --store " + shell_quote(sqlite));
    ASSERT_EQ(from_pg.exit_code, 0) << from_pg.err;
    EXPECT_EQ(from_pg.out, from_sqlite.out);
    const auto h = json::parse(from_pg.out);
    ASSERT_FALSE(h["hosts"].empty());
    // Run by run, SMB1 at least came back (docs/lab.md); both runs are in this week.
    EXPECT_EQ(h["hosts"][0]["regressed"].empty(), std::string(by) == "week") << from_pg.out;
  }
  for (const char* run : {"1", "2"}) {
    const auto from_pg = run_command(bin() + " report --no-color --run " + run + " --store " + shell_quote(url_));
    const auto from_sqlite = run_command(bin() + " report --no-color --run " + run + " --store " + shell_quote(sqlite));
    EXPECT_EQ(from_pg.exit_code, 0) << from_pg.err;
    EXPECT_EQ(from_pg.out, from_sqlite.out);
  }
  const auto diff_pg = run_command(bin() + " diff --format json --store " + shell_quote(url_) + " 1 2");
  const auto diff_sqlite = run_command(bin() + " diff --format json --store " + shell_quote(sqlite) + " 1 2");
  const auto diff_files =
      run_command(bin() + " diff --format json " + shell_quote(hardened) + " " + shell_quote(legacy));
  EXPECT_EQ(diff_pg.exit_code, 0) << diff_pg.err;
  EXPECT_EQ(diff_pg.out, diff_sqlite.out);
  EXPECT_EQ(diff_pg.out, diff_files.out);
  const auto runs = run_command(bin() + " store runs --store " + shell_quote(url_));
  EXPECT_NE(runs.out.find("run 2"), std::string::npos) << runs.out;
}

// Eight scanners start at once on an empty database: they also race to create the schema.
TEST_F(IntegrationStorePostgres, EightScannersLoseNothing) {
  const auto findings = run_eight_scanners(dir_, url_);
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE status = 'complete'"), 8);
  EXPECT_EQ(count("SELECT COUNT(*) FROM hosts"), 8);
  EXPECT_EQ(count("SELECT COUNT(*) FROM findings"), static_cast<std::int64_t>(findings));
  EXPECT_EQ(count("SELECT COUNT(*) FROM schema_version"), 1);
}

// A database that does not exist is a usage error before anything is scanned.
TEST_F(IntegrationStorePostgres, AMissingDatabaseStopsBeforeScanning) {
  const auto r = run_in_lab("hardened", {"scan", "127.0.0.1", "--store",
                                         "postgresql:///no_such_db_here?host=" + pg_socket_dir() + "&user=postgres"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no_such_db_here"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

// The services scenario's server checks one role's password over TCP (psql agrees: the wrong password
// is refused, the right one let in). A wrong one, in the URL or in PGPASSWORD, is a usage error before
// anything is scanned, and legacyscan does not print it; the right one stores the run.
TEST_F(IntegrationStorePostgres, AWrongPasswordStopsBeforeScanning) {
  const auto role = password_checked_role();
  ASSERT_FALSE(role.empty()) << "no scram-sha-256 line in " << pg_socket_dir() << "/data/pg_hba.conf";
  const auto pid = std::to_string(::getpid());
  const auto right = "Right" + pid + "Pw", wrong = "Wrong" + pid + "Pw";
  psql("postgres", "DROP ROLE IF EXISTS " + role);
  psql("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD '" + right + "'");
  psql("postgres", "ALTER DATABASE " + database_ + " OWNER TO " + role);
  const auto tcp = role + "@127.0.0.1/" + database_;
  const auto real_client = [&](const std::string& password) {
    return run_command("PGPASSWORD=" + password + " ip netns exec ls-services psql -X -At -c 'SELECT 1' " +
                       shell_quote("postgresql://" + tcp));
  };
  const auto refused = real_client(wrong);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("password authentication failed"), std::string::npos) << refused.err;
  EXPECT_EQ(real_client(right).exit_code, 0);

  const auto out = dir_ + "/out.json";
  const auto scan =
      "ip netns exec ls-services " + bin() + " scan 127.0.0.1 --probes tls --tls-ports 993 -o " + shell_quote(out);
  const std::string in_url = "postgresql://" + role + ":" + wrong + "@127.0.0.1/" + database_;
  for (const auto& cmd : {scan + " --store " + shell_quote(in_url),
                          "PGPASSWORD=" + wrong + " " + scan + " --store " + shell_quote("postgresql://" + tcp)}) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_command(cmd);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("password authentication failed for user \"" + role + "\""), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(wrong), std::string::npos) << r.err;
    // Nothing scanned: no output at all, and no time spent on probes.
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_LT(took, std::chrono::seconds(5));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"), 0);

  // The right one in the URL: the run is stored, its command line with the password as ***.
  const auto r = run_command(scan + " -q --store " +
                             shell_quote("postgresql://" + role + ":" + right + "@127.0.0.1/" + database_));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE status = 'complete'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE command LIKE '%" + role + ":***@%'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM runs WHERE command LIKE '%" + right + "%'"), 0);
  psql(database_, "REASSIGN OWNED BY " + role + " TO postgres");
  psql("postgres", "DROP ROLE " + role);
}

// The server restarts while the scan is between its first and its last host: the scan's output has
// every host, the hosts written before are in the store under a run that says it did not finish, and
// the error and the number of hosts the store lacks are said at the end (exit 3, docs/fleet.md).
TEST_F(IntegrationStorePostgres, AServerRestartedMidScanCostsTheOutputNothing) {
  OwnPostgres pg(dir_ + "/pg");
  ASSERT_TRUE(pg.started()) << pg.log();
  pg.psql("postgres", "CREATE DATABASE fleet");
  ASSERT_EQ(pg.psql("fleet", "SELECT 1"), "1");
  const auto stored = [&pg] { return std::atoll(pg.psql("fleet", "SELECT COUNT(*) FROM hosts").c_str()); };
  const auto out = dir_ + "/out.jsonl", err = dir_ + "/scan.err";
  const pid_t scan = start_long_scan("hardened", pg.url("fleet"), out, err, stored);
  ASSERT_GE(stored(), 1);
  ASSERT_TRUE(pg.restart()) << pg.log();
  int status = 0;
  ::waitpid(scan, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_EQ(jsonl_hosts(out), 6U);
  const auto kept = stored();
  EXPECT_GE(kept, 1);
  EXPECT_LT(kept, 6);
  const auto said = slurp(err);
  EXPECT_NE(said.find("lost the connection to the PostgreSQL server"), std::string::npos) << said;
  EXPECT_NE(said.find("the rest of the run is not stored"), std::string::npos) << said;
  EXPECT_NE(said.find("the run left marked interrupted"), std::string::npos) << said;
  EXPECT_NE(said.find("run 1 is incomplete in the store: " + std::to_string(6 - kept) + " host(s) not written"),
            std::string::npos)
      << said;
  EXPECT_EQ(pg.psql("fleet", "SELECT status || ' ' || COALESCE(finished, 'none') FROM runs"), "interrupted none");
  EXPECT_EQ(pg.psql("fleet",
                    "SELECT COUNT(*) FROM hosts h WHERE NOT EXISTS "
                    "(SELECT 1 FROM findings f WHERE f.host_id = h.id)"),
            "0");
  const auto runs = run_command(bin() + " store runs --store " + shell_quote(pg.url("fleet")));
  EXPECT_NE(runs.out.find("interrupted"), std::string::npos) << runs.out;
}

// Stores of schema versions 1 and 2 on PostgreSQL (their tables made with the DDL of then, the rows of
// a real scan of the legacy DC copied in, as pg_dump would: with the identities set past them) are
// migrated by the first command that opens them.
TEST_F(IntegrationStorePostgres, StoresOfSchemaOneAndTwoAreMigratedWithTheirRuns) {
  const auto saved = scan_for_migration(dir_, url_);
  ASSERT_GT(count("SELECT COUNT(*) FROM policy_results"), 0);
  for (const int version : {2, 1}) {
    if (version == 1) psql(database_, kNoPolicyRows);
    const auto old = database_ + "_v" + std::to_string(version);
    psql("postgres", "DROP DATABASE IF EXISTS " + old);
    psql("postgres", "CREATE DATABASE " + old);
    psql(old, old_store_schema(version, true));
    const auto psql_on = [](const std::string& db) {
      return "psql -X -q -h " + shell_quote(pg_socket_dir()) + " -U postgres -d " + db;
    };
    for (const auto& table : old_store_tables(version)) {
      const auto copied = run_command("(" + psql_on(database_) + " -c 'COPY " + table + " TO STDOUT' | " +
                                      psql_on(old) + " -c 'COPY " + table + " FROM STDIN')");
      ASSERT_EQ(copied.exit_code, 0) << copied.err;
    }
    for (const char* table : {"runs", "hosts"})
      psql(old, std::string("SELECT setval(pg_get_serial_sequence('") + table + "', 'id'), MAX(id)) FROM " + table);
    const auto old_url = "postgresql:///" + old + "?host=" + pg_socket_dir() + "&user=postgres";
    SCOPED_TRACE("schema version " + std::to_string(version));
    expect_migrated(old_url, url_, saved, [&old](const std::string& q) { return std::atoll(psql(old, q).c_str()); });
    psql("postgres", "DROP DATABASE IF EXISTS " + old + " WITH (FORCE)");
  }
}

}  // namespace
}  // namespace legacyscan::testing
