// SPDX-License-Identifier: Apache-2.0
#include "src/compat/matrix_remote.hpp"

#include <algorithm>

#include "legacyscan/strings.hpp"
#include "src/compat/matrix_cells.hpp"
#include "src/proto/ike/ike_codec.hpp"
#include "src/proto/rdp/rdp_codec.hpp"

namespace legacyscan::matrix {

namespace {

std::string requested_text(const RdpUse& c) { return rdp::protocols_name(c.requested); }

Cell standard_security(const rdp::Endpoint& e, const std::string& why) {
  std::string how = "Standard RDP Security (RC4; the server is not authenticated)";
  if (e.standard_security && e.standard_security->outcome.ok()) {
    // [MS-RDPBCGR] 5.3.2: FIPS is 3DES with SHA-1 MACs; the other methods are RC4 at that key size.
    const auto& method = e.standard_security->encryption_method;
    how = "Standard RDP Security, " + (method == "FIPS" ? std::string("FIPS (3DES)") : method + " RC4") + " at level " +
          e.standard_security->encryption_level + " (the server is not authenticated)";
  }
  return make_cell(CellVerdict::degraded, why + how, "PROTOCOL_RDP");
}

std::string v1_text(const IkeV1Offer& t) {
  return ike::v1_enc_name(t.enc, t.key_length) + "/" + ike::v1_hash_name(t.hash) + "/" + ike::group_name(t.group);
}

std::string v2_offer_text(const VpnUse& c) {
  std::vector<std::string> parts;
  for (const auto& p : c.ikev2) {
    std::vector<std::string> names;
    for (const auto& t : p.transforms) names.push_back(ike::v2_transform_name({t.type, t.id, t.key_length}));
    for (auto g : p.groups) names.push_back(ike::group_name(g));
    parts.push_back(join(names, "/"));
  }
  return join(parts, "; ");
}

// The client speaks the protocol, but what it proposes has no firm source: not judged.
Cell unsourced_cell(const char* exchange, const std::string& why) {
  // `why` starts with "no source: " (the profile schema requires it).
  return make_cell(CellVerdict::unknown,
                   std::string("the server speaks it, but the client's ") + exchange + " proposals have " + why);
}

}  // namespace

bool weak_ike_name(const std::string& name) {
  for (const char* weak : {"DES", "MD5", "SHA1", "modp768", "modp1024", "modp1536"})
    if (name.find(weak) != std::string::npos) return true;
  return false;
}

Cell rdp_cell(const RdpUse& c, const rdp::Endpoint& e) {
  const std::string asks = requested_text(c);
  const auto n = std::find_if(e.negotiations.begin(), e.negotiations.end(),
                              [&](const rdp::Negotiation& x) { return x.requested_protocols == c.requested; });
  if (n == e.negotiations.end())
    return make_cell(CellVerdict::unknown, "the rdp probe did not send this client's request (" + asks + ")");
  if (!n->outcome.ok())
    return make_cell(CellVerdict::fails,
                     "the server drops the client's Connection Request (" + asks + "): " + n->outcome.reason);
  if (n->answer == "none" || (n->answer == "response" && n->selected == rdp::protocol_name(rdp::kProtocolRdp))) {
    if (!c.standard_security)
      return make_cell(CellVerdict::fails, "the server offers only Standard RDP Security, which this client refuses");
    return standard_security(
        e, n->answer == "none" ? "the server does not negotiate (no RDP_NEG_RSP): " : "the server selects ");
  }
  if (n->answer == "response") {
    if (n->selected.find("HYBRID") != std::string::npos)
      return make_cell(CellVerdict::works, "CredSSP (NLA) over TLS: the user authenticates before the session",
                       n->selected);
    if (n->selected == rdp::protocol_name(rdp::kProtocolSsl))
      return make_cell(CellVerdict::works,
                       "TLS (" + n->selected +
                           "); no NLA: the logon screen comes before any "
                           "authentication",
                       n->selected);
    return make_cell(CellVerdict::works, "the server selects " + n->selected, n->selected);
  }
  const std::string& f = n->failure;
  if (f == "SSL_NOT_ALLOWED_BY_SERVER") {
    if (c.standard_security && e.standard_security_accepted)
      return standard_security(e,
                               "the server allows only Standard RDP Security (SSL_NOT_ALLOWED_BY_SERVER); the "
                               "client reconnects with ");
    return make_cell(CellVerdict::fails,
                     "the server allows only Standard RDP Security (SSL_NOT_ALLOWED_BY_SERVER)" +
                         std::string(c.standard_security ? ", and refuses it too" : ", which this client refuses"));
  }
  if (f == "HYBRID_REQUIRED_BY_SERVER")
    return make_cell(CellVerdict::fails, "the server requires NLA (HYBRID_REQUIRED_BY_SERVER); the client requests " +
                                             asks + " and does not offer CredSSP");
  if (f == "SSL_REQUIRED_BY_SERVER")
    return make_cell(CellVerdict::fails,
                     "the server requires TLS (SSL_REQUIRED_BY_SERVER); the client requests " + asks);
  return make_cell(CellVerdict::fails, "the server refuses the client's request (" + asks + "): " + f);
}

Cell ikev1_cell(const VpnUse& c, const vpn::IkeV1Info& s) {
  if (!s.anomaly.empty())
    return make_cell(CellVerdict::unknown, "the vpn probe's IKEv1 enumeration is incomplete: " + s.anomaly);
  const bool behind_nat_note = c.ikev1_nat_t_behind_nat.has_value() && !*c.ikev1_nat_t_behind_nat;
  const std::string nat =
      behind_nat_note ? "; behind NAT this client needs a registry change to use NAT-T (see the profile)" : "";
  std::vector<std::string> offered;
  for (const auto& t : c.ikev1) offered.push_back(v1_text(t));
  for (const auto& auth : c.ikev1_auth)
    for (const auto& t : c.ikev1) {
      const auto enc = ike::v1_enc_name(t.enc, t.key_length), hash = ike::v1_hash_name(t.hash),
                 group = ike::group_name(t.group);
      for (const auto& a : s.transforms)
        if (a.enc == enc && a.hash == hash && a.group == group && a.auth == auth) {
          const std::string text = enc + "/" + hash + "/" + auth + "/" + group;
          const bool weak = a.verdict == Verdict::bad || a.verdict == Verdict::warn;
          return make_cell(weak ? CellVerdict::degraded : CellVerdict::works,
                           "Main Mode accepts " + text + (weak ? " (weak: the vpn probe's verdict)" : "") +
                               "; the authentication itself is not tried" + nat,
                           text);
        }
    }
  std::vector<std::string> accepted;
  for (const auto& a : s.transforms)
    if (accepted.size() < 4) accepted.push_back(a.enc + "/" + a.hash + "/" + a.auth + "/" + a.group);
  return make_cell(CellVerdict::fails, "the server accepts none of the client's Main Mode transforms (" +
                                           join(offered) + " with " + join(c.ikev1_auth, " or ") + ")" +
                                           (accepted.empty() ? std::string("; it accepts none the vpn probe offered")
                                                             : "; it accepts " + join(accepted) +
                                                                   (s.transforms.size() > 4 ? ", ..." : "")));
}

Cell ikev2_cell(const VpnUse& c, const IkeV2Answer& a, const vpn::IkeV2Info* server) {
  if (!a.outcome.ok())
    return make_cell(CellVerdict::fails, "no answer to the client's IKE_SA_INIT: " + a.outcome.reason);
  if (!a.chosen.empty()) {
    const std::string text = join(a.chosen, "/");
    const bool weak = std::any_of(a.chosen.begin(), a.chosen.end(), weak_ike_name);
    return make_cell(
        weak ? CellVerdict::degraded : CellVerdict::works,
        "IKE_SA_INIT accepted with " + text +
            (a.retried_group.empty() ? "" : " (after INVALID_KE_PAYLOAD asked for " + a.retried_group + ")") +
            (weak ? " (weak: 3DES, SHA-1 or a group under 2048 bits)" : ""),
        text);
  }
  std::string why = "the server refuses the client's proposals (" + v2_offer_text(c) +
                    "): " + (a.notify.empty() ? std::string("no SA payload") : a.notify);
  if (server && server->outcome.ok() && !server->groups.empty())
    why += "; it accepts groups " + join(server->groups) + " and ciphers " + join(server->encryption) + " (vpn probe)";
  return make_cell(CellVerdict::fails, why);
}

Cell pptp_cell(const vpn::PptpInfo& s) {
  if (s.result_code != 1)
    return make_cell(CellVerdict::fails, "the server refuses the control connection: " + s.result);
  return make_cell(CellVerdict::degraded, "PPTP control connection accepted: MS-CHAPv2 and MPPE (RC4) are broken",
                   "PPTP " + s.protocol_version);
}

const vpn::IkeV2Info* ikev2_responder(const std::optional<vpn::VpnResult>& vpn) {
  if (!vpn || vpn->status != Status::ok || !vpn->ike || !vpn->ike->v2 || !vpn->ike->v2->outcome.ok()) return nullptr;
  return &*vpn->ike->v2;
}

void add_remote_cells(Row& row, const ClientProfile& p, const std::optional<rdp::RdpResult>& rdp,
                      const std::optional<vpn::VpnResult>& vpn, const std::function<Cell(const VpnUse&)>& ikev2) {
  if (p.rdp && rdp && rdp->status == Status::ok)
    for (const auto& e : rdp->endpoints)
      if (e.outcome.ok()) row.rdp[e.port] = rdp_cell(*p.rdp, e);
  if (!p.vpn || !vpn || vpn->status != Status::ok) return;
  const auto& c = *p.vpn;
  std::vector<std::string> server, client;
  if (c.pptp) client.push_back("PPTP");
  if (!c.ikev1.empty() || !c.ikev1_no_source.empty()) client.push_back("L2TP/IPsec (IKEv1)");
  if (!c.ikev2.empty() || !c.ikev2_no_source.empty()) client.push_back("IKEv2");
  if (vpn->pptp && vpn->pptp->outcome.ok()) {
    server.push_back("PPTP");
    if (c.pptp) row.vpn["pptp"] = pptp_cell(*vpn->pptp);
  }
  if (vpn->ike && vpn->ike->v1 && vpn->ike->v1->outcome.ok()) {
    server.push_back("L2TP/IPsec (IKEv1)");
    if (!c.ikev1.empty()) row.vpn["ikev1"] = ikev1_cell(c, *vpn->ike->v1);
    if (!c.ikev1_no_source.empty()) row.vpn["ikev1"] = unsourced_cell("Main Mode", c.ikev1_no_source);
  }
  if (ikev2_responder(vpn)) {
    server.push_back("IKEv2");
    if (!c.ikev2.empty()) row.vpn["ikev2"] = ikev2(c);
    if (!c.ikev2_no_source.empty()) row.vpn["ikev2"] = unsourced_cell("IKE_SA_INIT", c.ikev2_no_source);
  }
  if (row.vpn.empty() && !server.empty())
    row.vpn["any"] = c.complete
                         ? make_cell(CellVerdict::fails, "the server speaks " + join(server) +
                                                             "; the client's built-in VPN speaks only " + join(client))
                         : make_cell(CellVerdict::unknown, "the server speaks " + join(server) +
                                                               ", which this profile does not describe "
                                                               "for the client (it lists " +
                                                               join(client) + ")");
}

}  // namespace legacyscan::matrix
