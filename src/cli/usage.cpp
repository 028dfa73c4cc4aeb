// SPDX-License-Identifier: Apache-2.0
#include "src/cli/usage.hpp"

#include <iostream>

namespace legacyscan::cli {

int usage_error(const std::string& msg) {
  std::cerr << "legacyscan: " << msg << "\n";
  return kExitUsage;
}

}  // namespace legacyscan::cli
