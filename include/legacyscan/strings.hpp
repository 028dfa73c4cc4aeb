// SPDX-License-Identifier: Apache-2.0
// Small string helpers shared by the probes, the reports and the passive analyzer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace legacyscan {

// The items with `sep` between each two: join({"2.1", "3.0"}) == "2.1, 3.0"; "" for none.
inline std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

}  // namespace legacyscan
