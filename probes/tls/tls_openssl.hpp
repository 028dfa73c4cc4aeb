// SPDX-License-Identifier: Apache-2.0
// A real handshake with OpenSSL over the engine's connection (memory BIOs, so every read and write keeps
// the engine's deadlines), used where the hand-built hellos cannot see the certificate: TLS 1.3
// encrypts it. OpenSSL stays in this file and src/proto/tls/tls_certificate.cpp.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/net.hpp"
#include "legacyscan/engine/probe.hpp"
#include "src/proto/tls/tls_starttls.hpp"

namespace legacyscan::tls {

// Runs the STARTTLS prelude of p on an open connection (success at once for none).
boost::asio::awaitable<Outcome> run_starttls_prelude(TcpConnection& c, StartTlsProto p);

// Connects, runs the prelude, completes a handshake at OpenSSL's lowest security level and returns
// the peer's certificate chain as sent (DER, leaf first).
boost::asio::awaitable<Outcome> openssl_peer_chain(ProbeContext& ctx, std::uint16_t port, StartTlsProto starttls,
                                                   const std::optional<std::string>& sni, std::vector<Bytes>& chain);

}  // namespace legacyscan::tls
