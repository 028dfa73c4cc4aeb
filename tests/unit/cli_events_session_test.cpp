// SPDX-License-Identifier: Apache-2.0
// The real binary on the session-level audit events (tests/data/events/session-audit.*, hand-written
// from Microsoft's documentation): its JSON validates against docs/schema/passive.schema.json, and
// --store keeps LM, NTLMv1 and guest findings as BAD.
#include <filesystem>
#include <map>
#include <set>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::string kSrc = LEGACYSCAN_SOURCE_DIR;
const std::string kFiles =
    kSrc + "/tests/data/events/session-audit.xml " + kSrc + "/tests/data/events/session-audit.csv";

RunResult legacyscan(const std::string& args) { return run_command(shell_quote(LEGACYSCAN_BINARY) + " " + args); }

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "/legacyscan-session-" + std::to_string(::getpid()) + "-" + name;
}

TEST(CliEventsSession, JsonValidatesAndNamesTheLegacyUse) {
  const auto out = temp_path("events.json");
  const auto r = legacyscan("events " + kFiles + " -o " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string py =
      "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); "
      "e=list(jsonschema.Draft202012Validator(s).iter_errors(json.load(open(sys.argv[2])))); "
      "[print(x.json_path, x.message) for x in e]; sys.exit(1 if e else 0)";
  const auto check = run_command("/usr/bin/python3 -c " + shell_quote(py) + " " + kSrc +
                                 "/docs/schema/passive.schema.json " + shell_quote(out));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  const json doc = json::parse(slurp(out));
  std::map<std::string, std::set<std::string>> legacy;  // client (address or name) -> finding ids
  for (const auto& c : doc["clients"]) {
    const std::string who =
        c["address"].get<std::string>().empty() ? c["names"][0].get<std::string>() : c["address"].get<std::string>();
    for (const auto& f : c["legacy"]) legacy[who].insert(f["id"].get<std::string>());
  }
  EXPECT_EQ(legacy["10.0.2.30"], (std::set<std::string>{"lm"}));
  EXPECT_EQ(legacy["10.0.2.31"], (std::set<std::string>{"ntlmv1"}));
  EXPECT_EQ(legacy["WKS24H2.contoso.test"], (std::set<std::string>{"smb-guest"}));
  EXPECT_EQ(legacy["WKS11.contoso.test"], (std::set<std::string>{"smb-guest"}));
  EXPECT_EQ(legacy["RAS01.contoso.test"], (std::set<std::string>{"ntlmv1"}));
  EXPECT_EQ(legacy["RAS02.contoso.test"], (std::set<std::string>{"ntlmv1"}));
  EXPECT_TRUE(legacy["WKS12.contoso.test"].empty());
  // Every event was used: nothing skipped on stderr.
  EXPECT_EQ(r.err.find("skipped"), std::string::npos) << r.err;
  std::filesystem::remove(out);
}

TEST(CliEventsSession, StoreKeepsTheFindingsAsBad) {
  const auto db = temp_path("store.db"), out = temp_path("store.json");
  std::filesystem::remove(db);
  const auto r = legacyscan("events " + kFiles + " -o " + shell_quote(out) + " --store " + shell_quote(db));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string py =
      "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
      "[print(a, b) for a, b in c.execute('SELECT DISTINCT check_id, verdict FROM findings ORDER BY 1')]";
  const auto q = run_command("/usr/bin/python3 -c " + shell_quote(py) + " " + shell_quote(db));
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out, "lm bad\nntlmv1 bad\nsmb-guest bad\n");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace legacyscan::testing
