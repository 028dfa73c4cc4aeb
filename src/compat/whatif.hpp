// SPDX-License-Identifier: Apache-2.0
// `legacyscan whatif`: the matrix of a saved scan as it would be after a hardening change.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "probes/matrix/matrix_result.hpp"
#include "src/compat/host_view.hpp"
#include "src/compat/profiles.hpp"

namespace legacyscan::matrix {

struct WhatIf {
  std::vector<std::string> disable;  // terms of the hardening vocabulary (src/compat/hardening.hpp)
  std::vector<std::string> require;
};

struct WhatIfRow {
  std::string profile;
  std::string name;
  CellVerdict verdict = CellVerdict::unknown;
  std::string reason;
  std::string before;  // the saved matrix verdict, when the scan had one
};

std::optional<WhatIf> parse_whatif(const std::vector<std::string>& disable, const std::vector<std::string>& require,
                                   std::string& error);

// One row per profile for one host of a saved scan.
std::vector<WhatIfRow> whatif_host(const HostView& host, const WhatIf& w);

nlohmann::json whatif_to_json(const std::vector<std::pair<HostView, std::vector<WhatIfRow>>>& hosts, const WhatIf& w);

}  // namespace legacyscan::matrix
