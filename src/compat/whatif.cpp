// SPDX-License-Identifier: Apache-2.0
// What-if: which clients would break if a scanned server were hardened, computed from the saved scan
// (what the server accepted, per probe) and the client profiles, without touching the server.
#include "src/compat/whatif.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "legacyscan/strings.hpp"
#include "src/compat/hardening.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"

namespace legacyscan::matrix {

using nlohmann::json;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const std::vector<std::string> kSmb2Order{"2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"};

struct Cellish {
  CellVerdict verdict = CellVerdict::unknown;
  std::string reason;
};

Cellish smb_after(const SmbOffer& client, const json& host, const WhatIf& w) {
  if (!host.contains("probes") || !host["probes"].contains("smb"))
    return {CellVerdict::unknown, "no SMB result in the scan"};
  const auto& smb = host["probes"]["smb"];
  const json* port = nullptr;
  for (const char* p : {"445", "139"})
    if (smb.contains("ports") && smb["ports"].contains(p) && smb["ports"][p].value("status", "") == "ok") {
      port = &smb["ports"][p];
      break;
    }
  if (!port) return {CellVerdict::unknown, "no SMB port answered in the scan"};
  std::vector<std::string> s1, s2;
  if (port->contains("smb1") && !has(w.disable, "smb1"))
    for (const auto& d : (*port)["smb1"].value("dialects", json::array())) s1.push_back(d.get<std::string>());
  std::map<std::string, bool> required;
  if (port->contains("smb2")) {
    for (const auto& d : (*port)["smb2"].value("dialects", json::array())) {
      const auto name = d.get<std::string>();
      if (has(w.disable, "smb" + name)) continue;
      s2.push_back(name);
    }
    const json details = (*port)["smb2"].value("details", json::object());  // items() needs a live object
    for (const auto& [dialect, det] : details.items())
      required[dialect] = det.contains("signing") && det["signing"].value("required", false);
  }
  const bool force_signing = has(w.require, "smb-signing");
  // SMB2: the highest dialect both sides have ([MS-SMB2] 3.3.5.4).
  for (auto it = kSmb2Order.rbegin(); it != kSmb2Order.rend(); ++it) {
    if (!has(client.smb2_dialects, *it) || !has(s2, *it)) continue;
    const bool server_requires = force_signing || required[*it];
    if (server_requires && client.signing == "disabled")
      return {CellVerdict::fails,
              "SMB " + *it + " would be negotiated, but the server would require signing and the client cannot sign"};
    return {server_requires || client.signing == "required" ? CellVerdict::works : CellVerdict::degraded,
            "SMB " + *it + (server_requires ? ", signed" : ", unsigned")};
  }
  for (const auto& d : client.smb1_dialects)
    if (has(s1, d)) {
      if (force_signing && client.signing == "disabled")
        return {CellVerdict::fails, "SMB1 " + d + " with required signing, which the client cannot do"};
      return {CellVerdict::works, "SMB1 " + d};
    }
  std::string why = "no dialect in common";
  if (client.smb2_dialects.empty()) why += ": the client speaks only SMB1";
  if (s1.empty() && s2.empty()) why += "; the server would accept none of the tested dialects";
  return {CellVerdict::fails, why};
}

Cellish kerberos_after(const KerberosOffer& client, const json& host, const WhatIf& w) {
  if (!host.contains("probes") || !host["probes"].contains("kerberos") ||
      host["probes"]["kerberos"].value("status", "") != "ok")
    return {CellVerdict::unknown, "no Kerberos result in the scan"};
  const auto accepted = host["probes"]["kerberos"].value("etypes", json::object());
  auto disabled = [&](std::int32_t e) {
    if (has(w.disable, "rc4") && (e == 23 || e == 24 || e < 0)) return true;  // negative: Microsoft's old RC4 variants
    if (has(w.disable, "des") && (e == 1 || e == 3)) return true;
    return false;
  };
  for (auto e : client.etypes) {
    const auto name = kerberos::etype_name(e);
    if (accepted.value(name, "") == "accepted" && !disabled(e))
      return {e == 23 || e == 24 || e == 1 || e == 3
                  ? (e == client.etypes.front() ? CellVerdict::works : CellVerdict::degraded)
                  : CellVerdict::works,
              "the KDC would answer with " + name};
  }
  return {CellVerdict::fails, "the KDC would accept none of the client's etypes"};
}

const std::vector<std::string> kTlsOrder{"ssl2", "ssl3", "tls1.0", "tls1.1", "tls1.2", "tls1.3"};

Cellish tls_after(const TlsStack& client, const json& endpoint, const WhatIf& w) {
  const auto versions = endpoint.value("versions", json::object());
  const auto ciphers = endpoint.value("ciphers", json::object());
  for (auto it = kTlsOrder.rbegin(); it != kTlsOrder.rend(); ++it) {
    if (!has(client.versions, *it) || has(w.disable, *it) || versions.value(*it, "") != "accepted") continue;
    // The first suite in the client's order that the server accepts at this version.
    const auto list = ciphers.value(*it, json::array());
    for (auto suite : client.cipher_suites) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%04X", suite);
      for (const auto& s : list)
        if (s.value("hex", "") == hex) {
          const bool weak = s.value("weak", false) || !s.value("pfs", false) || *it < std::string("tls1.2");
          return {weak ? CellVerdict::degraded : CellVerdict::works, *it + " " + s.value("iana", std::string(hex))};
        }
    }
  }
  return {CellVerdict::fails, "no TLS version and suite in common (client offers " + join(client.versions) + ")"};
}

}  // namespace

