// SPDX-License-Identifier: Apache-2.0
// Shared by the TLS integration tests: reading a scan's TLS endpoints and their accepted suites.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/integration/lab_support.hpp"

namespace legacyscan::testing {

// The endpoint with this port in the first host's TLS result; a test failure (and null) when there is none.
inline const nlohmann::json& tls_endpoint(const nlohmann::json& doc, std::uint16_t port) {
  static const nlohmann::json none;
  for (const auto& e : doc["hosts"][0]["probes"]["tls"]["endpoints"])
    if (e["port"] == port) return e;
  ADD_FAILURE() << "no endpoint " << port;
  return none;
}

// The IANA names of the suites an endpoint accepted at one version, in the order of the result.
inline std::vector<std::string> accepted_suite_names(const nlohmann::json& e, const std::string& version) {
  std::vector<std::string> out;
  if (e.contains("ciphers") && e["ciphers"].contains(version))
    for (const auto& s : e["ciphers"][version]) out.push_back(s["iana"]);
  return out;
}

}  // namespace legacyscan::testing
