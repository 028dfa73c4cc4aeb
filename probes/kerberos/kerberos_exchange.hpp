// SPDX-License-Identifier: Apache-2.0
// One AS-REQ, one answer: the scan's client and nonces, the exchange over UDP or TCP (RFC 4120
// 7.2.1/7.2.2: each its own datagram socket or connection), and the answer classified for one etype.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

namespace legacyscan::kerberos {

enum class Transport { udp, tcp };

struct Scan {
  ProbeContext& ctx;
  std::uint16_t port;
  std::string realm;
  PrincipalName cname;
  std::uint32_t nonce_base;
  std::uint32_t next_nonce = 0;
};

// An AS-REQ of the scan's client for `realm` offering `etypes` (in that order), with the next nonce.
Bytes as_req(Scan& s, const std::vector<std::int32_t>& etypes, const std::string& realm);

// One request, one reply: the raw KDC message (without the TCP record mark) or why there is none.
struct RawReply {
  Outcome outcome;
  Bytes message;
  int attempts = 0;
};

boost::asio::awaitable<RawReply> exchange(Scan& s, Transport t, ByteView request);

// Sends one AS-REQ and classifies the answer for `etype` (with `companion` in the second mode).
boost::asio::awaitable<EtypeAnswer> check(Scan& s, Transport t, std::vector<std::int32_t> offer,
                                          std::optional<std::int32_t> companion, int* attempts = nullptr);

}  // namespace legacyscan::kerberos
