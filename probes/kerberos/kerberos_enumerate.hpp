// SPDX-License-Identifier: Apache-2.0
// The etype enumeration: every etype alone and with an AES companion, and the Windows XP offer, on
// every transport that answered, concurrently; then the facts gathered from all the answers (pre-auth
// types, salts, AS-REP roasting, the KDC's clock).
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include "probes/kerberos/kerberos_exchange.hpp"
#include "probes/kerberos/kerberos_result.hpp"

namespace legacyscan::kerberos {

// Fills result.etypes, result.xp_offer and the gathered facts; result.udp/tcp say which transports answered.
boost::asio::awaitable<void> enumerate_etypes(Scan& s, KerberosResult& result);

}  // namespace legacyscan::kerberos
