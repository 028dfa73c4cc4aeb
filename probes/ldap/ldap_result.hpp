// SPDX-License-Identifier: Apache-2.0
// The LDAP probe's typed result. JSON key names are a contract with scripts (docs/probes/ldap.md); each
// struct lists them once in fields() (legacyscan/engine/fields.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/probe.hpp"
#include "src/proto/ldap/ldap_codec.hpp"

namespace legacyscan::ldap {

// "2000", "2003 interim", "2003", "2008", "2008 R2", "2012", "2012 R2", "2016", "2025", else "level N".
std::string functionality_name(int level);

// One LDAP ping ([MS-ADTS] 6.3.3) and its decoded NETLOGON answer.
struct CldapPing {
  Outcome outcome;
  std::string transport;  // "udp" or "tcp"
  std::uint16_t port = 389;
  std::uint32_t nt_version_requested = 0;
  std::string dns_domain_requested;            // DnsDomain in the filter ("" when none was sent)
  std::string user_requested;                  // User in the filter ("" when none was sent)
  std::optional<std::uint32_t> aac_requested;  // AAC in the filter
  int attempts = 0;                            // UDP datagrams sent
  bool no_entry = false;                       // the DC answered with SearchResultDone only (no DC for that domain)
  std::optional<netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY> response;

  // The answer's "variant" name and its "domain_guid" string (null when none).
  [[nodiscard]] nlohmann::json variant_to_json() const;
  void variant_from_json(const nlohmann::json& j);
  [[nodiscard]] nlohmann::json domain_guid_to_json() const;
  void domain_guid_from_json(const nlohmann::json& j);

  template <class V>
  void fields(V& v) {
    using nlohmann::json;
    v.outcome(outcome);
    v("transport", transport);
    v("port", port);
    v("nt_version_requested", nt_version_requested);
    v.optional("dns_domain_requested", dns_domain_requested);
    v.optional("user_requested", user_requested);
    v.optional("aac_requested", aac_requested);
    if (v.when(transport == "udp")) v("attempts", attempts);
    v.optional("no_entry", no_entry);
    if (!v.flattened(response, "variant")) return;
    auto& r = *response;
    v.custom(
        "variant", [&] { return variant_to_json(); }, [&](const json& j) { variant_from_json(j); });
    v("nt_version", r.NtVersion);
    v.computed("nt_version_flags", [&] { return json(netlogon::nt_version_names(r.NtVersion)); });
    v("opcode", r.Opcode);
    v.computed("opcode_name", [&] { return json(netlogon::netlogon_opcode_name(r.Opcode)); });
    v("dns_forest", r.DnsForestName);
    v("dns_domain", r.DnsDomainName);
    v("dns_hostname", r.DnsHostName);
    v("netbios_domain", r.NetbiosDomainName);
    v("netbios_hostname", r.NetbiosComputerName);
    v("user", r.UserName);
    v("server_site", r.DcSiteName);
    v("client_site", r.ClientSiteName);
    v.optional("next_closest_site", r.NextClosestSiteName);
    v.custom(
        "domain_guid", [&] { return domain_guid_to_json(); }, [&](const json& j) { domain_guid_from_json(j); });
    v.optional("dc_address", r.DcIpAddress);
    v("lm_nt_token", r.LmNtToken);
    v("lm20_token", r.Lm20Token);
    // The NT4-style answer carries no DS flags.
    const bool nt40 = r.variant == netlogon::NetlogonVariant::NT40;
    v.computed("flags", [&] { return nt40 ? json::array() : json(netlogon::ds_flag_names(r.Flags)); });
    if (v.when(!nt40)) v("flags_value", r.Flags);
    v.computed("os_generation", [&] { return nt40 ? json(nullptr) : json(netlogon::os_generation(r.Flags)); });
  }
};

// The anonymous rootDSE search (RFC 4512 5.1, [MS-ADTS] 3.1.1.3.2).
struct RootDse {
  Outcome outcome;
  std::vector<int> ldap_versions;
  std::vector<std::string> sasl_mechanisms;
  std::vector<std::string> capabilities;  // supportedCapabilities OIDs
  std::optional<int> domain_functionality;
  std::optional<int> forest_functionality;
  std::optional<int> dc_functionality;
  std::string dns_hostname;
  std::string default_naming_context;
  std::string root_domain_naming_context;
  std::string server_name;
  std::optional<bool> is_global_catalog_ready;
  std::string current_time;                     // RFC 3339, from the GeneralizedTime
  std::optional<long long> clock_skew_seconds;  // server minus local clock

