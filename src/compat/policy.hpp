// SPDX-License-Identifier: Apache-2.0
// Policy rules for CI ("smb1=off", "tls.min=1.2", "client:windows-xp-sp3=broken"), evaluated on the
// typed results of each scanned host (read back from its JSON, so saved scans can be re-checked too).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "src/compat/host_view.hpp"

namespace legacyscan {

struct PolicyRule {
  std::string text;                  // as written
  std::string key;                   // "smb1", "smb.signing", "tls.min", "kerberos", "client:windows-xp-sp3"
  std::string value;                 // "off", "required", "1.2", "broken"
  std::string etype_name;            // kerberos.NAME=off: NAME as written ("RC4", "arcfour-hmac", "23")
  std::vector<std::int32_t> etypes;  // kerberos.NAME=off: the etypes NAME stands for
};

struct RuleResult {
  std::string rule;
  std::string host;  // target (address)
  bool passed = false;
  std::string evidence;
  std::string address;  // the host's address ("" when unknown): the SARIF location
  // The evidence settled the rule one way or the other; false for "cannot check" (the probe did not
  // answer or its answer does not tell), which fails the rule without deciding it.
  bool decided = false;
  // When the rule failed: the host's findings (hosts[].findings[]) it judges that read BAD, WARN or
  // failed (for a client rule, the matrix row's finding). JUnit and SARIF render them.
  std::vector<Finding> findings;
};

// The rules this version understands, with one line of help each (README, --help).
const std::vector<std::pair<std::string, std::string>>& policy_rule_help();

std::optional<PolicyRule> parse_policy_rule(std::string_view text, std::string& error);
// One rule per line; blank lines and '#' comments ignored; errors name FILE:LINE.
std::optional<std::vector<PolicyRule>> read_policy_file(const std::string& path, std::string& error);

std::vector<RuleResult> evaluate_policy(const std::vector<PolicyRule>& rules, const nlohmann::json& host);
// The same over a host already read (src/compat/host_view).
std::vector<RuleResult> evaluate_policy(const std::vector<PolicyRule>& rules, const HostView& host);

nlohmann::json policy_to_json(const std::vector<RuleResult>& results);
std::string policy_to_junit(const std::vector<RuleResult>& results);
nlohmann::json policy_to_sarif(const std::vector<RuleResult>& results);

}  // namespace legacyscan
