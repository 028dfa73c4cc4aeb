// SPDX-License-Identifier: Apache-2.0
#include "src/compat/matrix_cells.hpp"

#include <algorithm>
#include <utility>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/strings.hpp"
#include "src/compat/host_view.hpp"
#include "src/compat/matrix_auth.hpp"
#include "src/compat/matrix_session.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::matrix {

using nlohmann::json;

namespace {

// A probe's result read back from the JSON the engine handed over; none when it did not run (or,
// never in practice, cannot be read).
template <class T>
std::optional<T> read_result(const std::optional<json>& j) {
  if (!j) return std::nullopt;
  try {
    return fields::read<T>(*j);
  } catch (const std::exception&) {
    return std::nullopt;
  }
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

ScanInputs read_scan_inputs(const std::optional<json>& smb, const std::optional<json>& kerberos,
                            const std::optional<json>& tls, const std::optional<json>& ldap,
                            const std::optional<json>& netbios) {
  ScanInputs in;
  in.smb = read_result<smb::SmbResult>(smb);
  in.kerberos = read_result<kerberos::KerberosResult>(kerberos);
  in.tls = read_result<tls::TlsResult>(tls);
  in.ldap = read_result<ldap::LdapResult>(ldap);
  in.netbios = read_result<netbios::NetbiosResult>(netbios);
  if (in.smb)
    if (const auto* port = client_smb_port(*in.smb)) in.smb_port = port->port;
  if (in.tls)
    for (const auto& e : in.tls->endpoints)
      if (e.outcome.ok() && !e.starttls) {
        in.tls_ports.push_back(e.port);
        in.tls_endpoint[e.port] = e;
      }
  if (in.kerberos) {
    in.realm = in.kerberos->realm;
    in.principal = in.kerberos->principal;
    in.kerberos_port = in.kerberos->port;
  }
#ifdef LEGACYSCAN_PROBE_KERBEROS
  in.kerberos_ready = in.kerberos && !in.realm.empty() && !in.principal.empty();
#endif
  return in;
}

void read_remote_inputs(ScanInputs& in, const std::optional<json>& rdp, const std::optional<json>& vpn) {
  in.rdp = read_result<rdp::RdpResult>(rdp);
  in.vpn = read_result<vpn::VpnResult>(vpn);
}

Row assemble_row(const ClientProfile& p, const ScanInputs& in, const Replayed& replayed) {
  Row row;
  row.profile = p.id;
  row.name = p.name;
  if (p.smb) {
    if (!in.smb)
      row.smb = make_cell(CellVerdict::unknown, "smb probe not run");
    else if (!in.smb_port)
      row.smb = make_cell(CellVerdict::fails, "no SMB port answered (" + in.smb->reason + ")");
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
  if (p.auth) {
    auto facts = auth_facts(in.smb, row.kerberos);
    if (p.kerberos) facts.client_etypes = p.kerberos->etypes;
    facts.service = in.service_account;
    facts.service_name = in.service_name;
    if (row.smb) row.smb = smb_session_cell(*row.smb, *p.smb, *p.auth, facts);
    if (row.ldap && !p.ldap->cleartext_bind) row.ldap = with_auth(*row.ldap, *p.auth, facts, "bind");
  }
  if (p.netbios) row.netbios = netbios_cell(*p.netbios, in.netbios);
  const auto not_replayed = [](const VpnUse&) { return make_cell(CellVerdict::unknown, "IKEv2 offer not replayed"); };
  add_remote_cells(row, p, in.rdp, in.vpn, replayed.ikev2 ? replayed.ikev2 : not_replayed);
  row.verdict = overall(row);
  return row;
}

Cell smb_signing_cell(const SmbOffer& client, bool server_enabled, bool server_required, const std::string& negotiated,
                      bool smb1) {
  if (server_required && client.signing == "disabled")
    return make_cell(CellVerdict::fails, "server requires signing, client cannot sign", negotiated);
  if (client.signing == "required" && !server_enabled)
    return make_cell(CellVerdict::fails, "the client requires signing, the server has signing disabled", negotiated);
  if (smb1) {
    const bool signs = client.signing != "disabled" && server_enabled;
    const std::string how = !signs            ? (client.signing == "disabled" ? "client does not sign: unsigned session"
                                                                              : "server does not enable signing: unsigned session")
                            : server_required ? "server requires signing, client can sign"
                            : client.signing == "required" ? "client requires signing, server signs"
                                                           : "both enable signing: signed session";
    return make_cell(CellVerdict::works, negotiated + " (SMB1); " + how, negotiated);
  }
  const std::string how = server_required                ? "server requires signing, client can sign"
                          : client.signing == "required" ? "client requires signing, server signs"
                                                         : "signing not required by either side: unsigned session";
  const bool unsigned_session = !server_required && client.signing != "required";
  return make_cell(unsigned_session ? CellVerdict::degraded : CellVerdict::works, negotiated + "; " + how, negotiated);
}

std::optional<Cell> ldap_cell(const LdapUse& client, const std::optional<ldap::LdapResult>& ldap) {
  if (!ldap) return make_cell(CellVerdict::unknown, "ldap probe not run");
  if (ldap->status != Status::ok) return make_cell(CellVerdict::unknown, "ldap probe: " + ldap->reason);
  // Cleartext simple binds: the probe's posture check made exactly that bind.
  if (client.cleartext_bind) {
    const auto& posture = ldap->simple_bind_cleartext;
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
    if (!ldap->cldap || !ldap->cldap->outcome.ok())
      return make_cell(CellVerdict::fails,
                       "the DC does not answer the LDAP ping (CLDAP) that this client uses to find it");
    return make_cell(CellVerdict::works, "answers the LDAP ping (CLDAP) and signed SASL binds");
  }
  return make_cell(CellVerdict::works, "signed SASL binds (no legacy LDAP need)");
}

std::optional<Cell> netbios_cell(const NetbiosUse& client, const std::optional<netbios::NetbiosResult>& nb) {
  if (!client.sam_logon) return std::nullopt;
  if (!nb) return make_cell(CellVerdict::unknown, "netbios probe not run");
  if (nb->status != Status::ok) return make_cell(CellVerdict::fails, "NetBIOS: " + nb->reason);
  if (!nb->sam_logon_replies().empty()) return make_cell(CellVerdict::works, "DC answers the mailslot SAM LOGON");
  return make_cell(CellVerdict::fails, "DC does not answer the mailslot SAM LOGON that this client sends");
}

std::string tls_refusal_explained(const TlsStack& client, const tls::Endpoint& endpoint) {
  std::vector<std::string> accepted, common;
  std::vector<std::uint16_t> common_versions;
  for (const auto& v : endpoint.versions)
    if (v.verdict == tls::VersionVerdict::accepted) accepted.push_back(tls::version_key(v.version));
  for (const auto& name : client.versions)
    for (const auto& v : endpoint.versions)
      if (v.verdict == tls::VersionVerdict::accepted && tls::version_key(v.version) == name) {
        common.push_back(name);
        common_versions.push_back(v.version);
      }
  if (accepted.empty()) return {};
  if (common.empty()) return "the server accepts only " + join(accepted, "/") + " (tls probe)";
  auto suites_at = [&](std::uint16_t version) {
    const auto it = endpoint.ciphers.find(version);
    return it == endpoint.ciphers.end() ? std::vector<tls::AcceptedSuite>{} : it->second;
  };
  for (const auto version : common_versions)
    for (const auto& s : suites_at(version))
      for (auto suite : client.cipher_suites)
        if (s.ssl2_kind == 0 && s.id == suite) return {};
  std::vector<std::string> server_suites;
  for (const auto& s : suites_at(common_versions.back()))
    if (server_suites.size() < 4) server_suites.push_back(s.name.empty() ? s.hex() : s.name);
  std::string out = "no cipher suite in common at " + join(common, "/");
  if (!server_suites.empty())
    out += " (the server accepts " + join(server_suites) + (server_suites.size() == 4 ? ", ..." : "") + ")";
  return out;
}

}  // namespace legacyscan::matrix
