// SPDX-License-Identifier: Apache-2.0
// The real binary on files only (no network): how -o picks a format, how bad input files are named, the
// rules list, help and the generated man page and completions.
#include <filesystem>
#include <sstream>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::string kSaved = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/report/legacy-scan.json";
const std::string kEvents = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/events/security.json";

RunResult legacyscan(const std::string& args) { return run_command(shell_quote(LEGACYSCAN_BINARY) + " " + args); }

std::string temp_path(const std::string& name) { return ::testing::TempDir() + "/legacyscan-cli-" + name; }

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = temp_path(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(CliBinary, OutputExtensionPicksTheFormat) {
  const auto html = temp_path("r.html"), md = temp_path("r.MD"), csv = temp_path("clients.csv");
  ASSERT_EQ(legacyscan("report " + kSaved + " -o " + html).exit_code, 0);
  EXPECT_EQ(slurp(html).rfind("<!DOCTYPE html>", 0), 0u) << slurp(html).substr(0, 80);
  ASSERT_EQ(legacyscan("report " + kSaved + " -o " + md).exit_code, 0);
  EXPECT_EQ(slurp(md).rfind("#", 0), 0u) << slurp(md).substr(0, 80);
  ASSERT_EQ(legacyscan("events " + kEvents + " -o " + csv).exit_code, 0);
  EXPECT_FALSE(json::accept(slurp(csv)));
  EXPECT_NE(slurp(csv).find(','), std::string::npos);
  const auto passive_json = temp_path("clients.json");
  ASSERT_EQ(legacyscan("events " + kEvents + " -o " + passive_json).exit_code, 0);
  EXPECT_TRUE(json::accept(slurp(passive_json)));
  // --format wins over the extension.
  ASSERT_EQ(legacyscan("events " + kEvents + " --format table -o " + passive_json).exit_code, 0);
  EXPECT_FALSE(json::accept(slurp(passive_json)));
  // A format the command cannot write: an error, and nothing written.
  const auto report_json = temp_path("report-out.json");
  std::filesystem::remove(report_json);
  auto r = legacyscan("report " + kSaved + " -o " + report_json);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("json is not in {table,html,markdown,csv,csv-findings} (give --format)"), std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(report_json));
}

