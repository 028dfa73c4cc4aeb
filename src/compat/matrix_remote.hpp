// SPDX-License-Identifier: Apache-2.0
// The matrix's remote-access cells: RDP (read from the rdp probe's negotiations, which are the very
// X.224 requests these clients send) and VPN (PPTP from the vpn probe's control connection; L2TP/IPsec
// from its complete IKEv1 Main Mode enumeration; IKEv2 from a replay of the client's own IKE_SA_INIT
// proposals, whose answer is handed in).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "probes/matrix/matrix_result.hpp"
#include "probes/rdp/rdp_result.hpp"
#include "probes/vpn/vpn_result.hpp"
#include "src/compat/profiles.hpp"

namespace legacyscan::matrix {

// The answer to a replayed IKEv2 IKE_SA_INIT with the client's proposals.
struct IkeV2Answer {
  Outcome outcome;                  // not ok: no answer at all
  std::vector<std::string> chosen;  // the responder's chosen transforms by name (group last), when it chose
  std::string notify;               // what it said instead ("NO_PROPOSAL_CHOSEN")
  std::string retried_group;        // the group of a second offer after INVALID_KE_PAYLOAD
};

// The RDP cell of a client at one endpoint the rdp probe scanned.
Cell rdp_cell(const RdpUse& client, const rdp::Endpoint& endpoint);
// L2TP/IPsec: the client's Main Mode transforms against what the vpn probe found accepted.
Cell ikev1_cell(const VpnUse& client, const vpn::IkeV1Info& server);
// IKEv2: the answer to the replay of the client's proposals; `server` (the vpn probe's IKEv2
// enumeration) explains a refusal.
Cell ikev2_cell(const VpnUse& client, const IkeV2Answer& answer, const vpn::IkeV2Info* server);
Cell pptp_cell(const vpn::PptpInfo& server);
// An IKE transform name that makes a cell degraded: DES/3DES, MD5, SHA-1 or a group under 2048 bits.
bool weak_ike_name(const std::string& name);

// The rdp and vpn cells of a row: an RDP cell per endpoint that answered; a VPN cell per protocol
// both sides speak, or "any" when the server speaks VPN protocols the client has none of.
void add_remote_cells(Row& row, const ClientProfile& p, const std::optional<rdp::RdpResult>& rdp,
                      const std::optional<vpn::VpnResult>& vpn, const std::function<Cell(const VpnUse&)>& ikev2);

// Whether the server answered IKEv2 (then the matrix replays the clients' proposals on that port).
const vpn::IkeV2Info* ikev2_responder(const std::optional<vpn::VpnResult>& vpn);

}  // namespace legacyscan::matrix
