// SPDX-License-Identifier: Apache-2.0
// What a lab Samba server must list: the share sections of its smb.conf as testparm reads them back,
// and what smbclient -L lists.
#pragma once

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {

// The share sections testparm reads from a smb.conf, and IPC$, which Samba always has.
inline std::set<std::string> testparm_shares(const std::string& conf) {
  auto r = run_command("testparm -s " + shell_quote(conf) + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> out{"IPC$"};
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (line.size() > 2 && line.front() == '[' && line.back() == ']' && line != "[global]")
      out.insert(line.substr(1, line.size() - 2));
  return out;
}

// One [global] parameter of a smb.conf as testparm reads it back ("NT1", "No", "0").
inline std::string testparm_global(const std::string& conf, const std::string& parameter) {
  auto r = run_command("testparm -s --section-name=global --parameter-name=" + shell_quote(parameter) + " " +
                       shell_quote(conf) + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << parameter;
  std::string v = r.out;
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v;
}

// One row of smbclient -L's "Sharename Type Comment" table.
struct ListedByClient {
  std::string type;  // "Disk", "IPC", "Printer"
  std::string comment;
  bool operator==(const ListedByClient&) const = default;
};

// The table smbclient -L prints, by share name (names without spaces, as the lab's are).
inline std::map<std::string, ListedByClient> smbclient_share_table(const std::string& output) {
  std::map<std::string, ListedByClient> out;
  std::istringstream in(output);
  bool table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("Sharename") != std::string::npos) {
      table = true;
      continue;
    }
    if (table && line.empty()) break;
    if (!table || line.empty() || line[0] != '\t' || line.find("---") != std::string::npos) continue;
    std::istringstream words(line);
    std::string name;
    ListedByClient row;
    words >> name >> row.type;
    std::getline(words, row.comment);
    const auto first = row.comment.find_first_not_of(' ');
    row.comment = first == std::string::npos ? "" : row.comment.substr(first);
    out[name] = row;
  }
  return out;
}

}  // namespace legacyscan::testing
