// SPDX-License-Identifier: Apache-2.0
// The renderings of the report model: terminal matrix, Markdown, CSV, HTML. Inputs are a saved scan of
// the legacy lab DC (tests/data/report/legacy-scan.json, `legacyscan scan --format json` inside
// ls-legacy) and small documents with hostile strings.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "legacyscan/json_text.hpp"
#include "src/report/render.hpp"

namespace legacyscan::report {
namespace {

using nlohmann::json;

json saved_scan() {
  std::ifstream f(std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/report/legacy-scan.json");
  EXPECT_TRUE(f.good()) << "missing tests/data/report/legacy-scan.json";
  return json::parse(f);
}

Report model_of(const json& doc) {
  auto m = report_from_json(doc);
  EXPECT_TRUE(m) << m.error;
  return m ? *m : Report{};
}

// Findings in table order: a warn row before the bad one, two rows that merge, a NetBIOS Unit ID.
json hostile_findings(const std::string& evil) {
  auto row = [](const char* probe, const char* port, const char* check, const char* verdict, const std::string& value,
                const std::string& evidence) {
    return json{{"probe", probe},     {"port", port},   {"check", check},
                {"verdict", verdict}, {"value", value}, {"evidence", evidence}};
  };
  return json::array({row("smb", "445/tcp", "smb.signing.3.0", "warn", "not required", evil),
                      row("smb", "445/tcp", "smb.signing.3.1.1", "warn", "not required", evil),
                      row("smb", "445/tcp", "smb1", "bad", evil, evil),
                      row("smb", "445/tcp", "smb.dialect", "good", "3.1.1", ""),
                      row("netbios", "137/udp", "netbios.unit_id", "info", "00:11:22:33:44:55", "")});
}

// A scan document with one host whose every server-controlled string is hostile.
json hostile_doc(const std::string& evil) {
  json cell{{"verdict", "fails"}, {"reason", evil}, {"negotiated", evil}};
  json tls_cell{{"verdict", "degraded"},
                {"reason", evil},
                {"stack", evil},
                {"stacks", json::array({{{"verdict", "degraded"}, {"reason", evil}, {"stack", evil}}})}};
  return json{
      {"schema_version", 1},
      {"tool", {{"name", "legacyscan"}, {"version", "0"}}},
      {"started", "2026-01-01T00:00:00Z"},
      {"finished", "2026-01-01T00:00:01Z"},
      {"complete", true},
      {"hosts",
       json::array({{{"target", evil},
                     {"address", "127.0.0.1"},
                     {"probes",
                      {{"smb", {{"status", "ok"}, {"reason", evil}, {"ports", {{"445", {{"banner", evil}}}}}}},
                       {"netbios", {{"status", "ok"}, {"reason", ""}}}}},
                     {"findings", hostile_findings(evil)},
                     {"matrix", json::array({{{"profile", evil},
                                              {"name", evil},
                                              {"verdict", "fails"},
                                              {"protocols", {{"smb", cell}, {"tls", {{"636", tls_cell}}}}}}})}}})},
      {"policy",
       {{"passed", false},
        {"rules",
         json::array(
             {{{"rule", "smb1=off"}, {"host", evil + " (127.0.0.1)"}, {"passed", false}, {"evidence", evil}}})}}}};
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, in_quotes = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        in_quotes = false;
      else
        field += c;
    } else if (c == '"' && field.empty() && !quoted) {
      in_quotes = quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field), field.clear(), quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field), field.clear(), quoted = false, ++i;
      rows.emplace_back();
    } else {
      EXPECT_NE(c, '"') << "bare quote in an unquoted field at " << i;
      EXPECT_NE(c, '\n') << "bare LF outside quotes at " << i;
      field += c;
    }
  }
  EXPECT_FALSE(in_quotes);
  if (rows.back().empty() && field.empty()) rows.pop_back();
  return rows;
}

