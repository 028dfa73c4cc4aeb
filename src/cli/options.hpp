// SPDX-License-Identifier: Apache-2.0
// Parsing of option values that CLI11 does not know: durations and port lists.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/engine/engine.hpp"

namespace legacyscan::cli {

// "3s", "500ms", "1.5s", "2m", or a bare number of seconds. Error text in `error` when it fails.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text, std::string& error);

// "445,139", "smb:4450,139". Probe names are checked against the registry.
std::optional<PortSelection> parse_ports(std::string_view text, std::string& error);

// "K/N" with 1 <= K <= N.
std::optional<Shard> parse_shard(std::string_view text, std::string& error);

// The host indexes already present in a JSON-lines result file whose "target" still matches the
// target list at that index (a changed list is not silently skipped).
std::optional<std::set<std::size_t>> read_resume_file(const std::string& path, const std::vector<TargetSpec>& targets,
                                                      std::string& error);

// The credentials of --user, --password, --password-env VAR, --password-file FILE and --keytab FILE.
// At most one password source; a password or keytab needs --user; the file's first line (without the
// line end) is the password; an empty or missing variable/file is an error, never an empty password.
std::optional<Credentials> resolve_credentials(const std::string& user, const std::string& password,
                                               const std::string& password_env, const std::string& password_file,
                                               const std::string& keytab, std::string& error);

}  // namespace legacyscan::cli
