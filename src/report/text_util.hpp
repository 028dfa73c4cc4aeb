// SPDX-License-Identifier: Apache-2.0
// Terminal text helpers of the renderers: display width, padding, word wrap, and the scrubbing of
// server text before it reaches a terminal.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

namespace legacyscan::report {

// Display width of UTF-8 text (code points; our own colour sequences take no column).
std::size_t width_of(const std::string& s);
// `s` padded to exactly `w` columns, or cut with a "~" when longer.
std::string fit(const std::string& s, std::size_t w);
// Text from a server never carries terminal escapes into the user's terminal.
std::string printable(const std::string& s);
// Words of `text` after `prefix`, wrapped on word boundaries at `width` display columns; continuation
// lines start with `indent` spaces. A word longer than a line is cut. At most `max_lines` lines (0: no
// limit): the last shown line then ends with `more`.
void wrap(std::ostream& out, const std::string& prefix, const std::string& text, std::size_t indent, std::size_t width,
          std::size_t max_lines = 0, const std::string& more = "");

}  // namespace legacyscan::report
