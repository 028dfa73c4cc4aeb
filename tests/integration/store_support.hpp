// SPDX-License-Identifier: Apache-2.0
// Shared by the result store's integration tests (SQLite and PostgreSQL).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "lab_support.hpp"

namespace legacyscan::testing {

// Eight scans of the hardened DC started at once, each writing the store and its own -o file
// (DIR/outN.json); the number of findings the eight outputs hold.
inline std::size_t run_eight_scanners(const std::string& dir, const std::string& store) {
  std::string cmd = "ip netns exec ls-hardened sh -c '";
  for (int i = 0; i < 8; ++i)
    cmd += LEGACYSCAN_BINARY + std::string(" scan 127.0.0.1 --probes smb,kerberos,ldap -q --store \"") + store +
           "\" -o " + dir + "/out" + std::to_string(i) + ".json & ";
  cmd += "wait'";
  const auto r = run_command(cmd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::size_t findings = 0;
  for (int i = 0; i < 8; ++i)
    findings += nlohmann::json::parse(slurp(dir + "/out" + std::to_string(i) + ".json"))["hosts"][0]["findings"].size();
  return findings;
}

}  // namespace legacyscan::testing
