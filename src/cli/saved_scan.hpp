// SPDX-License-Identifier: Apache-2.0
// Reading the saved scans subcommands take (JSON document or JSON lines).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace legacyscan::cli {

// A saved scan as one document, whether it was written as JSON or JSON lines (through merge_results).
// The error is read_input_file's ("PATH: is a directory", "PATH: empty file", ...) or merge_results' own.
std::optional<nlohmann::json> load_scan(const std::string& path, std::string& err);

// A run of a result store (--store URL, --run ID) as the document its scan wrote; the error names the
// store, or says there is no such run.
std::optional<nlohmann::json> load_stored_run(const std::string& store, long long run, std::string& err);

// Prints merge_results' warnings (hosts given twice) on standard error, "legacyscan: COMMAND: warning: ...".
void print_merge_warnings(const std::string& command, const std::vector<std::string>& warnings);

}  // namespace legacyscan::cli
