// SPDX-License-Identifier: Apache-2.0
#include "legacyscan/engine/port_state.hpp"

#include <algorithm>

namespace legacyscan {

Finding closed_port(std::string port, std::string check, std::string label, const Outcome& o, Verdict verdict) {
  return {std::move(port), std::move(check), std::move(label),
          o.reason.empty() ? "closed" : "closed (" + o.reason + ")", verdict};
}

bool is_closed_finding(const Finding& f) { return f.value == "closed" || f.value.rfind("closed (", 0) == 0; }

void collapse_closed_host(std::vector<Finding>& findings) {
  const auto skipped = [](const Finding& f) { return f.value.rfind("skipped", 0) == 0; };
  const bool any_closed = std::any_of(findings.begin(), findings.end(), is_closed_finding);
  const bool only_closed = std::all_of(findings.begin(), findings.end(),
                                       [&](const Finding& f) { return is_closed_finding(f) || skipped(f); });
  if (!any_closed || !only_closed) return;
  std::vector<std::string> ports;
  for (const auto& f : findings)
    if (is_closed_finding(f) && !f.port.empty() && std::find(ports.begin(), ports.end(), f.port) == ports.end())
      ports.push_back(f.port);
  std::string list;
  for (const auto& p : ports) list += (list.empty() ? "" : " ") + p;
  Finding one{"", "host.closed", "ports", "every probed port closed" + (list.empty() ? "" : ": " + list),
              Verdict::info};
  one.probe = "host";
  findings.assign(1, std::move(one));
}

}  // namespace legacyscan
