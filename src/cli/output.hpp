// SPDX-License-Identifier: Apache-2.0
// Where a subcommand's output goes: standard output or -o FILE, with or without colour.
#pragma once

#include <cstddef>
#include <string>

namespace legacyscan::passive {
struct Report;
}

namespace legacyscan::cli {

// Colour only on a terminal, and not with -o, --no-color or NO_COLOR.
bool use_colour(const std::string& output, bool no_color);

// The width the table wraps at: COLUMNS when set, else the terminal's (standard output, without -o),
// else 100; never under 40.
std::size_t text_width(const std::string& output);

// Writes `text` to standard output when `output` is empty, else to that file (OutputFile: replaced
// whole). kExitDone, or the usage error "<error_prefix>cannot write FILE".
int write_output(const std::string& output, const std::string& text, const std::string& error_prefix);

// A passive audit in `format` (table, json, csv; empty: from the extension of `output`, else table), to
// standard output or -o FILE.
int write_passive(const passive::Report& report, const std::string& format, const std::string& output);

}  // namespace legacyscan::cli
