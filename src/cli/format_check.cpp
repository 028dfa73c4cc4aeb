// SPDX-License-Identifier: Apache-2.0
#include "src/cli/format_check.hpp"

#include <string>

namespace legacyscan::cli {

CLI::Validator format_check(report::FormatUse use) {
  return CLI::Validator(
      [use](std::string& input) {
        std::string error;
        return report::find_format(input, use, error) ? std::string() : error;
      },
      report::format_set(use));
}

}  // namespace legacyscan::cli
