// SPDX-License-Identifier: Apache-2.0
// The NTLMSSP CHALLENGE of an anonymous session setup ([MS-NLMP] 2.2.1.2 in SPNEGO, RFC 4178): its
// target information tells the server's names, domain, time and version.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>

#include "probes/smb/smb_channel.hpp"
#include "probes/smb/smb_offer.hpp"
#include "probes/smb/smb_result.hpp"

namespace legacyscan::smb {

// The SMB2 SESSION_SETUP with an NTLMSSP NEGOTIATE on a connection that has negotiated a dialect.
boost::asio::awaitable<void> ntlm_session_setup(SmbChannel& ch, NtlmInfo& n, std::uint64_t message_id);
// On a connection of its own: for a server whose highest dialect is below 3.1.1.
boost::asio::awaitable<NtlmInfo> ntlm_over_smb2(PortScan& ps, std::uint16_t dialect);
// On a connection of its own, SMB1 NT LM 0.12 with extended security: for a server without SMB2.
boost::asio::awaitable<NtlmInfo> ntlm_over_smb1(PortScan& ps);

}  // namespace legacyscan::smb