TEST(ReportModel, SavedScanGivesColumnsInProtocolOrder) {
  const auto doc = saved_scan();
  const auto m = model_of(doc);
  ASSERT_EQ(m.hosts.size(), doc.at("hosts").size());
  const auto& h = m.hosts.at(0);
  ASSERT_EQ(h.clients.size(), doc.at("hosts").at(0).at("matrix").size());
  ASSERT_FALSE(h.columns.empty());
  EXPECT_EQ(h.columns.front().protocol, "smb");
  // Every cell of the JSON is in the model with the same verdict.
  for (std::size_t i = 0; i < h.clients.size(); ++i) {
    const auto& row = doc.at("hosts").at(0).at("matrix").at(i);
    EXPECT_EQ(h.clients[i].verdict, row.at("verdict"));
    for (const auto& [proto, c] : row.at("protocols").items()) {
      if (proto == "tls") {
        for (const auto& [port, pc] : c.items()) {
          const auto* cell = h.clients[i].cell(Column{"tls", port});
          ASSERT_NE(cell, nullptr) << proto << port;
          EXPECT_EQ(cell->verdict, pc.at("verdict"));
        }
      } else {
        const auto* cell = h.clients[i].cell(Column{proto, ""});
        ASSERT_NE(cell, nullptr) << proto;
        EXPECT_EQ(cell->verdict, c.at("verdict"));
        EXPECT_EQ(cell->reason, c.at("reason"));
      }
    }
  }
  EXPECT_FALSE(h.evidence.empty());
}

TEST(ReportModel, BadDocumentsNameTheKey) {
  EXPECT_NE(report_from_json(json::array()).error.find("not a JSON object"), std::string::npos);
  EXPECT_NE(report_from_json(json{{"x", 1}}).error.find("hosts"), std::string::npos);
  auto doc = hostile_doc("x");
  doc["hosts"][0]["matrix"][0]["verdict"] = "perhaps";
  EXPECT_NE(report_from_json(doc).error.find("hosts[0].matrix[0].verdict"), std::string::npos);
  doc = hostile_doc("x");
  doc["hosts"][0]["matrix"][0]["protocols"]["smb"].erase("reason");
  EXPECT_NE(report_from_json(doc).error.find("protocols.smb: missing \"reason\""), std::string::npos);
  doc = hostile_doc("x");
  doc["policy"]["rules"][0]["host"] = "elsewhere";
  EXPECT_NE(report_from_json(doc).error.find("no scanned host"), std::string::npos);
}

TEST(ReportHtml, EscapesEverythingAServerSends) {
  const std::string evil = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&<!--";
  std::ostringstream out;
  render_html(out, model_of(hostile_doc(evil)));
  const auto html = out.str();
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<!--"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;"),
            std::string::npos);
  // No attribute value is left open: every quote in the file is one the renderer wrote.
  EXPECT_EQ(std::count(html.begin(), html.end(), '"') % 2, 0);
}

// What to fix first, then the matrix, then each probe's findings as rows; the Unit ID only with details.
TEST(ReportHtml, FindingsFirstThenMatrixThenEvidencePerProbe) {
  const auto m = model_of(hostile_doc("evil"));
  std::ostringstream plain, detailed;
  render_html(plain, m);
  render_html(detailed, m, TextOptions{.details = true});
  const auto html = plain.str();
  const auto fix = html.find("<h3>Fix first</h3>");
  const auto matrix = html.find("<table class=\"matrix\">");
  const auto evidence = html.find("<h3>Evidence</h3>");
  ASSERT_NE(fix, std::string::npos) << html;
  EXPECT_LT(fix, matrix);
  EXPECT_LT(matrix, evidence);
  const auto bad = html.find("data-verdict=\"bad\">BAD</td>", fix);
  const auto warn = html.find("data-verdict=\"warn\">WARN</td>", fix);
  EXPECT_LT(bad, warn);
  EXPECT_LT(warn, matrix);
  EXPECT_NE(html.find("smb.signing.{3.0,3.1.1}", fix), std::string::npos);
  EXPECT_NE(html.find("<td class=\"check\">smb.dialect</td>", evidence), std::string::npos);
  EXPECT_NE(html.find("<details class=\"evidence\" data-probe=\"smb\" open>"), std::string::npos);
  EXPECT_EQ(html.find("class=\"facts\""), std::string::npos);
  EXPECT_EQ(html.find("banner"), std::string::npos);  // no flattened JSON keys
  EXPECT_EQ(html.find("netbios.unit_id"), std::string::npos);
  EXPECT_NE(detailed.str().find("<td class=\"check\">netbios.unit_id</td>"), std::string::npos);
}

