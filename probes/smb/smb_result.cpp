// SPDX-License-Identifier: Apache-2.0
#include "probes/smb/smb_result.hpp"

#include <algorithm>

#include "legacyscan/strings.hpp"

namespace legacyscan::smb {

using nlohmann::json;

std::string_view to_string(OfferAnswer a) {
  switch (a) {
    case OfferAnswer::accepted: return "accepted";
    case OfferAnswer::none_of_offered: return "none-of-offered";
    case OfferAnswer::status: return "error-status";
    case OfferAnswer::answered_smb2: return "answered-smb2";
    case OfferAnswer::answered_other: return "answered-other";
    case OfferAnswer::closed: return "closed";
    case OfferAnswer::reset: return "reset";
    case OfferAnswer::timeout: return "timeout";
    case OfferAnswer::failed: return "failed";
  }
  return "failed";
}

namespace {

void put_outcome(json& j, const Outcome& o) {
  j["status"] = legacyscan::to_string(o.status);
  if (!o.ok()) j["reason"] = o.reason;
}

json signing_json(const Signing& s) { return json{{"enabled", s.enabled}, {"required", s.required}}; }

json checks_json(const std::vector<OfferCheck>& checks) {
  json a = json::array();
  for (const auto& c : checks) {
    json j{{"offered", c.offered}, {"answer", to_string(c.answer)}};
    if (!c.detail.empty()) j["detail"] = c.detail;
    a.push_back(std::move(j));
  }
  return a;
}

json smb1_json(const Smb1Info& s) {
  json j;
  put_outcome(j, s.outcome);
  j["enabled"] = s.enabled;
  j["dialects"] = s.dialects;
  j["checks"] = checks_json(s.checks);
  if (s.signing) j["signing"] = signing_json(*s.signing);
  if (s.security_mode) j["security_mode"] = *s.security_mode;
  if (!s.capabilities.empty()) j["capabilities"] = s.capabilities;
  if (!s.server_time.empty()) j["server_time"] = s.server_time;
  if (s.max_buffer_size) j["max_buffer_size"] = *s.max_buffer_size;
  if (s.max_mpx_count) j["max_mpx_count"] = *s.max_mpx_count;
  if (s.enabled) j["extended_security"] = s.extended_security;
  if (!s.domain_name.empty()) j["domain_name"] = s.domain_name;
  if (!s.server_name.empty()) j["server_name"] = s.server_name;
  return j;
}

json smb2_json(const Smb2Info& s) {
  json j;
  put_outcome(j, s.outcome);
  j["dialects"] = s.dialects;
  j["rejected"] = s.rejected;
  j["checks"] = checks_json(s.checks);
  if (s.signing) j["signing"] = signing_json(*s.signing);
  j["encryption_ciphers"] = s.encryption_ciphers;
  j["signing_algorithms"] = s.signing_algorithms;
  j["compression"] = s.compression;
  j["preauth_integrity"] = s.preauth_integrity;
  j["contexts_tested"] = s.contexts_tested;
  if (s.contexts_tested) {
    j["cipher_checks"] = checks_json(s.cipher_checks);
    j["signing_algorithm_checks"] = checks_json(s.signing_algorithm_checks);
  }
  json details = json::object();
  for (const auto& d : s.details) {
    details[d.dialect] = json{{"signing", signing_json(d.signing)},
                              {"security_mode", d.security_mode},
                              {"capabilities", d.capabilities},
                              {"max_transact_size", d.max_transact_size},
                              {"max_read_size", d.max_read_size},
                              {"max_write_size", d.max_write_size},
                              {"server_guid", d.server_guid},
                              {"system_time", d.system_time},
                              {"server_start_time", d.server_start_time},
                              {"security_mechanisms", d.security_mechanisms}};
  }
  j["details"] = std::move(details);
  return j;
}

json ntlm_json(const NtlmInfo& n) {
  json j;
  put_outcome(j, n.outcome);
  if (!n.via.empty()) j["via"] = n.via;
  if (!n.outcome.ok()) return j;
  j["netbios_computer"] = n.netbios_computer;
  j["netbios_domain"] = n.netbios_domain;
  j["dns_computer"] = n.dns_computer;
  j["dns_domain"] = n.dns_domain;
  j["dns_tree"] = n.dns_tree;
  j["os_version"] = n.os_version;
  if (n.ntlm_revision) j["ntlm_revision"] = *n.ntlm_revision;
  if (!n.server_time.empty()) j["server_time"] = n.server_time;
  if (!n.target_name.empty()) j["target_name"] = n.target_name;
  j["negotiate_flags"] = n.negotiate_flags;
  return j;
}

std::string signing_text(const Signing& s) {
  return s.required ? "required" : (s.enabled ? "enabled, not required" : "disabled");
}

}  // namespace

json SmbResult::to_json() const {
  json j;
  j["status"] = legacyscan::to_string(status);
  if (status != Status::ok) j["reason"] = reason;
  json ports_json = json::object();
  for (const auto& p : ports) {
    json pj;
    put_outcome(pj, p.outcome);
    pj["transport"] = p.transport;
    if (!p.called_name.empty()) pj["called_name"] = p.called_name;
    if (p.smb1) pj["smb1"] = smb1_json(*p.smb1);
    if (p.multiprotocol) {
      json m;
      put_outcome(m, p.multiprotocol->outcome);
      m["answer"] = p.multiprotocol->answer;
      m["dialect"] = p.multiprotocol->dialect;
      pj["multiprotocol"] = std::move(m);
    }
    if (p.smb2) pj["smb2"] = smb2_json(*p.smb2);
    if (p.ntlm) pj["ntlm"] = ntlm_json(*p.ntlm);
    ports_json[std::to_string(p.port)] = std::move(pj);
  }
  j["ports"] = std::move(ports_json);
  return j;
}

void SmbResult::table_rows(std::vector<TableRow>& out) const {
  if (ports.empty()) {
    out.push_back({"", "probe", std::string(legacyscan::to_string(status)) + ": " + reason, Verdict::failure});
    return;
  }
  for (const auto& p : ports) {
    const std::string port = std::to_string(p.port) + "/tcp";
    if (!p.outcome.ok()) {
      out.push_back({port, "port", std::string(legacyscan::to_string(p.outcome.status)) + ": " + p.outcome.reason,
                     Verdict::failure});
      continue;
    }
    if (p.smb1) {
      const auto& s = *p.smb1;
      if (!s.outcome.ok()) {
        out.push_back({port, "SMB1", s.outcome.reason, Verdict::failure});
      } else if (s.enabled) {
        out.push_back({port, "SMB1", "ENABLED: " + join(s.dialects), Verdict::bad});
        if (s.signing)
          out.push_back({port, "SMB1 signing", signing_text(*s.signing),
                         s.signing->required ? Verdict::good : Verdict::bad});
      } else {
        std::string how = s.checks.empty() ? "" : std::string(to_string(s.checks.front().answer));
        out.push_back({port, "SMB1", "disabled (server answer: " + how + ")", Verdict::good});
      }
    }
    if (p.multiprotocol && p.multiprotocol->outcome.ok())
      out.push_back({port, "Multi-protocol negotiate",
                     p.multiprotocol->answer + (p.multiprotocol->dialect.empty() ? "" : " " + p.multiprotocol->dialect),
                     p.multiprotocol->answer == "smb1" ? Verdict::bad : Verdict::info});
    if (p.smb2) {
      const auto& s = *p.smb2;
      if (!s.outcome.ok()) {
        out.push_back({port, "SMB2/3 dialects", s.outcome.reason, Verdict::failure});
      } else {
        const bool old = std::any_of(s.dialects.begin(), s.dialects.end(),
                                     [](const std::string& d) { return d == "2.0.2" || d == "2.1"; });
        out.push_back({port, "SMB2/3 dialects",
                       (s.dialects.empty() ? std::string("none") : join(s.dialects)) +
                           (s.rejected.empty() ? "" : " (rejected: " + join(s.rejected) + ")"),
                       s.dialects.empty() ? Verdict::info : (old ? Verdict::warn : Verdict::good)});
        for (const auto& d : s.details)
          out.push_back({port, "Signing " + d.dialect, signing_text(d.signing),
                         d.signing.required ? Verdict::good : Verdict::warn});
        if (s.contexts_tested) {
          out.push_back({port, "3.1.1 ciphers", join(s.encryption_ciphers), Verdict::info});
          out.push_back({port, "3.1.1 signing algs", s.signing_algorithms.empty() ? "none negotiated" : join(s.signing_algorithms),
                         Verdict::info});
          out.push_back({port, "3.1.1 compression", s.compression.empty() ? "none" : join(s.compression), Verdict::info});
        }
        if (!s.details.empty() && !s.details.back().security_mechanisms.empty())
          out.push_back({port, "Auth mechanisms", join(s.details.back().security_mechanisms), Verdict::info});
      }
    }
    if (p.ntlm) {
      const auto& n = *p.ntlm;
      if (n.outcome.ok())
        out.push_back({port, "NTLM target info",
                       n.netbios_domain + "\\" + n.netbios_computer + " (" + n.dns_computer + "), OS " + n.os_version,
                       Verdict::info});
      else
        out.push_back({port, "NTLM target info", n.outcome.reason, Verdict::failure});
    }
  }
}

}  // namespace legacyscan::smb
