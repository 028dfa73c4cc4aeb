// SPDX-License-Identifier: Apache-2.0
// The client profiles as `legacyscan profiles --format json` prints them, read once: the real-client
// tests decide from the profiles themselves which offers a Debian client can send.
#pragma once

#include <nlohmann/json.hpp>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {

inline const nlohmann::json& profiles() {
  static const nlohmann::json all = [] {
    auto r = run_command(shell_quote(LEGACYSCAN_BINARY) + " profiles --format json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }();
  return all;
}

// The cell of a profile for a protocol in the first host of a scan document; a failure when there is none.
inline const nlohmann::json& matrix_cell(const nlohmann::json& scan, const std::string& profile,
                                         const std::string& protocol) {
  for (const auto& r : scan.at("hosts").at(0).at("matrix"))
    if (r.at("profile") == profile) return r.at("protocols").at(protocol);
  static const nlohmann::json none = nlohmann::json::object();
  ADD_FAILURE() << "no matrix row for " << profile;
  return none;
}

}  // namespace legacyscan::testing
