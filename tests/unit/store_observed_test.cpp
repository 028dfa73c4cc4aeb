// SPDX-License-Identifier: Apache-2.0
// What a capture and an event export put into the result store: a host per client, its passive findings
// as findings, and the hardening terms among them as failing terms, as the JSON output says.
#include <gtest/gtest.h>

#include <filesystem>

#include "src/compat/hardening.hpp"
#include "src/store/history.hpp"
#include "src/store/observed.hpp"

namespace legacyscan::store {
namespace {

const std::string kData = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/";

bool is_term(const std::string& id) {
  for (const auto& t : compat::hardening_terms())
    if (t.id == id) return true;
  return false;
}

class StoreObservedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/legacyscan-observed-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    TearDown();
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  // Stores the report as pcap/events do and checks the rows against the report's own JSON.
  void check(const passive::Report& report) {
    const auto doc = passive::to_json(report);
    ASSERT_FALSE(doc["clients"].empty());
    Store s(path_);
    const auto run = s.begin_run({"2026-12-07T09:00:00Z", "legacyscan pcap", "tester", "0.1.0", ""});
    for (const auto& rows : passive_rows(report)) s.add_rows(run, rows);
    s.finish_run(run, {{"finished", "2026-12-07T09:00:01Z"}, {"complete", true}});

    std::size_t findings = 0;
    std::map<std::string, std::size_t> failing;  // term -> clients using it
    for (const auto& c : doc["clients"])
      for (const auto& f : c["legacy"]) {
        ++findings;
        if (is_term(f["id"])) ++failing[f["id"]];
      }
    const auto stored = s.run_document(run);
    ASSERT_TRUE(stored);
    EXPECT_EQ((*stored)["hosts"], doc["clients"]);
    const auto h = build_history(s, "", {});
    ASSERT_EQ(h.buckets.size(), 1U);
    EXPECT_EQ(h.buckets[0].hosts, doc["clients"].size());
    std::size_t terms_seen = 0;
    for (const auto& t : h.terms) {
      const auto it = failing.find(t.term);
      EXPECT_EQ(t.failing[0], it == failing.end() ? 0U : it->second) << t.term;
      EXPECT_EQ(t.judged[0], t.failing[0]) << t.term;  // a capture shows use, never its absence
      terms_seen += it == failing.end() ? 0 : 1;
    }
    EXPECT_EQ(terms_seen, failing.size());
    std::size_t host_findings = 0;
    for (const auto& x : h.hosts) host_findings += x.terms.size();
    std::size_t term_findings = 0;
    for (const auto& [term, n] : failing) term_findings += n;
    EXPECT_EQ(host_findings, term_findings);
    EXPECT_GE(findings, term_findings);
  }
  std::string path_;
};

TEST_F(StoreObservedTest, ACapturesClientsAreHostsWithTheTermsTheyUsed) {
  passive::Analyzer analyzer;
  ASSERT_EQ(passive::read_capture_files({kData + "pcap/combined.pcap"}, analyzer), "");
  check(analyzer.finish());
}

TEST_F(StoreObservedTest, AnEventExportsClientsAreHostsWithTheTermsTheyUsed) {
  passive::Report report;
  ASSERT_EQ(passive::read_events_file(kData + "events/smb1-audit.csv", report), "");
  ASSERT_EQ(passive::read_events_file(kData + "events/security.json", report), "");
  check(report);
}

}  // namespace
}  // namespace legacyscan::store
