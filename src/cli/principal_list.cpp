// SPDX-License-Identifier: Apache-2.0
#include "src/cli/principal_list.hpp"

#include <algorithm>

#include "legacyscan/engine/input_file.hpp"

namespace legacyscan::cli {

namespace {

constexpr std::size_t kMaxPrincipal = 256;  // a sAMAccountName is 20, an SPN well under this
constexpr std::size_t kMaxComponents = 16;  // as the Kerberos codec caps PrincipalName

// Characters neither an account name nor an SPN may hold ([MS-ADTS] 3.1.1.5.2.6 for
// sAMAccountName); '\' says "DOMAIN\name", which is not a Kerberos name.
constexpr std::string_view kForbidden = "\"<>|;,=+*?[]:\\";

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::string principal_problem(std::string_view name) {
  if (name.empty()) return "empty name";
  if (name.size() > kMaxPrincipal) return "longer than " + std::to_string(kMaxPrincipal) + " characters";
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "control character in the name";
    if (c == ' ' || c == '\t') return "white space in the name (one principal a line)";
    if (kForbidden.find(static_cast<char>(c)) != std::string_view::npos) {
      if (c == '\\') return "'\\' in the name: write name or name@REALM, not DOMAIN\\name";
      return std::string("'") + static_cast<char>(c) + "' cannot be part of a principal name";
    }
  }
  const auto at = name.find('@');
  if (at != std::string_view::npos) {
    if (name.find('@', at + 1) != std::string_view::npos) return "more than one '@'";
    if (at + 1 == name.size()) return "empty realm after '@'";
  }
  const auto bare = name.substr(0, at);
  if (bare.empty()) return "empty name before '@'";
  if (bare.front() == '/' || bare.back() == '/' || bare.find("//") != std::string_view::npos)
    return "empty component between '/'";
  if (static_cast<std::size_t>(std::count(bare.begin(), bare.end(), '/')) >= kMaxComponents)
    return "more than " + std::to_string(kMaxComponents) + " components";
  return {};
}

std::optional<std::vector<std::string>> read_principal_file(const std::string& path, std::string& error) {
  auto text = read_input_file(path, error);
  if (!text) return std::nullopt;
  std::vector<std::string> out;
  std::size_t line_no = 0;
  std::size_t start = 0;
  while (start < text->size()) {
    auto end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    ++line_no;
    const auto line = trim(std::string_view(*text).substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#') continue;
    if (auto why = principal_problem(line); !why.empty()) {
      error = path + ":" + std::to_string(line_no) + ": " + why;
      return std::nullopt;
    }
    out.emplace_back(line);
  }
  if (out.empty()) {
    error = path + ": no principal in the file (only blank lines and comments)";
    return std::nullopt;
  }
  return out;
}

}  // namespace legacyscan::cli
