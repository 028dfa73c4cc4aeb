// SPDX-License-Identifier: Apache-2.0
// Small naming helpers shared by the SMB-side codecs: hex rendering of values and flag words as names.
#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace legacyscan::smb::names {

// "0x00c0", zero-padded to `digits` hex digits.
inline std::string hex(std::uint64_t v, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

// The names of the set bits of a flag word, in table order; unknown set bits as hex.
inline std::vector<std::string> bit_names(std::uint32_t value,
                                          std::initializer_list<std::pair<std::uint32_t, const char*>> table,
                                          int digits) {
  std::vector<std::string> out;
  std::uint32_t known = 0;
  for (const auto& [bit, name] : table) {
    known |= bit;
    if (value & bit) out.emplace_back(name);
  }
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1)
    if ((value & bit) && !(known & bit)) out.push_back(hex(bit, digits));
  return out;
}

}  // namespace legacyscan::smb::names
