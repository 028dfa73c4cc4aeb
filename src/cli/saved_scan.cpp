// SPDX-License-Identifier: Apache-2.0
#include "src/cli/saved_scan.hpp"

#include <iostream>

#include "legacyscan/engine/input_file.hpp"
#include "src/report/report.hpp"
#include "src/store/store.hpp"

namespace legacyscan::cli {

std::optional<nlohmann::json> load_scan(const std::string& path, std::string& err) {
  auto text = read_input_file(path, err);
  if (!text) return std::nullopt;
  return merge_results({{path, *text}}, err);
}

std::optional<nlohmann::json> load_stored_run(const std::string& store, long long run, std::string& err) {
  try {
    store::Store s(store, false);
    auto doc = s.run_document(run);
    // pcap, events and accounts store their clients and accounts as hosts: not a scan to render.
    std::string kind;
    if (doc && doc->contains("command") && (*doc)["command"].is_string()) kind = (*doc)["command"];
    if (!kind.empty() && kind != "scan") {
      err = "--store " + store::redact_url(store) + ": run " + std::to_string(run) + " is a `" + kind +
            "` run, not a scan (history counts it)";
      return std::nullopt;
    }
    if (doc) return doc;
    err = "--store " + store::redact_url(store) + ": no run " + std::to_string(run) +
          " (legacyscan store runs lists them)";
  } catch (const store::StoreError& e) {
    err = "--store " + store::redact_url(store) + ": " + e.what();
  }
  return std::nullopt;
}

void print_merge_warnings(const std::string& command, const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::cerr << "legacyscan: " << command << ": warning: " << w << "\n";
}

}  // namespace legacyscan::cli
