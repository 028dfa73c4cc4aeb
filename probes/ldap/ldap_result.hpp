// SPDX-License-Identifier: Apache-2.0
// The LDAP probe's typed result. JSON key names are a contract with scripts (docs/probes/ldap.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "src/proto/ldap/ldap_codec.hpp"

namespace legacyscan::ldap {

// One LDAP ping ([MS-ADTS] 6.3.3) and its decoded NETLOGON answer.
struct CldapPing {
  Outcome outcome;
  std::string transport;  // "udp" or "tcp"
  std::uint16_t port = 389;
  std::uint32_t nt_version_requested = 0;
  std::string dns_domain_requested;  // DnsDomain in the filter ("" when none was sent)
  std::string user_requested;        // User in the filter ("" when none was sent)
  std::optional<std::uint32_t> aac_requested;  // AAC in the filter
  int attempts = 0;                  // UDP datagrams sent
  bool no_entry = false;             // the DC answered with SearchResultDone only (no DC for that domain)
  std::optional<netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY> response;
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
  std::string current_time;  // RFC 3339, from the GeneralizedTime
  std::optional<long long> clock_skew_seconds;  // server minus local clock
};

// How the server treated one bind, as evidence for a posture verdict.
struct BindCheck {
  Outcome outcome;            // ok when the server answered the bind
  std::optional<std::int64_t> result_code;
  std::string diagnostic;     // diagnosticMessage
  std::string stage;          // SASL: the step that got the final answer ("negotiate", "authenticate")
};

// One NTLM bind of the channel-binding check over TLS.
struct ChannelBindingAttempt {
  std::string token;  // "none" (no MsvAvChannelBindings), "wrong", "correct"
  BindCheck bind;
};

// The channel-binding check on one TLS endpoint: LDAPS, or 389 after StartTLS.
struct ChannelBindingCheck {
  std::uint16_t port = 636;
  std::string transport;  // "ldaps" or "starttls"
  Outcome outcome;        // ok when the TLS session and the NTLM exchanges happened
  std::string tls_version;
  bool credentials = false;  // a real account (--user/--password) or the fake one
  bool sasl_signing = false; // NTLMSSP_NEGOTIATE_SIGN was needed (the DC refused the binds without it)
  std::string unsigned_refusal;  // what the first bind without signing got, when it was refused for that
  std::vector<ChannelBindingAttempt> attempts;
  std::string verdict = "unknown";  // never | when_supported | always | unknown
  std::string evidence;
};

// "bind without a token: success (0)" and the like, for the evidence.
std::string describe_bind(const ChannelBindingAttempt& a);
// Decides c.verdict (never / when_supported / always / unknown) and c.evidence from c.attempts: the bind
// without a token refused with SEC_E_BAD_BINDINGS (data 80090346) = always; without accepted and with a
// wrong token refused so = when_supported; both accepted with a real account = never; else unknown.
void judge_channel_binding(ChannelBindingCheck& c);

// "2000", "2003 interim", "2003", "2008", "2008 R2", "2012", "2012 R2", "2016", "2025", else "level N".
std::string functionality_name(int level);

struct LdapResult final : ProbeResult {
  std::optional<CldapPing> cldap;     // UDP, NtVer V5EX|V5EP
  std::optional<CldapPing> cldap_v1;  // UDP, NtVer V1: the NT4-style answer
  std::optional<CldapPing> cldap_tcp; // the same V5EX ping over TCP
  std::optional<RootDse> rootdse;
  std::optional<CldapPing> gc_cldap_tcp;  // the V5EX ping over TCP on the Global Catalog port (3268)
  std::optional<RootDse> gc_rootdse;      // the rootDSE on the Global Catalog port
  std::optional<BindCheck> simple_bind;
  std::optional<BindCheck> ntlm_unsigned_bind;  // anonymous NTLM SASL bind without signing
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
  void table_rows(std::vector<TableRow>& out) const override;
};

}  // namespace legacyscan::ldap
