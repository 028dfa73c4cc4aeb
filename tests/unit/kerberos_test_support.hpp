// SPDX-License-Identifier: Apache-2.0
// Golden Kerberos messages captured from the lab KDCs (tests/data/kerberos/*.hex, see README there).
#pragma once

#include <string>

#include "legacyscan/bytes.hpp"
#include "tests/unit/golden_hex.hpp"

namespace legacyscan::kerberos::testing {

inline Bytes golden(const std::string& name) { return golden_hex("kerberos", name); }

// A TCP capture (record mark + message) without its 4-byte record mark.
inline Bytes unframed(const std::string& name) {
  Bytes b = golden(name);
  if (b.size() < 4) return {};
  return Bytes(b.begin() + 4, b.end());
}

}  // namespace legacyscan::kerberos::testing
