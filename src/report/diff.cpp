// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <map>
#include <set>

#include "legacyscan/json_text.hpp"
#include "src/compat/hardening.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/report/report.hpp"

namespace legacyscan {

using nlohmann::json;

namespace {

// The facts worth comparing, flattened to "protocol/what" -> value text.
std::map<std::string, std::string> facts_of(const json& host) {
  std::map<std::string, std::string> f;
  const json probes = host.value("probes", json::object());
  for (const auto& [name, p] : probes.items()) f[name + "/status"] = p.value("status", "");
  if (probes.contains("smb")) {
    const json ports = probes["smb"].value("ports", json::object());
    for (const auto& [port, p] : ports.items()) {
      const std::string at = "smb/" + port + "/";
      f[at + "status"] = p.value("status", "");
      if (p.contains("smb1"))
        f[at + "smb1"] = p["smb1"].value("enabled", false) ? "enabled " + json_text(p["smb1"]["dialects"]) : "disabled";
      if (p.contains("smb2")) {
        f[at + "smb2 dialects"] = json_text(p["smb2"].value("dialects", json::array()));
        if (p["smb2"].contains("signing"))
          f[at + "signing required"] = p["smb2"]["signing"].value("required", false) ? "yes" : "no";
        f[at + "encryption ciphers"] = json_text(p["smb2"].value("encryption_ciphers", json::array()));
      }
    }
  }
  if (probes.contains("tls"))
    for (const auto& e : probes["tls"].value("endpoints", json::array())) {
      const std::string at = "tls/" + std::to_string(e.value("port", 0)) + "/";
      const json versions = e.value("versions", json::object());
      for (const auto& [v, verdict] : versions.items())
        f[at + v] = verdict.is_string() ? verdict.get<std::string>() : json_text(verdict);
      f[at + "pfs only"] = e.value("pfs_only", false) ? "yes" : "no";
    }
  if (probes.contains("kerberos")) {
    const json etypes = probes["kerberos"].value("etypes", json::object());
    for (const auto& [e, verdict] : etypes.items())
      f["kerberos/" + e] = verdict.is_string() ? verdict.get<std::string>() : json_text(verdict);
  }
  if (probes.contains("ldap")) {
    f["ldap/cleartext simple bind"] = probes["ldap"].value("simple_bind_cleartext", "");
    const auto& s = probes["ldap"]["signing_required"];
    f["ldap/signing required"] = s.is_boolean() ? (s.get<bool>() ? "yes" : "no") : "unknown";
  }
  for (const auto& row : host.value("matrix", json::array()))
    f["client/" + row.value("profile", "")] = row.value("verdict", "");
  return f;
}

std::string key_of(const json& h) { return h.value("target", "") + "|" + h.value("address", ""); }

// Fact paths are "protocol/port/what" or "protocol/what": the part after the last '/'.
std::string last_part(const std::string& k) { return k.substr(k.rfind('/') + 1); }

std::vector<std::string> dialects_of(const std::string& list) {
  std::vector<std::string> out;
  auto j = json::parse(list, nullptr, false);
  if (j.is_array())
    for (const auto& d : j)
      if (d.is_string()) out.push_back(d.get<std::string>());
  return out;
}

// The hardening term (compat/hardening.hpp) a changed fact undoes: the server now accepts more legacy
// than before (SMB1 enabled again, an SMB dialect or TLS version below the old minimum, an RC4 or DES
// etype accepted, signing no longer required). "" when the change is no security regression.
std::string regression_term(const std::string& k, const std::string& before, const std::string& after) {
  const auto what = last_part(k);
  if (k.starts_with("smb/")) {
    if (what == "smb1") return after.starts_with("enabled") && !before.starts_with("enabled") ? "smb1" : "";
    if (what == "signing required") return before == "yes" && after == "no" ? "smb-signing" : "";
    if (what == "smb2 dialects") {
      const auto old_list = dialects_of(before), new_list = dialects_of(after);
      if (old_list.empty()) return "";  // no earlier answer: nothing to fall below
      const auto old_min = *std::min_element(old_list.begin(), old_list.end());
      for (const auto& d : new_list)
        if (d < old_min) return d == "2.0.2" ? "smb2.0.2" : "smb2.1";  // dialect strings sort as versions
    }
    return "";
  }
  if (k.starts_with("tls/")) {
    if (after != "accepted" || before == "accepted") return "";
    if (what == "ssl2" || what == "ssl3") return "ssl3";
    if (what == "tls1.0" || what == "tls1.1") return what;
    return "";
  }
  if (k.starts_with("kerberos/")) {
    if (after != "accepted" || before == "accepted") return "";
    const auto* etype = kerberos::find_etype(what);
    for (const char* term : {"rc4", "des"})  // the etype families of the hardening terms
      if (etype && std::ranges::count(kerberos::etypes_named(term), etype->number) > 0) return term;
    return "";
  }
  if (k == "ldap/signing required") return before == "yes" && after == "no" ? "ldap-signing" : "";
  if (k == "ldap/cleartext simple bind") return before == "rejected" && after == "allowed" ? "ldap-signing" : "";
  return "";
}

json regression_entry(const std::string& k, const std::string& before, const std::string& after,
                      const std::string& term) {
  json e{{"what", k}, {"before", before}, {"after", after}, {"term", term}};
  for (const auto kind : {compat::TermKind::disable, compat::TermKind::require})
    if (const auto* t = compat::find_hardening_term(term, kind)) e["undoes"] = std::string(t->what);
  return e;
}

}  // namespace

json diff_results(const json& before, const json& after) {
  std::map<std::string, const json*> old_hosts, new_hosts;
  std::vector<std::string> order;
  for (const auto& h : before["hosts"]) {
    old_hosts[key_of(h)] = &h;
    order.push_back(key_of(h));
  }
  for (const auto& h : after["hosts"]) {
    if (!old_hosts.count(key_of(h))) order.push_back(key_of(h));
    new_hosts[key_of(h)] = &h;
  }
  json hosts = json::array();
  for (const auto& key : order) {
    json entry{{"target", key.substr(0, key.find('|'))}, {"address", key.substr(key.find('|') + 1)}};
    if (!new_hosts.count(key)) {
      entry["change"] = "missing after";
      hosts.push_back(entry);
      continue;
    }
    if (!old_hosts.count(key)) {
      entry["change"] = "new";
      hosts.push_back(entry);
      continue;
    }
    const auto a = facts_of(*old_hosts[key]);
    const auto b = facts_of(*new_hosts[key]);
    std::set<std::string> keys;
    for (const auto& [k, v] : a) keys.insert(k);
    for (const auto& [k, v] : b) keys.insert(k);
    json changes = json::array(), newly_work = json::array(), newly_break = json::array(), regressions = json::array();
    for (const auto& k : keys) {
      const auto va = a.count(k) ? a.at(k) : std::string("-");
      const auto vb = b.count(k) ? b.at(k) : std::string("-");
      if (va == vb) continue;
      if (k.starts_with("client/")) {
        const auto id = k.substr(7);
        if (vb == "fails" && va != "fails")
          newly_break.push_back({{"profile", id}, {"before", va}, {"after", vb}});
        else if (va == "fails" && (vb == "works" || vb == "degraded"))
          newly_work.push_back({{"profile", id}, {"before", va}, {"after", vb}});
      }
      if (const auto term = regression_term(k, va, vb); !term.empty())
        regressions.push_back(regression_entry(k, va, vb, term));
      changes.push_back({{"what", k}, {"before", va}, {"after", vb}});
    }
    entry["change"] = changes.empty() ? "unchanged" : "changed";
    entry["changes"] = changes;
    entry["clients_newly_broken"] = newly_break;
    entry["clients_newly_working"] = newly_work;
    entry["security_regressions"] = regressions;
    hosts.push_back(entry);
  }
  return json{{"before", {{"started", before.value("started", "")}}},
              {"after", {{"started", after.value("started", "")}}},
              {"hosts", hosts}};
}

}  // namespace legacyscan
