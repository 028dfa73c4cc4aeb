// SPDX-License-Identifier: Apache-2.0
// The --user account's TGT etypes (the JSON's `tgt`) in every rendering of a real audit of the
// accounts DC: one line under the DC's posture in the table, the tgt_ticket / tgt_session_key CSV
// columns of that account's row, and a line of the HTML report's Accounts section.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/lab_support.hpp"

namespace {

using namespace legacyscan::testing;  // lab_info, run_command, run_in_lab, shell_quote
using nlohmann::json;

// The first CSV line split at commas (the header has no quoted field).
std::vector<std::string> csv_header(const std::string& text) {
  std::vector<std::string> cols;
  std::istringstream in(text.substr(0, text.find('\r')));
  for (std::string c; std::getline(in, c, ',');) cols.push_back(c);
  return cols;
}

TEST(IntegrationAccountsTgt, TableCsvAndHtmlShowTheUsersTgt) {
  const auto info = lab_info("accounts");
  const std::string base = ::testing::TempDir() + "/accounts-tgt-" + std::to_string(::getpid());
  std::ofstream(base + ".pw") << info.at("LAB_ADMIN_PASSWORD") << "\n";
  const std::vector<std::string> args{"accounts",           "127.0.0.1", "--realm",
                                      info.at("LAB_REALM"), "--user",    info.at("LAB_ADMIN_USER"),
                                      "--password-file",    base + ".pw"};
  auto with = [&](std::vector<std::string> more) {
    auto a = args;
    a.insert(a.end(), more.begin(), more.end());
    return run_in_lab("accounts", a);
  };
  auto j = with({"--format", "json", "-o", base + ".json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  // The table as an 80-column terminal gets it.
  std::string line_args;
  for (const auto& a : args) line_args += " " + shell_quote(a);
  auto t = run_command("COLUMNS=80 ip netns exec ls-accounts " + shell_quote(LEGACYSCAN_BINARY) + line_args);
  std::remove((base + ".pw").c_str());
  ASSERT_EQ(t.exit_code, 0) << t.err;
  std::ifstream saved(base + ".json");
  const auto doc = json::parse(saved);
  json user;
  for (const auto& a : doc.at("accounts"))
    if (a.contains("tgt")) user = a;
  ASSERT_TRUE(user.is_object()) << "no account carries the TGT: " << doc.dump().substr(0, 400);
  const std::string name = user["name"], ticket = user["tgt"]["ticket"], skey = user["tgt"]["session_key"];
  const std::string line = "TGT of " + name + ": ticket " + ticket + ", session key " + skey;

  // Table: the line right under the DC's posture line, within 80 columns.
  const auto at = t.out.find(line);
  ASSERT_NE(at, std::string::npos) << t.out;
  const auto dc = t.out.rfind("DC ", at);
  ASSERT_NE(dc, std::string::npos);
  EXPECT_EQ(t.out.find("\n\n", dc), t.out.find('\n', at)) << "not under the DC's line:\n" << t.out.substr(dc, 400);
  std::istringstream lines(t.out);
  for (std::string l; std::getline(lines, l);) EXPECT_LE(l.size(), 80u) << l;

  // CSV: the columns before stay as they were; the two new ones are last, filled on the user's row only.
  auto c = run_command(shell_quote(LEGACYSCAN_BINARY) + " report " + shell_quote(base + ".json") + " --format csv");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const auto cols = csv_header(c.out);
  ASSERT_GE(cols.size(), 17u) << c.out.substr(0, 300);
  EXPECT_EQ(cols[14], "remedy");
  EXPECT_EQ(cols[15], "tgt_ticket");
  EXPECT_EQ(cols[16], "tgt_session_key");
  EXPECT_NE(c.out.find("," + ticket + "," + skey + "\r\n"), std::string::npos) << c.out;
  std::size_t filled = 0;
  for (std::size_t p = c.out.find("," + ticket + "," + skey + "\r\n"); p != std::string::npos;
       p = c.out.find("," + ticket + "," + skey + "\r\n", p + 1))
    ++filled;
  EXPECT_EQ(filled, 1u);

  // HTML: in the Accounts section.
  auto h = run_command(shell_quote(LEGACYSCAN_BINARY) + " report " + shell_quote(base + ".json") + " --format html");
  ASSERT_EQ(h.exit_code, 0) << h.err;
  const auto section = h.out.find("<section id=\"accounts\">");
  ASSERT_NE(section, std::string::npos);
  const auto tgt = h.out.find("<p class=\"tgt\">" + line, section);
  EXPECT_NE(tgt, std::string::npos) << h.out.substr(section, 600);
  EXPECT_LT(tgt, h.out.find("</section>", section));
  std::remove((base + ".json").c_str());
}

}  // namespace
