// SPDX-License-Identifier: Apache-2.0
// Golden bytes of the LDAP probe's unit tests: tests/data/ldap/<scenario>_<what>.hex, captured with
// `scripts/lab capture` from the lab DCs (Samba 4.17) and extracted with tshark.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "legacyscan/bytes.hpp"
#include "tests/unit/golden_hex.hpp"

namespace legacyscan::ldap::testdata {

inline Bytes golden(const std::string& name) { return golden_hex("ldap", name); }

inline Bytes hex(std::string_view text) {
  Bytes out;
  EXPECT_TRUE(from_hex(text, out)) << text;
  return out;
}

}  // namespace legacyscan::ldap::testdata
