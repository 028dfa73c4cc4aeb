// SPDX-License-Identifier: Apache-2.0
#include "src/report/text_util.hpp"

#include <algorithm>
#include <vector>

namespace legacyscan::report {

std::size_t width_of(const std::string& s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    n += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  }
  return n;
}

std::string fit(const std::string& s, std::size_t w) {
  if (width_of(s) <= w) return s + std::string(w - width_of(s), ' ');
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size() && n + 1 < w; ++i) {
    out += s[i];
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
    while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) out += s[++i];
  }
  return out + "~" + std::string(w > n + 1 ? w - n - 1 : 0, ' ');
}

std::string printable(const std::string& s) {
  std::string out;
  for (char c : s) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
  return out;
}

void wrap(std::ostream& out, const std::string& prefix, const std::string& text, std::size_t indent, std::size_t width,
          std::size_t max_lines, const std::string& more) {
  std::vector<std::string> lines;
  std::string line = prefix;
  std::size_t start = 0;
  bool first_word = true;
  while (start < text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!first_word && width_of(line) + 1 + width_of(word) > width) {
      lines.push_back(line);
      line = std::string(indent, ' ');
      first_word = true;
    }
    std::string piece = (first_word ? "" : " ") + word;
    if (width_of(line) + width_of(piece) > width) piece = fit(piece, width - std::min(width, width_of(line)));
    line += piece;
    first_word = false;
  }
  lines.push_back(line);
  if (max_lines != 0 && lines.size() > max_lines) {
    lines.resize(max_lines);
    auto& last = lines.back();
    // Whole words go until `more` fits after them.
    while (width_of(last) + width_of(more) > width && last.size() > indent) {
      const auto cut = last.find_last_of(' ');
      if (cut == std::string::npos || cut < indent) break;
      last.resize(cut);
    }
    if (width_of(last) + width_of(more) > width) last = fit(last, width > width_of(more) ? width - width_of(more) : 0);
    last += more;
  }
  for (const auto& l : lines) {
    auto end = l.find_last_not_of(' ');
    out << (end == std::string::npos ? std::string() : l.substr(0, end + 1)) << "\n";
  }
}

}  // namespace legacyscan::report
