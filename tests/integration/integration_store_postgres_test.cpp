// SPDX-License-Identifier: Apache-2.0
// The result store on the lab's real PostgreSQL server (the services scenario, reached through its Unix
// socket, which every lab namespace sees): scans of the lab DCs written to it are the rows their JSON
// says; eight scanners writing at once lose nothing; history, report and diff read the same from it as
// from an SQLite store holding the same runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
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

}  // namespace
}  // namespace legacyscan::testing