TEST(ReportHtml, SelfContainedAndFetchesNothing) {
  const auto doc = saved_scan();
  std::ostringstream out;
  render_html(out, model_of(doc));
  const auto html = out.str();
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  for (const char* bad : {"<script", "<link", "<img", "<iframe", "@import", "url(", "http://", "https://", "src="})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  // One data-verdict cell per JSON cell, plus the overall column.
  std::size_t cells = 0, rows = 0;
  for (const auto& r : doc.at("hosts").at(0).at("matrix")) {
    ++rows;
    for (const auto& [proto, c] : r.at("protocols").items()) cells += proto == "tls" ? c.size() : 1;
  }
  const std::regex cell(
      "<td class=\"v v-[a-z]+( overall)?\" data-protocol=\"[a-z]+\"( data-port=\"[0-9a-z]*\")? data-verdict=");
  const auto n = std::distance(std::sregex_iterator(html.begin(), html.end(), cell), std::sregex_iterator());
  EXPECT_EQ(static_cast<std::size_t>(n), cells + rows);
}

TEST(ReportCsv, Rfc4180QuotingRoundTrips) {
  const std::string evil = "a,b \"quoted\"\r\nnext line";
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  std::ostringstream out;
  render_csv(out, model_of(hostile_doc(evil)));
  const auto rows = parse_csv(out.str());
  ASSERT_EQ(rows.size(), 3u);  // header, smb, tls/636
  for (const auto& r : rows) EXPECT_EQ(r.size(), 10u);
  EXPECT_EQ(rows[0][0], "host");
  EXPECT_EQ(rows[1][0], evil);
  EXPECT_EQ(rows[1][4], "smb");
  EXPECT_EQ(rows[1][8], evil);
  EXPECT_EQ(rows[2][4], "tls");
  EXPECT_EQ(rows[2][5], "636");
  EXPECT_EQ(rows[2][9], evil);
}

TEST(ReportCsv, FindingsBadThenWarnThenTheRest) {
  const std::string evil = "a,b \"quoted\"\r\nnext line";
  std::ostringstream out;
  render_csv_findings(out, model_of(hostile_doc(evil)));
  const auto rows = parse_csv(out.str());
  ASSERT_EQ(rows.size(), 6u);
  for (const auto& r : rows) EXPECT_EQ(r.size(), 8u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"host", "address", "probe", "port", "check", "verdict", "value", "evidence"}));
  EXPECT_EQ(rows[1][0], evil);
  EXPECT_EQ(rows[1][4], "smb1");
  EXPECT_EQ(rows[1][6], evil);
  EXPECT_EQ(rows[1][7], evil);
  EXPECT_EQ(rows[2][4], "smb.signing.3.0");
  EXPECT_EQ(rows[3][4], "smb.signing.3.1.1");
  EXPECT_EQ(rows[4][5], "good");
  EXPECT_EQ(rows[5][4], "netbios.unit_id");
}

TEST(ReportCsv, OneRowPerHostProfileProtocolOfTheSavedScan) {
  const auto doc = saved_scan();
  std::ostringstream out;
  render_csv(out, model_of(doc));
  const auto rows = parse_csv(out.str());
  std::size_t cells = 0;
  for (const auto& h : doc.at("hosts"))
    for (const auto& r : h.at("matrix"))
      for (const auto& [proto, c] : r.at("protocols").items()) cells += proto == "tls" ? c.size() : 1;
  EXPECT_EQ(rows.size(), cells + 1);
}

TEST(ReportMarkdown, TablesKeepTheirColumns) {
  std::ostringstream out;
  render_markdown(out, model_of(hostile_doc("x|y<b>*z*\nw")));
  const auto md = out.str();
  EXPECT_NE(md.find("x\\|y&lt;b&gt;\\*z\\* w"), std::string::npos) << md;
  EXPECT_EQ(md.find("<b>"), std::string::npos);
  // The BAD then WARN findings come before the matrix.
  const auto fix = md.find("### Fix first\n\n| Verdict | Port | Check | Value |");
  ASSERT_NE(fix, std::string::npos) << md;
  EXPECT_LT(fix, md.find("| Client |"));
  EXPECT_LT(md.find("| **BAD** | 445/tcp | smb1 |"), md.find("| **WARN** | 445/tcp | smb.signing.{3.0,3.1.1} |"));
  // Every table line has as many unescaped pipes as its header.
  std::istringstream lines(md);
  std::string line;
  std::size_t header_pipes = 0;
  auto pipes = [](const std::string& l) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < l.size(); ++i) n += l[i] == '|' && (i == 0 || l[i - 1] != '\\');
    return n;
  };
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '|') {
      header_pipes = 0;
      continue;
    }
    if (header_pipes == 0) header_pipes = pipes(line);
    EXPECT_EQ(pipes(line), header_pipes) << line;
  }
}

