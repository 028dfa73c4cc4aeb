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
#include "src/proto/ntlm/ntlm_messages.hpp"

namespace legacyscan::smb {

// What the AUTHENTICATE leg of a session setup needs from the first leg: the CHALLENGE, and the
// SessionId (SMB2) or UID (SMB1) the server gave the session in progress.
struct NtlmLeg {
  ntlm::NtlmChallengeMessage challenge;
  std::uint64_t session_id = 0;
  std::uint32_t smb1_session_key = 0;  // SMB1: the negotiate response's SessionKey
  std::uint64_t next_message_id = 0;   // SMB2: the MessageId of the next request
};

// A connection of its own, negotiated, with the NTLMSSP NEGOTIATE answered by a CHALLENGE (n says
// what it told, or in its outcome why there is none).
struct NtlmSession {
  NtlmInfo n;
  std::unique_ptr<SmbChannel> ch;
  NtlmLeg leg;
};
// `flags`: the NEGOTIATE_MESSAGE's NegotiateFlags (an NTLMv1 logon asks without extended session security).
boost::asio::awaitable<NtlmSession> ntlm_start_smb2(PortScan& ps, std::uint16_t dialect,
                                                    std::uint32_t flags = ntlm::kNtlmClientNegotiateFlags);
boost::asio::awaitable<NtlmSession> ntlm_start_smb1(PortScan& ps,
                                                    std::uint32_t flags = ntlm::kNtlmClientNegotiateFlags);

// The SMB2 SESSION_SETUP with an NTLMSSP NEGOTIATE on a connection that has negotiated a dialect.
boost::asio::awaitable<void> ntlm_session_setup(SmbChannel& ch, NtlmInfo& n, std::uint64_t message_id,
                                                NtlmLeg* leg = nullptr,
                                                std::uint32_t flags = ntlm::kNtlmClientNegotiateFlags);
// On a connection of its own: for a server whose highest dialect is below 3.1.1.
boost::asio::awaitable<NtlmInfo> ntlm_over_smb2(PortScan& ps, std::uint16_t dialect);
// On a connection of its own, SMB1 NT LM 0.12 with extended security: for a server without SMB2.
boost::asio::awaitable<NtlmInfo> ntlm_over_smb1(PortScan& ps);

}  // namespace legacyscan::smb
