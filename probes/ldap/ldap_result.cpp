// SPDX-License-Identifier: Apache-2.0
#include "probes/ldap/ldap_result.hpp"

#include <algorithm>

#include "legacyscan/engine/port_state.hpp"
#include "legacyscan/strings.hpp"
#include "probes/ldap/ldap_ntlm_types.hpp"

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

json CldapPing::variant_to_json() const { return std::string(to_string(response->variant)); }

void CldapPing::variant_from_json(const json& j) {
  const auto name = j.get<std::string>();
  for (auto v : {netlogon::NetlogonVariant::NT40, netlogon::NetlogonVariant::V5, netlogon::NetlogonVariant::V5EX})
    if (to_string(v) == name) {
      response->variant = v;
      return;
    }
  throw fields::ReadError("variant: unknown " + j.dump());
}

json CldapPing::domain_guid_to_json() const {
  return response->DomainGuid ? json(netlogon::guid_to_string(*response->DomainGuid)) : json(nullptr);
}

// netlogon::guid_to_string's inverse: the first three groups are little-endian ([MS-DTYP] 2.3.4.3).
void CldapPing::domain_guid_from_json(const json& j) {
  if (j.is_null()) {
    response->DomainGuid.reset();
    return;
  }
  std::string hex;
  for (char c : j.get<std::string>())
    if (c != '-') hex += c;
  if (hex.size() != 32) throw fields::ReadError("domain_guid: not a GUID " + j.dump());
  static constexpr int kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  std::array<std::uint8_t, 16> g{};
  for (int i = 0; i < 16; ++i)
    g[static_cast<std::size_t>(kOrder[i])] =
        static_cast<std::uint8_t>(std::stoul(hex.substr(2 * static_cast<std::size_t>(i), 2), nullptr, 16));
  response->DomainGuid = g;
}

json LdapResult::gc_to_json() const {
  json gc = json::object();
  if (gc_cldap_tcp) {
    gc["port"] = gc_cldap_tcp->port;
    gc["cldap_tcp"] = fields::to_json(*gc_cldap_tcp);
  }
  if (gc_rootdse) gc["rootdse"] = fields::to_json(*gc_rootdse);
  return gc;
}

void LdapResult::gc_from_json(const json& j) {
  if (j.contains("cldap_tcp")) fields::read_value(j["cldap_tcp"], gc_cldap_tcp, "cldap_tcp");
  if (j.contains("rootdse")) fields::read_value(j["rootdse"], gc_rootdse, "rootdse");
}

json LdapResult::ports_to_json() const {
  json ports = json::object();
  for (const auto& [port, o] : port_outcomes) {
    json pj = json::object();
    fields::Writer w(pj);
    w.outcome(o);
    ports[std::to_string(port)] = std::move(pj);
  }
  return ports;
}

void LdapResult::ports_from_json(const json& j) {
  port_outcomes.clear();
  for (const auto& [port, pj] : j.items()) {
    Outcome o;
    fields::Reader r(pj);
    r.outcome(o);
    port_outcomes.emplace_back(static_cast<std::uint16_t>(std::stoul(port)), std::move(o));
  }
}

json LdapResult::to_json() const { return fields::to_json(*this); }

