// SPDX-License-Identifier: Apache-2.0
#include "src/compat/policy.hpp"

#include <algorithm>
#include <sstream>
#include "legacyscan/engine/input_file.hpp"
#include "legacyscan/strings.hpp"
#include "src/compat/host_view.hpp"
#include "src/compat/policy_remote.hpp"
#include "src/compat/policy_sessions.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan {

using nlohmann::json;

namespace {

const std::vector<std::string> kSmbDialects{"2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"};
const std::vector<std::string> kTlsVersions{"ssl2", "ssl3", "tls1.0", "tls1.1", "tls1.2", "tls1.3"};

int index_of(const std::vector<std::string>& v, const std::string& s) {
  auto it = std::find(v.begin(), v.end(), s);
  return it == v.end() ? -1 : static_cast<int>(it - v.begin());
}

// The finding check ids a rule judges (hosts[].findings[].check): the findings its failures rest on.
bool judged_by(const PolicyRule& rule, const std::string& check) {
  if (rule.key == "smb1") return check == "smb1";
  if (rule.key == "smb.signing") return check == "smb1.signing" || check.starts_with("smb.signing.");
  if (rule.key == "smb.min") return check == "smb1" || check == "smb2.dialects";
  if (rule.key == "smb.guest") return check == "smb.session.guest" || check == "smb1.session.guest";
  if (rule.key == "smb.anonymous") return check == "smb.session.anonymous" || check == "smb1.session.anonymous";
  if (rule.key == "smb.encryption") return check == "smb.encryption_required";
  if (rule.key == "ntlm.v1") return check == "smb.ntlm.v1" || check == "smb.ntlm.v1_ess";
  if (rule.key == "ntlm.lm") return check == "smb.ntlm.lm";
  if (rule.key == "tls.min") return check.starts_with("tls.version.");
  if (rule.key == "tls.pfs") return check == "tls.pfs_only";
  if (rule.key == "kerberos")
    return std::ranges::any_of(rule.etypes,
                               [&](std::int32_t e) { return check == "kerberos.etype." + kerberos::etype_name(e); });
  if (rule.key == "ldap.signing") return check == "ldap.signing";
  if (rule.key == "ldap.cleartext-bind") return check == "ldap.simple_bind_cleartext";
  if (rule.key == "netbios.samlogon") return check.starts_with("netbios.sam_logon") || check == "netbios.primary_query";
  if (rule.key.starts_with("client:")) return check == "matrix." + rule.key.substr(7);
  if (rule.key.starts_with("accounts.")) return check == rule.key;
  if (rule.key == "vpn.pptp") return check == "vpn.pptp";
  if (rule.key == "ike.v1" || rule.key == "ike.min-group" || rule.key == "ike.3des")
    return check == "ike.v1.transform" || check == "ike.v2";
  if (rule.key == "ike.aggressive") return check == "ike.v1.aggressive";
  if (rule.key == "rdp.nla") return check == "rdp.nla";
  if (rule.key == "rdp.standard-security") return check == "rdp.standard_security";
  if (rule.key == "dtls.min") return check.starts_with("dtls.version.");
  return false;
}

std::string port_label(std::uint16_t port) { return std::to_string(port); }

RuleResult check(const PolicyRule& rule, const HostView& host) {
  RuleResult r;
  r.rule = rule.text;
  r.host = host.label();
  r.address = host.address.empty() ? host.target : host.address;
  std::string why;
  std::vector<std::string> bad;
  auto finish = [&](const std::string& ok_text) {
    r.decided = true;
    r.passed = bad.empty();
    if (r.passed) {
      r.evidence = ok_text;
    } else {
      for (const auto& b : bad) r.evidence += (r.evidence.empty() ? "" : "; ") + b;
    }
    return r;
  };

  if (rule.key.starts_with("smb") || rule.key.starts_with("ntlm.")) {
    const auto* smb = host.smb.ok("smb", why);
    if (!smb) return r.evidence = why, r;
    std::size_t ports = 0;
    for (const auto& p : smb->ports) {
      if (!p.outcome.ok()) continue;
      if (is_session_rule(rule.key)) {
        if (check_session_rule(rule.key, port_label(p.port), p, bad)) ++ports;  // false: not tested on this port
        continue;
      }
      ++ports;
      const auto port = port_label(p.port);
      const bool smb1 = p.smb1 && p.smb1->enabled;
      if (rule.key == "smb1") {
        if (smb1 != (rule.value == "on"))
          bad.push_back(port + ": SMB1 " + (smb1 ? "enabled (" + join(p.smb1->dialects) + ")" : "disabled"));
      } else if (rule.key == "smb.signing") {
        if (p.smb2)
          for (const auto& d : p.smb2->details)
            if (!d.signing.required) bad.push_back(port + ": signing not required on SMB " + d.dialect);
        if (smb1 && !(p.smb1->signing && p.smb1->signing->required))
          bad.push_back(port + ": SMB1 signing not required");
      } else if (rule.key == "smb.min") {
        const int min = index_of(kSmbDialects, rule.value);
        if (smb1) bad.push_back(port + ": SMB1 accepted");
        if (p.smb2)
          for (const auto& d : p.smb2->dialects)
            if (index_of(kSmbDialects, d) < min) bad.push_back(port + ": SMB " + d + " accepted");
      }
    }
    if (ports == 0)
      return r.evidence = is_session_rule(rule.key) ? "no SMB port tested it: cannot check"
                                                    : "no SMB port answered: cannot check",
             r;
    return finish("every SMB port complies");
  }

  if (rule.key.starts_with("tls")) {
    const auto* tls = host.tls.ok("tls", why);
    if (!tls) return r.evidence = why, r;
    std::size_t endpoints = 0;
    for (const auto& e : tls->endpoints) {
      if (!e.outcome.ok()) continue;
      ++endpoints;
      const auto port = port_label(e.port);
      if (rule.key == "tls.min") {
        const int min = index_of(kTlsVersions, "tls" + rule.value);
        for (const auto& v : e.versions) {
          const auto name = tls::version_key(v.version);
          if (v.verdict == tls::VersionVerdict::accepted && index_of(kTlsVersions, name) >= 0 &&
              index_of(kTlsVersions, name) < min)
            bad.push_back(port + ": " + name + " accepted");
        }
      } else if (rule.key == "tls.pfs") {
        if (!e.pfs_only) bad.push_back(port + ": suites without forward secrecy accepted");
      }
    }
    if (endpoints == 0) return r.evidence = "no TLS endpoint answered: cannot check", r;
    return finish("every TLS endpoint complies");
  }

  if (rule.key == "kerberos") {
    const auto* krb = host.kerberos.ok("kerberos", why);
    if (!krb) return r.evidence = why, r;
    // Only an answer to the one-etype request decides: accepted (alone or beside AES) breaks the
    // rule, rejected or no-key keeps it; anything else (no answer, an unexpected error) cannot pass.
    std::vector<std::string> tested, untested, undecided;
    for (const auto e : rule.etypes) {
      const auto* info = kerberos::find_etype(e);
      if (!info || !info->enumerated) {
        untested.push_back(kerberos::etype_name(e));
        continue;
      }
      const std::string name(info->name);
      tested.push_back(name);
      const kerberos::EtypeRow* row = nullptr;
      for (const auto& candidate : krb->etypes)
        if (candidate.name == name) row = &candidate;
      auto verdict = [&](bool with_aes) {
        if (!row) return std::string("not tested");
        return std::string(to_string(with_aes ? kerberos::KerberosResult::merge(row->udp_with_aes, row->tcp_with_aes)
                                              : kerberos::KerberosResult::merge(row->udp_alone, row->tcp_alone)));
      };
      const auto alone = verdict(false);
      const auto with_aes = verdict(true);
      if (alone == "accepted")
        bad.push_back(name + " accepted");
      else if (with_aes == "accepted")
        bad.push_back(name + " accepted (with an AES companion)");
      else if (alone != "rejected" && alone != "no-key")
        undecided.push_back(name + " " + alone);
    }
    if (tested.empty()) return r.evidence = "the kerberos probe does not test " + join(untested) + ": cannot check", r;
    if (bad.empty() && !undecided.empty())
      return r.evidence = "the KDC's answer did not decide (" + join(undecided) + "): cannot check", r;
    std::string ok = "KDC refuses " + join(tested);
    if (!untested.empty()) ok += " (not tested: " + join(untested) + ")";
    return finish(ok);
  }

  if (rule.key == "ldap.signing") {
    const auto* ldap = host.ldap.ok("ldap", why);
    if (!ldap) return r.evidence = why, r;
    if (!ldap->signing_required)
      return r.evidence = "the ldap probe could not tell whether signing is required: cannot check", r;
    if (!*ldap->signing_required) bad.push_back("an unsigned SASL bind on 389 is accepted (signing not required)");
    return finish("LDAP signing required (unsigned SASL bind refused)");
  }

  if (rule.key == "ldap.cleartext-bind") {
    const auto* ldap = host.ldap.ok("ldap", why);
    if (!ldap) return r.evidence = why, r;
    const auto& posture = ldap->simple_bind_cleartext;
    if (posture == "allowed")
      bad.push_back("a cleartext simple bind on 389 is processed (not strongerAuthRequired)");
    else if (posture != "rejected")
      return r.evidence = "the ldap probe could not tell (" + posture + "): cannot check", r;
    return finish("cleartext simple bind refused with strongerAuthRequired");
  }

  if (rule.key == "netbios.samlogon") {
    const auto* nb = host.netbios.ok("netbios", why);
    if (!nb) {
      // A DC that does not speak NetBIOS at all does not answer SAM LOGON either.
      r.evidence = why;
      if (host.netbios.result) r.passed = r.decided = true;
      return r;
    }
    for (const auto& reply : nb->sam_logon_replies()) bad.push_back("answers the mailslot SAM LOGON (" + reply + ")");
    return finish("no answer to the mailslot SAM LOGON");
  }

  if (rule.key.starts_with("accounts.")) {
    const auto* audit = host.accounts.ok("accounts", why);
    if (!audit) return r.evidence = why, r;
    const auto verdict = rule.key.substr(9);
    for (const auto& a : audit->accounts)
      if (to_string(a.verdict) == verdict) bad.push_back(a.name + ": " + a.reason);
    return finish("no audited account is " + verdict);
  }
  if (is_remote_policy_rule(rule.key)) return check_remote_policy_rule(rule, host, std::move(r));

  if (rule.key.starts_with("client:")) {
    const auto id = rule.key.substr(7);
    if (!host.has_matrix) return r.evidence = "matrix not computed (add the matrix probe): cannot check", r;
    for (const auto& row : host.matrix) {
      if (row.profile != id) continue;
      const std::string verdict(to_string(row.verdict));
      const bool broken = verdict == "fails";
      const bool working = verdict == "works" || verdict == "degraded";
      r.passed = rule.value == "broken" ? broken : (rule.value == "works" ? working : verdict == rule.value);
      r.decided = verdict != "unknown";
      r.evidence = id + " " + verdict;
      return r;
    }
    r.evidence = "no matrix row for " + id;
    return r;
  }
  r.evidence = "unknown rule";
  return r;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& policy_rule_help() {
  static const std::vector<std::pair<std::string, std::string>> help{
      {"smb1=off|on", "no SMB port accepts any SMB1 dialect (or: SMB1 must be on)"},
      {"smb.signing=required", "signing required on every accepted SMB2/3 dialect (and SMB1 if on)"},
      {"smb.min=2.0.2|2.1|3.0|3.0.2|3.1.1", "no SMB1 and no SMB2/3 dialect below this"},
      {"smb.guest=off", "no SMB port grants a session to a made-up user (guest mapping)"},
      {"smb.anonymous=off", "no anonymous SMB session reaches IPC$"},
      {"smb.encryption=required", "every SMB port refuses unencrypted requests"},
      {"ntlm.v1=off", "the SMB logons with NTLMv1 (with and without ESS) are refused (needs --user)"},
      {"ntlm.lm=off", "the SMB logon with an LM response alone is refused (needs --user)"},
      {"tls.min=1.0|1.1|1.2|1.3", "no TLS endpoint accepts a version below this (SSL counts as below)"},
      {"tls.pfs=required", "every accepted suite of every TLS endpoint has forward secrecy"},
      {"kerberos.rc4=off", "the KDC refuses rc4-hmac and rc4-hmac-exp (alone and with AES)"},
      {"kerberos.des=off", "the KDC refuses des-cbc-crc and des-cbc-md5"},
      {"kerberos.ETYPE=off",
       "the KDC refuses that etype or family: a name, an MIT alias or a number (des3, aes, arcfour-hmac, 23)"},
      {"ldap.cleartext-bind=off", "a cleartext simple bind on 389 gets strongerAuthRequired"},
      {"ldap.signing=required", "an unsigned SASL bind on 389 gets strongerAuthRequired"},
      {"netbios.samlogon=off", "the DC does not answer the NETLOGON mailslot SAM LOGON"},
      {"accounts.breaks=none", "legacyscan accounts: no audited account lacks AES keys"},
      {"accounts.des=none", "legacyscan accounts: no audited account is DES only"},
      {"accounts.rc4-exception=none", "legacyscan accounts: no audited account allows RC4 explicitly"},
      {"vpn.pptp=off", "nothing answers the PPTP Start-Control-Connection-Request on 1723"},
      {"ike.v1=off", "the IKEv1 responder accepts no Main Mode transform"},
      {"ike.aggressive=off", "the IKEv1 responder refuses Aggressive Mode with a PSK"},
      {"ike.3des=off", "no IKEv1 transform or IKEv2 proposal with 3DES is accepted"},
      {"ike.min-group=N", "no IKEv1 or IKEv2 DH group weaker than group N is accepted (14: 2048 bits)"},
      {"rdp.nla=required", "every RDP endpoint refuses connections without CredSSP (NLA)"},
      {"rdp.standard-security=off", "every RDP endpoint refuses standard RDP security (RC4)"},
      {"dtls.min=1.0|1.2", "no DTLS endpoint (--dtls-ports) accepts a version below this"},
      {"client:PROFILE=broken|works|degraded|fails", "the matrix verdict of that client profile"},
  };
  return help;
}

std::optional<PolicyRule> parse_policy_rule(std::string_view text, std::string& error) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    error = "policy rule '" + std::string(text) + "' is not KEY=VALUE (see README 'Policy rules')";
    return std::nullopt;
  }
  PolicyRule r;
  r.text = std::string(text);
  r.key = std::string(text.substr(0, eq));
  r.value = std::string(text.substr(eq + 1));
  auto need = [&](std::initializer_list<const char*> values) {
    for (const char* v : values)
      if (r.value == v) return true;
    error = "policy rule '" + r.text + "': value must be one of";
    for (const char* v : values) error += std::string(" ") + v;
    return false;
  };
  bool ok = false;
  if (r.key == "smb1")
    ok = need({"off", "on"});
  else if (r.key == "smb.guest" || r.key == "smb.anonymous" || r.key == "ntlm.v1" || r.key == "ntlm.lm")
    ok = need({"off"});
  else if (r.key == "smb.encryption")
    ok = need({"required"});
  else if (r.key == "smb.signing" || r.key == "tls.pfs")
    ok = need({"required"});
  else if (r.key == "smb.min")
    ok = need({"2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"});
  else if (r.key == "tls.min")
    ok = need({"1.0", "1.1", "1.2", "1.3"});
  else if (r.key.starts_with("kerberos.")) {
    // One closed list of etype names (src/proto/kerberos/kerberos_etypes), so a misspelt etype is a
    // usage error before any traffic instead of a rule that passes because nothing matched it.
    r.etype_name = r.key.substr(9);
    r.etypes = kerberos::etypes_named(r.etype_name);
    r.key = "kerberos";
    if (r.etypes.empty())
      error = "policy rule '" + r.text + "': unknown Kerberos etype '" + r.etype_name +
              "' (known: " + join(kerberos::etype_names_accepted()) + ", or an etype number)";
    else
      ok = need({"off"});
  } else if (r.key == "ldap.cleartext-bind" || r.key == "netbios.samlogon")
    ok = need({"off"});
  else if (r.key == "ldap.signing")
    ok = need({"required"});
  else if (r.key == "accounts.breaks" || r.key == "accounts.des" || r.key == "accounts.rc4-exception")
    ok = need({"none"});
  else if (is_remote_policy_rule(r.key))
    ok = remote_policy_value_ok(r, error);
  else if (r.key.starts_with("client:") && r.key.size() > 7)
    ok = need({"broken", "works", "degraded", "fails", "unknown"});
  else
    error = "unknown policy rule '" + r.text + "' (see README 'Policy rules')";
  if (!ok) return std::nullopt;
  return r;
}

