// SPDX-License-Identifier: Apache-2.0
// Golden Kerberos messages captured from the lab KDCs (tests/data/kerberos/*.hex, see README there).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "legacyscan/bytes.hpp"

namespace legacyscan::kerberos::testing {

inline Bytes golden(const std::string& name) {
  const std::string path = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/kerberos/" + name + ".hex";
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  Bytes out;
  EXPECT_TRUE(f.good() || f.eof()) << "cannot read " << path;
  EXPECT_TRUE(from_hex(ss.str(), out)) << "bad hex in " << path;
  EXPECT_FALSE(out.empty()) << path;
  return out;
}

// A TCP capture (record mark + message) without its 4-byte record mark.
inline Bytes unframed(const std::string& name) {
  Bytes b = golden(name);
  if (b.size() < 4) return {};
  return Bytes(b.begin() + 4, b.end());
}

}  // namespace legacyscan::kerberos::testing
