// SPDX-License-Identifier: Apache-2.0
// What-if: which clients would break if a scanned server were hardened, computed from the saved scan
// (what the server accepted, per probe) and the client profiles, without touching the server.
#include "src/compat/whatif.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

#include "legacyscan/strings.hpp"
#include "src/compat/hardening.hpp"
#include "src/compat/matrix_cells.hpp"
#include "src/compat/matrix_session.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::matrix {

using nlohmann::json;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const std::vector<std::string> kSmb2Order{"2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"};

struct Cellish {
  Cellish(CellVerdict v, std::string why, std::string with = {})
      : verdict(v), reason(std::move(why)), negotiated(std::move(with)) {}
  CellVerdict verdict = CellVerdict::unknown;
  std::string reason;
  std::string negotiated;
};

Cellish smb_after(const SmbOffer& client, const HostView& host, const WhatIf& w) {
  if (!host.smb.result) return {CellVerdict::unknown, "no SMB result in the scan"};
  const auto* port = client_smb_port(*host.smb.result);
  if (!port) return {CellVerdict::unknown, "no SMB port answered in the scan"};
  std::vector<std::string> s1, s2;
  if (port->smb1 && !has(w.disable, "smb1")) s1 = port->smb1->dialects;
  std::map<std::string, bool> required;
  if (port->smb2) {
    for (const auto& name : port->smb2->dialects)
      if (!has(w.disable, "smb" + name)) s2.push_back(name);
    for (const auto& det : port->smb2->details) required[det.dialect] = det.signing.required;
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
            "SMB " + *it + (server_requires ? ", signed" : ", unsigned"), "SMB " + *it};
  }
  for (const auto& d : client.smb1_dialects)
    if (has(s1, d)) {
      if (force_signing && client.signing == "disabled")
        return {CellVerdict::fails, "SMB1 " + d + " with required signing, which the client cannot do"};
      return {CellVerdict::works, "SMB1 " + d, d};
    }
  std::string why = "no dialect in common";
  if (client.smb2_dialects.empty()) why += ": the client speaks only SMB1";
  if (s1.empty() && s2.empty()) why += "; the server would accept none of the tested dialects";
  return {CellVerdict::fails, why};
}

Cellish kerberos_after(const KerberosOffer& client, const HostView& host, const WhatIf& w) {
  std::string why;
  const auto* krb = host.kerberos.ok("kerberos", why);
  if (!krb) return {CellVerdict::unknown, "no Kerberos result in the scan"};
  auto accepted = [&](const std::string& name) {
    for (const auto& row : krb->etypes)
      if (row.name == name)
        return kerberos::KerberosResult::merge(row.udp_alone, row.tcp_alone) == kerberos::EtypeVerdict::accepted;
    return false;
  };
  auto disabled = [&](std::int32_t e) {
    if (has(w.disable, "rc4") && (e == 23 || e == 24 || e < 0)) return true;  // negative: Microsoft's old RC4 variants
    if (has(w.disable, "des") && (e == 1 || e == 3)) return true;
    return false;
  };
  for (auto e : client.etypes) {
    const auto name = kerberos::etype_name(e);
    if (accepted(name) && !disabled(e))
      return {e == 23 || e == 24 || e == 1 || e == 3
                  ? (e == client.etypes.front() ? CellVerdict::works : CellVerdict::degraded)
                  : CellVerdict::works,
              "the KDC would answer with " + name, name};
  }
  return {CellVerdict::fails, "the KDC would accept none of the client's etypes"};
}

const std::vector<std::uint16_t> kTlsOrder{tls::SSL2_VERSION,   tls::SSL3_VERSION,   tls::TLS1_VERSION,
                                           tls::TLS1_1_VERSION, tls::TLS1_2_VERSION, tls::TLS1_3_VERSION};

Cellish tls_after(const TlsStack& client, const tls::Endpoint& endpoint, const WhatIf& w) {
  for (auto it = kTlsOrder.rbegin(); it != kTlsOrder.rend(); ++it) {
    const auto key = tls::version_key(*it);
    if (!has(client.versions, key) || has(w.disable, key) || !endpoint.accepted(*it)) continue;
    // The first suite in the client's order that the server accepts at this version.
    const auto list = endpoint.ciphers.find(*it);
    if (list == endpoint.ciphers.end()) continue;
    for (auto suite : client.cipher_suites)
      for (const auto& s : list->second)
        if (s.ssl2_kind == 0 && s.id == suite) {
          const bool weak = s.weak || !s.pfs || *it < tls::TLS1_2_VERSION;
          return {weak ? CellVerdict::degraded : CellVerdict::works, key + " " + (s.name.empty() ? s.hex() : s.name)};
        }
  }
  return {CellVerdict::fails, "no TLS version and suite in common (client offers " + join(client.versions) + ")"};
}

