// SPDX-License-Identifier: Apache-2.0
// The TLS probe's typed result. JSON key names are a contract (docs/probes/tls.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "src/proto/tls/tls_certificate.hpp"

namespace legacyscan::tls {

// How one protocol version fared when offered alone.
enum class VersionVerdict {
  accepted,  // the server answered with a hello of exactly this version
  rejected,  // alert, close, reset, or a hello of another version
  failed,    // could not tell: timeout, connect failure, not TLS, malformed answer (see detail)
};
std::string_view to_string(VersionVerdict v);

struct VersionCheck {
  std::uint16_t version = 0;
  VersionVerdict verdict = VersionVerdict::failed;
  std::string answer;  // "ServerHello TLS 1.2", "alert handshake_failure", "closed", "ServerHello TLS 1.0"
};

struct AcceptedSuite {
  std::uint16_t id = 0;        // TLS cipher suite, or SSL 2.0 CIPHER-KIND (3 bytes)
  std::string name;            // IANA name (SSL_CK_... for SSL 2.0)
  std::string kex;             // "ECDH", "DH", "RSA", "PSK", "ANY"...
  std::optional<int> kex_bits;
  std::optional<std::string> group;  // named group of an (EC)DHE exchange
  bool pfs = false;
  bool weak = false;
  bool export_grade = false;
  std::uint32_t ssl2_kind = 0;  // SSL 2.0 only
};

// The certificate facts, and where the chain came from.
struct CertificateInfo : CertificateFacts {
  std::string source;  // "handshake" (hand-built TLS <= 1.2 flight) or "openssl"
};

struct Endpoint {
  std::uint16_t port = 0;
  std::string service;                 // "ldaps", "https", "ldap" ...
  std::optional<std::string> starttls;  // "ldap", "smtp" ... or none for implicit TLS
  Outcome outcome;                      // ok when the server spoke TLS to at least one offer
  std::vector<VersionCheck> versions;   // ssl2 .. tls1.3, in that order
  std::map<std::uint16_t, std::vector<AcceptedSuite>> ciphers;  // by version
  std::map<std::uint16_t, std::string> cipher_errors;           // enumeration cut short: why
  std::optional<bool> server_order;
  bool pfs_only = false;
  bool bsi_minimum = false;
  std::vector<std::string> bsi_reasons;  // why bsi_minimum is false (empty when it holds)
  std::optional<bool> secure_renegotiation;
  std::optional<bool> fallback_scsv;
  std::vector<std::string> tls13_groups;
  std::vector<std::string> ecdh_groups;  // TLS <= 1.2 ECDHE named curves, each offered alone
  std::optional<bool> hello_retry_request;
  bool small_hello_retry = false;  // full-size hellos were dropped; a hello under 256 bytes was answered  // TLS 1.3 needed an HRR for our x25519 key share
  std::optional<CertificateInfo> certificate;
  std::string certificate_error;
  [[nodiscard]] bool accepted(std::uint16_t version) const;
};

struct TlsResult final : ProbeResult {
  std::vector<Endpoint> endpoints;
  [[nodiscard]] nlohmann::json to_json() const override;
  void table_rows(std::vector<TableRow>& out) const override;
};

nlohmann::json endpoint_json(const Endpoint& e);

// BSI TR-02102-2 (2024) minimum key exchange strengths: finite-field DH groups of 3000 bits, elliptic
// curves of 250 bits (x25519 counts 253, as OpenSSL reports it).
constexpr int kBsiMinDhBits = 3000;
constexpr int kBsiMinEcBits = 250;

// pfs_only, bsi_minimum and bsi_reasons from the versions and suites found: the BSI minimum is TLS 1.2
// or 1.3 only, every suite with forward secrecy, no weak suite, and every (EC)DHE exchange at least as
// strong as the thresholds above.
void apply_verdicts(Endpoint& e);

}  // namespace legacyscan::tls
