// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "src/proto/tls/tls_codec.hpp"
#include "src/proto/tls/tls_starttls.hpp"

namespace legacyscan {
std::unique_ptr<Probe> make_tls_probe();
}

namespace legacyscan::tls {

// The reusable primitive (also for the compatibility matrix's client simulation): connect, run the
// STARTTLS prelude if any, send these hello bytes, read the server's first flight.
// outcome is not ok only when no answer could be had at all (connect failed, prelude refused,
// timeout before any byte); a close, reset or alert after the hello is data in flight.
struct HelloExchange {
  Outcome outcome;
  ServerFlight flight;
  std::size_t bytes_received = 0;
};
boost::asio::awaitable<HelloExchange> send_hello(ProbeContext& ctx, std::uint16_t port, StartTlsProto starttls,
                                                 ByteView hello, bool ssl2);

// The same with a structured offer (version window, suites, extensions, SNI), encoded here.
boost::asio::awaitable<HelloExchange> send_offer(ProbeContext& ctx, std::uint16_t port, StartTlsProto starttls,
                                                 const ClientHelloOffer& offer);

// The service a port usually carries and the STARTTLS protocol it needs (none for implicit TLS).
struct PortService {
  std::string service;
  StartTlsProto starttls = StartTlsProto::none;
};
PortService service_for_port(std::uint16_t port);

// The probe's options, parsed: --starttls "ldap:389,smtp:25" and --tls-ports "443,8443". false and a
// message naming the bad entry on a bad value (and the flag, --tls-ports or --dtls-ports).
bool parse_starttls(std::string_view text, std::vector<std::pair<StartTlsProto, std::uint16_t>>& out,
                    std::string& error);
bool parse_port_list(std::string_view text, std::vector<std::uint16_t>& out, std::string& error,
                     std::string_view flag = "--tls-ports");
// The tls probe's Probe::check_options: the first bad option value, if any.
std::optional<std::string> validate_options(const ScanSettings& settings);

}  // namespace legacyscan::tls