namespace {

std::string port_label(const CldapPing& p) { return std::to_string(p.port) + "/" + p.transport; }

void ping_row(std::vector<Finding>& out, const CldapPing& p, const std::string& id, const std::string& check) {
  if (is_closed(p.outcome)) {
    out.push_back(closed_port(port_label(p), id, check, p.outcome));
    return;
  }
  if (!p.outcome.ok()) {
    out.push_back({port_label(p), id, check,
                   std::string(legacyscan::to_string(p.outcome.status)) + ": " + p.outcome.reason, Verdict::failure});
    return;
  }
  if (!p.response) {
    out.push_back({port_label(p), id, check, "no DC entry for DnsDomain " + p.dns_domain_requested, Verdict::info});
    return;
  }
  const auto& r = *p.response;
  std::string v;
  if (r.variant == netlogon::NetlogonVariant::NT40) {
    v = "NT4-style answer (" + netlogon::netlogon_opcode_name(r.Opcode) + "): \\\\" + r.NetbiosComputerName + " in " +
        r.NetbiosDomainName;
    out.push_back({port_label(p), id, check, v, Verdict::info});
    return;
  }
  v = r.DnsDomainName + " / " + r.DnsHostName + " (" + r.NetbiosDomainName + "\\" + r.NetbiosComputerName + ")";
  if (!r.DcSiteName.empty()) v += ", site " + r.DcSiteName;
  if (!r.ClientSiteName.empty()) v += ", client site " + r.ClientSiteName;
  v += "; flags " + join(netlogon::ds_flag_names(r.Flags), " ") + "; OS " + netlogon::os_generation(r.Flags);
  out.push_back({port_label(p), id, check, v, Verdict::info});
}

}  // namespace

