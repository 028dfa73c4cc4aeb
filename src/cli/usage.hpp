// SPDX-License-Identifier: Apache-2.0
// Exit codes (README "Exit codes") and the usage-error message every subcommand prints.
#pragma once

#include <string>

#include "src/cli/cli.hpp"

namespace legacyscan::cli {

// Prints "legacyscan: MSG" on standard error; returns kExitUsage.
int usage_error(const std::string& msg);

}  // namespace legacyscan::cli