  template <class V>
  void fields(V& v) {
    using nlohmann::json;
    v.outcome(outcome);
    if (!v.when(outcome.ok())) return;
    v("ldap_versions", ldap_versions);
    v("sasl_mechanisms", sasl_mechanisms);
    v("capabilities", capabilities);
    // The level's name beside the number ("2008 R2" and 4).
    auto name = [](const std::optional<int>& level) {
      return level ? json(functionality_name(*level)) : json(nullptr);
    };
    v.computed("domain_functionality", [&] { return name(domain_functionality); });
    v.computed("forest_functionality", [&] { return name(forest_functionality); });
    v.computed("dc_functionality", [&] { return name(dc_functionality); });
    v("domain_functionality_level", domain_functionality);
    v("forest_functionality_level", forest_functionality);
    v("dc_functionality_level", dc_functionality);
    v("dns_hostname", dns_hostname);
    v("default_naming_context", default_naming_context);
    v("root_domain_naming_context", root_domain_naming_context);
    v("server_name", server_name);
    v("is_global_catalog_ready", is_global_catalog_ready);
    v("current_time", current_time);
    v("clock_skew_seconds", clock_skew_seconds);
  }
};

// How the server treated one bind, as evidence for a posture verdict.
struct BindCheck {
  Outcome outcome;  // ok when the server answered the bind
  std::optional<std::int64_t> result_code;
  std::string diagnostic;  // diagnosticMessage
  std::string stage;       // SASL: the step that got the final answer ("negotiate", "authenticate")

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v.optional("result_code", result_code);
    if (v.when(result_code.has_value())) {
      v.computed("result_name", [&] { return nlohmann::json(result_code_name(result_code.value_or(0))); });
      v("diagnostic_message", diagnostic);
    }
    v.optional("stage", stage);
  }
};

// The NTLM response types over LDAP (ldap_ntlm_types.hpp), one NTLM SASL bind each; the shape of
// the smb probe's sessions.ntlm.
// One bind: outcome ok when the DC answered the AUTHENTICATE (accepted or not); skipped with why.
struct NtlmLogonBind {
  BindCheck bind;
  bool accepted = false;  // resultCode success (0)

  template <class V>
  void fields(V& v) {
    bind.fields(v);
    if (!v.when(bind.outcome.ok())) return;
    v("accepted", accepted);
  }
};

struct LdapNtlmTypes {
  NtlmLogonBind v2;
  NtlmLogonBind v1;
  NtlmLogonBind v1_ess;
  NtlmLogonBind lm;

  template <class V>
  void fields(V& v) {
    v("v2", v2);
    v("v1", v1);
    v("v1_ess", v1_ess);
    v("lm", lm);
  }
};

// One NTLM bind of the channel-binding check over TLS.
struct ChannelBindingAttempt {
  std::string token;  // "none" (no MsvAvChannelBindings), "wrong", "correct"
  BindCheck bind;

  template <class V>
  void fields(V& v) {
    v("token", token);
    bind.fields(v);  // the bind's keys sit beside the token
  }
};

