// SPDX-License-Identifier: Apache-2.0
// The what-if of a passive report: which clients break, or are at risk, when features are switched
// off or required (the names of `legacyscan whatif --disable/--require`), from their findings.
#include <algorithm>
#include <cctype>

#include "src/compat/hardening.hpp"
#include "src/passive/findings.hpp"
#include "src/passive/passive.hpp"

namespace legacyscan::passive {

using nlohmann::json;

std::optional<std::vector<CaptureWhatIfRow>> capture_whatif(const Report& r, const std::vector<std::string>& disable,
                                                            const std::vector<std::string>& require,
                                                            std::string& error) {
  // The terms of the one hardening vocabulary that a what-if over a capture plays (any case), as the
  // vocabulary spells them.
  std::vector<std::string> off_terms, required_terms;
  auto take = [&](const std::vector<std::string>& given, compat::TermKind kind, const char* option,
                  std::vector<std::string>& into) {
    for (const auto& g : given) {
      const auto* term = compat::find_hardening_term(g, kind);
      if (!term || !term->capture_whatif) {
        error = std::string(option) + " " + g + ": unknown (known: " + compat::hardening_term_list(kind, true) + ")";
        return false;
      }
      into.emplace_back(term->id);
    }
    return true;
  };
  if (!take(disable, compat::TermKind::disable, "--disable", off_terms) ||
      !take(require, compat::TermKind::require, "--require", required_terms))
    return std::nullopt;
  if (disable.empty() && require.empty()) {
    error = "name at least one --disable or --require";
    return std::nullopt;
  }
  auto off = [&](const std::string& x) { return std::find(off_terms.begin(), off_terms.end(), x) != off_terms.end(); };
  std::vector<CaptureWhatIfRow> rows;
  for (const auto& client : r.clients) {
    const auto& c = client.second;  // a named reference: clang 14 cannot capture structured bindings
    std::vector<std::string> names;
    for (const auto& [n, s] : c.names.values) names.push_back(n);
    auto row = [&](const std::string& change, const char* verdict, const std::string& evidence) {
      rows.push_back(CaptureWhatIfRow{c.address, names, change, verdict, evidence});
    };
    const auto fs = findings(c);
    auto find = [&](const std::string& id) -> const Finding* {
      for (const auto& f : fs)
        if (f.id == id) return &f;
      return nullptr;
    };
    if (off("smb1"))
      if (auto f = find("smb1")) row("smb1 off", "breaks", f->evidence);
    if (c.smb) {
      for (const char* d : {"smb2.0.2", "smb2.1"}) {
        if (!off(d)) continue;
        const std::string name = std::string(d).substr(3);
        // A client breaks when the disabled dialect is the highest one it offered.
        std::string best;
        for (const auto& [k, s] : c.smb->dialects_offered.values)
          if (!k.empty() && std::isdigit(static_cast<unsigned char>(k[0])) && k > best) best = k;
        if (best == name)
          row(std::string(d) + " off", "breaks", "offers at most SMB " + name + " to " + keys(c.smb->servers, 3));
      }
    }
    if (off("rc4") && c.kerberos) {
      if (auto f = find("rc4"); f && f->evidence.rfind("offers no AES", 0) == 0)
        row("rc4 off", "breaks", f->evidence);
      else if (f)
        row("rc4 off", "at-risk", f->evidence + " (the accounts need AES keys)");
    }
    if (off("des"))
      if (auto f = find("des")) row("des off", "breaks", f->evidence);
    if (c.tls) {
      // The client breaks when every version it offered is switched off.
      std::vector<std::string> offered;
      for (const auto& [v, s] : c.tls->max_version_offered.values) offered.push_back(v);
      const std::pair<const char*, const char*> map[] = {
          {"ssl3", "SSL 3.0"}, {"tls1.0", "TLS 1.0"}, {"tls1.1", "TLS 1.1"}};
      for (const auto& [id, name] : map) {
        if (!off(id) || !c.tls->max_version_offered.has(name)) continue;
        row(std::string(id) + " off", "breaks",
            std::string("offers at most ") + name + " to " + keys(c.tls->servers, 3) + " (" +
                plural(c.tls->max_version_offered.count(name), "handshake") + ")");
      }
      for (const auto& [id, name] : map) {
        if (!off(id) || c.tls->max_version_offered.has(name) || !c.tls->negotiated.has(name)) continue;
        row(std::string(id) + " off", "at-risk",
            std::string("negotiated ") + name + " although it offers more; it will move up");
      }
    }
    if (off("netbios") && c.netbios) {
      if (auto f = find("sam-logon"))
        row("netbios off", "breaks", f->evidence);
      else if (auto g = find("netbios-name-query"))
        row("netbios off", "at-risk", g->evidence);
    }
    if (off("cldap"))
      if (auto f = find("cldap")) row("cldap off", "breaks", f->evidence);
    if (off("ntlmv1")) {
      if (auto f = find("ntlmv1")) row("ntlmv1 off", "breaks", f->evidence);
      if (auto f = find("lm")) row("ntlmv1 off", "breaks", f->evidence);
    }
    if (off("ntlm") && c.ntlm)
      row("ntlm off", "breaks", "NTLM authentication (" + keys(c.ntlm->versions) + ") to " + keys(c.ntlm->servers, 3));
    for (const auto& q : required_terms) {
      if (q == "smb-signing")
        if (auto f = find("smb-unsigned"))
          row("smb-signing required", "at-risk", f->evidence + " (the client must sign)");
      if (q == "ldap-signing") {
        if (auto f = find("ldap-cleartext-bind")) row("ldap-signing required", "breaks", f->evidence);
        if (auto f = find("ldap-unsigned-sasl")) row("ldap-signing required", "breaks", f->evidence);
      }
    }
  }
  return rows;
}

nlohmann::json capture_whatif_to_json(const std::vector<CaptureWhatIfRow>& rows,
                                      const std::vector<std::string>& disable,
                                      const std::vector<std::string>& require) {
  json o;
  o["disable"] = disable;
  o["require"] = require;
  json list = json::array();
  for (const auto& r : rows)
    list.push_back({{"address", r.address},
                    {"names", r.names},
                    {"change", r.change},
                    {"verdict", r.verdict},
                    {"evidence", r.evidence}});
  o["clients"] = list;
  return o;
}

}  // namespace legacyscan::passive
