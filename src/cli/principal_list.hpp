// SPDX-License-Identifier: Apache-2.0
// The principals `legacyscan accounts` audits: names on the command line or --principals FILE, one a
// line ("name", "NAME$", "service/host", optionally "@REALM"; blank lines and # comments skipped). A
// line that is not a principal name stops the command with FILE:LINE and why (exit 2): a list
// with junk in it is more likely the wrong file than a list to audit in part.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace legacyscan::cli {

// Why `name` is not a principal name, "" when it is one.
std::string principal_problem(std::string_view name);

// The principals of FILE, or nullopt with `error` = "FILE:LINE: why" (or "FILE: why" for the file).
std::optional<std::vector<std::string>> read_principal_file(const std::string& path, std::string& error);

}  // namespace legacyscan::cli
