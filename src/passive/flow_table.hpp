// SPDX-License-Identifier: Apache-2.0
// The TCP flow table of the passive analyzer: one entry per connection, keyed by both endpoints,
// which side is the client, the protocol handler chosen by port (or by a TLS record on any port),
// and the closing of flows (FIN, RST, idle timeout, eviction when the table is full).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "legacyscan/bytes.hpp"
#include "src/passive/handler.hpp"
#include "src/passive/packet.hpp"
#include "src/passive/passive.hpp"
#include "src/passive/tcp_reassembly.hpp"

namespace legacyscan::passive {

// Ports decoded by protocol. TLS is also recognised by content on any port.
Proto proto_for_port(std::uint16_t port);
// A port a server listens on: one passive mode decodes, or below 1024.
bool well_known(std::uint16_t port);

// The handlers' view of a client/server pair: addresses as text, the report to fill.
ConnInfo conn_info(Report& report, const Endpoint& client, const Endpoint& server, bool ipv6);

class FlowTable {
 public:
  FlowTable(const Limits& limits, Report& report) : limits_(limits), report_(report) {}

  // One TCP segment.
  void tcp(const Packet& p, std::int64_t ts);
  // Closes the flows idle longer than the timeout (a tenth of it when `aggressive`).
  void sweep(std::int64_t now, bool aggressive);
  // End of input: closes every flow.
  void close_all();
  [[nodiscard]] std::size_t size() const { return flows_.size(); }

 private:
  struct FlowKey {
    Endpoint a, b;  // a < b
    bool ipv6 = false;
    friend bool operator==(const FlowKey&, const FlowKey&) = default;
  };

  struct FlowKeyHash {
    std::size_t operator()(const FlowKey& k) const {
      std::size_t h = 1469598103934665603ull;
      auto mix = [&h](const std::uint8_t* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
      };
      mix(k.a.addr.data(), 16);
      mix(k.b.addr.data(), 16);
      h ^= (static_cast<std::size_t>(k.a.port) << 16) ^ k.b.port;
      return h;
    }
  };

  void ensure_handler(Flow& f, ByteView first_client_bytes);
  void close(Flow& f);
  void evict_one();

  const Limits& limits_;
  Report& report_;
  std::unordered_map<FlowKey, Flow, FlowKeyHash> flows_;
};

}  // namespace legacyscan::passive
