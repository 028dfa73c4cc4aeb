// SPDX-License-Identifier: Apache-2.0
#include "probes/tls/tls_result.hpp"

#include <algorithm>
#include <cstdio>

#include "legacyscan/engine/port_state.hpp"
#include "legacyscan/strings.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::tls {

using nlohmann::json;

std::string_view to_string(VersionVerdict v) {
  switch (v) {
    case VersionVerdict::accepted: return "accepted";
    case VersionVerdict::rejected: return "rejected";
    case VersionVerdict::failed: return "failed";
  }
  return "failed";
}

bool from_string(std::string_view s, VersionVerdict& out) {
  return enum_from_string(s, out, {VersionVerdict::accepted, VersionVerdict::rejected, VersionVerdict::failed});
}

bool Endpoint::accepted(std::uint16_t version) const {
  return std::any_of(versions.begin(), versions.end(), [&](const VersionCheck& c) {
    return c.version == version && c.verdict == VersionVerdict::accepted;
  });
}

void apply_verdicts(Endpoint& e) {
  bool any_suite = false, all_pfs = true;
  std::vector<std::string> why;
  auto add = [&](std::string r) {
    if (std::find(why.begin(), why.end(), r) == why.end()) why.push_back(std::move(r));
  };
  for (const auto& c : e.versions)
    if (c.verdict == VersionVerdict::accepted && c.version < TLS1_2_VERSION) add(version_name(c.version) + " accepted");
  if (!e.accepted(TLS1_2_VERSION) && !e.accepted(TLS1_3_VERSION)) add("neither TLS 1.2 nor TLS 1.3 accepted");
  for (const auto& [v, list] : e.ciphers)
    for (const auto& s : list) {
      any_suite = true;
      all_pfs = all_pfs && s.pfs;
      const std::string where = s.name + " (" + version_name(v) + ")";
      if (!s.pfs) add(where + ": no forward secrecy");
      if (s.weak) add(where + ": weak cipher");
      if (s.pfs && s.kex_bits) {
        if (s.kex == "DH" && *s.kex_bits < kBsiMinDhBits)
          add(where + ": DH " + std::to_string(*s.kex_bits) + " bits < " + std::to_string(kBsiMinDhBits));
        if (s.kex == "ECDH" && *s.kex_bits < kBsiMinEcBits)
          add(where + ": ECDH " + std::to_string(*s.kex_bits) + " bits < " + std::to_string(kBsiMinEcBits));
      }
    }
  if (!any_suite) add("no cipher suite found");
  e.pfs_only = any_suite && all_pfs;
  e.bsi_minimum = why.empty();
  e.bsi_reasons = std::move(why);
}

std::string AcceptedSuite::hex() const {
  if (!ssl2_kind) return cipher_suite_hex(id);
  char buf[12];
  std::snprintf(buf, sizeof buf, "0x%06X", ssl2_kind);
  return buf;
}

void AcceptedSuite::set_hex(const std::string& hex) {
  const auto value = std::stoul(hex, nullptr, 16);
  if (hex.size() > 6)
    ssl2_kind = static_cast<std::uint32_t>(value);
  else
    id = static_cast<std::uint16_t>(value);
}

namespace {

// version_key's inverse: "tls1.2" -> 0x0303.
std::uint16_t version_of_key(const std::string& key) {
  for (std::uint16_t v : {SSL2_VERSION, SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION})
    if (version_key(v) == key) return v;
  return static_cast<std::uint16_t>(std::stoul(key, nullptr, 16));
}

VersionCheck& check_of(std::vector<VersionCheck>& versions, std::uint16_t version) {
  for (auto& c : versions)
    if (c.version == version) return c;
  versions.push_back({version, VersionVerdict::failed, {}});
  return versions.back();
}

}  // namespace

json Endpoint::versions_to_json() const {
  json j = json::object();
  for (const auto& c : versions) j[version_key(c.version)] = to_string(c.verdict);
  return j;
}

void Endpoint::versions_from_json(const json& j) {
  for (const auto& [key, verdict] : j.items())
    if (!from_string(verdict.get<std::string>(), check_of(versions, version_of_key(key)).verdict))
      throw fields::ReadError("unknown version verdict " + verdict.dump());
}

json Endpoint::version_answers_to_json() const {
  json j = json::object();
  for (const auto& c : versions) j[version_key(c.version)] = c.answer;
  return j;
}

void Endpoint::version_answers_from_json(const json& j) {
  for (const auto& [key, answer] : j.items())
    check_of(versions, version_of_key(key)).answer = answer.get<std::string>();
}

json Endpoint::ciphers_to_json() const {
  json j = json::object();
  for (const auto& [v, list] : ciphers) j[version_key(v)] = fields::write_value(list);
  return j;
}

void Endpoint::ciphers_from_json(const json& j) {
  ciphers.clear();
  for (const auto& [key, list] : j.items()) fields::read_value(list, ciphers[version_of_key(key)], key);
}

json Endpoint::cipher_errors_to_json() const {
  json j = json::object();
  for (const auto& [v, why] : cipher_errors) j[version_key(v)] = why;
  return j;
}

void Endpoint::cipher_errors_from_json(const json& j) {
  cipher_errors.clear();
  for (const auto& [key, why] : j.items()) cipher_errors[version_of_key(key)] = why.get<std::string>();
}

json endpoint_json(const Endpoint& e) { return fields::to_json(e); }

