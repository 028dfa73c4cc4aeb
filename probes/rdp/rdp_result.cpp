// SPDX-License-Identifier: Apache-2.0
#include "probes/rdp/rdp_result.hpp"

#include "legacyscan/engine/port_state.hpp"
#include "legacyscan/strings.hpp"

namespace legacyscan::rdp {

using nlohmann::json;

namespace {

// How the negotiated standard security reads: 40/56-bit RC4 or level LOW (only client-to-server
// traffic encrypted) is BAD; CLIENT_COMPATIBLE lets the client pick as low as it offers (WARN).
Verdict encryption_verdict(const StandardSecurity& s) {
  if (s.encryption_method == "40BIT" || s.encryption_method == "56BIT" || s.encryption_method == "NONE" ||
      s.encryption_level == "LOW" || s.encryption_level == "NONE")
    return Verdict::bad;
  if (s.encryption_level == "CLIENT_COMPATIBLE") return Verdict::warn;
  return Verdict::info;
}

void endpoint_findings(const Endpoint& e, std::vector<Finding>& out) {
  const std::string port = std::to_string(e.port) + "/tcp";
  if (!e.outcome.ok()) {
    if (is_closed(e.outcome))
      out.push_back(closed_port(port, "rdp.port", "RDP", e.outcome));
    else
      out.push_back({port, "rdp.port", "RDP", std::string(to_string(e.outcome.status)) + ": " + e.outcome.reason,
                     e.outcome.status == Status::timeout ? Verdict::info : Verdict::failure});
    return;
  }
  std::vector<std::string> answers;
  for (const auto& n : e.negotiations)
    answers.push_back(
        n.requested + " -> " +
        (!n.outcome.ok() ? std::string(to_string(n.outcome.status)) : (n.selected.empty() ? n.failure : n.selected)) +
        (n.tls_version.empty() ? "" : " (" + n.tls_version + ")"));
  out.push_back({port, "rdp.protocols", "RDP security protocols", "accepts " + join(e.accepted), Verdict::info,
                 join(answers, "; ")});
  if (e.standard_security_accepted) {
    std::string v = "ACCEPTED";
    if (e.standard_security && e.standard_security->outcome.ok())
      v += ": " + e.standard_security->encryption_method +
           (e.standard_security->encryption_method == "FIPS" ? " 3DES" : " RC4") + ", level " +
           e.standard_security->encryption_level;
    out.push_back({port, "rdp.standard_security", "Standard RDP security", v, Verdict::bad});
  } else {
    out.push_back({port, "rdp.standard_security", "Standard RDP security", "refused", Verdict::good});
  }
  if (e.standard_security) {
    const auto& s = *e.standard_security;
    if (s.outcome.ok())
      out.push_back({port, "rdp.encryption", "RDP encryption",
                     s.encryption_method + ", level " + s.encryption_level +
                         (s.server_certificate.empty() ? "" : ", " + s.server_certificate + " certificate"),
                     encryption_verdict(s), "client offered " + join(s.offered_methods) + "; RDP " + s.rdp_version});
    else
      out.push_back({port, "rdp.encryption", "RDP encryption",
                     std::string(to_string(s.outcome.status)) + ": " + s.outcome.reason, Verdict::failure});
  }
  out.push_back({port, "rdp.nla", "NLA (CredSSP) required", e.nla_required ? "required" : "NOT REQUIRED",
                 e.nla_required ? Verdict::good : Verdict::warn});
}

}  // namespace

json RdpResult::to_json() const { return fields::to_json(*this); }

void RdpResult::findings(std::vector<Finding>& out) const {
  const std::size_t first = out.size();
  for (const auto& e : endpoints) endpoint_findings(e, out);
  if (out.size() == first)
    out.push_back({"", "rdp.probe", "probe", std::string(to_string(status)) + ": " + reason, Verdict::failure});
}

}  // namespace legacyscan::rdp
