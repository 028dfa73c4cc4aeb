// SPDX-License-Identifier: Apache-2.0
// Reports of real lab scans: `scan --format markdown|csv|html|table` and `legacyscan report`, and the
// HTML loaded in a real headless Chromium (Debian's chromium) inside the lab namespace, where it can
// reach nothing but loopback; its network log must show no request made by the page.
#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {
namespace {

using nlohmann::json;

const std::string& legacy_scan_file() {
  static const std::string path = [] {
    const std::string p = ::testing::TempDir() + "/legacyscan-report-legacy.json";
    auto r = run_in_lab("legacy", {"scan", "127.0.0.1", "--format", "json", "-o", p, "--require", "smb1=off"});
    EXPECT_EQ(r.exit_code, 1) << "smb1=off fails on the legacy DC: " << r.err;
    return p;
  }();
  return path;
}

RunResult legacyscan(const std::string& args) { return run_command(shell_quote(LEGACYSCAN_BINARY) + " " + args); }

// Loads file://PATH in headless Chromium inside ls-NS and returns what chromium_dom_matrix.py read.
json chromium_read(const std::string& ns, const std::string& html_path, const std::string& tag) {
  const std::string dir = ::testing::TempDir() + "/legacyscan-chromium-" + tag;
  run_command("rm -rf " + shell_quote(dir) + " && mkdir -p " + shell_quote(dir));
  const std::string dom = dir + "/dom.html", netlog = dir + "/netlog.json";
  // No DNS at all (every name maps to NOTFOUND) on top of the namespace that has only loopback.
  auto r = run_command("ip netns exec ls-" + ns + " chromium --headless --no-sandbox --disable-gpu --no-first-run " +
                       "--disable-background-networking --disable-component-update --disable-sync " +
                       "--disable-extensions --disable-default-apps --host-resolver-rules=" +
                       shell_quote("MAP * ~NOTFOUND") + " --user-data-dir=" + shell_quote(dir + "/profile") +
                       " --log-net-log=" + shell_quote(netlog) + " --dump-dom " + shell_quote("file://" + html_path));
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  {
    std::ofstream f(dom);
    f << r.out;
  }
  auto py = run_command("/usr/bin/python3 " + std::string(LEGACYSCAN_SOURCE_DIR) +
                        "/tests/integration/chromium_dom_matrix.py " + shell_quote(dom) + " " + shell_quote(netlog));
  EXPECT_EQ(py.exit_code, 0) << py.err;
  auto j = json::parse(py.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << py.out.substr(0, 400);
  return j;
}

// The verdict the JSON gives each cell, keyed as the HTML keys them ("smb", "tls/636", "overall").
std::map<std::string, std::map<std::string, std::string>> json_matrix(const json& host) {
  std::map<std::string, std::map<std::string, std::string>> m;
  for (const auto& row : host.at("matrix")) {
    auto& cells = m[row.at("profile")];
    cells["overall"] = row.at("verdict");
    for (const auto& [proto, c] : row.at("protocols").items()) {
      if (proto == "tls")
        for (const auto& [port, pc] : c.items()) cells["tls/" + port] = pc.at("verdict");
      else
        cells[proto] = c.at("verdict");
    }
  }
  return m;
}

TEST(IntegrationReport, ChromiumRendersTheMatrixOfALegacyScanAndNothingIsFetched) {
  // The saved scan, with a hostile string where a server's words go (a reason and a client name).
  auto doc = json::parse(slurp(legacy_scan_file()));
  const std::string evil = "<script>document.title='owned'</script><img src=\"http://injected.invalid/x.png\">";
  auto& host = doc.at("hosts").at(0);
  ASSERT_FALSE(host.at("matrix").empty());
  for (auto& row : host["matrix"])
    if (row.at("profile") == "windows-xp-sp3") row["protocols"]["smb"]["reason"] = evil;
  host["matrix"][1]["name"] = evil;
  host["probes"]["smb"]["reason"] = evil;
  const std::string hostile = ::testing::TempDir() + "/legacyscan-report-hostile.json";
  {
    std::ofstream f(hostile);
    f << doc.dump(2);
  }
  const std::string html = ::testing::TempDir() + "/legacyscan-report.html";
  auto r = legacyscan("report " + hostile + " --format html -o " + html);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Negative control: a page that does fetch shows up in the network log, with the annotation of a
  // page's own requests.
  const std::string control = ::testing::TempDir() + "/legacyscan-report-control.html";
  {
    std::ofstream f(control);
    f << "<!DOCTYPE html><html><body><img src=\"http://control.invalid/x.png\"></body></html>\n";
  }
  const auto ctl = chromium_read("legacy", control, "control");
  json page_annotation;
  for (const auto& q : ctl.at("requests"))
    if (q.at("url").get<std::string>().find("control.invalid") != std::string::npos)
      page_annotation = q.at("traffic_annotation");
  ASSERT_FALSE(page_annotation.is_null()) << "the control page's request is not in the network log: " << ctl.dump();

  const auto seen = chromium_read("legacy", html, "report");
  // What Chromium shows in the matrix is what the JSON says, cell for cell.
  const auto expected = json_matrix(host);
  const auto& shown = seen.at("matrix").at(host.at("target").get<std::string>());
  ASSERT_EQ(shown.size(), expected.size()) << shown.dump();
  for (const auto& [profile, cells] : expected) {
    ASSERT_TRUE(shown.contains(profile)) << profile;
    std::map<std::string, std::string> got;
    for (const auto& [k, v] : shown.at(profile).items()) got[k] = v.get<std::string>();
    EXPECT_EQ(got, cells) << profile;
  }
  // The hostile string is text on the page, never markup.
  for (const char* tag : {"script", "img", "iframe", "object", "embed", "link"})
    EXPECT_EQ(std::count(seen.at("elements").begin(), seen.at("elements").end(), tag), 0) << tag;
  EXPECT_NE(seen.at("texts").get<std::string>().find(evil), std::string::npos);
  // No request made by the page.
  for (const auto& q : seen.at("requests")) {
    EXPECT_NE(q.at("traffic_annotation"), page_annotation) << q.dump();
    EXPECT_EQ(q.at("url").get<std::string>().find("invalid"), std::string::npos) << q.dump();
  }
}

TEST(IntegrationReport, ReportCommandRendersEveryFormatOfTheSavedScan) {
  const auto doc = json::parse(slurp(legacy_scan_file()));
  const auto& host = doc.at("hosts").at(0);
  std::size_t cells = 0;
  for (const auto& row : host.at("matrix"))
    for (const auto& [proto, c] : row.at("protocols").items()) cells += proto == "tls" ? c.size() : 1;

  // CSV: one row per host x profile x protocol (x TLS port), read back by Python's csv module.
  auto csv = legacyscan("report " + legacy_scan_file() + " --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::string csv_file = ::testing::TempDir() + "/legacyscan-report.csv";
  {
    std::ofstream f(csv_file);
    f << csv.out;
  }
  auto rows =
      run_command("/usr/bin/python3 -c " +
                  shell_quote("import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=''))); "
                              "print(len(r)-1, set(len(x) for x in r), "
                              "sum(1 for x in r if x[2]=='windows-xp-sp3' and x[4]=='smb' and x[6]=='works'))") +
                  " " + csv_file);
  EXPECT_EQ(rows.out, std::to_string(cells) + " {10} 1\n") << rows.err;

  auto md = legacyscan("report " + legacy_scan_file() + " --format markdown");
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| Windows XP SP3 | works (NT LM 0.12) | works (rc4-hmac) |"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("| smb1=off | **FAILED** |"), std::string::npos);
  // What to fix comes before the matrix: the legacy DC accepts SMB1.
  const auto fix_at = md.out.find("### Fix first");
  ASSERT_NE(fix_at, std::string::npos) << md.out;
  EXPECT_LT(fix_at, md.out.find("| Client |"));
  EXPECT_LT(md.out.find("| **BAD** | 445/tcp | smb1 |"), md.out.find("| Client |")) << md.out;

  // csv-findings: one row per finding, the bad ones first; the csv rows above keep their ten columns.
  auto findings = legacyscan("report " + legacy_scan_file() + " --format csv-findings");
  ASSERT_EQ(findings.exit_code, 0) << findings.err;
  {
    std::ofstream f(csv_file);
    f << findings.out;
  }
  rows = run_command("/usr/bin/python3 -c " +
                     shell_quote("import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=''))); "
                                 "print(len(r)-1, set(len(x) for x in r), r[0][4], r[1][5], "
                                 "any(x[4]=='smb1' and x[5]=='bad' for x in r))") +
                     " " + csv_file);
  EXPECT_EQ(rows.out, std::to_string(host.at("findings").size()) + " {8} check bad True\n") << rows.err;

  // HTML: the findings, the matrix, then each probe's findings; the NetBIOS Unit ID with --details only.
  auto html = legacyscan("report " + legacy_scan_file() + " --format html");
  ASSERT_EQ(html.exit_code, 0) << html.err;
  const auto html_fix = html.out.find("<h3>Fix first</h3>");
  ASSERT_NE(html_fix, std::string::npos);
  EXPECT_LT(html_fix, html.out.find("<table class=\"matrix\">"));
  EXPECT_LT(html.out.find("<table class=\"matrix\">"), html.out.find("<h3>Evidence</h3>"));
  EXPECT_NE(html.out.find("<td class=\"check\">smb1</td>"), std::string::npos);
  EXPECT_EQ(html.out.find("netbios.unit_id"), std::string::npos);
  auto html_details = legacyscan("report " + legacy_scan_file() + " --format html --details");
  EXPECT_NE(html_details.out.find("<td class=\"check\">netbios.unit_id</td>"), std::string::npos);

  // Table through a pipe: no colour; on a terminal (script gives one): colour unless NO_COLOR. The whole
  // matrix (and its legend) with --details only.
  auto table = legacyscan("report " + legacy_scan_file());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(table.out.find("legend:"), std::string::npos);
  EXPECT_NE(table.out.find("Summary: " + std::to_string(host.at("matrix").size()) + " clients"), std::string::npos);
  auto details = legacyscan("report " + legacy_scan_file() + " --details");
  EXPECT_NE(details.out.find("legend:"), std::string::npos);
  const std::string cmd = shell_quote(LEGACYSCAN_BINARY) + " report --details " + legacy_scan_file();
  auto tty = run_command("script -qec " + shell_quote(cmd) + " /dev/null");
  EXPECT_NE(tty.out.find("\x1b[32m"), std::string::npos) << "no colour on a terminal";
  auto no_color = run_command("NO_COLOR=1 script -qec " + shell_quote(cmd) + " /dev/null");
  EXPECT_EQ(no_color.out.find("\x1b["), std::string::npos) << "colour despite NO_COLOR";

  // A JSON-lines scan renders too (with Kerberos, XP's session has a path that works: Kerberos RC4).
  const std::string jsonl = ::testing::TempDir() + "/legacyscan-report.jsonl";
  auto lines = run_in_lab("legacy", {"scan", "127.0.0.1", "--probes", "smb,kerberos,matrix", "--ports", "445,88",
                                     "--format", "jsonl", "-o", jsonl});
  ASSERT_EQ(lines.exit_code, 0) << lines.err;
  auto from_lines = legacyscan("report " + jsonl + " --format markdown");
  EXPECT_EQ(from_lines.exit_code, 0) << from_lines.err;
  EXPECT_NE(from_lines.out.find("| Windows XP SP3 | works (NT LM 0.12) |"), std::string::npos) << from_lines.out;
}

TEST(IntegrationReport, ScanWritesMarkdownCsvHtmlAndTheTerminalMatrix) {
  const std::vector<std::string> base{"scan", "127.0.0.1", "--probes", "smb,kerberos,matrix", "--ports", "445,88"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_in_lab("hardened", args);
  };
  auto html = with({"--format", "html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_TRUE(html.out.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(html.out.find("data-profile=\"windows-xp-sp3\""), std::string::npos);
  auto csv = with({"--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find(",windows-xp-sp3,Windows XP SP3,smb,,fails,,"), std::string::npos) << csv.out;
  auto md = with({"--format", "markdown"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| Windows XP SP3 | fails | fails |"), std::string::npos) << md.out;
  auto table = with({"--details"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  // With --details: the summary line and the BAD/WARN findings, the matrix, its summary, every check row.
  EXPECT_TRUE(table.out.starts_with("127.0.0.1  SMB1:off signing:on")) << table.out;
  const auto matrix_at = table.out.find("CLIENT");
  const auto summary_at = table.out.find("Summary:");
  const auto probes_at = table.out.find("Every check:");
  ASSERT_NE(matrix_at, std::string::npos) << table.out;
  EXPECT_LT(matrix_at, summary_at);
  EXPECT_LT(summary_at, probes_at);
  EXPECT_NE(table.out.find("FAIL Windows XP SP3: SMB: server refuses every offered dialect"), std::string::npos)
      << table.out;
  std::istringstream lines(table.out);
  std::string line;
  bool in_matrix = false;
  while (std::getline(lines, line)) {
    if (line.find("CLIENT") != std::string::npos) in_matrix = true;
    if (line.find("legend:") != std::string::npos) in_matrix = false;
    std::size_t width = 0;
    for (unsigned char c : line) width += (c & 0xC0) != 0x80;
    if (in_matrix) {
      EXPECT_LE(width, 100u) << line;
    }
  }
}

TEST(IntegrationReport, BadInputIsAUsageError) {
  auto missing = legacyscan("report /nonexistent/scan.json");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/scan.json: No such file or directory"), std::string::npos) << missing.err;
  const std::string junk = ::testing::TempDir() + "/legacyscan-report-junk.json";
  {
    std::ofstream f(junk);
    f << "this is not json\n";
  }
  auto bad = legacyscan("report " + junk);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("legacyscan-report-junk.json:1:2: not valid JSON"), std::string::npos) << bad.err;
  {
    std::ofstream f(junk);
    f << R"({"schema_version": 1, "hosts": [{"target": "x", "probes": {}, "matrix": [{"profile": "p", "verdict": "maybe", "protocols": {}}]}]})";
  }
  auto verdict = legacyscan("report " + junk + " --format html");
  EXPECT_EQ(verdict.exit_code, 2);
  EXPECT_NE(verdict.err.find("hosts[0].matrix[0].verdict"), std::string::npos) << verdict.err;
  auto format = legacyscan("report " + junk + " --format pdf");
  EXPECT_EQ(format.exit_code, 2);
  auto scan_format = run_in_lab("legacy", {"scan", "127.0.0.1", "--format", "pdf"});
  EXPECT_EQ(scan_format.exit_code, 2);
}

}  // namespace
}  // namespace legacyscan::testing
