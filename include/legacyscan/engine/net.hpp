// SPDX-License-Identifier: Apache-2.0
// Transports with a deadline on every operation. Each call returns an Outcome whose status is one of
// the closed set; nothing here throws for what the network does.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "legacyscan/bytes.hpp"
#include "legacyscan/engine/async.hpp"
#include "legacyscan/engine/status.hpp"

namespace legacyscan {

struct ProbeContext;

// Maps a socket error to the closed status set with a reason naming the operation ("connect", "read").
Outcome classify_error(const boost::system::error_code& ec, std::string_view operation);
Outcome timeout_outcome(std::string_view operation, std::chrono::milliseconds after);

// Upper bound on what one read call may buffer, whatever a peer announces.
inline constexpr std::size_t kMaxMessageBytes = 1 << 20;

class TcpConnection {
 public:
  // Takes a connection permit (global and per-host caps), then connects within the timeout.
  static boost::asio::awaitable<Outcome> open(ProbeContext& ctx, std::uint16_t port,
                                              std::unique_ptr<TcpConnection>& out);

  boost::asio::awaitable<Outcome> write(ByteView data);
  // Appends whatever arrives next (at most max bytes) to buf.
  boost::asio::awaitable<Outcome> read_some(Bytes& buf, std::size_t max = 65536);
  // Appends exactly n bytes to buf.
  boost::asio::awaitable<Outcome> read_exact(Bytes& buf, std::size_t n);
  void close();

  boost::asio::ip::tcp::socket& socket() { return socket_; }
  // The deadline of the next operation (the scan's --timeout, cut short by --host-timeout).
  [[nodiscard]] std::chrono::milliseconds timeout() const;

  TcpConnection(boost::asio::ip::tcp::socket s, Permit p, const ProbeContext& ctx)
      : socket_(std::move(s)),
        permit_(std::move(p)),
        ctx_(&ctx),
        answer_deadline_(std::chrono::steady_clock::now() + timeout()) {}

 private:
  // Reads share one budget per request: everything read after a write (or after the connect) must
  // arrive within one --timeout of it, so a peer that sends one byte at a time cannot hold a probe
  // for longer than that.
  [[nodiscard]] std::chrono::milliseconds read_timeout() const;

  boost::asio::ip::tcp::socket socket_;
  Permit permit_;
  const ProbeContext* ctx_;
  std::chrono::steady_clock::time_point answer_deadline_;
  // Bytes read since the last write (or the connect): a read that runs out of time says "no answer"
  // when none came, "not complete" otherwise.
  std::size_t answer_bytes_ = 0;
};

// ---- UDP (src/engine/udp.cpp) ------------------------------------------------------------------
// Every UDP step runs over the same send-and-listen loop: send the request, hand each datagram that
// arrives before the wait runs out to the caller, send again.

// How long each attempt of a UDP exchange listens for its answer.
enum class UdpWaits {
  // A quarter of --timeout, then half, then all of it (for two retries; at least 100 ms): a silent
  // UDP port costs less than two timeouts whatever --retries says.
  rising_to_timeout,
  // The full --timeout, then twice it, then four times it: for services that take their time to
  // answer (a NETLOGON mailslot reply).
  from_timeout,
};

// What became of the source port an exchange asked for.
enum class LocalPortUse {
  not_asked,             // an ephemeral port, as asked
  bound,                 // the port asked for
  would_talk_to_itself,  // the target is this host and nothing serves that port: the socket would be
                         // connected to itself, so an ephemeral port was used (ICMP can then say "refused")
  bind_failed,           // in use, or no root/CAP_NET_BIND_SERVICE: an ephemeral port was used
};

// One UDP request/response exchange on a connected socket (so ICMP port unreachable shows as
// refused): sends the request, waits for a datagram that accept() takes, resends up to `retries` more
// times. Only a datagram from the address and port the request went to can be taken (the connected
// socket's kernel filter, checked again on receipt); every other datagram, and every one that
// accept() rejects, is ignored and counted, and a timeout's reason says how many were.
struct UdpExchange {
  std::uint16_t port = 0;
  std::optional<std::uint16_t> local_port;  // bind this source port (falls back to any if it can't)
  std::function<bool(ByteView)> accept;
  int retries = -1;  // -1: the scan's --retries
  UdpWaits waits = UdpWaits::rising_to_timeout;
};
struct UdpReply {
  Outcome outcome;
  Bytes datagram;
  int attempts = 0;
  int ignored = 0;  // datagrams received that were not the answer (wrong sender, or rejected by accept)
  LocalPortUse local_port_use = LocalPortUse::not_asked;
  std::string bind_error;                // why the source port asked for could not be bound
  boost::asio::ip::udp::endpoint local;  // the socket's address and port
  bool port_unreachable = false;         // refused by an ICMP port unreachable
};
boost::asio::awaitable<UdpReply> udp_exchange(ProbeContext& ctx, ByteView request, const UdpExchange& how);

// The request of a protocol that writes the sender's address into it (the NetBIOS datagram service):
// made once the socket is bound, from its local address and port.
using UdpRequestBuilder = std::function<Decoded<Bytes>(const boost::asio::ip::udp::endpoint& local)>;
boost::asio::awaitable<UdpReply> udp_exchange(ProbeContext& ctx, const UdpRequestBuilder& build,
                                              const UdpExchange& how);

// One request to an IPv4 broadcast address from an ephemeral port, and every answer heard until the
// window (--timeout) closes; the request is resent at a quarter and at half of the window (--retries
// permitting), as a NetBIOS B node does. take(from, datagram) records an answer (true) or passes a
// datagram over (false). A receive error is passed over too: an ICMP error from one receiver says
// nothing about the others.
struct UdpBroadcast {
  boost::asio::ip::address_v4 address;
  std::uint16_t port = 0;
  std::function<bool(const boost::asio::ip::udp::endpoint& from, ByteView datagram)> take;
};
struct UdpBroadcastReply {
  Outcome outcome;  // ok when take() recorded an answer; timeout on silence
  int sent = 0;     // datagrams sent (first try and resends within the window)
  std::uint16_t local_port = 0;
};
boost::asio::awaitable<UdpBroadcastReply> udp_broadcast(ProbeContext& ctx, const UdpRequestBuilder& build,
                                                        const UdpBroadcast& how);

}  // namespace legacyscan
