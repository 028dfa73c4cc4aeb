// SPDX-License-Identifier: Apache-2.0
#include "probes/ldap/ldap_result.hpp"

#include "legacyscan/strings.hpp"

namespace legacyscan::ldap {

using nlohmann::json;

std::string functionality_name(int level) {
  // [MS-ADTS] 6.1.4.2-6.1.4.4 msDS-Behavior-Version values.
  switch (level) {
    case 0: return "2000";
    case 1: return "2003 interim";
    case 2: return "2003";
    case 3: return "2008";
    case 4: return "2008 R2";
    case 5: return "2012";
    case 6: return "2012 R2";
    case 7: return "2016";
    case 10: return "2025";
    default: return "level " + std::to_string(level);
  }
}

namespace {

void put_outcome(json& j, const Outcome& o) {
  j["status"] = legacyscan::to_string(o.status);
  if (!o.ok()) j["reason"] = o.reason;
}

json ping_json(const CldapPing& p) {
  json j;
  put_outcome(j, p.outcome);
  j["transport"] = p.transport;
  j["port"] = p.port;
  j["nt_version_requested"] = p.nt_version_requested;
  if (!p.dns_domain_requested.empty()) j["dns_domain_requested"] = p.dns_domain_requested;
  if (!p.user_requested.empty()) j["user_requested"] = p.user_requested;
  if (p.aac_requested) j["aac_requested"] = *p.aac_requested;
  if (p.transport == "udp") j["attempts"] = p.attempts;
  if (p.no_entry) j["no_entry"] = true;
  if (!p.response) return j;
  const auto& r = *p.response;
  j["variant"] = std::string(to_string(r.variant));
  j["nt_version"] = r.NtVersion;
  j["nt_version_flags"] = netlogon::nt_version_names(r.NtVersion);
  j["opcode"] = r.Opcode;
  j["opcode_name"] = netlogon::netlogon_opcode_name(r.Opcode);
  j["dns_forest"] = r.DnsForestName;
  j["dns_domain"] = r.DnsDomainName;
  j["dns_hostname"] = r.DnsHostName;
  j["netbios_domain"] = r.NetbiosDomainName;
  j["netbios_hostname"] = r.NetbiosComputerName;
  j["user"] = r.UserName;
  j["server_site"] = r.DcSiteName;
  j["client_site"] = r.ClientSiteName;
  if (!r.NextClosestSiteName.empty()) j["next_closest_site"] = r.NextClosestSiteName;
  j["domain_guid"] = r.DomainGuid ? json(netlogon::guid_to_string(*r.DomainGuid)) : json(nullptr);
  if (!r.DcIpAddress.empty()) j["dc_address"] = r.DcIpAddress;
  j["lm_nt_token"] = r.LmNtToken;
  j["lm20_token"] = r.Lm20Token;
  if (r.variant == netlogon::NetlogonVariant::NT40) {
    j["flags"] = json::array();
    j["os_generation"] = nullptr;  // the NT4-style answer carries no DS flags
  } else {
    j["flags"] = netlogon::ds_flag_names(r.Flags);
    j["flags_value"] = r.Flags;
    j["os_generation"] = netlogon::os_generation(r.Flags);
  }
  return j;
}

json level_json(const std::optional<int>& level) {
  return level ? json(functionality_name(*level)) : json(nullptr);
}

json rootdse_json(const RootDse& r) {
  json j;
  put_outcome(j, r.outcome);
  if (!r.outcome.ok()) return j;
  j["ldap_versions"] = r.ldap_versions;
  j["sasl_mechanisms"] = r.sasl_mechanisms;
  j["capabilities"] = r.capabilities;
  j["domain_functionality"] = level_json(r.domain_functionality);
  j["forest_functionality"] = level_json(r.forest_functionality);
  j["dc_functionality"] = level_json(r.dc_functionality);
  j["domain_functionality_level"] = r.domain_functionality ? json(*r.domain_functionality) : json(nullptr);
  j["forest_functionality_level"] = r.forest_functionality ? json(*r.forest_functionality) : json(nullptr);
  j["dc_functionality_level"] = r.dc_functionality ? json(*r.dc_functionality) : json(nullptr);
  j["dns_hostname"] = r.dns_hostname;
  j["default_naming_context"] = r.default_naming_context;
  j["root_domain_naming_context"] = r.root_domain_naming_context;
  j["server_name"] = r.server_name;
  j["is_global_catalog_ready"] = r.is_global_catalog_ready ? json(*r.is_global_catalog_ready) : json(nullptr);
  j["current_time"] = r.current_time;
  j["clock_skew_seconds"] = r.clock_skew_seconds ? json(*r.clock_skew_seconds) : json(nullptr);
  return j;
}

json bind_json(const BindCheck& c) {
  json b;
  put_outcome(b, c.outcome);
  if (c.result_code) {
    b["result_code"] = *c.result_code;
    b["result_name"] = result_code_name(*c.result_code);
    b["diagnostic_message"] = c.diagnostic;
  }
  if (!c.stage.empty()) b["stage"] = c.stage;
  return b;
}

json channel_binding_json(const ChannelBindingCheck& c) {
  json j;
  put_outcome(j, c.outcome);
  j["port"] = c.port;
  j["transport"] = c.transport;
  if (!c.tls_version.empty()) j["tls_version"] = c.tls_version;
  j["credentials"] = c.credentials;
  j["sasl_signing"] = c.sasl_signing;
  json attempts = json::array();
  for (const auto& a : c.attempts) {
    json aj = bind_json(a.bind);
    aj["token"] = a.token;
    attempts.push_back(std::move(aj));
  }
  j["attempts"] = std::move(attempts);
  j["verdict"] = c.verdict;
  j["evidence"] = c.evidence;
  return j;
}

std::string port_label(const CldapPing& p) { return std::to_string(p.port) + "/" + p.transport; }

void ping_row(std::vector<TableRow>& out, const CldapPing& p, const std::string& check) {
  if (!p.outcome.ok()) {
    out.push_back({port_label(p), check, std::string(legacyscan::to_string(p.outcome.status)) + ": " + p.outcome.reason,
                   Verdict::failure});
    return;
  }
  if (!p.response) {
    out.push_back({port_label(p), check, "no DC entry for DnsDomain " + p.dns_domain_requested, Verdict::info});
    return;
  }
  const auto& r = *p.response;
  std::string v;
  if (r.variant == netlogon::NetlogonVariant::NT40) {
    v = "NT4-style answer (" + netlogon::netlogon_opcode_name(r.Opcode) + "): \\\\" + r.NetbiosComputerName + " in " +
        r.NetbiosDomainName;
    out.push_back({port_label(p), check, v, Verdict::info});
    return;
  }
  v = r.DnsDomainName + " / " + r.DnsHostName + " (" + r.NetbiosDomainName + "\\" + r.NetbiosComputerName + ")";
  if (!r.DcSiteName.empty()) v += ", site " + r.DcSiteName;
  if (!r.ClientSiteName.empty()) v += ", client site " + r.ClientSiteName;
  v += "; flags " + join(netlogon::ds_flag_names(r.Flags), " ") + "; OS " + netlogon::os_generation(r.Flags);
  out.push_back({port_label(p), check, v, Verdict::info});
}

}  // namespace

json LdapResult::to_json() const {
  json j;
  j["status"] = legacyscan::to_string(status);
  if (status != Status::ok) j["reason"] = reason;
  if (cldap) j["cldap"] = ping_json(*cldap);
  if (cldap_v1) j["cldap_v1"] = ping_json(*cldap_v1);
  if (cldap_tcp) j["cldap_tcp"] = ping_json(*cldap_tcp);
  if (rootdse) j["rootdse"] = rootdse_json(*rootdse);
  if (gc_cldap_tcp || gc_rootdse) {
    json gc;
    if (gc_cldap_tcp) {
      gc["port"] = gc_cldap_tcp->port;
      gc["cldap_tcp"] = ping_json(*gc_cldap_tcp);
    }
    if (gc_rootdse) gc["rootdse"] = rootdse_json(*gc_rootdse);
    j["gc"] = std::move(gc);
  }
  j["simple_bind_cleartext"] = simple_bind_cleartext;
  if (simple_bind) j["simple_bind"] = bind_json(*simple_bind);
  if (ntlm_unsigned_bind) j["sasl_ntlm_unsigned"] = bind_json(*ntlm_unsigned_bind);
  j["signing_required"] = signing_required ? json(*signing_required) : json(nullptr);
  if (!signing_evidence.empty()) j["signing_evidence"] = signing_evidence;
  j["channel_binding"] = channel_binding;
  if (!channel_binding_evidence.empty()) j["channel_binding_evidence"] = channel_binding_evidence;
  if (!channel_binding_checks.empty()) {
    json checks = json::array();
    for (const auto& c : channel_binding_checks) checks.push_back(channel_binding_json(c));
    j["channel_binding_checks"] = std::move(checks);
  }
  j["ports_open"] = ports_open;
  json ports = json::object();
  for (const auto& [port, o] : port_outcomes) {
    json pj;
    put_outcome(pj, o);
    ports[std::to_string(port)] = std::move(pj);
  }
  j["ports"] = std::move(ports);
  return j;
}

void LdapResult::table_rows(std::vector<TableRow>& out) const {
  if (status != Status::ok && !cldap && !rootdse) {
    out.push_back({"", "probe", std::string(legacyscan::to_string(status)) + ": " + reason, Verdict::failure});
    return;
  }
  if (!port_outcomes.empty()) {
    std::vector<std::string> open;
    for (auto p : ports_open) open.push_back(std::to_string(p));
    out.push_back({"", "LDAP ports open", open.empty() ? std::string("none") : join(open), Verdict::info});
  }
  if (cldap) ping_row(out, *cldap, "LDAP ping (V5EX)");
  if (cldap_v1) ping_row(out, *cldap_v1, "LDAP ping (V1, NT4-style)");
  if (cldap_tcp) ping_row(out, *cldap_tcp, "LDAP ping over TCP");
  if (gc_cldap_tcp) ping_row(out, *gc_cldap_tcp, "LDAP ping on the Global Catalog");
  if (gc_rootdse && !gc_rootdse->outcome.ok())
    out.push_back({"3268/tcp", "Global Catalog rootDSE",
                   std::string(legacyscan::to_string(gc_rootdse->outcome.status)) + ": " + gc_rootdse->outcome.reason,
                   Verdict::failure});
  else if (gc_rootdse)
    out.push_back({"3268/tcp", "Global Catalog rootDSE",
                   gc_rootdse->dns_hostname + (gc_rootdse->is_global_catalog_ready.value_or(false) ? ", GC ready" : ", GC not ready"),
                   Verdict::info});
  if (rootdse) {
    const std::string port = "389/tcp";
    if (!rootdse->outcome.ok()) {
      out.push_back({port, "rootDSE",
                     std::string(legacyscan::to_string(rootdse->outcome.status)) + ": " + rootdse->outcome.reason,
                     Verdict::failure});
    } else {
      auto lvl = [](const std::optional<int>& l) { return l ? functionality_name(*l) : std::string("?"); };
      const bool old = rootdse->domain_functionality && *rootdse->domain_functionality < 3;
      out.push_back({port, "functional levels",
                     "domain " + lvl(rootdse->domain_functionality) + ", forest " + lvl(rootdse->forest_functionality) +
                         ", DC " + lvl(rootdse->dc_functionality),
                     old ? Verdict::bad : Verdict::info});
      std::string v = rootdse->dns_hostname + " (" + rootdse->default_naming_context + ")";
      if (rootdse->clock_skew_seconds) v += "; clock skew " + std::to_string(*rootdse->clock_skew_seconds) + " s";
      if (!rootdse->sasl_mechanisms.empty()) v += "; SASL " + join(rootdse->sasl_mechanisms, " ");
      out.push_back({port, "rootDSE", v, Verdict::info});
    }
  }
  if (simple_bind) {
    std::string v = simple_bind_cleartext;
    Verdict verdict = Verdict::info;
    if (simple_bind->result_code)
      v += " (" + result_code_name(*simple_bind->result_code) + " to a fake DN over plain LDAP)";
    else
      v += ": " + simple_bind->outcome.reason;
    if (simple_bind_cleartext == "allowed") verdict = Verdict::bad;
    else if (simple_bind_cleartext == "rejected") verdict = Verdict::good;
    else if (!simple_bind->outcome.ok()) verdict = Verdict::failure;
    out.push_back({"389/tcp", "cleartext simple bind", v, verdict});
  }
  if (signing_required) {
    out.push_back({"389/tcp", "LDAP signing", std::string(*signing_required ? "required" : "not required") + " (" +
                                                  signing_evidence + ")",
                   *signing_required ? Verdict::good : Verdict::bad});
  }
  Verdict cb = Verdict::info;
  if (channel_binding == "always") cb = Verdict::good;
  else if (channel_binding == "when_supported") cb = Verdict::warn;
  else if (channel_binding == "never") cb = Verdict::bad;
  out.push_back({"", "LDAP channel binding",
                 channel_binding + (channel_binding_evidence.empty() ? "" : " (" + channel_binding_evidence + ")"), cb});
}

std::string describe_bind(const ChannelBindingAttempt& a) {
  std::string token = a.token == "none" ? "without a token" : "with a " + a.token + " token";
  if (!a.bind.result_code) return "bind " + token + ": " + a.bind.outcome.reason;
  std::string d = "bind " + token + ": " + result_code_name(*a.bind.result_code) + " (" +
                  std::to_string(*a.bind.result_code) + ")";
  if (!a.bind.diagnostic.empty()) d += " \"" + a.bind.diagnostic + "\"";
  return d;
}

namespace {
// What a DC that enforces channel binding puts into the diagnostic message of a refused bind:
// SEC_E_BAD_BINDINGS ("data 80090346").
constexpr const char* kBadBindings = "80090346";

bool bad_bindings(const ChannelBindingAttempt& a) {
  return a.bind.result_code && *a.bind.result_code != LDAP_SUCCESS &&
         a.bind.diagnostic.find(kBadBindings) != std::string::npos;
}
bool succeeded(const ChannelBindingAttempt& a) { return a.bind.result_code && *a.bind.result_code == LDAP_SUCCESS; }
}  // namespace

// Decides never / when_supported / always from the binds without a token, with a wrong one, and (with
// credentials) with the right one, which proves that the account logs on at all.
void judge_channel_binding(ChannelBindingCheck& c) {
  std::string evidence;
  for (const auto& a : c.attempts) evidence += (evidence.empty() ? "" : "; ") + describe_bind(a);
  const ChannelBindingAttempt* none = nullptr;
  const ChannelBindingAttempt* wrong = nullptr;
  const ChannelBindingAttempt* right = nullptr;
  for (const auto& a : c.attempts) {
    if (a.token == "none") none = &a;
    if (a.token == "wrong") wrong = &a;
    if (a.token == "correct") right = &a;
  }
  c.verdict = "unknown";
  if (none && bad_bindings(*none)) {
    c.verdict = "always";
  } else if (none && wrong && bad_bindings(*wrong) && (succeeded(*none) || !c.credentials)) {
    c.verdict = "when_supported";
  } else if (c.credentials && none && wrong && succeeded(*none) && succeeded(*wrong)) {
    c.verdict = "never";
    evidence = "bind without/with a wrong token succeeded (" + evidence + ")";
  } else if (!c.credentials) {
    evidence += "; with a fake account no bind can succeed, so only a refusal naming the binding (data 80090346) "
                "decides: give --user and --password";
  } else if (right && !succeeded(*right)) {
    evidence += "; no NTLM bind over TLS succeeds, not even with the right token, so the tokens decide nothing";
  }
  if (!c.unsigned_refusal.empty())
    evidence = "without NTLM signing: " + c.unsigned_refusal + "; with signing: " + evidence;
  c.evidence = evidence;
}

}  // namespace legacyscan::ldap
