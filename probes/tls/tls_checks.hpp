// SPDX-License-Identifier: Apache-2.0
// The checks the TLS probe runs on one endpoint, each by offers of hand-built hellos: a version offered
// alone, the suites a version accepts, the server's preference, TLS 1.3 groups, ECDHE curves, RFC 7507.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probes/tls/tls_probe.hpp"
#include "probes/tls/tls_result.hpp"

namespace legacyscan::tls {

struct EndpointScan {
  ProbeContext& ctx;
  std::uint16_t port;
  StartTlsProto starttls;
  std::optional<std::string> sni;
  bool compact = false;  // the server drops full-size hellos: every offer is cut to kCompactHelloMax
};

// A version offered alone (SSL 2.0 in its own hello format), and again in a compact hello of the
// version's common suites.
boost::asio::awaitable<HelloExchange> version_hello(EndpointScan& es, std::uint16_t v);
boost::asio::awaitable<HelloExchange> compact_version_hello(EndpointScan& es, std::uint16_t v);
// A full-size hello that got no TLS answer at all (closed, reset, read timeout) may have been dropped
// for its size.
bool maybe_dropped_for_size(const HelloExchange& ex);
// How the version fared, from the answer to its hello.
VersionCheck verdict_of(std::uint16_t offered, const HelloExchange& ex);

struct Enumeration {
  std::vector<AcceptedSuite> suites;
  std::string error;  // why the enumeration was cut short
};
// The suites the server accepts with version v, by repeated offers minus the chosen suite.
// rsa_bits: the certificate's key size, for RSA key exchange suites whose flight carries none.
boost::asio::awaitable<Enumeration> enumerate_suites(EndpointScan& es, std::uint16_t v, int rsa_bits);
// Whether the server enforces its own order (nullopt: cannot tell).
boost::asio::awaitable<std::optional<bool>> server_order(EndpointScan& es, std::uint16_t v,
                                                         std::vector<AcceptedSuite> found);
// Whether the server has this TLS 1.3 group.
boost::asio::awaitable<bool> tls13_group(EndpointScan& es, std::uint16_t group);
// The TLS <= 1.2 ECDHE curves of `remaining` the server accepts with this suite.
boost::asio::awaitable<std::vector<std::uint16_t>> ecdh_groups(EndpointScan& es, std::uint16_t version,
                                                               std::uint16_t suite,
                                                               std::vector<std::uint16_t> remaining);
// Whether the server honours TLS_FALLBACK_SCSV on the lower version (nullopt: cannot tell).
boost::asio::awaitable<std::optional<bool>> fallback_scsv(EndpointScan& es, std::uint16_t lower);

}  // namespace legacyscan::tls
