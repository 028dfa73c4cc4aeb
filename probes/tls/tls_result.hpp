// SPDX-License-Identifier: Apache-2.0
// The TLS probe's typed result. JSON key names are a contract (docs/probes/tls.md); each struct lists
// them once in fields() (legacyscan/engine/fields.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"
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
bool from_string(std::string_view s, VersionVerdict& out);

struct VersionCheck {
  std::uint16_t version = 0;
  VersionVerdict verdict = VersionVerdict::failed;
  std::string answer;  // "ServerHello TLS 1.2", "alert handshake_failure", "closed", "ServerHello TLS 1.0"
};

struct AcceptedSuite {
  std::uint16_t id = 0;  // TLS cipher suite, or SSL 2.0 CIPHER-KIND (3 bytes)
  std::string name;      // IANA name (SSL_CK_... for SSL 2.0)
  std::string kex;       // "ECDH", "DH", "RSA", "PSK", "ANY"...
  std::optional<int> kex_bits;
  std::optional<std::string> group;  // named group of an (EC)DHE exchange
  bool pfs = false;
  bool weak = false;
  bool export_grade = false;
  std::uint32_t ssl2_kind = 0;  // SSL 2.0 only

  // "hex": "0x002F", or "0x010080" for an SSL 2.0 CIPHER-KIND.
  [[nodiscard]] std::string hex() const;
  void set_hex(const std::string& hex);

  template <class V>
  void fields(V& v) {
    v("iana", name);
    v.custom(
        "hex", [&] { return nlohmann::json(hex()); }, [&](const nlohmann::json& j) { set_hex(j.get<std::string>()); });
    v("kex", kex);
    v("kex_bits", kex_bits);
    v("pfs", pfs);
    v("weak", weak);
    v("export", export_grade);
    v.optional("group", group);
  }
};

// The certificate facts, and where the chain came from.
struct CertificateInfo : CertificateFacts {
  std::string source;  // "handshake" (hand-built TLS <= 1.2 flight) or "openssl"

  template <class V>
  void fields(V& v) {
    v("subject", subject);
    v("san", san);
    v("issuer", issuer);
    v("self_signed", self_signed);
    v("key_type", key_type);
    v("key_bits", key_bits);
    v("signature_algorithm", signature_algorithm);
    v("sha1_signature", sha1_signature);
    v("not_before", not_before);
    v("not_after", not_after);
    v("days_left", days_left);
    v("chain", chain);
    v("source", source);
  }
};

struct Endpoint {
  std::uint16_t port = 0;
  std::string service;                                          // "ldaps", "https", "ldap" ...
  std::optional<std::string> starttls;                          // "ldap", "smtp" ... or none for implicit TLS
  Outcome outcome;                                              // ok when the server spoke TLS to at least one offer
  std::vector<VersionCheck> versions;                           // ssl2 .. tls1.3, in that order
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
  bool small_hello_retry = false;  // full-size hellos were dropped; a hello under 256 bytes was answered  // TLS 1.3
                                   // needed an HRR for our x25519 key share
  std::optional<CertificateInfo> certificate;
  std::string certificate_error;
  [[nodiscard]] bool accepted(std::uint16_t version) const;

  // "versions" ({"tls1.0": "rejected", ...}) and "version_answers" ({"tls1.0": "alert ..."}), both from
  // `versions`; "ciphers" and "cipher_errors" keyed the same way.
  [[nodiscard]] nlohmann::json versions_to_json() const;
  void versions_from_json(const nlohmann::json& j);
  [[nodiscard]] nlohmann::json version_answers_to_json() const;
  void version_answers_from_json(const nlohmann::json& j);
  [[nodiscard]] nlohmann::json ciphers_to_json() const;
  void ciphers_from_json(const nlohmann::json& j);
  [[nodiscard]] nlohmann::json cipher_errors_to_json() const;
  void cipher_errors_from_json(const nlohmann::json& j);