void LdapResult::findings(std::vector<Finding>& out) const {
  if (status != Status::ok && !cldap && !rootdse) {
    if (is_closed({status, reason})) {
      out.push_back(closed_port("", "ldap.probe", "probe", {status, reason}));
      return;
    }
    out.push_back(
        {"", "ldap.probe", "probe", std::string(legacyscan::to_string(status)) + ": " + reason, Verdict::failure});
    return;
  }
  const bool all_closed = !port_outcomes.empty() &&
                          std::all_of(port_outcomes.begin(), port_outcomes.end(),
                                      [](const std::pair<std::uint16_t, Outcome>& p) { return is_closed(p.second); });
  if (all_closed && (!cldap || is_closed(cldap->outcome))) {
    // Every LDAP port refused: the pings and binds that follow tell nothing more.
    for (const auto& [p, o] : port_outcomes)
      out.push_back(closed_port(std::to_string(p) + "/tcp", "ldap.ports_open", "LDAP ports open", o));
    if (cldap) ping_row(out, *cldap, "ldap.ping.v5ex", "LDAP ping (V5EX)");
    return;
  }
  if (!port_outcomes.empty()) {
    std::vector<std::string> open;
    for (auto p : ports_open) open.push_back(std::to_string(p));
    out.push_back(
        {"", "ldap.ports_open", "LDAP ports open", open.empty() ? std::string("none") : join(open), Verdict::info});
  }
  if (cldap) ping_row(out, *cldap, "ldap.ping.v5ex", "LDAP ping (V5EX)");
  if (cldap_v1) ping_row(out, *cldap_v1, "ldap.ping.v1", "LDAP ping (V1, NT4-style)");
  if (cldap_tcp) ping_row(out, *cldap_tcp, "ldap.ping.tcp", "LDAP ping over TCP");
  if (gc_cldap_tcp) ping_row(out, *gc_cldap_tcp, "ldap.gc.ping", "LDAP ping on the Global Catalog");
  if (gc_rootdse && is_closed(gc_rootdse->outcome))
    out.push_back(closed_port("3268/tcp", "ldap.gc.rootdse", "Global Catalog rootDSE", gc_rootdse->outcome));
  else if (gc_rootdse && !gc_rootdse->outcome.ok())
    out.push_back({"3268/tcp", "ldap.gc.rootdse", "Global Catalog rootDSE",
                   std::string(legacyscan::to_string(gc_rootdse->outcome.status)) + ": " + gc_rootdse->outcome.reason,
                   Verdict::failure});
  else if (gc_rootdse)
    out.push_back({"3268/tcp", "ldap.gc.rootdse", "Global Catalog rootDSE",
                   gc_rootdse->dns_hostname +
                       (gc_rootdse->is_global_catalog_ready.value_or(false) ? ", GC ready" : ", GC not ready"),
                   Verdict::info});
  if (rootdse) {
    const std::string port = "389/tcp";
    if (is_closed(rootdse->outcome)) {
      out.push_back(closed_port(port, "ldap.rootdse", "rootDSE", rootdse->outcome));
    } else if (!rootdse->outcome.ok()) {
      out.push_back({port, "ldap.rootdse", "rootDSE",
                     std::string(legacyscan::to_string(rootdse->outcome.status)) + ": " + rootdse->outcome.reason,
                     Verdict::failure});
    } else {
      auto lvl = [](const std::optional<int>& l) { return l ? functionality_name(*l) : std::string("?"); };
      const bool old = rootdse->domain_functionality && *rootdse->domain_functionality < 3;
      out.push_back({port, "ldap.functional_levels", "functional levels",
                     "domain " + lvl(rootdse->domain_functionality) + ", forest " + lvl(rootdse->forest_functionality) +
                         ", DC " + lvl(rootdse->dc_functionality),
                     old ? Verdict::bad : Verdict::info});
      std::string v = rootdse->dns_hostname + " (" + rootdse->default_naming_context + ")";
      if (rootdse->clock_skew_seconds) v += "; clock skew " + std::to_string(*rootdse->clock_skew_seconds) + " s";
      if (!rootdse->sasl_mechanisms.empty()) v += "; SASL " + join(rootdse->sasl_mechanisms, " ");
      out.push_back({port, "ldap.rootdse", "rootDSE", v, Verdict::info});
    }
  }
  if (simple_bind && is_closed(simple_bind->outcome)) {
    out.push_back(closed_port("389/tcp", "ldap.simple_bind_cleartext", "cleartext simple bind", simple_bind->outcome));
  } else if (simple_bind) {
    std::string v = simple_bind_cleartext;
    Verdict verdict = Verdict::info;
    if (simple_bind->result_code)
      v += " (" + result_code_name(*simple_bind->result_code) + " to a fake DN over plain LDAP)";
    else
      v += ": " + simple_bind->outcome.reason;
    if (simple_bind_cleartext == "allowed")
      verdict = Verdict::bad;
    else if (simple_bind_cleartext == "rejected")
      verdict = Verdict::good;
    else if (!simple_bind->outcome.ok())
      verdict = Verdict::failure;
    out.push_back(
        {"389/tcp", "ldap.simple_bind_cleartext", "cleartext simple bind", v, verdict, simple_bind->diagnostic});
  }
  if (signing_required) {
    out.push_back({"389/tcp", "ldap.signing", "LDAP signing",
                   std::string(*signing_required ? "required" : "not required") + " (" + signing_evidence + ")",
                   *signing_required ? Verdict::good : Verdict::bad, signing_evidence});
  }
  Verdict cb = Verdict::info;
  if (channel_binding == "always")
    cb = Verdict::good;
  else if (channel_binding == "when_supported")
    cb = Verdict::warn;
  else if (channel_binding == "never")
    cb = Verdict::bad;
  out.push_back({"", "ldap.channel_binding", "LDAP channel binding",
                 channel_binding + (channel_binding_evidence.empty() ? "" : " (" + channel_binding_evidence + ")"), cb,
                 channel_binding_evidence});
  if (ntlm) ntlm_types_findings(*ntlm, out);
}

std::string describe_bind(const ChannelBindingAttempt& a) {
  std::string token = a.token == "none" ? "without a token" : "with a " + a.token + " token";
  if (!a.bind.result_code) return "bind " + token + ": " + a.bind.outcome.reason;
  std::string d =
      "bind " + token + ": " + result_code_name(*a.bind.result_code) + " (" + std::to_string(*a.bind.result_code) + ")";
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
    evidence +=
        "; with a fake account no bind can succeed, so only a refusal naming the binding (data 80090346) "
        "decides: give --user and --password";
  } else if (right && !succeeded(*right)) {
    evidence += "; no NTLM bind over TLS succeeds, not even with the right token, so the tokens decide nothing";
  }
  if (!c.unsigned_refusal.empty())
    evidence = "without NTLM signing: " + c.unsigned_refusal + "; with signing: " + evidence;
  c.evidence = evidence;
}

}  // namespace legacyscan::ldap
