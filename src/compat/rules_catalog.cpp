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

// Words of `text` on lines of at most `width` columns, each line starting with `indent` spaces.
void wrap_words(std::ostringstream& out, const std::string& text, std::size_t indent, std::size_t width) {
  std::istringstream words(text);
  std::string word, line;
  for (; words >> word;) {
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out << std::string(indent, ' ') << line << "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out << std::string(indent, ' ') << line << "\n";
}

// Left-aligned columns, two spaces apart; the last column is not padded. A row wider than `width` puts
// its last column under the others, indented and wrapped on words.
std::string columns(const std::vector<std::vector<std::string>>& rows, std::size_t width) {
  std::vector<std::size_t> widths;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], r[i].size());
    }
  std::ostringstream out;
  for (const auto& r : rows) {
    std::string head;
    for (std::size_t i = 0; i + 1 < r.size(); ++i) head += r[i] + std::string(widths[i] - r[i].size() + 2, ' ');
    if (2 + head.size() + r.back().size() <= width) {
      out << "  " << head << r.back() << "\n";
    } else {
      out << "  " << head.substr(0, head.find_last_not_of(' ') + 1) << "\n";
      wrap_words(out, r.back(), 6, width);
    }
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

std::string rules_catalog_table(std::size_t width) {
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
  return "Policy rules (scan --require RULE, --policy FILE):\n" + columns(rules, width) +
         "\nHardening terms (whatif --disable/--require TERM), each with its policy rule:\n" + columns(terms, width);
}

}  // namespace legacyscan::compat
