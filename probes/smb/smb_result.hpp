// SPDX-License-Identifier: Apache-2.0
// The SMB probe's typed result. JSON key names here are a contract with scripts (docs/schema); each
// struct lists them once in fields() (legacyscan/engine/fields.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/probe.hpp"
#include "probes/smb/smb_session_result.hpp"
#include "probes/smb/smb_share_list_result.hpp"

namespace legacyscan::smb {

struct Signing {
  bool enabled = false;
  bool required = false;

  template <class V>
  void fields(V& v) {
    v("enabled", enabled);
    v("required", required);
  }
};

// How the server answered one offer. accepted is the only acceptance; every other value is a way of
// saying no, and which way is itself a finding (Samba answers 0xFFFF, Windows closes).
enum class OfferAnswer {
  accepted,
  none_of_offered,  // SMB1 DialectIndex 0xFFFF
  status,           // an SMB error status (e.g. STATUS_NOT_SUPPORTED)
  answered_smb2,    // an SMB1 offer drew an SMB2 reply
  answered_other,   // answered with a different dialect/cipher than the one offered
  closed,           // connection closed without an answer
  reset,            // connection reset
  timeout,          // no answer in time
  failed,           // could not be tested (connect failed, malformed reply): see reason
};
std::string_view to_string(OfferAnswer a);
bool from_string(std::string_view s, OfferAnswer& out);

struct OfferCheck {
  std::string offered;  // "NT LM 0.12", "3.1.1", "AES-128-GCM"
  OfferAnswer answer = OfferAnswer::failed;
  std::string detail;  // "DialectIndex 0xFFFF", "STATUS_NOT_SUPPORTED (0xc00000bb)", reason

  template <class V>
  void fields(V& v) {
    v("offered", offered);
    v("answer", answer);
    v.optional("detail", detail);
  }
};

struct Smb1Info {
  Outcome outcome;  // ok when the dialect offers could be made
  bool enabled = false;
  std::vector<std::string> dialects;  // accepted, in offer order
  std::vector<OfferCheck> checks;     // every dialect with its answer
  std::optional<Signing> signing;     // from the NT LM 0.12 answer
  std::optional<std::uint8_t> security_mode;
  std::vector<std::string> capabilities;
  std::string server_time;
  std::optional<std::uint32_t> max_buffer_size;
  std::optional<std::uint16_t> max_mpx_count;
  bool extended_security = false;
  std::string domain_name;
  std::string server_name;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("enabled", enabled);
    v("dialects", dialects);
    v("checks", checks);
    v.optional("signing", signing);
    v.optional("security_mode", security_mode);
    v.optional("capabilities", capabilities);
    v.optional("server_time", server_time);
    v.optional("max_buffer_size", max_buffer_size);
    v.optional("max_mpx_count", max_mpx_count);
    if (v.when(enabled)) v("extended_security", extended_security);
    v.optional("domain_name", domain_name);
    v.optional("server_name", server_name);
  }
};

struct MultiProtocol {
  Outcome outcome;
  std::string answer;   // "smb1", "smb2", "none", "closed", "reset", "timeout"
  std::string dialect;  // "NT LM 0.12", "2.0.2", "2.???"

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("answer", answer);
    v("dialect", dialect);
  }
};

struct Smb2DialectDetail {
  std::string dialect;
  Signing signing;
  std::uint16_t security_mode = 0;
  std::vector<std::string> capabilities;
  std::uint32_t max_transact_size = 0;
  std::uint32_t max_read_size = 0;
  std::uint32_t max_write_size = 0;
  std::string server_guid;
  std::string system_time;
  std::string server_start_time;
  std::vector<std::string> security_mechanisms;  // from SPNEGO negTokenInit

  // The dialect is the key of its object in "details" (Smb2Info::details_to_json).
  template <class V>
  void fields(V& v) {
    v("signing", signing);
    v("security_mode", security_mode);
    v("capabilities", capabilities);
    v("max_transact_size", max_transact_size);
    v("max_read_size", max_read_size);
    v("max_write_size", max_write_size);
    v("server_guid", server_guid);
    v("system_time", system_time);
    v("server_start_time", server_start_time);
    v("security_mechanisms", security_mechanisms);
  }
};