// The channel-binding check on one TLS endpoint: LDAPS, or 389 after StartTLS.
struct ChannelBindingCheck {
  std::uint16_t port = 636;
  std::string transport;  // "ldaps" or "starttls"
  Outcome outcome;        // ok when the TLS session and the NTLM exchanges happened
  std::string tls_version;
  bool credentials = false;      // a real account (--user/--password) or the fake one
  bool sasl_signing = false;     // NTLMSSP_NEGOTIATE_SIGN was needed (the DC refused the binds without it)
  std::string unsigned_refusal;  // what the first bind without signing got, when it was refused for that
  std::vector<ChannelBindingAttempt> attempts;
  std::string verdict = "unknown";  // never | when_supported | always | unknown
  std::string evidence;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("port", port);
    v("transport", transport);
    v.optional("tls_version", tls_version);
    v("credentials", credentials);
    v("sasl_signing", sasl_signing);
    v("attempts", attempts);
    v("verdict", verdict);
    v("evidence", evidence);
  }
};

// "bind without a token: success (0)" and the like, for the evidence.
std::string describe_bind(const ChannelBindingAttempt& a);
// Decides c.verdict (never / when_supported / always / unknown) and c.evidence from c.attempts: the bind
// without a token refused with SEC_E_BAD_BINDINGS (data 80090346) = always; without accepted and with a
// wrong token refused so = when_supported; both accepted with a real account = never; else unknown.
void judge_channel_binding(ChannelBindingCheck& c);

struct LdapResult final : ProbeResult {
  std::optional<CldapPing> cldap;      // UDP, NtVer V5EX|V5EP
  std::optional<CldapPing> cldap_v1;   // UDP, NtVer V1: the NT4-style answer
  std::optional<CldapPing> cldap_tcp;  // the same V5EX ping over TCP
  std::optional<RootDse> rootdse;
  std::optional<CldapPing> gc_cldap_tcp;  // the V5EX ping over TCP on the Global Catalog port (3268)
  std::optional<RootDse> gc_rootdse;      // the rootDSE on the Global Catalog port
  std::optional<BindCheck> simple_bind;
  std::optional<BindCheck> ntlm_unsigned_bind;    // anonymous NTLM SASL bind without signing
  std::optional<LdapNtlmTypes> ntlm;              // with --user: one NTLM SASL bind per response type
  std::string simple_bind_cleartext = "unknown";  // allowed | rejected | unknown
  std::optional<bool> signing_required;           // null when unknown
  std::string signing_evidence;
  std::string channel_binding = "unknown";  // never | when_supported | always | unknown
  std::string channel_binding_evidence;
  std::vector<ChannelBindingCheck> channel_binding_checks;
  std::vector<std::uint16_t> ports_tested;
  std::vector<std::uint16_t> ports_open;
  std::vector<std::pair<std::uint16_t, Outcome>> port_outcomes;

  [[nodiscard]] nlohmann::json to_json() const override;
  void findings(std::vector<Finding>& out) const override;

  // "gc": {"port", "cldap_tcp", "rootdse"} when either was tried; "ports": {"389": outcome, ...}.
  [[nodiscard]] nlohmann::json gc_to_json() const;
  void gc_from_json(const nlohmann::json& j);
  [[nodiscard]] nlohmann::json ports_to_json() const;
  void ports_from_json(const nlohmann::json& j);

  template <class V>
  void fields(V& v) {
    using nlohmann::json;
    v.outcome(status, reason);
    v.optional("cldap", cldap);
    v.optional("cldap_v1", cldap_v1);
    v.optional("cldap_tcp", cldap_tcp);
    v.optional("rootdse", rootdse);
    v.custom_optional(
        "gc", [&] { return gc_to_json(); }, [&](const json& j) { gc_from_json(j); });
    v("simple_bind_cleartext", simple_bind_cleartext);
    v.optional("simple_bind", simple_bind);
    v.optional("sasl_ntlm_unsigned", ntlm_unsigned_bind);
    v.optional("ntlm", ntlm);
    v("signing_required", signing_required);
    v.optional("signing_evidence", signing_evidence);
    v("channel_binding", channel_binding);
    v.optional("channel_binding_evidence", channel_binding_evidence);
    v.optional("channel_binding_checks", channel_binding_checks);
    v("ports_open", ports_open);
    v.custom(
        "ports", [&] { return ports_to_json(); }, [&](const json& j) { ports_from_json(j); });
  }
};

}  // namespace legacyscan::ldap
