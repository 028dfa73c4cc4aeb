// SPDX-License-Identifier: Apache-2.0
// Shared by the SMB-side unit tests: golden messages from tests/data/smb/*.hex (lines starting with '#'
// are comments), hex literals, and the "every truncation is a clean error" loop.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "legacyscan/bytes.hpp"
#include "tests/unit/golden_hex.hpp"

namespace legacyscan::smb {

inline Bytes golden(const std::string& name) { return golden_hex("smb", name); }

inline Bytes H(std::string_view hex) {
  Bytes out;
  EXPECT_TRUE(from_hex(hex, out)) << hex;
  return out;
}

template <class F>
void expect_every_truncation_fails(const Bytes& whole, F decode, const std::string& name) {
  for (std::size_t n = 0; n < whole.size(); ++n) {
    auto d = decode(ByteView(whole).first(n));
    EXPECT_FALSE(d.has_value()) << name << " truncated to " << n << " bytes decoded";
    EXPECT_FALSE(d.error.empty()) << name << " " << n;
  }
}

}  // namespace legacyscan::smb
