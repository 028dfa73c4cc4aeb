// SPDX-License-Identifier: Apache-2.0
// The format registry: every registered format renders what it claims to (a scan, a saved report, a
// passive audit), the lists of names keep the order --help shows, and an unknown name gives the error the
// command line has always printed after "--format: ".
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "legacyscan/json_text.hpp"
#include "src/cli/format_check.hpp"
#include "src/passive/passive.hpp"
#include "src/report/formats.hpp"
#include "src/report/report.hpp"

namespace legacyscan::report {
namespace {

using nlohmann::json;

Report saved_model() {
  std::ifstream f(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/report/legacy-scan.json");
  EXPECT_TRUE(f.good()) << "missing tests/data/report/legacy-scan.json";
  auto m = report_from_json(json::parse(f));
  EXPECT_TRUE(m) << m.error;
  return m ? *m : Report{};
}

passive::Report passive_report() {
  passive::Report r;
  EXPECT_EQ(passive::read_events_file(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/events/security.json", r), "");
  return r;
}

// Two finished hosts (one answered, one down) and the result of one policy rule.
struct ScanFixture {
  ScanSummary summary{"2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", true, 2, 1, 1, 0};
  std::vector<HostResult> hosts;
  std::vector<RuleResult> policy{
      {"smb1=off", "dc1.example.test (127.0.0.1)", false, "smb1 accepted", "127.0.0.1", true, {}}};
  ScanFixture() {
    hosts.push_back(host(0, "dc1.example.test", "127.0.0.1"));
    hosts.push_back(host(1, "127.0.0.2", "127.0.0.2"));
  }
  HostResult host(std::size_t order, const std::string& target, const std::string& address) const {
    HostResult h;
    h.order = order;
    h.target = target;
    h.host_name = target == address ? "" : target;
    h.address = address;
    h.started = summary.started;
    h.finished = summary.finished;
    return h;
  }
  ScanOutput output(bool with_policy) const { return {summary, hosts, with_policy ? &policy : nullptr, {}}; }
};

// Each format listed for `use`, found by its name and rendered: (name, text).
template <class Render>
std::vector<std::pair<std::string, std::string>> render_each(FormatUse use, Render render) {
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& name : format_names(use)) {
    std::string err;
    const auto* f = find_format(name, use, err);
    EXPECT_NE(f, nullptr) << err;
    if (!f) continue;
    std::ostringstream out;
    render(*f, out);
    texts.emplace_back(name, out.str());
  }
  return texts;
}

TEST(ReportFormats, NamesKeepTheirListedOrder) {
  EXPECT_EQ(format_names(FormatUse::scan),
            (std::vector<std::string>{"table", "json", "jsonl", "markdown", "csv", "csv-findings", "html"}));
  EXPECT_EQ(format_names(FormatUse::saved),
            (std::vector<std::string>{"table", "html", "markdown", "csv", "csv-findings"}));
  EXPECT_EQ(format_names(FormatUse::passive), (std::vector<std::string>{"table", "json", "csv"}));
  EXPECT_EQ(format_set(FormatUse::passive), "{table,json,csv}");
  std::set<std::string_view> names;
  for (const auto& f : all_formats()) EXPECT_TRUE(names.insert(f.name).second) << "twice: " << f.name;
}

TEST(ReportFormats, UnknownNamesGiveTheCommandLineError) {
  std::string err;
  EXPECT_EQ(find_format("bogus", FormatUse::scan, err), nullptr);
  EXPECT_EQ(err, "bogus not in {table,json,jsonl,markdown,csv,csv-findings,html}");
  // Known names that cannot render what is asked are just as unknown there.
  EXPECT_EQ(find_format("json", FormatUse::saved, err), nullptr);
  EXPECT_EQ(err, "json not in {table,html,markdown,csv,csv-findings}");
  EXPECT_EQ(find_format("markdown", FormatUse::passive, err), nullptr);
  EXPECT_EQ(err, "markdown not in {table,json,csv}");
  EXPECT_EQ(find_format("", FormatUse::scan, err), nullptr);
  EXPECT_EQ(find_format("JSON", FormatUse::scan, err), nullptr);  // names are case-sensitive, as before
}

TEST(ReportFormats, CommandLineCheckIsTheRegistry) {
  auto check = cli::format_check(FormatUse::saved);
  EXPECT_EQ(check.get_description(), "{table,html,markdown,csv,csv-findings}");
  std::string name = "html";
  EXPECT_EQ(check(name), "");
  name = "jsonl";
  EXPECT_EQ(check(name), "jsonl not in {table,html,markdown,csv,csv-findings}");
}

TEST(ReportFormats, EveryScanFormatRenders) {
  const ScanFixture scan;
  for (const auto& name : format_names(FormatUse::scan)) {
    std::string err;
    const auto* f = find_format(name, FormatUse::scan, err);
    ASSERT_NE(f, nullptr) << err;
    for (bool with_policy : {false, true}) {
      std::ostringstream out;
      if (f->streams()) {
        EXPECT_EQ(f->scan, nullptr) << name << ": a stream has nothing left to write at the end";
        for (const auto& h : scan.hosts) f->scan_host(out, h, with_policy ? &scan.policy : nullptr);
      } else {
        ASSERT_NE(f->scan, nullptr) << name;
        f->scan(out, scan.output(with_policy));
      }
      EXPECT_FALSE(out.str().empty()) << name;
      // One row per host and client profile, or per finding: these hosts have neither.
      if (name == "csv" || name == "csv-findings") continue;
      EXPECT_NE(out.str().find("127.0.0.2"), std::string::npos) << name;
      EXPECT_EQ(out.str().find("smb1 accepted") != std::string::npos, with_policy) << name;
    }
  }
}

TEST(ReportFormats, ScanDocumentsAreTheSavedDocument) {
  const ScanFixture scan;
  const auto out = scan.output(true);
  std::string err;
  std::ostringstream json_out;
  find_format("json", FormatUse::scan, err)->scan(json_out, out);
  EXPECT_EQ(json_out.str(), json_text(out.document(), 2) + "\n");
  EXPECT_TRUE(out.document().contains("policy"));
  // A scan rendered as markdown, csv or html is what `legacyscan report` makes of the saved document.
  for (const char* name : {"table", "markdown", "csv", "csv-findings", "html"}) {
    std::ostringstream direct, saved;
    find_format(name, FormatUse::scan, err)->scan(direct, out);
    find_format(name, FormatUse::saved, err)->saved(saved, out.model(), TextOptions{});
    EXPECT_EQ(direct.str(), saved.str()) << name;
  }
  // --details reaches the HTML of a scan as it reaches that of `legacyscan report`.
  auto detailed = out;
  detailed.text.details = true;
  std::ostringstream direct, saved;
  find_format("html", FormatUse::scan, err)->scan(direct, detailed);
  find_format("html", FormatUse::saved, err)->saved(saved, out.model(), TextOptions{.details = true});
  EXPECT_EQ(direct.str(), saved.str());
  std::ostringstream line;
  find_format("jsonl", FormatUse::scan, err)->scan_host(line, scan.hosts[0], &scan.policy);
  const auto j = json::parse(line.str());
  EXPECT_EQ(j.at("target"), "dc1.example.test");
  EXPECT_EQ(j.at("policy"), policy_to_json(scan.policy));
  EXPECT_EQ(line.str().find('\n'), line.str().size() - 1);
}

TEST(ReportFormats, EverySavedFormatRenders) {
  auto model = saved_model();
  model.hosts.at(0).findings.push_back({"smb", "445/tcp", "smb1", "bad", "NT LM 0.12 accepted", ""});
  for (const auto& [name, text] :
       render_each(FormatUse::saved, [&](const Format&f, std::ostream&out) { f.saved(out, model, TextOptions{}); }))
    EXPECT_NE(text.find(model.hosts.at(0).target), std::string::npos) << name;
  std::string err;
  std::ostringstream coloured, html;
  find_format("table", FormatUse::saved, err)->saved(coloured, model, TextOptions{.colour = true});
  EXPECT_NE(coloured.str().find("\x1b["), std::string::npos);
  find_format("html", FormatUse::saved, err)->saved(html, model, TextOptions{.colour = true});
  std::ostringstream direct;
  render_html(direct, model);
  EXPECT_EQ(html.str(), direct.str());
}

TEST(ReportFormats, EveryPassiveFormatRenders) {
  const auto r = passive_report();
  for (const auto& [name, text] :
       render_each(FormatUse::passive, [&](const Format&f, std::ostream&out) { f.passive(out, r); }))
    EXPECT_NE(text.find("10.0.1.5"), std::string::npos) << name;
  std::string err;
  std::ostringstream json_out, csv_out, table_out;
  find_format("json", FormatUse::passive, err)->passive(json_out, r);
  EXPECT_EQ(json_out.str(), json_text(passive::to_json(r), 2) + "\n");
  find_format("csv", FormatUse::passive, err)->passive(csv_out, r);
  EXPECT_EQ(csv_out.str(), passive::to_csv(r));
  find_format("table", FormatUse::passive, err)->passive(table_out, r);
  EXPECT_EQ(table_out.str(), passive::to_table(r));
}

TEST(ReportFormats, FileExtensions) {
  EXPECT_EQ(format_for_path("out/r.html")->name, "html");
  EXPECT_EQ(format_for_path("R.HTM")->name, "html");
  EXPECT_EQ(format_for_path("r.md")->name, "markdown");
  EXPECT_EQ(format_for_path("r.jsonl")->name, "jsonl");
  EXPECT_EQ(format_for_path("r.json")->name, "json");
  EXPECT_EQ(format_for_path("r.csv")->name, "csv");
  EXPECT_EQ(format_for_path("results"), nullptr);
  EXPECT_EQ(format_for_path("a.json.d/results"), nullptr);
  EXPECT_EQ(format_for_path("r.pdf"), nullptr);
  for (const auto& f : all_formats())
    for (const auto& e : f.extensions) EXPECT_EQ(format_for_path("x" + std::string(e)), &f) << e;
}

TEST(ReportFormats, OutputFormatFromTheExtensionUnlessGiven) {
  std::string err;
  EXPECT_EQ(format_for_output("", "r.json", FormatUse::scan, "table", err)->name, "json");
  EXPECT_EQ(format_for_output("", "out/R.HTML", FormatUse::saved, "table", err)->name, "html");
  EXPECT_EQ(format_for_output("", "r.csv", FormatUse::passive, "table", err)->name, "csv");
  EXPECT_EQ(format_for_output("", "results", FormatUse::scan, "table", err)->name, "table");
  EXPECT_EQ(format_for_output("", "", FormatUse::scan, "table", err)->name, "table");
  // An explicit --format always wins, whatever the file is called.
  EXPECT_EQ(format_for_output("csv", "r.json", FormatUse::scan, "table", err)->name, "csv");
  EXPECT_EQ(format_for_output("table", "r.html", FormatUse::saved, "table", err)->name, "table");
  // An extension naming a format the command cannot write is an error, never a table in r.json.
  EXPECT_EQ(format_for_output("", "r.json", FormatUse::saved, "table", err), nullptr);
  EXPECT_EQ(err, "-o r.json: json is not in " + format_set(FormatUse::saved) + " (give --format)");
  EXPECT_EQ(format_for_output("", "r.html", FormatUse::passive, "table", err), nullptr);
  EXPECT_EQ(format_for_output("pdf", "", FormatUse::scan, "table", err), nullptr);
  EXPECT_EQ(err.rfind("--format: pdf not in {", 0), 0u) << err;
}

}  // namespace
}  // namespace legacyscan::report
