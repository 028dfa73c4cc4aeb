// SPDX-License-Identifier: Apache-2.0
// Reading a file a command was given (-iL lists, saved scans, event exports, captures): one set of
// errors for what is wrong with the file itself, each naming the file and the reason.
#pragma once

#include <optional>
#include <string>

namespace legacyscan {

// What is wrong with `path` as an input file, "" when nothing: "is a directory", the system's reason
// when it cannot be opened ("No such file or directory", "Permission denied"), "empty file" when
// `allow_empty` is false and it has no bytes.
std::string check_input_file(const std::string& path, bool allow_empty = false);

// The whole file, or nullopt with `error` = "PATH: REASON" (the reasons of check_input_file; a file of
// white space only is empty too, unless `allow_empty`).
std::optional<std::string> read_input_file(const std::string& path, std::string& error, bool allow_empty = false);

}  // namespace legacyscan
