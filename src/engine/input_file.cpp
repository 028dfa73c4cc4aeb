// SPDX-License-Identifier: Apache-2.0
#include "legacyscan/engine/input_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace legacyscan {

std::string check_input_file(const std::string& path, bool allow_empty) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::strerror(errno);
  if (S_ISDIR(st.st_mode)) return "is a directory";
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::strerror(errno != 0 ? errno : EIO);
  // Devices and pipes have no size to look at: they are read as they come.
  if (!allow_empty && S_ISREG(st.st_mode) && st.st_size == 0) return "empty file";
  return {};
}

std::optional<std::string> read_input_file(const std::string& path, std::string& error, bool allow_empty) {
  if (auto reason = check_input_file(path, allow_empty); !reason.empty()) {
    error = path + ": " + reason;
    return std::nullopt;
  }
  std::ifstream f(path, std::ios::binary);
  std::ostringstream text;
  text << f.rdbuf();
  if (f.bad()) {
    error = path + ": read error";
    return std::nullopt;
  }
  std::string s = std::move(text).str();
  if (!allow_empty && s.find_first_not_of(" \t\r\n") == std::string::npos) {
    error = path + ": empty file" + (s.empty() ? "" : " (white space only)");
    return std::nullopt;
  }
  return s;
}

}  // namespace legacyscan
