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

// Text made safe inside HTML and XML, in element content and quoted attributes alike: the five special
// characters as references (&#39; for the apostrophe, which both HTML 4 and XML know), and control
// characters, which XML 1.0 forbids, as spaces (tab and newline kept).
inline std::string markup_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
          out += ' ';
        else
          out += c;
    }
  }
  return out;
}

}  // namespace legacyscan