std::optional<WhatIf> parse_whatif(const std::vector<std::string>& disable, const std::vector<std::string>& require,
                                   std::string& error) {
  WhatIf w;
  // The terms of the one hardening vocabulary that a what-if over a scan can play, stored as the
  // vocabulary spells them (the user may write them in any case).
  auto take = [&](const std::vector<std::string>& given, compat::TermKind kind, const char* option,
                  std::vector<std::string>& into) {
    for (const auto& d : given) {
      const auto* term = compat::find_hardening_term(d, kind);
      if (!term || !term->scan_whatif) {
        error = std::string(option) + " " + d + ": unknown (use " + compat::hardening_term_list(kind, false) + ")";
        return false;
      }
      into.emplace_back(term->id);
    }
    return true;
  };
  if (!take(disable, compat::TermKind::disable, "--disable", w.disable) ||
      !take(require, compat::TermKind::require, "--require", w.require))
    return std::nullopt;
  if (w.disable.empty() && w.require.empty()) {
    error = "what if what? give --disable and/or --require";
    return std::nullopt;
  }
  return w;
}

std::vector<WhatIfRow> whatif_host(const json& host, const WhatIf& w) {
  std::vector<WhatIfRow> rows;
  for (const auto& p : all_profiles()) {
    Row row;
    row.profile = p.id;
    row.name = p.name;
    std::vector<std::string> reasons;
    auto add = [&](std::optional<Cell>& slot, const char* label, const Cellish& c) {
      slot = Cell{c.verdict, c.reason, "", "", {}};
      reasons.push_back(std::string(label) + ": " + c.reason);
    };
    if (p.smb) add(row.smb, "SMB", smb_after(*p.smb, host, w));
    if (p.kerberos) add(row.kerberos, "Kerberos", kerberos_after(*p.kerberos, host, w));
    if (!p.tls.empty() && host.contains("probes") && host["probes"].contains("tls"))
      for (const auto& e : host["probes"]["tls"].value("endpoints", json::array()))
        if (e.value("status", "") == "ok") {
          // Every TLS stack of the client that talks to this endpoint's service; the port's cell is
          // the worst, named (as in the matrix).
          const auto starttls =
              e.contains("starttls") && e["starttls"].is_string() ? e["starttls"].get<std::string>() : "";
          std::vector<Cell> stacks;
          for (const auto* st : stacks_for_service(p, tls_service(e.value("port", std::uint16_t{0}), starttls))) {
            const auto c = tls_after(*st, e, w);
            stacks.push_back(Cell{c.verdict, c.reason, "", st->stack, {}});
          }
          if (stacks.empty()) continue;
          const auto cell = worst_of_stacks(std::move(stacks));
          row.tls[e.value("port", std::uint16_t{0})] = cell;
          reasons.push_back("TLS/" + std::to_string(e.value("port", 0)) + ": " + cell.reason);
        }
    if (p.ldap && has(w.require, "ldap-signing") && p.ldap->cleartext_bind)
      add(row.ldap, "LDAP", {CellVerdict::fails, "the client binds in cleartext; signing would be required"});
    if (p.ldap && has(w.disable, "cldap") && p.ldap->ldap_ping)
      add(row.ldap, "LDAP", {CellVerdict::fails, "the client locates DCs with the LDAP ping (CLDAP)"});
    if (p.netbios && p.netbios->sam_logon && has(w.disable, "netbios"))
      add(row.netbios, "NetBIOS", {CellVerdict::fails, "the client needs the NetBIOS mailslot SAM LOGON"});
    WhatIfRow out;
    out.profile = p.id;
    out.name = p.name;
    out.verdict = overall(row);
    // The verdict the saved matrix has now, when the scan computed one.
    for (const auto& m : host.value("matrix", json::array()))
      if (m.value("profile", "") == p.id) out.before = m.value("verdict", "");
    out.reason = join(reasons);
    if (out.verdict == CellVerdict::unknown && reasons.empty()) out.reason = "no protocol of this client was scanned";
    rows.push_back(std::move(out));
  }
  return rows;
}

json whatif_to_json(const std::vector<std::pair<json, std::vector<WhatIfRow>>>& hosts, const WhatIf& w) {
  json out{{"disable", w.disable}, {"require", w.require}, {"hosts", json::array()}};
  for (const auto& [host, rows] : hosts) {
    json list = json::array();
    for (const auto& r : rows) {
      json j{{"profile", r.profile}, {"name", r.name}, {"verdict", to_string(r.verdict)}, {"reason", r.reason}};
      if (!r.before.empty()) j["verdict_now"] = r.before;
      list.push_back(std::move(j));
    }
    out["hosts"].push_back(
        {{"target", host.value("target", "")}, {"address", host.value("address", "")}, {"clients", list}});
  }
  return out;
}

}  // namespace legacyscan::matrix
