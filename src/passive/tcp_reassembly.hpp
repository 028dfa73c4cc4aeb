// SPDX-License-Identifier: Apache-2.0
// TCP reassembly for the passive analyzer: the two byte streams of one connection, put in sequence
// order from captured segments and handed to the connection's protocol handler (handler.hpp). Memory
// is bounded (Limits): segments ahead of a gap are held up to a limit, a gap that does not fill is
// skipped and the flow marked partial.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>

#include "legacyscan/bytes.hpp"
#include "src/passive/handler.hpp"
#include "src/passive/passive.hpp"

namespace legacyscan::passive {

// One side of a connection.
struct Endpoint {
  std::array<std::uint8_t, 16> addr{};
  std::uint16_t port = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// What a flow is decoded as (flow_table.cpp chooses); ignore: nothing of interest.
enum class Proto { unknown, smb, tls, kerberos, ldap, starttls, dcerpc, rdp, http, pptp, ignore };

// The stream of one direction.
struct Direction {
  bool have_seq = false;
  std::uint32_t next_seq = 0;
  Bytes buf;
  std::map<std::uint32_t, Bytes> ooo;  // keyed by offset from next_seq at insertion (absolute seq)
  std::size_t ooo_bytes = 0;
  std::size_t skip = 0;
  bool stopped = false;
  bool gap = false;
  bool fin = false;
};

// One TCP connection: its sides, its handler and the two streams.
struct Flow {
  Endpoint client, server;
  bool ipv6 = false;
  bool decided = false;
  Proto proto = Proto::unknown;
  std::unique_ptr<Handler> handler;
  Direction dir[2];
  std::int64_t last_ts = 0;
  bool partial = false;
  bool rst = false;
};

// Puts one segment's payload of direction `dir` (0: client -> server) in sequence order and feeds what
// is in order to the flow's handler. The handler is chosen before (FlowTable).
void reassemble(Flow& f, int dir, std::uint32_t seq, ByteView payload, std::int64_t ts, const Limits& limits);

}  // namespace legacyscan::passive