std::optional<std::vector<PolicyRule>> read_policy_file(const std::string& path, std::string& error) {
  // The same strict reading as every input file (a directory, an empty or unreadable file say why).
  const auto text = read_input_file(path, error);
  if (!text) {
    error = "--policy " + error;
    return std::nullopt;
  }
  std::istringstream in(*text);
  std::vector<PolicyRule> rules;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (auto h = line.find('#'); h != std::string::npos) line.erase(h);
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    const auto e = line.find_last_not_of(" \t\r");
    auto rule = parse_policy_rule(std::string_view(line).substr(b, e - b + 1), error);
    if (!rule) {
      error = path + ":" + std::to_string(n) + ": " + error;
      return std::nullopt;
    }
    rules.push_back(std::move(*rule));
  }
  if (rules.empty()) {
    // A gate file without a rule would pass every scan.
    error = "--policy " + path + ": no rules in the file (only comments and blank lines)";
    return std::nullopt;
  }
  return rules;
}

std::vector<RuleResult> evaluate_policy(const std::vector<PolicyRule>& rules, const json& host) {
  return evaluate_policy(rules, read_host_view(host));
}

std::vector<RuleResult> evaluate_policy(const std::vector<PolicyRule>& rules, const HostView& view) {
  std::vector<RuleResult> out;
  for (const auto& rule : rules) {
    auto r = check(rule, view);
    // A failed rule names the findings it rests on: those it judges that read BAD, WARN or failed.
    if (!r.passed)
      for (const auto& f : view.findings)
        if (judged_by(rule, f.check) &&
            (rule.key.starts_with("client:") || (f.verdict != Verdict::info && f.verdict != Verdict::good)))
          r.findings.push_back(f);
    out.push_back(std::move(r));
  }
  return out;
}

