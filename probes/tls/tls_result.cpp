// SPDX-License-Identifier: Apache-2.0
#include "probes/tls/tls_result.hpp"

#include <algorithm>
#include <cstdio>

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

namespace {

template <class T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json suite_json(const AcceptedSuite& s) {
  json j{{"iana", s.name}, {"kex", s.kex}, {"kex_bits", opt(s.kex_bits)}, {"pfs", s.pfs}, {"weak", s.weak},
         {"export", s.export_grade}};
  if (s.ssl2_kind) {
    char buf[12];
    std::snprintf(buf, sizeof buf, "0x%06X", s.ssl2_kind);
    j["hex"] = buf;
  } else {
    j["hex"] = cipher_suite_hex(s.id);
  }
  if (s.group) j["group"] = *s.group;
  return j;
}

json certificate_json(const CertificateInfo& c) {
  return json{{"subject", c.subject},
              {"san", c.san},
              {"issuer", c.issuer},
              {"self_signed", c.self_signed},
              {"key_type", c.key_type},
              {"key_bits", c.key_bits},
              {"signature_algorithm", c.signature_algorithm},
              {"sha1_signature", c.sha1_signature},
              {"not_before", c.not_before},
              {"not_after", c.not_after},
              {"days_left", c.days_left},
              {"chain", c.chain},
              {"source", c.source}};
}

}  // namespace

json endpoint_json(const Endpoint& e) {
  json j;
  j["port"] = e.port;
  j["service"] = e.service;
  j["starttls"] = opt(e.starttls);
  j["status"] = legacyscan::to_string(e.outcome.status);
  if (!e.outcome.ok()) j["reason"] = e.outcome.reason;
  json versions = json::object();
  json answers = json::object();
  for (const auto& c : e.versions) {
    versions[version_key(c.version)] = to_string(c.verdict);
    answers[version_key(c.version)] = c.answer;
  }
  j["versions"] = versions;
  j["version_answers"] = answers;
  json ciphers = json::object();
  for (const auto& [v, list] : e.ciphers) {
    json a = json::array();
    for (const auto& s : list) a.push_back(suite_json(s));
    ciphers[version_key(v)] = a;
  }
  j["ciphers"] = ciphers;
  if (!e.cipher_errors.empty()) {
    json errs = json::object();
    for (const auto& [v, why] : e.cipher_errors) errs[version_key(v)] = why;
    j["cipher_errors"] = errs;
  }
  j["server_order"] = opt(e.server_order);
  j["pfs_only"] = e.pfs_only;
  j["bsi_minimum"] = e.bsi_minimum;
  if (e.outcome.ok() && !e.bsi_minimum) j["bsi_reasons"] = e.bsi_reasons;
  j["secure_renegotiation"] = opt(e.secure_renegotiation);
  j["fallback_scsv"] = opt(e.fallback_scsv);
  j["tls13_groups"] = e.tls13_groups;
  j["ecdh_groups"] = e.ecdh_groups;
  j["hello_retry_request"] = opt(e.hello_retry_request);
  j["small_hello_retry"] = e.small_hello_retry;
  j["certificate"] = e.certificate ? certificate_json(*e.certificate) : json(nullptr);
  if (!e.certificate_error.empty()) j["certificate_error"] = e.certificate_error;
  return j;
}

json TlsResult::to_json() const {
  json j;
  j["status"] = legacyscan::to_string(status);
  if (status != Status::ok) j["reason"] = reason;
  json eps = json::array();
  for (const auto& e : endpoints) eps.push_back(endpoint_json(e));
  j["endpoints"] = eps;
  return j;
}