json TlsResult::to_json() const { return fields::to_json(*this); }

namespace {
// "tls.version.1.0", "tls.version.ssl3": the check id of one version's finding.
std::string version_check(std::uint16_t version) {
  std::string key = version_key(version);
  if (key.rfind("tls", 0) == 0) key.erase(0, 3);
  return "tls.version." + key;
}
}  // namespace

Finding certificate_finding(const std::string& port, const std::string& check, const CertificateInfo& c,
                            const std::string& error) {
  std::string v = c.subject + "; " + c.key_type + " " + std::to_string(c.key_bits) + "; " + c.signature_algorithm +
                  "; " + std::to_string(c.days_left) + " days left" + (c.self_signed ? "; self-signed" : "");
  Verdict verdict = Verdict::info;
  if (c.sha1_signature || c.days_left < 0 || (c.key_type == "RSA" && c.key_bits < 2048))
    verdict = Verdict::bad;
  else if (c.self_signed)
    verdict = Verdict::warn;
  return {port, check, "certificate", v, verdict, error};
}

void TlsResult::findings(std::vector<Finding>& out) const {
  for (const auto& e : endpoints) {
    const std::string port = std::to_string(e.port) + "/tcp";
    const std::string label = e.starttls ? " (STARTTLS " + *e.starttls + ")" : " (" + e.service + ")";
    if (is_closed(e.outcome)) {
      out.push_back(closed_port(port, "tls.endpoint", "TLS" + label, e.outcome));
      continue;
    }
    if (!e.outcome.ok()) {
      out.push_back({port, "tls.endpoint", "TLS" + label, e.outcome.reason, Verdict::failure});
      continue;
    }
    // The version x endpoint grid: one row per version.
    for (const auto& c : e.versions) {
      Verdict v = Verdict::info;
      const bool legacy = c.version < TLS1_2_VERSION;
      if (c.verdict == VersionVerdict::accepted)
        v = legacy ? Verdict::bad : Verdict::good;
      else if (c.verdict == VersionVerdict::rejected)
        v = legacy ? Verdict::good : Verdict::info;
      else
        v = Verdict::failure;
      std::string value(to_string(c.verdict));
      if (c.verdict == VersionVerdict::accepted && e.ciphers.count(c.version))
        value += " (" + std::to_string(e.ciphers.at(c.version).size()) + " suites)";
      else if (!c.answer.empty())
        value += " (" + c.answer + ")";
      out.push_back({port, version_check(c.version), version_name(c.version) + label, value, v, c.answer});
    }
    std::vector<std::string> weak;
    for (const auto& [ver, list] : e.ciphers)
      for (const auto& s : list)
        if (s.weak && std::find(weak.begin(), weak.end(), s.name) == weak.end()) weak.push_back(s.name);
    std::string weak_text;
    for (const auto& w : weak) weak_text += (weak_text.empty() ? "" : ", ") + w;
    out.push_back({port, "tls.weak_ciphers", "weak cipher suites", weak.empty() ? "none" : weak_text,
                   weak.empty() ? Verdict::good : Verdict::bad});
    out.push_back({port, "tls.pfs_only", "every suite has forward secrecy", e.pfs_only ? "yes" : "no",
                   e.pfs_only ? Verdict::good : Verdict::warn});
    std::string bsi = e.bsi_minimum ? "met" : "not met";
    for (std::size_t i = 0; i < e.bsi_reasons.size() && i < 3; ++i) bsi += (i ? "; " : ": ") + e.bsi_reasons[i];
    if (e.bsi_reasons.size() > 3) bsi += "; +" + std::to_string(e.bsi_reasons.size() - 3) + " more";
    out.push_back({port, "tls.bsi_minimum", "BSI TR-02102-2 minimum (TLS 1.2+, PFS, DH >= 3000, ECC >= 250)", bsi,
                   e.bsi_minimum ? Verdict::good : Verdict::bad, join(e.bsi_reasons, "; ")});
    if (!e.ecdh_groups.empty()) {
      std::string g;
      for (const auto& n : e.ecdh_groups) g += (g.empty() ? "" : ", ") + n;
      out.push_back({port, "tls.ecdh_groups", "ECDHE curves (TLS <= 1.2)", g, Verdict::info});
    }
    if (e.small_hello_retry)
      out.push_back({port, "tls.small_hello_retry", "ClientHello size",
                     "full-size hellos dropped; scanned with hellos under 256 bytes", Verdict::warn});
    if (e.server_order)
      out.push_back({port, "tls.server_order", "server cipher order", *e.server_order ? "enforced" : "client's order",
                     Verdict::info});
    if (e.secure_renegotiation)
      out.push_back({port, "tls.secure_renegotiation", "secure renegotiation (RFC 5746)",
                     *e.secure_renegotiation ? "supported" : "not supported",
                     *e.secure_renegotiation ? Verdict::good : Verdict::bad});
    if (e.fallback_scsv)
      out.push_back({port, "tls.fallback_scsv", "TLS_FALLBACK_SCSV (RFC 7507)",
                     *e.fallback_scsv ? "honoured" : "ignored", *e.fallback_scsv ? Verdict::good : Verdict::warn});
    if (e.certificate) out.push_back(certificate_finding(port, "tls.certificate", *e.certificate, e.certificate_error));
  }
  dtls_findings(dtls_endpoints, out);
}

}  // namespace legacyscan::tls