// The saved matrix's Kerberos cell stands when the change leaves its etype alone (it is the KDC's own
// answer to the client's replayed AS-REQ); else the client's next etype the KDC accepts.
Cellish kerberos_cell_after(const KerberosOffer& client, const HostView& host, const Row* saved, const WhatIf& w) {
  if (saved && saved->kerberos && !saved->kerberos->negotiated.empty()) {
    const auto& k = *saved->kerberos;
    const bool rc4 = k.negotiated.starts_with("rc4") || k.negotiated.starts_with("etype--");
    const bool des = k.negotiated.starts_with("des-");
    if (!(rc4 && has(w.disable, "rc4")) && !(des && has(w.disable, "des"))) return {k.verdict, k.reason, k.negotiated};
  }
  return kerberos_after(client, host, w);
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

std::vector<WhatIfRow> whatif_host(const HostView& host, const WhatIf& w) {
  std::vector<WhatIfRow> rows;
  for (const auto& p : all_profiles()) {
    const Row* saved = nullptr;
    for (const auto& m : host.matrix)
      if (m.profile == p.id) saved = &m;
    Row row;
    row.profile = p.id;
    row.name = p.name;
    std::vector<std::string> reasons;
    auto add = [&](std::optional<Cell>& slot, const char* label, const Cellish& c) {
      slot = Cell{c.verdict, c.reason, c.negotiated, "", {}, {}};
      reasons.push_back(std::string(label) + ": " + c.reason);
    };
    if (p.kerberos) add(row.kerberos, "Kerberos", kerberos_cell_after(*p.kerberos, host, saved, w));
    if (p.smb) {
      const auto c = smb_after(*p.smb, host, w);
      row.smb = Cell{c.verdict, c.reason, c.negotiated, "", {}, {}};
      const bool connects = c.verdict == CellVerdict::works || c.verdict == CellVerdict::degraded;
      // A server that requires encryption refuses the session of a client that cannot encrypt
      // ([MS-SMB2] 3.3.5.5; matrix_session.hpp), whatever its credentials.
      if (const std::string why = cannot_encrypt(*p.smb, *row.smb);
          connects && has(w.require, "smb-encryption") && !why.empty()) {
        row.smb->verdict = CellVerdict::fails;
        row.smb->reason += "; the server would require encryption, " + why;
      } else if (p.auth) {
        row.smb = auth_after(*row.smb, *p.auth, host.smb.result, row.kerberos, w, "session");
      }
      reasons.push_back("SMB: " + row.smb->reason);
    }
    if (!p.tls.empty() && host.tls.result)
      for (const auto& e : host.tls.result->endpoints)
        if (e.outcome.ok()) {
          // Every TLS stack of the client that talks to this endpoint's service; the port's cell is
          // the worst, named (as in the matrix).
          std::vector<Cell> stacks;
          for (const auto* st : stacks_for_service(p, tls_service(e.port, e.starttls.value_or("")))) {
            const auto c = tls_after(*st, e, w);
            stacks.push_back(Cell{c.verdict, c.reason, "", st->stack, {}, {}});
          }
          if (stacks.empty()) continue;
          const auto cell = worst_of_stacks(std::move(stacks));
          row.tls[e.port] = cell;
          reasons.push_back("TLS/" + std::to_string(e.port) + ": " + cell.reason);
        }
    if (p.ldap && has(w.require, "ldap-signing") && p.ldap->cleartext_bind)
      add(row.ldap, "LDAP", {CellVerdict::fails, "the client binds in cleartext; signing would be required", ""});
    else if (p.ldap && has(w.disable, "cldap") && p.ldap->ldap_ping)
      add(row.ldap, "LDAP", {CellVerdict::fails, "the client locates DCs with the LDAP ping (CLDAP)", ""});
    else if (p.ldap && host.ldap.result) {
      // The bind: the LDAP transport as the matrix decides it, then the client's paths after the change.
      row.ldap = ldap_cell(*p.ldap, host.ldap.result);
      if (row.ldap && p.auth && !p.ldap->cleartext_bind)
        row.ldap = auth_after(*row.ldap, *p.auth, host.smb.result, row.kerberos, w, "bind");
      if (row.ldap) reasons.push_back("LDAP: " + row.ldap->reason);
    }
    if (p.netbios && p.netbios->sam_logon && has(w.disable, "netbios"))
      add(row.netbios, "NetBIOS", {CellVerdict::fails, "the client needs the NetBIOS mailslot SAM LOGON", ""});
    remote_after(row, p, host, saved, w);
    for (const auto& [port, cell] : row.rdp) reasons.push_back("RDP/" + std::to_string(port) + ": " + cell.reason);
    for (const auto& [part, cell] : row.vpn) reasons.push_back(vpn_label(part) + ": " + cell.reason);
    WhatIfRow out;
    out.profile = p.id;
    out.name = p.name;
    out.verdict = overall(row);
    // The verdict the saved matrix has now, when the scan computed one, and the cells that change.
    if (saved) {
      out.before = std::string(to_string(saved->verdict));
      out.cells = cell_changes(*saved, row);
    }
    out.reason = join(reasons);
    if (out.verdict == CellVerdict::unknown && reasons.empty()) out.reason = "no protocol of this client was scanned";
    rows.push_back(std::move(out));
  }
  return rows;
}

json whatif_to_json(const std::vector<std::pair<HostView, std::vector<WhatIfRow>>>& hosts, const WhatIf& w) {
  json out{{"disable", w.disable}, {"require", w.require}, {"hosts", json::array()}};
  for (const auto& [host, rows] : hosts) {
    json list = json::array();
    for (const auto& r : rows) {
      json j{{"profile", r.profile}, {"name", r.name}, {"verdict", to_string(r.verdict)}, {"reason", r.reason}};
      if (!r.before.empty()) j["verdict_now"] = r.before;
      json cells = json::array();
      for (const auto& c : r.cells)
        cells.push_back(
            {{"protocol", c.protocol},
             {"before", {{"verdict", to_string(c.before.verdict)}, {"auth", c.before.auth}}},
             {"after", {{"verdict", to_string(c.after.verdict)}, {"auth", c.after.auth}, {"reason", c.after.reason}}}});
      if (!cells.empty()) j["cells"] = std::move(cells);
      list.push_back(std::move(j));
    }
    out["hosts"].push_back({{"target", host.target}, {"address", host.address}, {"clients", list}});
  }
  return out;
}

}  // namespace legacyscan::matrix
