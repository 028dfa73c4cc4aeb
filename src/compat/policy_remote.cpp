// SPDX-License-Identifier: Apache-2.0
#include "src/compat/policy_remote.hpp"

#include <charconv>
#include <utility>

#include "legacyscan/strings.hpp"

namespace legacyscan {

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
         key == "ike.3des" || key == "rdp.nla" || key == "rdp.standard-security" || key == "dtls.min";
}

bool remote_policy_value_ok(const PolicyRule& rule, std::string& error) {
  if (rule.key == "ike.min-group") {
    if (group_bits(parse_group(rule.value)) == 0) {
      error = "policy rule '" + rule.text + "': value must be a DH group number: 1, 2, 5, 14, 15, 16, 19, 20 or 21";
      return false;
    }
    return true;
  }
  if (rule.key == "dtls.min") {
    if (rule.value != "1.0" && rule.value != "1.2") {
      error = "policy rule '" + rule.text + "': value must be 1.0 or 1.2";
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
RuleResult check_rdp_rule(const PolicyRule& rule, const HostView& host, RuleResult r) {
  if (!host.rdp.ran) {
    r.evidence = "rdp probe not run: cannot check";
    return r;
  }
  if (!host.rdp.result) {
    r.evidence = "rdp result unreadable (" + host.rdp.unreadable + "): cannot check";
    return r;
  }
  std::vector<std::string> bad;
  std::size_t decided = 0;
  for (const auto& e : host.rdp.result->endpoints) {
    const auto status = e.outcome.status;
    if (status == Status::refused || status == Status::timeout) ++decided;  // nothing offered there
    if (status != Status::ok) continue;
    ++decided;
    const auto port = std::to_string(e.port) + "/tcp";
    if (rule.key == "rdp.nla" && !e.nla_required)
      bad.push_back(port + ": NLA not required (accepts " + join(e.accepted) + ")");
    if (rule.key == "rdp.standard-security" && e.standard_security_accepted)
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

// dtls.min=1.2: no DTLS endpoint of --dtls-ports accepts an older version. A port that stayed silent
// or refused offers nothing; one that could not be scanned cannot decide.
RuleResult check_dtls_rule(const PolicyRule& rule, const HostView& host, RuleResult r) {
  std::string why;
  const auto* tls = host.tls.ok("tls", why);
  if (!tls) return r.evidence = why, r;
  const std::string min = "dtls" + rule.value;
  std::vector<std::string> bad;
  std::size_t decided = 0;
  for (const auto& e : tls->dtls_endpoints) {
    const auto status = e.outcome.status;
    if (status == Status::refused || status == Status::timeout) ++decided;
    if (status != Status::ok) continue;
    ++decided;
    // The version keys sort as the versions do: "dtls1.0" < "dtls1.2".
    for (const auto& v : e.versions)
      if (v.verdict == tls::VersionVerdict::accepted && v.version < min)
        bad.push_back(std::to_string(e.port) + "/udp: " + v.version + " accepted");
  }
  if (decided == 0) return r.evidence = "no DTLS port scanned (--dtls-ports): cannot check", r;
  r.decided = true;
  r.passed = bad.empty();
  r.evidence = r.passed ? "every DTLS endpoint complies" : join(bad, "; ");
  return r;
}

}  // namespace

RuleResult check_remote_policy_rule(const PolicyRule& rule, const HostView& host, RuleResult r) {
  if (rule.key.starts_with("rdp.")) return check_rdp_rule(rule, host, std::move(r));
  if (rule.key == "dtls.min") return check_dtls_rule(rule, host, std::move(r));
  if (!host.vpn.ran) {
    r.evidence = "vpn probe not run: cannot check";
    return r;
  }
  if (!host.vpn.result) {
    r.evidence = "vpn result unreadable (" + host.vpn.unreadable + "): cannot check";
    return r;
  }
  const auto& vpn = *host.vpn.result;
  std::vector<std::string> bad;
  bool answered_part = false;  // the part the rule is about gave a definite answer (or a refusal)
  const auto answered = [&](const Outcome& o) {
    if (o.status == Status::ok || o.status == Status::refused || o.status == Status::timeout) answered_part = true;
    return o.ok();
  };
  const vpn::IkeV1Info* v1 = vpn.ike && vpn.ike->v1 && answered(vpn.ike->v1->outcome) ? &*vpn.ike->v1 : nullptr;
  if (rule.key == "vpn.pptp") {
    if (vpn.pptp && answered(vpn.pptp->outcome))
      bad.push_back("PPTP answers on " + std::to_string(vpn.pptp->port) + "/tcp (" + vpn.pptp->result + ")");
  } else if (rule.key == "ike.v1") {
    if (v1 && !v1->transforms.empty())
      bad.push_back("IKEv1 accepts " + std::to_string(v1->transforms.size()) + " transforms");
  } else if (rule.key == "ike.aggressive") {
    if (v1 && v1->aggressive_mode && v1->aggressive_mode->outcome.ok() && v1->aggressive_mode->accepted)
      bad.push_back("Aggressive Mode with PSK accepted (" + v1->aggressive_mode->transform + ")");
  } else if (rule.key == "ike.3des") {
    if (v1)
      for (const auto& t : v1->transforms)
        if (t.enc == "3DES-CBC")
          bad.push_back("IKEv1 " + t.enc + "/" + t.hash + "/" + t.auth + "/" + t.group + " accepted");
    if (vpn.ike && vpn.ike->v2 && answered(vpn.ike->v2->outcome))
      for (const auto& e : vpn.ike->v2->encryption)
        if (e == "3DES-CBC") bad.push_back("IKEv2 3DES-CBC accepted");
  } else if (rule.key == "ike.min-group") {
    const int min = group_bits(parse_group(rule.value));
    if (v1)
      for (const auto& t : v1->transforms)
        if (group_bits(t.group_number) < min) bad.push_back("IKEv1 " + t.group + " accepted");
    if (vpn.ike && vpn.ike->v2 && answered(vpn.ike->v2->outcome))
      for (const int g : vpn.ike->v2->group_numbers)
        if (group_bits(g) < min) bad.push_back("IKEv2 group " + std::to_string(g) + " accepted");
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
