// SPDX-License-Identifier: Apache-2.0
// Reading the files subcommands take: saved scans (JSON document or JSON lines) and other text.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace legacyscan::cli {

// The whole file; nullopt when it cannot be opened.
std::optional<std::string> read_text_file(const std::string& path);

// A saved scan as one document, whether it was written as JSON or JSON lines (through merge_results).
// The error is "cannot open PATH" or merge_results' own.
std::optional<nlohmann::json> load_scan(const std::string& path, std::string& err);

}  // namespace legacyscan::cli
