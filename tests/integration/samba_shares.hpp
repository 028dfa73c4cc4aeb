// SPDX-License-Identifier: Apache-2.0
// What a lab Samba server must list: the share sections of its smb.conf as testparm reads them back.
#pragma once

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

}  // namespace legacyscan::testing
