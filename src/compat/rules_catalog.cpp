// SPDX-License-Identifier: Apache-2.0
#include "src/compat/rules_catalog.hpp"

#include <algorithm>
#include <sstream>

#include "src/compat/hardening.hpp"
#include "src/compat/policy.hpp"

namespace legacyscan::compat {

namespace {

std::string_view key_of(std::string_view rule) { return rule.substr(0, rule.find('=')); }

std::string_view kind_name(TermKind kind) { return kind == TermKind::disable ? "disable" : "require"; }

std::string joined(const std::vector<std::string_view>& items) {
  std::string out;
  for (auto i : items) out += (out.empty() ? "" : ",") + std::string(i);
  return out;
}

// Left-aligned columns, two spaces apart; the last column is not padded.
std::string columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::ostringstream out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i)
      line += i + 1 == r.size() ? r[i] : r[i] + std::string(width[i] - r[i].size() + 2, ' ');
    out << "  " << line << "\n";
  }
  return out.str();
}

}  // namespace

std::vector<std::string_view> terms_for_rule(std::string_view rule_pattern) {
  std::vector<std::string_view> terms;
  for (const auto& t : hardening_terms())
    if (!t.policy_rule.empty() && key_of(t.policy_rule) == key_of(rule_pattern)) terms.push_back(t.id);
  return terms;
}

nlohmann::json rules_catalog_json() {
  nlohmann::json rules = nlohmann::json::array(), terms = nlohmann::json::array();
  for (const auto& [rule, help] : policy_rule_help())
    rules.push_back({{"rule", rule}, {"help", help}, {"whatif_terms", terms_for_rule(rule)}});
  for (const auto& t : hardening_terms())
    terms.push_back({{"term", t.id},
                     {"kind", kind_name(t.kind)},
                     {"what", t.what},
                     {"policy_rule", t.policy_rule.empty() ? nlohmann::json() : nlohmann::json(t.policy_rule)},
                     {"scan", t.scan_whatif},
                     {"capture", t.capture_whatif}});
  return {{"policy_rules", rules}, {"whatif_terms", terms}};
}

std::string rules_catalog_table() {
  std::vector<std::vector<std::string>> rules{{"RULE", "WHATIF TERMS", "HOLDS WHEN"}};
  for (const auto& [rule, help] : policy_rule_help()) {
    const auto terms = joined(terms_for_rule(rule));
    rules.push_back({rule, terms.empty() ? "-" : terms, help});
  }
  std::vector<std::vector<std::string>> terms{{"TERM", "AS", "POLICY RULE", "OVER", "WHAT"}};
  for (const auto& t : hardening_terms()) {
    std::string over = t.scan_whatif ? "scan" : "";
    if (t.capture_whatif) over += over.empty() ? "capture" : ",capture";
    terms.push_back({std::string(t.id), "--" + std::string(kind_name(t.kind)),
                     t.policy_rule.empty() ? "-" : std::string(t.policy_rule), over, std::string(t.what)});
  }
  return "Policy rules (scan --require RULE, --policy FILE):\n" + columns(rules) +
         "\nHardening terms (whatif --disable TERM, --require TERM), with the rule that holds once done:\n" +
         columns(terms);
}

}  // namespace legacyscan::compat
