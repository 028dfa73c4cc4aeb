// SPDX-License-Identifier: Apache-2.0
// The SMB2/3 NEGOTIATE checks ([MS-SMB2] 2.2.3, 2.2.4): each dialect alone, and the SMB 3.1.1
// negotiate contexts (ciphers, signing algorithms) by elimination.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>

#include "probes/smb/smb_channel.hpp"
#include "probes/smb/smb_offer.hpp"
#include "probes/smb/smb_result.hpp"
#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::smb {

struct Smb2Check {
  OfferCheck check;
  std::optional<Smb2NegotiateResponse> response;
  bool smb_answer = false;
  std::optional<NtlmInfo> ntlm;  // when asked for and the offer was accepted
};

// 3.1.1 alone also offers every cipher and signing algorithm (the first elimination round of the
// contexts), the compression algorithms, and goes on to the NTLMSSP session setup. `ch`: a
// connection the multi-protocol negotiate left at the SMB2 wildcard (else a new one).
boost::asio::awaitable<Smb2Check> smb2_dialect(PortScan& ps, std::uint16_t dialect,
                                               std::unique_ptr<SmbChannel> ch = nullptr);

// What an accepted dialect's NEGOTIATE response tells.
Smb2DialectDetail detail_of(const Smb2NegotiateResponse& r);

// The 3.1.1 negotiate contexts into s2, by elimination; `highest`, the 3.1.1 dialect check's answer,
// was the first round.
boost::asio::awaitable<void> smb311_contexts(PortScan& ps, const Smb2NegotiateResponse& highest, Smb2Info& s2);

}  // namespace legacyscan::smb
