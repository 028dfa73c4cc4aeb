// SPDX-License-Identifier: Apache-2.0
// The check of a --format option: the names of the format registry that can render what the subcommand
// makes (src/report/formats.hpp). Help shows "TEXT:{table,json,...}"; an unknown name is the parse error
// "--format: NAME not in {table,json,...}".
#pragma once

#include <CLI/CLI.hpp>

#include "src/report/formats.hpp"

namespace legacyscan::cli {

CLI::Validator format_check(report::FormatUse use);

}  // namespace legacyscan::cli
