// SPDX-License-Identifier: Apache-2.0
#include "src/compat/policy_remote.hpp"

#include <charconv>
#include <utility>

#include "legacyscan/strings.hpp"

namespace legacyscan {

using nlohmann::json;

namespace {

// The groups of RFC 2409/3526/5903 a min-group rule may name, weakest first by the strength they give.
int group_bits(int group) {
  switch (group) {
    case 1: return 768;
    case 2: return 1024;
    case 5: return 1536;
    case 14: return 2048;
    case 15: return 3072;
    case 16: return 4096;
    case 19: return 3072;  // ecp256: about 128-bit security, like MODP-3072 (RFC 5903 1)
    case 20: return 7680;
    case 21: return 15360;
    default: return 0;
  }
}

int parse_group(const std::string& text) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && p == text.data() + text.size() ? v : -1;
}

}  // namespace

bool is_remote_policy_rule(const std::string& key) {
  return key == "vpn.pptp" || key == "ike.v1" || key == "ike.aggressive" || key == "ike.min-group" ||
         key == "rdp.nla" || key == "rdp.standard-security";
}

bool remote_policy_value_ok(const PolicyRule& rule, std::string& error) {
  if (rule.key == "ike.min-group") {
    if (group_bits(parse_group(rule.value)) == 0) {
      error = "policy rule '" + rule.text + "': value must be a DH group number: 1, 2, 5, 14, 15, 16, 19, 20 or 21";
      return false;
    }
    return true;
  }
  const char* want = rule.key == "rdp.nla" ? "required" : "off";
  if (rule.value != want) {
    error = "policy rule '" + rule.text + "': value must be one of " + want;
    return false;
  }
  return true;
}

namespace {

// rdp.nla=required, rdp.standard-security=off: every RDP endpoint that answered.
RuleResult check_rdp_rule(const PolicyRule& rule, const json& host, RuleResult r) {
  if (!host.contains("probes") || !host["probes"].contains("rdp")) {
    r.evidence = "rdp probe not run: cannot check";
    return r;
  }
  std::vector<std::string> bad;
  std::size_t decided = 0;
  for (const auto& e : host["probes"]["rdp"].value("endpoints", json::array())) {
    const auto status = e.value("status", "");
    if (status == "refused" || status == "timeout") ++decided;  // nothing offered there
    if (status != "ok") continue;
    ++decided;
    const auto port = std::to_string(e.value("port", 0)) + "/tcp";
    if (rule.key == "rdp.nla" && !e.value("nla_required", false))
      bad.push_back(port + ": NLA not required (accepts " + join(e.value("accepted", std::vector<std::string>{})) +
                    ")");
    if (rule.key == "rdp.standard-security" && e.value("standard_security_accepted", false))
      bad.push_back(port + ": standard RDP security accepted");
  }
  if (decided == 0) {
    r.evidence = "no RDP endpoint answered: cannot check";
    return r;
  }
  r.decided = true;
  r.passed = bad.empty();
  r.evidence = r.passed ? "every RDP endpoint complies" : join(bad, "; ");
  return r;
}

}  // namespace

RuleResult check_remote_policy_rule(const PolicyRule& rule, const json& host, RuleResult r) {
  if (rule.key.starts_with("rdp.")) return check_rdp_rule(rule, host, std::move(r));
  if (!host.contains("probes") || !host["probes"].contains("vpn")) {
    r.evidence = "vpn probe not run: cannot check";
    return r;
  }
  const json& vpn = host["probes"]["vpn"];
  std::vector<std::string> bad;
  bool answered_part = false;  // the part the rule is about gave a definite answer (or a refusal)
  const auto part = [&](const json* p) -> const json* {
    if (!p || !p->is_object()) return nullptr;
    const auto status = p->value("status", "");
    if (status == "ok" || status == "refused" || status == "timeout") answered_part = true;
    return status == "ok" ? p : nullptr;
  };
  const json* ike = vpn.contains("ike") ? &vpn["ike"] : nullptr;
  const json* v1 = ike && ike->contains("v1") ? part(&(*ike)["v1"]) : nullptr;
  if (rule.key == "vpn.pptp") {
    if (const json* p = vpn.contains("pptp") ? part(&vpn["pptp"]) : nullptr)
      bad.push_back("PPTP answers on " + std::to_string(p->value("port", 1723)) + "/tcp (" + p->value("result", "") +
                    ")");
  } else if (rule.key == "ike.v1") {
    if (v1 && !v1->value("transforms", json::array()).empty())
      bad.push_back("IKEv1 accepts " + std::to_string(v1->at("transforms").size()) + " transforms");
  } else if (rule.key == "ike.aggressive") {
    if (v1 && v1->contains("aggressive_mode") && v1->at("aggressive_mode").value("accepted", false))
      bad.push_back("Aggressive Mode with PSK accepted (" + v1->at("aggressive_mode").value("transform", "") + ")");
  } else if (rule.key == "ike.min-group") {
    const int min = group_bits(parse_group(rule.value));
    if (v1)
      for (const auto& t : v1->value("transforms", json::array()))
        if (group_bits(t.value("group_number", 0)) < min) bad.push_back("IKEv1 " + t.value("group", "") + " accepted");
    const json* v2 = ike && ike->contains("v2") ? part(&(*ike)["v2"]) : nullptr;
    if (v2)
      for (const auto& g : v2->value("group_numbers", json::array()))
        if (group_bits(g.get<int>()) < min) bad.push_back("IKEv2 group " + std::to_string(g.get<int>()) + " accepted");
  }
  if (!answered_part) {
    r.evidence = "vpn probe has no answer for " + rule.key + ": cannot check";
    return r;
  }
  r.decided = true;
  r.passed = bad.empty();
  r.evidence = r.passed ? "complies" : join(bad, "; ");
  return r;
}

}  // namespace legacyscan