json policy_to_json(const std::vector<RuleResult>& results) {
  json rules = json::array();
  bool passed = true;
  for (const auto& r : results) {
    json rule{{"rule", r.rule}, {"host", r.host}, {"passed", r.passed}, {"evidence", r.evidence}};
    // The findings (hosts[].findings[], by probe, port and check) a failure rests on.
    for (const auto& f : r.findings)
      rule["findings"].push_back({{"probe", f.probe}, {"port", f.port}, {"check", f.check}});
    rules.push_back(std::move(rule));
    passed = passed && r.passed;
  }
  return json{{"rules", std::move(rules)}, {"passed", passed}};
}

namespace {

// JUnit consumers (Jenkins) split a classname at its last dot into package and class, which would
// scatter "dc1.example.test" and "10.0.0.5" into packages: the dots of a host become underscores.
std::string junit_classname(const std::string& host) {
  std::string out = "legacyscan.";
  for (char c : host) out += c == '.' ? '_' : c;
  return out;
}

// The help line of a rule (policy_rule_help), matched by its key.
std::string rule_help(const std::string& rule_text) {
  const auto key = rule_text.substr(0, rule_text.find('='));
  for (const auto& [pattern, help] : policy_rule_help()) {
    const auto pkey = pattern.substr(0, pattern.find('='));
    if (pkey == key || (pkey == "kerberos.ETYPE" && key.starts_with("kerberos.")) ||
        (pkey == "client:PROFILE" && key.starts_with("client:")))
      return help;
  }
  return "a legacyscan policy rule";
}

// Where a rule's finding lives: the service the rule is about on that host, on the finding's port when
// the rule rests on one ("445/tcp" -> smb://host:445/).
std::string rule_uri(const std::string& rule_text, const std::string& address, const std::string& port = {}) {
  const std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
  const auto number = port.substr(0, port.find('/'));
  auto at = [&](const char* scheme, const char* default_port) {
    const std::string p = number.empty() ? default_port : ":" + number;
    return std::string(scheme) + "://" + host + p + "/";
  };
  if (rule_text.starts_with("smb")) return at("smb", "");
  if (rule_text.starts_with("tls")) return at("tls", "");
  if (rule_text.starts_with("kerberos")) return at("krb5", ":88");
  if (rule_text.starts_with("ldap")) return at("ldap", ":389");
  if (rule_text.starts_with("netbios")) return at("netbios-dgm", ":138");
  return "legacyscan://" + host + "/matrix/" + rule_text.substr(7, rule_text.find('=') - 7);
}

// The failure text: the host and the rule's evidence, then each finding it rests on, as the table
// shows it (check, port, verdict, value).
std::string failure_text(const RuleResult& r) {
  std::string text = r.host + ": " + r.evidence;
  for (const auto& f : r.findings) {
    text += "\n  " + f.check + (f.port.empty() ? "" : " " + f.port) + " [" + std::string(to_string(f.verdict)) + "] " +
            f.value;
  }
  return text;
}

// One location per finding the failure rests on (the service on its port, the check as the logical
// location), or the rule's service on the host when it rests on none.
json sarif_locations(const RuleResult& r) {
  auto location = [&](const std::string& port, const std::string& name) {
    return json{{"physicalLocation", {{"artifactLocation", {{"uri", rule_uri(r.rule, r.address, port)}}}}},
                {"logicalLocations", json::array({{{"name", name}, {"kind", "module"}}})}};
  };
  json out = json::array();
  for (const auto& f : r.findings) {
    const auto loc = location(f.port, r.host + "/" + f.check);
    if (std::find(out.begin(), out.end(), loc) == out.end()) out.push_back(loc);
  }
  if (out.empty()) out.push_back(location("", r.host));
  return out;
}

}  // namespace

