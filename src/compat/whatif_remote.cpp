// SPDX-License-Identifier: Apache-2.0
// What-if over the remote-access cells: which clients a hardened VPN or RDP server would lose, from
// what the rdp and vpn probes saw the server accept and what each client offers (its profile).
#include <algorithm>

#include "legacyscan/strings.hpp"
#include "src/compat/matrix_cells.hpp"
#include "src/compat/matrix_remote.hpp"
#include "src/compat/whatif.hpp"
#include "src/proto/ike/ike_codec.hpp"
#include "src/proto/rdp/rdp_codec.hpp"

namespace legacyscan::matrix {

namespace {

bool listed(const std::vector<std::string>& v, const char* s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// What the change takes out of IKE: 3DES ("ike-3des"), groups under 2048 bits ("ike-dh14": MODP 768,
// 1024 and 1536; RFC 3526 group 14 and the ECP and Curve25519 groups stay).
bool removed(const std::string& name, const WhatIf& w) {
  if (listed(w.disable, "ike-3des") && name == "3DES-CBC") return true;
  return listed(w.require, "ike-dh14") && (name == "modp768" || name == "modp1024" || name == "modp1536");
}

// Whether a cell's negotiated transforms ("3DES-CBC/SHA1/PSK/modp1024") include one the change removes.
bool touches(const Cell& c, const WhatIf& w) {
  std::size_t start = 0;
  while (start <= c.negotiated.size()) {
    const auto end = std::min(c.negotiated.find('/', start), c.negotiated.size());
    if (removed(c.negotiated.substr(start, end - start), w)) return true;
    start = end + 1;
  }
  return false;
}

// L2TP/IPsec: the client's transforms against the probe's accepted ones less those the change removes.
Cell ikev1_after(const VpnUse& c, const vpn::IkeV1Info& s, const WhatIf& w) {
  vpn::IkeV1Info kept = s;
  std::erase_if(kept.transforms, [&](const vpn::IkeTransform& t) { return removed(t.enc, w) || removed(t.group, w); });
  return ikev1_cell(c, kept);
}

// IKEv2: the first of the client's proposals whose every transform type has one the vpn probe saw
// accepted and the change keeps. The probe enumerates one type at a time, so this is what the
// responder accepts per type, not the answer to a replay.
Cell ikev2_after(const VpnUse& c, const vpn::IkeV2Info* s, const WhatIf& w) {
  if (!s) return make_cell(CellVerdict::unknown, "the scan has no IKEv2 enumeration to recompute the cell from");
  const auto pick = [&](const std::vector<std::string>& offered, const std::vector<std::string>& accepted) {
    for (const auto& o : offered)
      if (!removed(o, w) && std::find(accepted.begin(), accepted.end(), o) != accepted.end()) return o;
    return std::string();
  };
  for (const auto& p : c.ikev2) {
    std::vector<std::string> enc, integ, prf, groups;
    for (const auto& t : p.transforms) {
      const auto name = ike::v2_transform_name({t.type, t.id, t.key_length});
      (t.type == ike::v2::kEncr ? enc : t.type == ike::v2::kInteg ? integ : prf).push_back(name);
    }
    for (auto g : p.groups) groups.push_back(ike::group_name(g));
    const auto e = pick(enc, s->encryption), f = pick(prf, s->prf), g = pick(groups, s->groups);
    const auto i = integ.empty() ? std::string() : pick(integ, s->integrity);
    if (e.empty() || f.empty() || g.empty() || (!integ.empty() && i.empty())) continue;
    std::vector<std::string> chosen{e};
    if (!i.empty()) chosen.push_back(i);
    chosen.push_back(f);
    chosen.push_back(g);
    const bool weak = std::any_of(chosen.begin(), chosen.end(), weak_ike_name);
    return make_cell(weak ? CellVerdict::degraded : CellVerdict::works,
                     "the server would still accept " + join(chosen, "/") +
                         " (the vpn probe's IKEv2 enumeration, per transform type)",
                     join(chosen, "/"));
  }
  std::vector<std::string> groups;
  for (const auto& g : s->groups)
    if (!removed(g, w)) groups.push_back(g);
  return make_cell(CellVerdict::fails,
                   "the server would accept none of the client's IKEv2 proposals; it would keep groups " +
                       (groups.empty() ? std::string("none") : join(groups)) + " (vpn probe)");
}

bool selects(const rdp::Endpoint& e, std::uint32_t protocol) {
  return std::any_of(e.negotiations.begin(), e.negotiations.end(), [&](const rdp::Negotiation& n) {
    return n.outcome.ok() && n.answer == "response" && n.selected == rdp::protocol_name(protocol);
  });
}

// An RDP cell after "rdp-nla" (the server answers HYBRID_REQUIRED_BY_SERVER to a request without
// CredSSP) or "rdp-standard-security" (it no longer selects PROTOCOL_RDP). A client whose cell moves
// to a protocol the scan never saw the server select is unknown, not assumed to work.
Cell rdp_after(const RdpUse& c, const rdp::Endpoint& e, const Cell& cell, const WhatIf& w) {
  const bool nla = listed(w.require, "rdp-nla");
  const std::string asks = rdp::protocols_name(c.requested);
  if (nla && !(c.requested & rdp::kProtocolHybrid))
    return make_cell(CellVerdict::fails,
                     "the server would require NLA (HYBRID_REQUIRED_BY_SERVER); the client requests " + asks +
                         " and does not offer CredSSP");
  if (nla && cell.negotiated.find("HYBRID") == std::string::npos) {
    if (selects(e, rdp::kProtocolHybrid) || selects(e, rdp::kProtocolHybridEx))
      return make_cell(CellVerdict::works, "CredSSP (NLA) over TLS, which the server selects in the scan",
                       rdp::protocol_name(rdp::kProtocolHybrid));
    return make_cell(CellVerdict::unknown,
                     "the server would have to require NLA, and the scan never saw it select "
                     "CredSSP (PROTOCOL_HYBRID)");
  }
  if (listed(w.disable, "rdp-standard-security") && cell.negotiated == rdp::protocol_name(rdp::kProtocolRdp)) {
    if (!(c.requested & rdp::kProtocolSsl))
      return make_cell(CellVerdict::fails,
                       "the server would refuse Standard RDP Security, the only security this client speaks");
    if (selects(e, rdp::kProtocolSsl))
      return make_cell(CellVerdict::works, "TLS (PROTOCOL_SSL), which the server selects in the scan; no NLA",
                       rdp::protocol_name(rdp::kProtocolSsl));
    return make_cell(CellVerdict::unknown,
                     "the server would have to offer TLS, which the scan never saw it select "
                     "(the client requests " +
                         asks + ")");
  }
  return cell;
}

}  // namespace

void remote_after(Row& row, const ClientProfile& p, const HostView& host, const Row* saved, const WhatIf& w) {
  if (saved) {
    row.rdp = saved->rdp;
    row.vpn = saved->vpn;
  } else {
    add_remote_cells(row, p, host.rdp.result, host.vpn.result, [](const VpnUse&) {
      return make_cell(CellVerdict::unknown, "the scan has no matrix: the client's IKE_SA_INIT was not replayed");
    });
  }
  if (p.rdp && host.rdp.result)
    for (const auto& e : host.rdp.result->endpoints)
      if (auto it = row.rdp.find(e.port); it != row.rdp.end()) it->second = rdp_after(*p.rdp, e, it->second, w);
  if (!p.vpn) return;
  const auto* vpn = host.vpn.result && host.vpn.result->status == Status::ok ? &*host.vpn.result : nullptr;
  const auto* v1 = vpn && vpn->ike && vpn->ike->v1 && vpn->ike->v1->outcome.ok() ? &*vpn->ike->v1 : nullptr;
  for (auto& [part, cell] : row.vpn) {
    if (part == "pptp" && listed(w.disable, "pptp"))
      cell = make_cell(CellVerdict::fails, "PPTP would be switched off");
    else if (part == "ikev1" && listed(w.disable, "ikev1"))
      cell = make_cell(CellVerdict::fails, "IKEv1 (L2TP/IPsec) would be switched off");
    else if (part == "ikev1" && v1 && !p.vpn->ikev1.empty() && touches(cell, w))
      cell = ikev1_after(*p.vpn, *v1, w);
    else if (part == "ikev2" && !p.vpn->ikev2.empty() && touches(cell, w))
      cell = ikev2_after(*p.vpn, ikev2_responder(host.vpn.result), w);
  }
}

}  // namespace legacyscan::matrix
