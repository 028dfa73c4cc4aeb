// SPDX-License-Identifier: Apache-2.0
// The one loader of the unit tests' golden bytes: tests/data/<folder>/<name>.hex, hex digits with any
// white space; lines starting with '#' are comments. An unreadable file, bad hex or no bytes at all fail
// the test with the file's path.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <string_view>

#include "legacyscan/bytes.hpp"

namespace legacyscan {

inline Bytes golden_hex(std::string_view folder, const std::string& name) {
  const std::string path =
      std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/" + std::string(folder) + "/" + name + ".hex";
  std::ifstream f(path);
  EXPECT_TRUE(f.is_open()) << "cannot read " << path;
  std::string line, hex;
  while (std::getline(f, line))
    if (line.empty() || line[0] != '#') hex += line + "\n";
  EXPECT_FALSE(f.bad()) << "cannot read " << path;
  Bytes out;
  EXPECT_TRUE(from_hex(hex, out)) << "bad hex in " << path;
  EXPECT_FALSE(out.empty()) << "no bytes in " << path;
  return out;
}

}  // namespace legacyscan
