// SPDX-License-Identifier: Apache-2.0
// The NETLOGON mailslot pings an old Windows client sends over the datagram service (UDP 138):
// LOGON_SAM_LOGON_REQUEST and LOGON_PRIMARY_QUERY ([MS-ADTS] 6.3.1.4, 6.3.1.6) in a mailslot write
// ([MS-MAIL] 2.2.1) in a direct datagram (RFC 1002 4.4.2).
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

#include "legacyscan/engine/net.hpp"
#include "legacyscan/engine/probe.hpp"
#include "probes/netbios/netbios_result.hpp"
#include "src/proto/netbios/netbios_codec.hpp"

namespace legacyscan::netbios {

// Who asks whom, from and to which UDP ports.
struct MailslotRoute {
  std::string client;                        // the NetBIOS name the probe calls itself
  std::string domain;                        // the NetBIOS domain asked
  std::uint16_t local_port = kDatagramPort;  // 0: ephemeral
  std::uint16_t remote_port = kDatagramPort;
  int retries = -1;  // -1: the scan's --retries
};

// Coroutine parameters by value: the frame keeps its own copies.
boost::asio::awaitable<MailslotInfo> sam_logon(ProbeContext& ctx, MailslotRoute route, std::string user,
                                               std::uint32_t account_control, std::uint32_t nt_version);
boost::asio::awaitable<MailslotInfo> primary_query(ProbeContext& ctx, MailslotRoute route);

MailslotInfo not_run(const char* request, Status s, std::string why);

// A fresh reply mailslot name: Windows uses \MAILSLOT\NET\GETDCxxx with a changing number; ours keeps
// one scan's replies apart.
std::string reply_mailslot();
// A NETLOGON message in a mailslot write to \MAILSLOT\NET\NETLOGON.
Decoded<Bytes> netlogon_mailslot_write(const Decoded<Bytes>& message);
// The mailslot write in a direct datagram whose header names the socket's address and port: Samba
// replies to SOURCE_IP and SOURCE_PORT of the datagram header, not to the UDP source.
UdpRequestBuilder direct_datagram(DatagramType type, NetbiosName source, NetbiosName destination, Bytes user_data);

}  // namespace legacyscan::netbios
