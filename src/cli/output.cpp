// SPDX-License-Identifier: Apache-2.0
#include "src/cli/output.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>

#include "src/cli/output_file.hpp"
#include "src/cli/usage.hpp"
#include "src/report/formats.hpp"

namespace legacyscan::cli {

bool use_colour(const std::string& output, bool no_color) {
  return output.empty() && !no_color && std::getenv("NO_COLOR") == nullptr && ::isatty(STDOUT_FILENO) == 1;
}

std::size_t text_width(const std::string& output) {
  constexpr std::size_t kMin = 40, kDefault = 100;
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr && *columns != '\0') {
    std::size_t n = 0;
    const auto* end = columns + std::strlen(columns);
    if (auto [p, ec] = std::from_chars(columns, end, n); ec == std::errc() && p == end && n > 0)
      return std::max(n, kMin);
  }
  winsize ws{};
  if (output.empty() && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return std::max<std::size_t>(ws.ws_col, kMin);
  return kDefault;
}

int write_output(const std::string& output, const std::string& text, const std::string& error_prefix) {
  if (output.empty()) {
    std::cout << text;
    return kExitDone;
  }
  if (!write_output_file(output, text)) return usage_error(error_prefix + "cannot write " + output);
  return kExitDone;
}

int write_passive(const passive::Report& report, const std::string& format, const std::string& output) {
  std::string err;
  const auto* f = report::format_for_output(format, output, report::FormatUse::passive, "table", err);
  if (!f) return usage_error(err);
  std::ostringstream text;
  f->passive(text, report);
  return write_output(output, text.str(), "");
}

}  // namespace legacyscan::cli
