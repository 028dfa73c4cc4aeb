// SPDX-License-Identifier: Apache-2.0
// Golden bytes of the LDAP probe's unit tests: tests/data/ldap/<scenario>_<what>.hex, captured with
// `scripts/lab capture` from the lab DCs (Samba 4.17) and extracted with tshark.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "legacyscan/bytes.hpp"

namespace legacyscan::ldap::testdata {

inline Bytes golden(const std::string& name) {
  const std::string path = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/ldap/" + name + ".hex";
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  Bytes out;
  EXPECT_TRUE(f.good() || f.eof()) << "cannot read " << path;
  EXPECT_TRUE(from_hex(ss.str(), out)) << "bad hex in " << path;
  EXPECT_FALSE(out.empty()) << path;
  return out;
}

inline Bytes hex(std::string_view text) {
  Bytes out;
  EXPECT_TRUE(from_hex(text, out)) << text;
  return out;
}

}  // namespace legacyscan::ldap::testdata
