// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <map>
#include <set>

#include "legacyscan/json_text.hpp"
#include "legacyscan/strings.hpp"
#include "src/compat/hardening.hpp"
#include "src/compat/host_view.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/proto/tls/tls_codec.hpp"
#include "src/report/report.hpp"

namespace legacyscan {

using nlohmann::json;

namespace {

// The facts worth comparing, flattened to "protocol/what" -> value text.
std::map<std::string, std::string> facts_of(const json& host) {
  std::map<std::string, std::string> f;
  if (host.contains("probes") && host.at("probes").is_object())
    for (const auto& [name, p] : host.at("probes").items())
      f[name + "/status"] = p.is_object() ? p.value("status", "") : "";
  const auto view = read_host_view(host);
  if (view.smb.result)
    for (const auto& p : view.smb.result->ports) {
      const std::string at = "smb/" + std::to_string(p.port) + "/";
      f[at + "status"] = std::string(to_string(p.outcome.status));
      if (p.smb1) f[at + "smb1"] = p.smb1->enabled ? "enabled " + join(p.smb1->dialects) : "disabled";
      if (p.smb2) {
        f[at + "smb2 dialects"] = join(p.smb2->dialects);
        if (p.smb2->signing) f[at + "signing required"] = p.smb2->signing->required ? "yes" : "no";
        f[at + "encryption ciphers"] = join(p.smb2->encryption_ciphers);
      }
    }
  if (view.tls.result)
    for (const auto& e : view.tls.result->endpoints) {
      const std::string at = "tls/" + std::to_string(e.port) + "/";
      for (const auto& v : e.versions) f[at + tls::version_key(v.version)] = std::string(to_string(v.verdict));
      f[at + "pfs only"] = e.pfs_only ? "yes" : "no";
    }
  if (view.kerberos.result)
    for (const auto& row : view.kerberos.result->etypes)
      f["kerberos/" + row.name] = std::string(to_string(kerberos::KerberosResult::merge(row.udp_alone, row.tcp_alone)));
  if (view.ldap.result) {
    const auto& l = *view.ldap.result;
    f["ldap/cleartext simple bind"] = l.simple_bind_cleartext;
    f["ldap/signing required"] = l.signing_required ? (*l.signing_required ? "yes" : "no") : "unknown";
  }
  for (const auto& row : view.matrix) f["client/" + row.profile] = std::string(to_string(row.verdict));
  return f;
}

std::string key_of(const json& h) { return h.value("target", "") + "|" + h.value("address", ""); }

// Fact paths are "protocol/port/what" or "protocol/what": the part after the last '/'.
std::string last_part(const std::string& k) { return k.substr(k.rfind('/') + 1); }

std::vector<std::string> dialects_of(const std::string& list) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < list.size();) {
    const auto comma = std::min(list.find(", ", at), list.size());
    out.push_back(list.substr(at, comma - at));
    at = comma + 2;
  }
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
