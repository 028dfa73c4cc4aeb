// SPDX-License-Identifier: Apache-2.0
// The shares a server lists to a session: NetrShareEnum ("NetShareEnumAll", [MS-SRVS] 3.1.4.8) over
// the srvsvc pipe on IPC$, at level 1 (name, type, comment) and, when the server refuses that, level
// 0 (names only). The SMB1 pipe is in smb1_share_list.hpp.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "probes/smb/smb_channel.hpp"
#include "probes/smb/smb_offer.hpp"
#include "probes/smb/smb_share_list_result.hpp"

namespace legacyscan::smb {

// What the server's answer may cost at most: the DCE-RPC stub of one answer (10,000 shares with
// comments take about 0.6 MiB), and the trees `--shares all` connects per session.
inline constexpr std::size_t kMaxShareListStub = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxAllShares = 512;

// A named pipe in a session, whatever the SMB family: write a PDU and read the first part of the
// answer; read more of it. A refusal is a failed Outcome that says what the server answered.
class PipeIo {
 public:
  virtual ~PipeIo() = default;
  virtual boost::asio::awaitable<Outcome> transceive(const Bytes& pdu, Bytes& data) = 0;
  virtual boost::asio::awaitable<Outcome> read(Bytes& data) = 0;
};

// On an open srvsvc pipe: BIND, then NetrShareEnum at level 1, else 0, into `out`.
boost::asio::awaitable<void> enumerate_shares(PipeIo& pipe, const PortScan& ps, ShareList& out);

// In a granted SMB2 session (`session_id`) on `ch`: a TREE_CONNECT to IPC$ of its own, the srvsvc
// pipe, BIND, NetrShareEnum. `message_id` is the next MessageId and is advanced.
boost::asio::awaitable<ShareList> list_shares_smb2(SmbChannel& ch, const PortScan& ps, std::uint64_t session_id,
                                                   std::uint64_t& message_id);

// The names `--shares all` connects from a list: all but IPC$ and names that are not valid UTF-16,
// at most kMaxAllShares (a note in `list` says what was left out).
std::vector<std::string> shares_to_connect(ShareList& list);

}  // namespace legacyscan::smb
