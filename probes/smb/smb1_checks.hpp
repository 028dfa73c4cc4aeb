// SPDX-License-Identifier: Apache-2.0
// The SMB1 NEGOTIATE checks: the multi-protocol negotiate of Vista and 7, and the classic dialects by
// elimination ([MS-CIFS] 2.2.4.52, [MS-SMB] 2.2.4.5).
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "probes/smb/smb_channel.hpp"
#include "probes/smb/smb_offer.hpp"
#include "probes/smb/smb_result.hpp"
#include "src/proto/smb1/smb1_codec.hpp"

namespace legacyscan::smb {

struct Smb1Check {
  OfferCheck check;
  std::optional<Smb1NtLmNegotiate> nt_lm;  // when NT LM 0.12 was accepted
  bool smb_answer = false;                 // the server answered in SMB (1 or 2)
};

// Every dialect of kSmb1Dialects gets one check, in that order. A round offers the dialects not yet
// chosen; the one the server picks is accepted; the first round whose answer is not a choice gives
// every dialect still offered that answer.
boost::asio::awaitable<std::vector<Smb1Check>> smb1_dialects(PortScan& ps);

// On the SMB2 wildcard answer (DialectRevision 0x02FF) the connection is handed back in `keep`: a
// Vista+ client goes on with its SMB2 NEGOTIATE on that same connection ([MS-SMB2] 3.2.5.2), and so
// does the 3.1.1 dialect check.
boost::asio::awaitable<MultiProtocol> multiprotocol(PortScan& ps, bool& smb_answer, std::unique_ptr<SmbChannel>& keep);

}  // namespace legacyscan::smb
