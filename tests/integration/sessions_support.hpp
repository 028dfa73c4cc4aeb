// SPDX-License-Identifier: Apache-2.0
// The lab's "sessions" scenario (scripts/lab.d/sessions): its three servers and their configuration as
// testparm reads it back, from which the tests derive what each must grant.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {

inline const std::vector<std::string> kSessionsServers{"opennas", "v1ok", "strict"};

inline std::string sessions_dir() {
  const char* d = std::getenv("LEGACYSCAN_LAB_DIR");
  return std::string(d && *d ? d : "/var/tmp/legacyscan-lab") + "/sessions";
}

// A global parameter of one server's smb.conf, as testparm prints it.
inline std::string testparm(const std::string& name, const std::string& parameter) {
  auto r = run_command("testparm -s --section-name=global --parameter-name=" + shell_quote(parameter) + " " +
                       shell_quote(sessions_dir() + "/" + name + "/smb.conf") + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << parameter << ": " << r.err;
  std::string v = r.out;
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v;
}

}  // namespace legacyscan::testing
