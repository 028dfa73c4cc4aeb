// SPDX-License-Identifier: Apache-2.0
#include "src/cli/saved_scan.hpp"

#include <fstream>
#include <sstream>

#include "src/report/report.hpp"

namespace legacyscan::cli {

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::optional<nlohmann::json> load_scan(const std::string& path, std::string& err) {
  auto text = read_text_file(path);
  if (!text) {
    err = "cannot open " + path;
    return std::nullopt;
  }
  return merge_results({{path, *text}}, err);
}

}  // namespace legacyscan::cli
