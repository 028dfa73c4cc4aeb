// SPDX-License-Identifier: Apache-2.0
// The TLS probe's scan of one endpoint: the checks of tls_checks.hpp in order, each later one
// narrowed by what the earlier ones found.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "legacyscan/engine/probe.hpp"
#include "probes/tls/tls_result.hpp"
#include "src/proto/tls/tls_starttls.hpp"

namespace legacyscan::tls {

// Coroutine parameters by value: the frame keeps its own copies.
boost::asio::awaitable<Endpoint> scan_endpoint(ProbeContext& ctx, std::uint16_t port, StartTlsProto starttls,
                                               std::optional<std::string> sni);

}  // namespace legacyscan::tls