TEST(CliBinary, BadInputFilesAreNamedWithTheReason) {
  const auto empty = write_temp("empty.json", "");
  const auto blank = write_temp("blank.json", "\n  \n");
  const auto saved = slurp(kSaved);
  const auto truncated = write_temp("truncated.json", saved.substr(0, saved.size() / 2));
  const auto garbage = write_temp("garbage.json", "{\n  \"hosts\": [1,, 2]\n}\n");
  auto host = json::parse(saved)["hosts"][0];
  const std::string line = host.dump();
  const auto cut_line = write_temp("cut.jsonl", line + "\n" + line.substr(0, line.size() / 3));
  const std::string dir = ::testing::TempDir();
  struct Case {
    std::string args, message;
  };
  const std::vector<Case> cases{
      {"report " + dir, dir + ": is a directory"},
      {"report " + empty, empty + ": empty file"},
      {"report " + blank, blank + ": empty file (white space only)"},
      {"report /nonexistent/x.json", "/nonexistent/x.json: No such file or directory"},
      {"report " + truncated, truncated + ": truncated: the JSON document stops at line"},
      {"report " + garbage, garbage + ":2:"},
      {"report " + cut_line, cut_line + ":2: truncated host line"},
      {"merge " + kSaved + " " + truncated, truncated + ": truncated"},
      {"merge " + kSaved + " " + dir, dir + ": is a directory"},
      {"diff " + kSaved + " " + empty, empty + ": empty file"},
      {"whatif " + empty + " --disable smb1", empty + ": empty file"},
      {"whatif --from-capture " + dir + " --disable smb1", dir + ": is a directory"},
      {"events " + empty, empty + ": empty file"},
      {"pcap " + empty, empty + ": empty file"},
      {"scan -iL " + empty, "-iL " + empty + ": the file is empty"},
      {"scan -iL " + dir, "-iL " + dir + ": is a directory"},
      {"scan ::1:445", "write [::1]:445"},
  };
  for (const auto& c : cases) {
    auto r = legacyscan(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
  }
}

TEST(CliBinary, MergeNamesDuplicateHosts) {
  const auto out = temp_path("merged.json");
  auto r = legacyscan("merge " + kSaved + " " + kSaved + " -o " + out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: host 0 (127.0.0.1 127.0.0.1) is in " + kSaved + " twice: the first is kept"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(json::parse(slurp(out))["hosts"].size(), 1u);
}

TEST(CliBinary, RulesListsPolicyRulesAndWhatifTerms) {
  auto table = legacyscan("rules");
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("smb1=off|on"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("ldap-signing"), std::string::npos) << table.out;
  auto j = legacyscan("rules --format json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto doc = json::parse(j.out);
  EXPECT_FALSE(doc.at("policy_rules").empty());
  EXPECT_FALSE(doc.at("whatif_terms").empty());
}

TEST(CliBinary, HelpPerCommandWithExamplesAndValueNames) {
  auto top = legacyscan("--help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_EQ(top.out.find("Usage: legacyscan "), top.out.find("Usage:")) << top.out.substr(0, 300);
  EXPECT_EQ(top.out.find(LEGACYSCAN_BINARY), std::string::npos);
  EXPECT_EQ(legacyscan("help").out, top.out);
  for (const std::string cmd :
       {"scan", "merge", "profiles", "whatif", "pcap", "events", "diff", "report", "probes", "rules"}) {
    auto h = legacyscan("help " + cmd);
    EXPECT_EQ(h.exit_code, 0) << cmd;
    EXPECT_EQ(h.out, legacyscan(cmd + " --help").out) << cmd;
    EXPECT_NE(h.out.find("Usage: legacyscan " + cmd), std::string::npos) << h.out.substr(0, 200);
    EXPECT_NE(h.out.find("Examples:\n  legacyscan " + cmd), std::string::npos) << cmd << "\n" << h.out;
    EXPECT_NE(h.out.find("Exit codes:"), std::string::npos) << cmd;
  }
  const auto scan = legacyscan("help scan").out;
  for (const std::string shown : {"--timeout DURATION", "--require RULE", "--policy FILE", "-o,--output FILE",
                                  "--shard K/N", "--format FORMAT:{table,json,jsonl,markdown,csv,csv-findings,html}"})
    EXPECT_NE(scan.find(shown), std::string::npos) << shown << "\n" << scan;
  EXPECT_NE(legacyscan("help whatif").out.find("--disable TERM"), std::string::npos);
  EXPECT_EQ(legacyscan("--generate man").out.find("\\fB\\-\\-generate"), std::string::npos);  // hidden
  EXPECT_EQ(top.out.find("--generate"), std::string::npos);
  auto v = legacyscan("-V");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, std::string("legacyscan ") + LEGACYSCAN_VERSION + "\n");
}

// The profile list fits the terminal: each row's name wraps under the name column.
TEST(CliBinary, ProfileListWrapsAtTheTerminalWidth) {
  for (const std::string columns : {"80", "60"}) {
    const auto r = run_command("env COLUMNS=" + columns + " " + shell_quote(LEGACYSCAN_BINARY) + " profiles");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream in(r.out);
    std::size_t rows = 0;
    for (std::string line; std::getline(in, line);) {
      EXPECT_LE(line.size(), std::stoul(columns)) << line;
      rows += line.starts_with(" ") ? 0 : 1;
    }
    EXPECT_GE(rows, 32u) << r.out;
  }
}

// Help fits the terminal: no line wider than COLUMNS (80 into a pipe), an option's description wrapping
// under itself, never mid-word.
TEST(CliBinary, HelpWrapsAtTheTerminalWidth) {
  for (const std::string columns : {"", "80", "60"}) {
    const std::size_t width = columns.empty() ? 80 : std::stoul(columns);
    const std::string env = columns.empty() ? "env -u COLUMNS " : "env COLUMNS=" + columns + " ";
    for (const std::string cmd :
         {"", "scan", "merge", "profiles", "whatif", "pcap", "events", "diff", "report", "probes", "rules"}) {
      const auto h = run_command(env + shell_quote(LEGACYSCAN_BINARY) + " " + cmd + " --help");
      ASSERT_EQ(h.exit_code, 0) << cmd;
      std::istringstream in(h.out);
      for (std::string line; std::getline(in, line);) EXPECT_LE(line.size(), width) << cmd << ": " << line;
    }
  }
  const auto scan = run_command("env COLUMNS=80 " + shell_quote(LEGACYSCAN_BINARY) + " scan --help").out;
  const auto at = scan.find("  --max-rate N=0");
  ASSERT_NE(at, std::string::npos) << scan;
  const auto line_end = scan.find('\n', at);
  const auto next_end = scan.find('\n', line_end + 1);
  const auto first = scan.substr(at, line_end - at);
  const auto second = scan.substr(line_end + 1, next_end - line_end - 1);
  // The continuation starts in the description's column, with a whole word.
  const auto column = first.find("New connections");
  ASSERT_NE(column, std::string::npos) << first;
  EXPECT_EQ(second.find_first_not_of(' '), column) << first << "\n" << second;
  EXPECT_NE(std::string("(0: no limit)").find(second.substr(column)), std::string::npos) << second;
}

// The generated files are read from the same app tree as --help: every subcommand and option is in each.
TEST(CliBinary, ManPageAndCompletionsListEveryOption) {
  const auto man = legacyscan("--generate man");
  ASSERT_EQ(man.exit_code, 0) << man.err;
  EXPECT_EQ(man.out.find(".TH LEGACYSCAN 1"), man.out.find('\n') + 1) << man.out.substr(0, 200);
  for (const std::string s : {"\\-\\-timeout", "\\fIDURATION\\fR", "legacyscan profiles show", "\\-\\-from\\-capture",
                              "legacyscan rules", ".SH EXAMPLES"})
    EXPECT_NE(man.out.find(s), std::string::npos) << s;
  for (const std::string kind : {"bash", "zsh", "fish"}) {
    const auto c = legacyscan("--generate " + kind);
    ASSERT_EQ(c.exit_code, 0) << kind << c.err;
    for (const std::string s : {"--timeout", "--from-capture", "rules", "markdown", "--password-file"})
      EXPECT_NE(c.out.find(kind == "fish" && s.starts_with("--") ? "-l " + s.substr(2) : s), std::string::npos)
          << kind << ": " << s;
  }
  // Each shell parses its file (the shells present on this machine).
  const std::string dir = ::testing::TempDir();
  for (const std::string kind : {"bash", "zsh", "fish"}) {
    const std::string shell = kind == "bash" ? "/bin/bash" : kind == "zsh" ? "/bin/zsh" : "/usr/bin/fish";
    if (!std::filesystem::exists(shell)) continue;
    const auto file = write_temp("completion." + kind, legacyscan("--generate " + kind).out);
    auto r = run_command(shell + " -n " + shell_quote(file));
    EXPECT_EQ(r.exit_code, 0) << kind << ": " << r.err;
  }
  auto bash = run_command("/bin/bash -c " + shell_quote("source " + dir + "/legacyscan-cli-completion.bash; " +
                                                        "COMP_WORDS=(legacyscan report x --for); COMP_CWORD=3; "
                                                        "_legacyscan; echo \"${COMPREPLY[*]}\"; "
                                                        "COMP_WORDS=(legacyscan report x --format ''); COMP_CWORD=4; "
                                                        "_legacyscan; echo \"${COMPREPLY[*]}\""));
  EXPECT_EQ(bash.out, "--format\ntable html markdown csv csv-findings\n") << bash.err;
}

}  // namespace
}  // namespace legacyscan::testing
