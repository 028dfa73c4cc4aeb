// SPDX-License-Identifier: Apache-2.0
// `legacyscan rules`: the policy rules (policy_rule_help) and the hardening terms of whatif
// (hardening_terms) as one list, each rule with the terms whose change makes it hold and each term with
// its rule, so the two vocabularies are read from the tables the parsers use and cannot drift apart.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace legacyscan::compat {

// The terms ("smb2.0.2", "smb2.1") whose policy rule has the key of `rule_pattern` ("smb.min=...").
std::vector<std::string_view> terms_for_rule(std::string_view rule_pattern);

// {"policy_rules": [{"rule", "help", "whatif_terms"}], "whatif_terms": [{"term", "kind", "what",
// "policy_rule" (null when none), "scan", "capture"}]}
nlohmann::json rules_catalog_json();

// The same as two tables for people.
// Lines of at most `width` columns (descriptions move under their entry and wrap when they do not fit).
std::string rules_catalog_table(std::size_t width = 100);

}  // namespace legacyscan::compat
