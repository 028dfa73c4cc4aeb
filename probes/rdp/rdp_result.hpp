// SPDX-License-Identifier: Apache-2.0
// The rdp probe's typed result. JSON key names are a contract with scripts (docs/probes/rdp.md); each
// struct lists them once in fields() (legacyscan/engine/fields.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/probe.hpp"

namespace legacyscan::rdp {

// One X.224 Connection Request with RDP_NEG_REQ and the server's answer.
struct Negotiation {
  Outcome outcome;
  std::string requested;  // "PROTOCOL_SSL|PROTOCOL_HYBRID"
  std::uint32_t requested_protocols = 0;
  std::string answer;    // "response", "failure", "none" (no RDP_NEG_* data: a pre-XP SP2 server)
  std::string selected;  // response: "PROTOCOL_SSL"
  std::string failure;   // failure: "HYBRID_REQUIRED_BY_SERVER"
  // A TLS-based protocol selected (SSL, HYBRID, HYBRID_EX, RDSTLS): the ServerHello of the TLS
  // handshake that follows, or why there was none.
  std::string tls_version;  // "tls1.2"
  std::string tls_cipher;   // IANA name
  std::string tls_error;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("requested", requested);
    v("requested_protocols", requested_protocols);
    if (!v.when(outcome.ok())) return;
    v("answer", answer);
    v.optional("selected", selected);
    v.optional("failure", failure);
    v.optional("tls_version", tls_version);
    v.optional("tls_cipher", tls_cipher);
    v.optional("tls_error", tls_error);
  }
};

// Standard RDP Security: the server's security data in the MCS Connect Response ([MS-RDPBCGR] 2.2.1.4.3).
struct StandardSecurity {
  Outcome outcome;
  std::vector<std::string> offered_methods;  // what the client offered: 40BIT, 56BIT, 128BIT, FIPS
  std::string encryption_method;             // the one the server chose, "NONE" when none
  std::string encryption_level;              // NONE, LOW, CLIENT_COMPATIBLE, HIGH, FIPS
  std::string server_certificate;            // "proprietary", "x509", "" when none sent
  bool certificate_temporary = false;
  std::string rdp_version;  // SC_CORE version: "5.0+" (0x00080004), "4.0" (0x00080001), else hex

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("offered_methods", offered_methods);
    if (!v.when(outcome.ok())) return;
    v("encryption_method", encryption_method);
    v("encryption_level", encryption_level);
    v.optional("server_certificate", server_certificate);
    v.optional("certificate_temporary", certificate_temporary);
    v("rdp_version", rdp_version);
  }
};

struct Endpoint {
  Outcome outcome;
  std::uint16_t port = 3389;
  std::vector<Negotiation> negotiations;
  bool standard_security_accepted = false;  // a PROTOCOL_RDP request got PROTOCOL_RDP (or no negotiation)
  bool nla_required = false;                // neither PROTOCOL_RDP nor PROTOCOL_SSL alone was accepted
  std::vector<std::string> accepted;        // every protocol some request got selected
  std::optional<StandardSecurity> standard_security;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("port", port);
    if (!v.when(outcome.ok())) return;
    v("negotiations", negotiations);
    v("standard_security_accepted", standard_security_accepted);
    v("nla_required", nla_required);
    v("accepted", accepted);
    v.optional("standard_security", standard_security);
  }
};

struct RdpResult final : ProbeResult {
  std::vector<Endpoint> endpoints;

  [[nodiscard]] nlohmann::json to_json() const override;
  void findings(std::vector<Finding>& out) const override;

  template <class V>
  void fields(V& v) {
    v.outcome(status, reason);
    v("endpoints", endpoints);
  }
};

}  // namespace legacyscan::rdp
