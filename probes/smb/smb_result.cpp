// SPDX-License-Identifier: Apache-2.0
#include "probes/smb/smb_result.hpp"

#include <algorithm>

#include "legacyscan/engine/port_state.hpp"
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

bool from_string(std::string_view s, OfferAnswer& out) {
  return enum_from_string(s, out,
                          {OfferAnswer::accepted, OfferAnswer::none_of_offered, OfferAnswer::status,
                           OfferAnswer::answered_smb2, OfferAnswer::answered_other, OfferAnswer::closed,
                           OfferAnswer::reset, OfferAnswer::timeout, OfferAnswer::failed});
}

namespace {

// "NT LM 0.12: accepted; LANMAN1.0: none-of-offered (DialectIndex 0xFFFF)": every offer and its answer.
std::string offer_evidence(const std::vector<OfferCheck>& checks) {
  std::string e;
  for (const auto& c : checks) {
    e += (e.empty() ? "" : "; ") + c.offered + ": " + std::string(to_string(c.answer));
    if (!c.detail.empty()) e += " (" + c.detail + ")";
  }
  return e;
}

std::string signing_text(const Signing& s) {
  return s.required ? "required" : (s.enabled ? "enabled, not required" : "disabled");
}

}  // namespace

json Smb2Info::details_to_json() const {
  return fields::keyed_to_json(details, [](const Smb2DialectDetail& d) { return d.dialect; });
}

void Smb2Info::details_from_json(const json& j) {
  fields::keyed_from_json(j, details, [](Smb2DialectDetail& d, const std::string& dialect) { d.dialect = dialect; });
}

json SmbResult::ports_to_json() const {
  return fields::keyed_to_json(ports, [](const PortResult& p) { return std::to_string(p.port); });
}

void SmbResult::ports_from_json(const json& j) {
  fields::keyed_from_json(
      j, ports, [](PortResult& p, const std::string& port) { p.port = static_cast<std::uint16_t>(std::stoul(port)); });
}

json SmbResult::to_json() const { return fields::to_json(*this); }

void SmbResult::findings(std::vector<Finding>& out) const {
  if (ports.empty()) {
    if (is_closed({status, reason})) {
      out.push_back(closed_port("", "smb.probe", "probe", {status, reason}));
      return;
    }
    out.push_back(
        {"", "smb.probe", "probe", std::string(legacyscan::to_string(status)) + ": " + reason, Verdict::failure});
    return;
  }
  for (const auto& p : ports) {
    const std::string port = std::to_string(p.port) + "/tcp";
    // A refused connection is a closed port (a NetBIOS NEGATIVE SESSION RESPONSE is a refusal too, but
    // from an open one). Port 139 closed is the hardening: no SMB over NetBIOS.
    if (is_closed(p.outcome) && p.outcome.reason.find("NetBIOS session") == std::string::npos) {
      out.push_back(closed_port(port, "smb.port", "port", p.outcome, p.port == 139 ? Verdict::good : Verdict::info));
      continue;
    }
    if (!p.outcome.ok()) {
      out.push_back({port, "smb.port", "port",
                     std::string(legacyscan::to_string(p.outcome.status)) + ": " + p.outcome.reason, Verdict::failure});
      continue;
    }
    if (p.smb1) {
      const auto& s = *p.smb1;
      if (!s.outcome.ok()) {
        out.push_back({port, "smb1", "SMB1", s.outcome.reason, Verdict::failure});
      } else if (s.enabled) {
        out.push_back({port, "smb1", "SMB1", "ENABLED: " + join(s.dialects), Verdict::bad, offer_evidence(s.checks)});
        if (s.signing)
          out.push_back({port, "smb1.signing", "SMB1 signing", signing_text(*s.signing),
                         s.signing->required ? Verdict::good : Verdict::bad});
      } else {
        std::string how = s.checks.empty() ? "" : std::string(to_string(s.checks.front().answer));
        out.push_back(
            {port, "smb1", "SMB1", "disabled (server answer: " + how + ")", Verdict::good, offer_evidence(s.checks)});
      }
    }
    if (p.multiprotocol && p.multiprotocol->outcome.ok())
      out.push_back({port, "smb.multiprotocol", "Multi-protocol negotiate",
                     p.multiprotocol->answer + (p.multiprotocol->dialect.empty() ? "" : " " + p.multiprotocol->dialect),
                     p.multiprotocol->answer == "smb1" ? Verdict::bad : Verdict::info});
    if (p.smb2) {
      const auto& s = *p.smb2;
      if (!s.outcome.ok()) {
        out.push_back({port, "smb2.dialects", "SMB2/3 dialects", s.outcome.reason, Verdict::failure});
      } else {
        const bool old = std::any_of(s.dialects.begin(), s.dialects.end(),
                                     [](const std::string& d) { return d == "2.0.2" || d == "2.1"; });
        out.push_back({port, "smb2.dialects", "SMB2/3 dialects",
                       (s.dialects.empty() ? std::string("none") : join(s.dialects)) +
                           (s.rejected.empty() ? "" : " (rejected: " + join(s.rejected) + ")"),
                       s.dialects.empty() ? Verdict::info : (old ? Verdict::warn : Verdict::good),
                       offer_evidence(s.checks)});
        for (const auto& d : s.details)
          out.push_back({port, "smb.signing." + d.dialect, "Signing " + d.dialect, signing_text(d.signing),
                         d.signing.required ? Verdict::good : Verdict::warn});
        if (s.contexts_tested) {
          out.push_back({port, "smb.3.1.1.ciphers", "3.1.1 ciphers", join(s.encryption_ciphers), Verdict::info,
                         offer_evidence(s.cipher_checks)});
          out.push_back({port, "smb.3.1.1.signing_algorithms", "3.1.1 signing algs",
                         s.signing_algorithms.empty() ? "none negotiated" : join(s.signing_algorithms), Verdict::info,
                         offer_evidence(s.signing_algorithm_checks)});
          out.push_back({port, "smb.3.1.1.compression", "3.1.1 compression",
                         s.compression.empty() ? "none" : join(s.compression), Verdict::info});
        }
        if (!s.details.empty() && !s.details.back().security_mechanisms.empty())
          out.push_back({port, "smb.auth_mechanisms", "Auth mechanisms", join(s.details.back().security_mechanisms),
                         Verdict::info});
      }
    }
    if (p.ntlm) {
      const auto& n = *p.ntlm;
      if (n.outcome.ok())
        out.push_back({port, "smb.ntlm", "NTLM target info",
                       n.netbios_domain + "\\" + n.netbios_computer + " (" + n.dns_computer + "), OS " + n.os_version,
                       Verdict::info});
      else
        out.push_back({port, "smb.ntlm", "NTLM target info", n.outcome.reason, Verdict::failure});
    }
    session_findings(port, p, out);
    share_list_findings(port, p, out);
  }
}

}  // namespace legacyscan::smb