std::string policy_to_junit(const std::vector<RuleResult>& results) {
  std::size_t failures = 0;
  for (const auto& r : results) failures += r.passed ? 0 : 1;
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"legacyscan\" tests=\"" + std::to_string(results.size()) + "\" failures=\"" +
       std::to_string(failures) + "\">\n";
  x += "  <testsuite name=\"legacyscan policy\" tests=\"" + std::to_string(results.size()) + "\" failures=\"" +
       std::to_string(failures) + "\">\n";
  for (const auto& r : results) {
    x += "    <testcase classname=\"" + markup_escape(junit_classname(r.host)) + "\" name=\"" + markup_escape(r.rule) +
         "\"";
    if (r.passed) {
      x += "/>\n";
    } else {
      x += ">\n      <failure message=\"" + markup_escape(r.evidence) + "\">" + markup_escape(failure_text(r)) +
           "</failure>\n";
      x += "    </testcase>\n";
    }
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

json policy_to_sarif(const std::vector<RuleResult>& results) {
  json rules = json::array();
  std::vector<std::string> ids;
  json found = json::array();
  for (const auto& r : results) {
    if (std::find(ids.begin(), ids.end(), r.rule) == ids.end()) {
      ids.push_back(r.rule);
      const auto help = rule_help(r.rule);
      rules.push_back({{"id", r.rule},
                       {"name", r.rule},
                       {"shortDescription", {{"text", "legacyscan policy " + r.rule}}},
                       {"fullDescription", {{"text", "The rule holds when " + help + "."}}},
                       {"help",
                        {{"text", "Holds when " + help +
                                      ". A rule whose probe did not run, or whose "
                                      "answer could not decide, fails. See `legacyscan rules`."}}},
                       {"defaultConfiguration", {{"level", "error"}}}});
    }
    if (r.passed) continue;
    const auto index = std::find(ids.begin(), ids.end(), r.rule) - ids.begin();
    found.push_back({{"ruleId", r.rule},
                     {"ruleIndex", index},
                     {"level", "error"},
                     {"message", {{"text", failure_text(r)}}},
                     {"locations", sarif_locations(r)}});
  }
  return json{
      {"version", "2.1.0"},
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"runs",
       json::array(
           {{{"tool", {{"driver", {{"name", "legacyscan"}, {"version", LEGACYSCAN_VERSION}, {"rules", rules}}}}},
             {"results", found}}})}};
}

}  // namespace legacyscan