  template <class V>
  void fields(V& v) {
    using nlohmann::json;
    v("port", port);
    v("service", service);
    v("starttls", starttls);
    v.outcome(outcome);
    v.custom(
        "versions", [&] { return versions_to_json(); }, [&](const json& j) { versions_from_json(j); });
    v.custom(
        "version_answers", [&] { return version_answers_to_json(); },
        [&](const json& j) { version_answers_from_json(j); });
    v.custom(
        "ciphers", [&] { return ciphers_to_json(); }, [&](const json& j) { ciphers_from_json(j); });
    v.custom_optional(
        "cipher_errors", [&] { return cipher_errors_to_json(); }, [&](const json& j) { cipher_errors_from_json(j); });
    v("server_order", server_order);
    v("pfs_only", pfs_only);
    v("bsi_minimum", bsi_minimum);
    if (v.when(outcome.ok() && !bsi_minimum)) v("bsi_reasons", bsi_reasons);
    v("secure_renegotiation", secure_renegotiation);
    v("fallback_scsv", fallback_scsv);
    v("tls13_groups", tls13_groups);
    v("ecdh_groups", ecdh_groups);
    v("hello_retry_request", hello_retry_request);
    v("small_hello_retry", small_hello_retry);
    v("certificate", certificate);
    v.optional("certificate_error", certificate_error);
  }
};

// ---- DTLS: one entry per UDP port of --dtls-ports (hosts[].probes.tls.dtls_endpoints[]) ----

// One DTLS version offered alone, and the suites it accepts.
struct DtlsVersionCheck {
  std::string version;  // "dtls1.0", "dtls1.2", "dtls1.3"
  VersionVerdict verdict = VersionVerdict::failed;
  std::string answer;   // "ServerHello DTLS 1.2", "alert protocol_version", "no answer"
  bool cookie = false;  // the answer came after a HelloVerifyRequest round trip (RFC 6347 4.2.1)
  std::vector<AcceptedSuite> ciphers;
  std::string cipher_error;  // the enumeration was cut short: why

  template <class V>
  void fields(V& v) {
    v("version", version);
    v("verdict", verdict);
    v("answer", answer);
    v("cookie", cookie);
    v("ciphers", ciphers);
    v.optional("cipher_error", cipher_error);
  }
};

struct DtlsEndpoint {
  std::uint16_t port = 0;
  std::string transport = "udp";
  Outcome outcome;  // ok when the port answered at least one hello in DTLS
  std::vector<DtlsVersionCheck> versions;
  int exchanges = 0;                           // datagrams sent and answered, HelloVerifyRequest round trips included
  std::optional<CertificateInfo> certificate;  // from a DTLS <= 1.2 handshake's Certificate message
  std::string certificate_error;

  template <class V>
  void fields(V& v) {
    v("port", port);
    v("transport", transport);
    v.outcome(outcome);
    v("versions", versions);
    v("exchanges", exchanges);
    v.optional("certificate", certificate);
    v.optional("certificate_error", certificate_error);
  }
};

// The certificate finding of a TLS or DTLS endpoint (check "tls.certificate" or "dtls.certificate"):
// BAD for a SHA-1 (or older) signature, an expired certificate or an RSA key under 2048 bits, WARN
// when self-signed, else info.
Finding certificate_finding(const std::string& port, const std::string& check, const CertificateInfo& c,
                            const std::string& error);

// "dtls.version.1.0": DTLS 1.0 accepted is BAD as TLS 1.1 is (RFC 4347 follows TLS 1.1; RFC 8996
// deprecates both); DTLS 1.2 and 1.3 accepted are GOOD. Plus a weak-suite and a certificate finding
// per port.
void dtls_findings(const std::vector<DtlsEndpoint>& endpoints, std::vector<Finding>& out);

struct TlsResult final : ProbeResult {
  std::vector<Endpoint> endpoints;
  std::vector<DtlsEndpoint> dtls_endpoints;
  [[nodiscard]] nlohmann::json to_json() const override;
  void findings(std::vector<Finding>& out) const override;

  template <class V>
  void fields(V& v) {
    v.outcome(status, reason);
    v("endpoints", endpoints);
    v.optional("dtls_endpoints", dtls_endpoints);
  }
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