void TlsResult::table_rows(std::vector<TableRow>& out) const {
  for (const auto& e : endpoints) {
    const std::string port = std::to_string(e.port) + "/tcp";
    const std::string label = e.starttls ? " (STARTTLS " + *e.starttls + ")" : " (" + e.service + ")";
    if (!e.outcome.ok()) {
      out.push_back({port, "TLS" + label, e.outcome.reason, Verdict::failure});
      continue;
    }
    // The version x endpoint grid: one row per version.
    for (const auto& c : e.versions) {
      Verdict v = Verdict::info;
      const bool legacy = c.version < TLS1_2_VERSION;
      if (c.verdict == VersionVerdict::accepted) v = legacy ? Verdict::bad : Verdict::good;
      else if (c.verdict == VersionVerdict::rejected) v = legacy ? Verdict::good : Verdict::info;
      else v = Verdict::failure;
      std::string value(to_string(c.verdict));
      if (c.verdict == VersionVerdict::accepted && e.ciphers.count(c.version))
        value += " (" + std::to_string(e.ciphers.at(c.version).size()) + " suites)";
      else if (!c.answer.empty())
        value += " (" + c.answer + ")";
      out.push_back({port, version_name(c.version) + label, value, v});
    }
    std::vector<std::string> weak;
    for (const auto& [ver, list] : e.ciphers)
      for (const auto& s : list)
        if (s.weak && std::find(weak.begin(), weak.end(), s.name) == weak.end()) weak.push_back(s.name);
    std::string weak_text;
    for (const auto& w : weak) weak_text += (weak_text.empty() ? "" : ", ") + w;
    out.push_back({port, "weak cipher suites", weak.empty() ? "none" : weak_text, weak.empty() ? Verdict::good : Verdict::bad});
    out.push_back({port, "forward secrecy only", e.pfs_only ? "yes" : "no", e.pfs_only ? Verdict::good : Verdict::warn});
    std::string bsi = e.bsi_minimum ? "met" : "not met";
    for (std::size_t i = 0; i < e.bsi_reasons.size() && i < 3; ++i) bsi += (i ? "; " : ": ") + e.bsi_reasons[i];
    if (e.bsi_reasons.size() > 3) bsi += "; +" + std::to_string(e.bsi_reasons.size() - 3) + " more";
    out.push_back({port, "BSI TR-02102-2 minimum (TLS 1.2+, PFS, DH >= 3000, ECC >= 250)", bsi,
                   e.bsi_minimum ? Verdict::good : Verdict::bad});
    if (!e.ecdh_groups.empty()) {
      std::string g;
      for (const auto& n : e.ecdh_groups) g += (g.empty() ? "" : ", ") + n;
      out.push_back({port, "ECDHE curves (TLS <= 1.2)", g, Verdict::info});
    }
    if (e.small_hello_retry)
      out.push_back({port, "ClientHello size", "full-size hellos dropped; scanned with hellos under 256 bytes",
                     Verdict::warn});
    if (e.server_order)
      out.push_back({port, "server cipher order", *e.server_order ? "enforced" : "client's order", Verdict::info});
    if (e.secure_renegotiation)
      out.push_back({port, "secure renegotiation (RFC 5746)", *e.secure_renegotiation ? "supported" : "not supported",
                     *e.secure_renegotiation ? Verdict::good : Verdict::bad});
    if (e.fallback_scsv)
      out.push_back({port, "TLS_FALLBACK_SCSV (RFC 7507)", *e.fallback_scsv ? "honoured" : "ignored",
                     *e.fallback_scsv ? Verdict::good : Verdict::warn});
    if (e.certificate) {
      const auto& c = *e.certificate;
      std::string v = c.subject + "; " + c.key_type + " " + std::to_string(c.key_bits) + "; " + c.signature_algorithm +
                      "; " + std::to_string(c.days_left) + " days left" + (c.self_signed ? "; self-signed" : "");
      Verdict verdict = Verdict::info;
      if (c.sha1_signature || c.days_left < 0 || (c.key_type == "RSA" && c.key_bits < 2048)) verdict = Verdict::bad;
      else if (c.self_signed) verdict = Verdict::warn;
      out.push_back({port, "certificate", v, verdict});
    }
  }
}

}  // namespace legacyscan::tls
