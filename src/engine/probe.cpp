// SPDX-License-Identifier: Apache-2.0
// The parts of the probe contract (legacyscan/engine/probe.hpp) that are code: the result of a probe
// that could not run, probe options, verdict names.
#include "legacyscan/engine/probe.hpp"

namespace legacyscan {

using nlohmann::json;

json BareResult::to_json() const {
  json j{{"status", legacyscan::to_string(status)}};
  if (!reason.empty()) j["reason"] = reason;
  return j;
}

void BareResult::table_rows(std::vector<TableRow>& out) const {
  out.push_back({"", "probe", std::string(legacyscan::to_string(status)) + (reason.empty() ? "" : ": " + reason),
                 status == Status::ok ? Verdict::info : Verdict::failure});
}

std::optional<std::string> ScanSettings::option(const std::string& flag) const {
  auto it = probe_options.find(flag);
  if (it == probe_options.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::info: return "info";
    case Verdict::good: return "good";
    case Verdict::warn: return "warn";
    case Verdict::bad: return "bad";
    case Verdict::failure: return "failed";
  }
  return "info";
}

}  // namespace legacyscan
