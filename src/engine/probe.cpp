// SPDX-License-Identifier: Apache-2.0
// The parts of the probe contract (legacyscan/engine/probe.hpp) that are code: the result of a probe
// that could not run, probe options, verdict names.
#include "legacyscan/engine/probe.hpp"

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/port_state.hpp"

namespace legacyscan {

using nlohmann::json;

json BareResult::to_json() const {
  json j{{"status", legacyscan::to_string(status)}};
  if (!reason.empty()) j["reason"] = reason;
  return j;
}

void BareResult::findings(std::vector<Finding>& out) const {
  if (is_closed({status, reason})) {
    out.push_back(closed_port("", "probe.status", "probe", {status, reason}));
    return;
  }
  out.push_back({"", "probe.status", "probe",
                 std::string(legacyscan::to_string(status)) + (reason.empty() ? "" : ": " + reason),
                 status == Status::ok ? Verdict::info : Verdict::failure});
}

json finding_to_json(const Finding& f) { return fields::to_json(f); }

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

bool from_string(std::string_view s, Verdict& out) {
  return enum_from_string(s, out, {Verdict::info, Verdict::good, Verdict::warn, Verdict::bad, Verdict::failure});
}

}  // namespace legacyscan