struct Smb2Info {
  Outcome outcome;
  std::vector<std::string> dialects;  // accepted
  std::vector<std::string> rejected;
  std::vector<OfferCheck> checks;
  std::vector<Smb2DialectDetail> details;
  std::optional<Signing> signing;  // of the highest accepted dialect
  // SMB 3.1.1 negotiate contexts (only when 3.1.1 is accepted)
  std::vector<std::string> preauth_integrity;
  std::vector<std::string> encryption_ciphers;  // accepted, each offered alone
  std::vector<OfferCheck> cipher_checks;
  std::vector<std::string> signing_algorithms;  // accepted, each offered alone
  std::vector<OfferCheck> signing_algorithm_checks;
  std::vector<std::string> compression;  // what the server returned for the full offer
  bool contexts_tested = false;

  // "details": {"3.1.1": {...}, ...}, one object per accepted dialect under its name.
  [[nodiscard]] nlohmann::json details_to_json() const;
  void details_from_json(const nlohmann::json& j);

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("dialects", dialects);
    v("rejected", rejected);
    v("checks", checks);
    v.optional("signing", signing);
    v("encryption_ciphers", encryption_ciphers);
    v("signing_algorithms", signing_algorithms);
    v("compression", compression);
    v("preauth_integrity", preauth_integrity);
    v("contexts_tested", contexts_tested);
    if (v.when(contexts_tested)) {
      v("cipher_checks", cipher_checks);
      v("signing_algorithm_checks", signing_algorithm_checks);
    }
    v.custom(
        "details", [&] { return details_to_json(); }, [&](const nlohmann::json& j) { details_from_json(j); });
  }
};

struct NtlmInfo {
  Outcome outcome;
  std::string via;  // "smb2 3.1.1", "smb1 NT LM 0.12"
  std::string netbios_computer;
  std::string netbios_domain;
  std::string dns_computer;
  std::string dns_domain;
  std::string dns_tree;
  std::string os_version;  // major.minor.build from the CHALLENGE Version field
  std::optional<std::uint8_t> ntlm_revision;
  std::string server_time;  // MsvAvTimestamp
  std::string target_name;
  std::vector<std::string> negotiate_flags;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v.optional("via", via);
    if (!v.when(outcome.ok())) return;
    v("netbios_computer", netbios_computer);
    v("netbios_domain", netbios_domain);
    v("dns_computer", dns_computer);
    v("dns_domain", dns_domain);
    v("dns_tree", dns_tree);
    v("os_version", os_version);
    v.optional("ntlm_revision", ntlm_revision);
    v.optional("server_time", server_time);
    v.optional("target_name", target_name);
    v("negotiate_flags", negotiate_flags);
  }
};

struct PortResult {
  std::uint16_t port = 0;
  std::string transport;    // "direct-tcp" or "netbios-ssn"
  std::string called_name;  // NBSS called name that was accepted (139 only)
  Outcome outcome;
  std::optional<Smb1Info> smb1;
  std::optional<MultiProtocol> multiprotocol;
  std::optional<Smb2Info> smb2;
  std::optional<NtlmInfo> ntlm;
  std::optional<Sessions> sessions;    // what the server grants after the negotiate
  std::vector<ShareAccess> shares;     // the trees connected, in the session each was tried in
  std::vector<ShareList> share_lists;  // NetrShareEnum in each SMB2/3 session that connected IPC$

  // The port is the key of its object in "ports" (SmbResult::ports_to_json).
  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("transport", transport);
    v.optional("called_name", called_name);
    v.optional("smb1", smb1);
    v.optional("multiprotocol", multiprotocol);
    v.optional("smb2", smb2);
    v.optional("ntlm", ntlm);
    v.optional("sessions", sessions);
    v.optional("shares", shares);
    v.optional("share_lists", share_lists);
  }
};

// The findings of a port's sessions and trees (smb_session_findings.cpp); `port` is "445/tcp".
void session_findings(const std::string& port, const PortResult& p, std::vector<Finding>& out);
// The findings of its share lists (smb_share_list_findings.cpp).
void share_list_findings(const std::string& port, const PortResult& p, std::vector<Finding>& out);

struct SmbResult final : ProbeResult {
  std::vector<PortResult> ports;
  [[nodiscard]] nlohmann::json to_json() const override;
  void findings(std::vector<Finding>& out) const override;

  // "ports": {"445": {...}, "139": {...}}, one object per port under its number.
  [[nodiscard]] nlohmann::json ports_to_json() const;
  void ports_from_json(const nlohmann::json& j);

  template <class V>
  void fields(V& v) {
    v.outcome(status, reason);
    v.custom(
        "ports", [&] { return ports_to_json(); }, [&](const nlohmann::json& j) { ports_from_json(j); });
  }
};

}  // namespace legacyscan::smb
