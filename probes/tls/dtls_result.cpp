// SPDX-License-Identifier: Apache-2.0
// The DTLS findings of the tls probe (the typed result is in tls_result.hpp).
#include <algorithm>

#include "legacyscan/engine/port_state.hpp"
#include "legacyscan/strings.hpp"
#include "probes/tls/tls_result.hpp"

namespace legacyscan::tls {

void dtls_findings(const std::vector<DtlsEndpoint>& endpoints, std::vector<Finding>& out) {
  for (const auto& e : endpoints) {
    const std::string port = std::to_string(e.port) + "/udp";
    if (is_closed(e.outcome)) {
      out.push_back(closed_port(port, "dtls.endpoint", "DTLS", e.outcome));
      continue;
    }
    if (e.outcome.status == Status::timeout) {
      // UDP: silence to every hello is how a port without DTLS looks.
      out.push_back({port, "dtls.endpoint", "DTLS", "no answer", Verdict::good, e.outcome.reason});
      continue;
    }
    if (!e.outcome.ok()) {
      out.push_back({port, "dtls.endpoint", "DTLS", e.outcome.reason, Verdict::failure});
      continue;
    }
    std::vector<std::string> weak;
    for (const auto& c : e.versions) {
      // DTLS 1.0 is TLS 1.1 over datagrams (RFC 4347 1) and is judged as TLS 1.1 is: accepted BAD,
      // refused GOOD. DTLS 1.2 and 1.3 accepted are GOOD, refused info.
      const bool legacy = c.version == "dtls1.0";
      Verdict v = Verdict::failure;
      if (c.verdict == VersionVerdict::accepted)
        v = legacy ? Verdict::bad : Verdict::good;
      else if (c.verdict == VersionVerdict::rejected)
        v = legacy ? Verdict::good : Verdict::info;
      std::string value(to_string(c.verdict));
      if (c.verdict == VersionVerdict::accepted)
        value += " (" + std::to_string(c.ciphers.size()) + " suites" + (c.cookie ? ", cookie" : "") + ")";
      else if (!c.answer.empty())
        value += " (" + c.answer + ")";
      const std::string number = c.version.substr(4);
      out.push_back({port, "dtls.version." + number, "DTLS " + number, value, v,
                     c.answer + (c.cipher_error.empty() ? "" : "; suites cut short: " + c.cipher_error)});
      for (const auto& s : c.ciphers)
        if (s.weak && std::find(weak.begin(), weak.end(), s.name) == weak.end()) weak.push_back(s.name);
    }
    out.push_back({port, "dtls.weak_ciphers", "weak DTLS cipher suites", weak.empty() ? "none" : join(weak, ", "),
                   weak.empty() ? Verdict::good : Verdict::bad});
    if (e.certificate)
      out.push_back(certificate_finding(port, "dtls.certificate", *e.certificate, e.certificate_error));
    else if (!e.certificate_error.empty())
      out.push_back({port, "dtls.certificate", "certificate", "unread", Verdict::info, e.certificate_error});
  }
}

}  // namespace legacyscan::tls
