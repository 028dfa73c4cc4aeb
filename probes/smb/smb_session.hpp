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
#include <vector>

#include "probes/smb/smb_offer.hpp"
#include "probes/smb/smb_session_result.hpp"

namespace legacyscan::smb {

// `smb2_dialect`: the highest SMB2/3 dialect the port accepted, when any; `smb1`: whether it accepted
// NT LM 0.12 with extended security; `signing_required`: whether that dialect requires signing (then
// the user's session, which would have to sign, connects no tree). The trees connected go to `shares`.
boost::asio::awaitable<Sessions> scan_sessions(PortScan& ps, std::optional<std::uint16_t> smb2_dialect, bool smb1,
                                               bool signing_required, std::vector<ShareAccess>& shares);

}  // namespace legacyscan::smb