std::size_t display_width(const std::string& line) {
  std::string plain = std::regex_replace(line, std::regex("\x1b\\[[0-9;]*m"), "");
  std::size_t n = 0;
  for (unsigned char c : plain) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(ReportTerminal, MatrixFitsHundredColumnsWithAndWithoutColour) {
  const auto m = model_of(saved_scan());
  for (bool colour : {false, true}) {
    std::ostringstream out;
    render_terminal_matrix(out, m.hosts.at(0), colour);
    render_terminal_summary(out, m.hosts.at(0), colour);
    const auto text = out.str();
    EXPECT_EQ(text.find('\x1b') != std::string::npos, colour);
    std::istringstream lines(text);
    std::string line;
    std::size_t n = 0;
    while (std::getline(lines, line)) {
      ++n;
      if (line.starts_with("  legend:")) continue;  // wraps like prose
      EXPECT_LE(display_width(line), 100u) << line;
    }
    EXPECT_GE(n, m.hosts.at(0).clients.size() + 2);
    EXPECT_NE(text.find("legend:"), std::string::npos);
    EXPECT_NE(text.find("Summary: " + std::to_string(m.hosts.at(0).clients.size()) + " clients"), std::string::npos);
  }
}

TEST(ReportTerminal, ShortNamesKeepTheHeaderWidth) {
  std::ostringstream out;
  render_terminal_matrix(out, model_of(hostile_doc("x")).hosts.at(0), false);
  EXPECT_TRUE(out.str().starts_with("  CLIENT  SMB   TLS636  OVERALL\n  x       FAIL  weak    FAIL")) << out.str();
}

TEST(ReportTerminal, ManyTlsPortsFoldIntoOneColumn) {
  auto doc = hostile_doc("reason");
  auto& tls = doc["hosts"][0]["matrix"][0]["protocols"]["tls"];
  for (const char* port : {"443", "636", "993", "995", "3269", "5986", "8443", "10443"})
    tls[port] = {{"verdict", std::string(port) == "3269" ? "fails" : "works"}, {"reason", "r"}};
  std::ostringstream out;
  render_terminal_matrix(out, model_of(doc).hosts.at(0), false);
  EXPECT_NE(out.str().find("TLS*"), std::string::npos) << out.str();
  std::istringstream lines(out.str());
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_LE(display_width(row), 100u);
  // The folded TLS column shows the worst port.
  const auto at = header.find("TLS*");
  EXPECT_EQ(row.substr(at, 4), "FAIL") << header << "\n" << row;
  // Terminal escapes a server might send never reach the terminal.
  doc = hostile_doc("\x1b]0;owned\x07");
  std::ostringstream o2;
  render_terminal_report(o2, model_of(doc), TextOptions{});
  EXPECT_EQ(o2.str().find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace legacyscan::report

// Server strings are bytes off the network: one that is not UTF-8 is printed with U+FFFD instead of
// throwing (nlohmann's plain dump() throws type_error 316, which lost the whole output of
// `legacyscan events` and `pcap`: regression inputs tests/fuzz/regressions/fuzz_passive_*).
TEST(JsonText, InvalidUtf8IsReplacedNotThrown) {
  nlohmann::json j;
  j["name"] = std::string(
      "DC\xff\xfe"
      "1");
  EXPECT_THROW((void)j.dump(), nlohmann::json::type_error);
  std::string text;
  ASSERT_NO_THROW(text = legacyscan::json_text(j));
  EXPECT_EQ(text,
            "{\"name\":\"DC\xEF\xBF\xBD\xEF\xBF\xBD"
            "1\"}");
  EXPECT_EQ(legacyscan::json_text(nlohmann::json{{"a", "ok"}}, 2), "{\n  \"a\": \"ok\"\n}");
}
