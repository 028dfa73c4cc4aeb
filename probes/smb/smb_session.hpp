// SPDX-License-Identifier: Apache-2.0
// What a port grants after the negotiate: SESSION_SETUPs that carry an NTLMSSP AUTHENTICATE
// ([MS-SMB2] 3.2.5.3, [MS-SMB] 3.2.4.2.4) - anonymous, as a user no server has (guest mapping), as
// the user given, one per NTLM response type - and a TREE_CONNECT to IPC$ from each session granted.
// Each attempt is one ordinary logon on a connection of its own.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probes/smb/smb_offer.hpp"
#include "probes/smb/smb_session_result.hpp"
#include "probes/smb/smb_share_list.hpp"

namespace legacyscan::smb {

// What the negotiate found that the sessions depend on.
struct SessionPlan {
  std::optional<std::uint16_t> smb2_dialect;  // the highest SMB2/3 dialect accepted, when any
  std::optional<std::uint16_t> smb2_legacy;   // the highest one below 3.0 (it cannot encrypt), when any
  bool smb1 = false;                          // NT LM 0.12 with extended security accepted
  bool signing_required = false;              // the highest dialect requires signing (the user's session signs anyway)
  std::vector<std::string> shares;            // --shares: connected after IPC$ in every session that connects trees
  bool all_shares = false;                    // --shares all: the shares each SMB2/3 session lists
};

// --smb-shares NAME,...: the names, or (empty, with `error`) why they are not share names.
std::vector<std::string> smb_share_names(const std::string& option, std::string& error);

// The trees connected go to `shares`, the share lists of the SMB2/3 sessions that connected IPC$ to
// `lists`.
boost::asio::awaitable<Sessions> scan_sessions(PortScan& ps, const SessionPlan& plan, std::vector<ShareAccess>& shares,
                                               std::vector<ShareList>& lists);

}  // namespace legacyscan::smb
