// SPDX-License-Identifier: Apache-2.0
#include "src/cli/output.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "src/cli/output_file.hpp"
#include "src/cli/usage.hpp"
#include "src/report/formats.hpp"

namespace legacyscan::cli {

bool use_colour(const std::string& output, bool no_color) {
  return output.empty() && !no_color && std::getenv("NO_COLOR") == nullptr && ::isatty(STDOUT_FILENO) == 1;
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
