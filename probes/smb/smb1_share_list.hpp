// SPDX-License-Identifier: Apache-2.0
// The shares an SMB1 server lists to a session: the srvsvc pipe opened with NT_CREATE_ANDX on IPC$,
// the DCE-RPC BIND and NetrShareEnum ([MS-SRVS] 3.1.4.8) written with TRANSACTION TransactNmPipe
// ([MS-CIFS] 2.2.5.6) and what did not fit read with READ_ANDX. When srvsvc is refused or missing
// (old servers, appliances), RAP NetShareEnum ([MS-RAP] 2.5.6) in a TRANSACTION to \PIPE\LANMAN.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp

#include <boost/asio/awaitable.hpp>
#include <cstdint>

#include "probes/smb/smb_channel.hpp"
#include "probes/smb/smb_offer.hpp"
#include "probes/smb/smb_share_list_result.hpp"

namespace legacyscan::smb {

// In a granted SMB1 session (`uid`) on `ch`: a TREE_CONNECT_ANDX to IPC$ of its own, the pipe, BIND,
// NetrShareEnum, else RAP NetShareEnum. `mid` is the next MID and is advanced.
boost::asio::awaitable<ShareList> list_shares_smb1(SmbChannel& ch, const PortScan& ps, std::uint16_t uid,
                                                   std::uint16_t& mid);

}  // namespace legacyscan::smb
