// SPDX-License-Identifier: Apache-2.0
// Parsing of option values that CLI11 does not know: durations and port lists.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "legacyscan/engine.hpp"

namespace legacyscan::cli {

// "3s", "500ms", "1.5s", "2m", or a bare number of seconds. Error text in `error` when it fails.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::string& error);

// "445,139", "smb:4450,139". Probe names are checked against the registry.
std::optional<PortSelection> parse_ports(std::string_view text, std::string& error);

}  // namespace legacyscan::cli
