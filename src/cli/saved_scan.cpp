// SPDX-License-Identifier: Apache-2.0
#include "src/cli/saved_scan.hpp"

#include <iostream>

#include "legacyscan/engine/input_file.hpp"
#include "src/report/report.hpp"

namespace legacyscan::cli {

std::optional<nlohmann::json> load_scan(const std::string& path, std::string& err) {
  auto text = read_input_file(path, err);
  if (!text) return std::nullopt;
  return merge_results({{path, *text}}, err);
}

void print_merge_warnings(const std::string& command, const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::cerr << "legacyscan: " << command << ": warning: " << w << "\n";
}

}  // namespace legacyscan::cli
