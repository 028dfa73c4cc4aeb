// SPDX-License-Identifier: Apache-2.0
// The tls probe's DTLS part: per UDP port of --dtls-ports, DTLS 1.0 and 1.2 each offered alone by a
// hand-built ClientHello (with the HelloVerifyRequest cookie round trip of RFC 6347 4.2.1), then the
// suites each accepted version takes, by repeated offers minus the chosen suite.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "legacyscan/engine/probe.hpp"
#include "probes/tls/tls_result.hpp"

namespace legacyscan::tls {

boost::asio::awaitable<DtlsEndpoint> scan_dtls_endpoint(ProbeContext& ctx, std::uint16_t port,
                                                        std::optional<std::string> sni);

}  // namespace legacyscan::tls
