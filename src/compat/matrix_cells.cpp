// SPDX-License-Identifier: Apache-2.0
#include "src/compat/matrix_cells.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/json_text.hpp"
#include "legacyscan/strings.hpp"

#ifdef LEGACYSCAN_PROBE_KERBEROS
#include "probes/kerberos/kerberos_result.hpp"
#endif
#ifdef LEGACYSCAN_PROBE_LDAP
#include "probes/ldap/ldap_result.hpp"
#endif

namespace legacyscan::matrix {

using nlohmann::json;

namespace {

// The SMB port a client would use: 445 when it answers, else 139.
std::optional<std::uint16_t> smb_port(const std::optional<json>& smb) {
  if (!smb || !smb->contains("ports")) return std::nullopt;
  for (const char* p : {"445", "139"})
    if (smb->at("ports").contains(p) && smb->at("ports").at(p).value("status", "") == "ok")
      return static_cast<std::uint16_t>(std::stoi(p));
  for (const auto& [port, v] : smb->at("ports").items())
    if (v.value("status", "") == "ok") return static_cast<std::uint16_t>(std::stoi(port));
  return std::nullopt;
}

// "https" or "https, ldaps": what a client's TLS stacks are for.
[[maybe_unused]] std::string tls_services_of(const ClientProfile& p) {
  std::vector<std::string> all;
  for (const auto& s : p.tls)
    for (const auto& svc : s.services)
      if (std::find(all.begin(), all.end(), svc) == all.end()) all.push_back(svc);
  return join(all);
}

}  // namespace

Cell make_cell(CellVerdict v, std::string reason, std::string negotiated) {
  Cell c;
  c.verdict = v;
  c.reason = std::move(reason);
  c.negotiated = std::move(negotiated);
  return c;
}

ScanInputs read_scan_inputs(std::optional<json> smb, std::optional<json> kerberos, std::optional<json> tls,
                            std::optional<json> ldap, std::optional<json> netbios) {
  ScanInputs in;
  in.smb_port = smb_port(smb);
  if (tls && tls->contains("endpoints"))
    for (const auto& e : tls->at("endpoints"))
      if (e.value("status", "") == "ok" && e.contains("starttls") && e.at("starttls").is_null()) {
        in.tls_ports.push_back(e.value("port", std::uint16_t{0}));
        in.tls_endpoint[in.tls_ports.back()] = e;
      }
#ifdef LEGACYSCAN_PROBE_KERBEROS
  if (kerberos) {
    const auto k = fields::read<kerberos::KerberosResult>(*kerberos);
    in.realm = k.realm;
    in.principal = k.principal;
    in.kerberos_port = k.port;
  }
  in.kerberos_ready = kerberos && !in.realm.empty() && !in.principal.empty();
#endif
  in.smb = std::move(smb);
  in.kerberos = std::move(kerberos);
  in.tls = std::move(tls);
  in.ldap = std::move(ldap);
  in.netbios = std::move(netbios);
  return in;
}

Row assemble_row(const ClientProfile& p, const ScanInputs& in, const Replayed& replayed) {
  Row row;
  row.profile = p.id;
  row.name = p.name;
  if (p.smb) {
    if (!in.smb)
      row.smb = make_cell(CellVerdict::unknown, "smb probe not run");
    else if (!in.smb_port)
      row.smb = make_cell(CellVerdict::fails, "no SMB port answered (" + in.smb->value("reason", "") + ")");
    else
      row.smb = replayed.smb(*p.smb);
  }
  if (p.kerberos) {
#ifdef LEGACYSCAN_PROBE_KERBEROS
    if (!in.kerberos)
      row.kerberos = make_cell(CellVerdict::unknown, "kerberos probe not run");
    else if (!in.kerberos_ready)
      row.kerberos = make_cell(CellVerdict::unknown, "kerberos probe learned no realm/principal");
    else
      row.kerberos = replayed.kerberos(*p.kerberos);
#else
    row.kerberos = make_cell(CellVerdict::unknown, "kerberos probe not built");
#endif
  }
  if (!p.tls.empty()) {
#ifdef LEGACYSCAN_PROBE_TLS
    if (!in.tls)
      row.tls_unknown = make_cell(CellVerdict::unknown, "tls probe not run");
    else if (in.tls_ports.empty())
      row.tls_unknown = make_cell(CellVerdict::unknown, "no TLS endpoint found on this host");
    else {
      for (auto port : in.tls_ports) {
        // Every TLS stack of the client that talks to this port's service (SChannel for LDAPS,
        // a browser only for HTTPS...): the port's cell is the worst of them, named; each stack's
        // own outcome is kept under "stacks". A port no stack of the client talks to has no cell.
        std::vector<Cell> per_stack;
        for (const auto* stack : stacks_for_service(p, tls_service(port, ""))) {
          auto c = replayed.tls(*stack, port);
          c.stack = stack->stack;
          if (c.verdict == CellVerdict::fails &&
              (c.reason.starts_with("server closed") || c.reason.starts_with("server refuses")))
            if (auto why = tls_refusal_explained(*stack, in.tls_endpoint.at(port)); !why.empty())
              c.reason += "; " + why;
          per_stack.push_back(std::move(c));
        }
        if (!per_stack.empty()) row.tls[port] = worst_of_stacks(std::move(per_stack));
      }
      if (row.tls.empty())
        row.tls_unknown = make_cell(CellVerdict::unknown, "the client's TLS is for " + tls_services_of(p) +
                                                              " only; this host has no such TLS endpoint");
    }
#else
    row.tls_unknown = make_cell(CellVerdict::unknown, "tls probe not built");
#endif
  }
  if (p.ldap) row.ldap = ldap_cell(*p.ldap, in.ldap);
  if (p.netbios) row.netbios = netbios_cell(*p.netbios, in.netbios);
  row.verdict = overall(row);
  return row;
}

std::optional<Cell> ldap_cell(const LdapUse& client, const std::optional<json>& ldap_json) {
#ifdef LEGACYSCAN_PROBE_LDAP
  if (!ldap_json) return make_cell(CellVerdict::unknown, "ldap probe not run");
  const auto ldap = fields::read<ldap::LdapResult>(*ldap_json);
  if (ldap.status != Status::ok) return make_cell(CellVerdict::unknown, "ldap probe: " + ldap.reason);
  // Cleartext simple binds: the probe's posture check made exactly that bind.
  if (client.cleartext_bind) {
    const auto& posture = ldap.simple_bind_cleartext;
    if (posture == "rejected")
      return make_cell(CellVerdict::fails,
                       "server requires signing or TLS for binds (strongerAuthRequired); the client "
                       "binds in cleartext");
    if (posture == "allowed")
      return make_cell(CellVerdict::degraded, "server accepts cleartext simple binds on 389 (passwords in the clear)");
    return make_cell(CellVerdict::unknown,
                     "the ldap probe could not tell whether cleartext binds work (" + posture + ")");
  }
  if (client.ldap_ping) {
    if (!ldap.cldap || !ldap.cldap->outcome.ok())
      return make_cell(CellVerdict::fails,
                       "the DC does not answer the LDAP ping (CLDAP) that this client uses to find it");
    return make_cell(CellVerdict::works, "answers the LDAP ping (CLDAP) and signed SASL binds");
  }
  return make_cell(CellVerdict::works, "signed SASL binds (no legacy LDAP need)");
#else
  (void)client;
  (void)ldap_json;
  return make_cell(CellVerdict::unknown, "ldap probe not run");  // not built: it never runs
#endif
}

std::optional<Cell> netbios_cell(const NetbiosUse& client, const std::optional<json>& nb) {
  if (!client.sam_logon) return std::nullopt;
  if (!nb) return make_cell(CellVerdict::unknown, "netbios probe not run");
  if (nb->value("status", "") != "ok") return make_cell(CellVerdict::fails, "NetBIOS: " + nb->value("reason", ""));
  const auto text = json_text(*nb);
  if (text.find("LOGON_SAM_LOGON_RESPONSE") != std::string::npos || text.find("\"sam_logon\"") != std::string::npos)
    return make_cell(CellVerdict::works, "DC answers the mailslot SAM LOGON");
  return make_cell(CellVerdict::fails, "DC does not answer the mailslot SAM LOGON that this client sends");
}

std::string tls_refusal_explained(const TlsStack& client, const json& endpoint) {
  if (!endpoint.is_object() || !endpoint.contains("versions")) return {};
  std::vector<std::string> accepted, common;
  for (const auto& [v, verdict] : endpoint.at("versions").items())
    if (verdict == "accepted") accepted.push_back(v);
  for (const auto& v : client.versions)
    if (std::find(accepted.begin(), accepted.end(), v) != accepted.end()) common.push_back(v);
  if (accepted.empty()) return {};
  if (common.empty()) return "the server accepts only " + join(accepted, "/") + " (tls probe)";
  const json ciphers = endpoint.value("ciphers", json::object());
  std::vector<std::string> server_suites;
  for (const auto& v : common) {
    for (const auto& s : ciphers.value(v, json::array())) {
      const auto hex = s.value("hex", std::string());
      for (auto suite : client.cipher_suites) {
        char mine[8];
        std::snprintf(mine, sizeof mine, "0x%04X", suite);
        if (hex == mine) return {};
      }
    }
  }
  for (const auto& s : ciphers.value(common.back(), json::array()))
    if (server_suites.size() < 4) server_suites.push_back(s.value("iana", s.value("hex", std::string())));
  std::string out = "no cipher suite in common at " + join(common, "/");
  if (!server_suites.empty())
    out += " (the server accepts " + join(server_suites) + (server_suites.size() == 4 ? ", ..." : "") + ")";
  return out;
}

}  // namespace legacyscan::matrix
