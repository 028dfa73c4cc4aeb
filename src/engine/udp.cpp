// SPDX-License-Identifier: Apache-2.0
// UDP transports: the exchange with one port of the target and the broadcast, both over one
// send-and-listen loop.
#include "legacyscan/engine/net.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "legacyscan/engine/engine.hpp"
#include "legacyscan/engine/probe.hpp"

namespace legacyscan {

namespace asio = boost::asio;
using asio::ip::udp;
using std::chrono::milliseconds;

namespace {

// Rounds of sending one request and listening: each round sends it (to `to` on an unconnected
// socket, else to the connected peer) and hands every datagram that arrives within the round's wait
// to take(). A round ends early at the first datagram take() accepts, unless collect_all.
struct Rounds {
  ByteView request;
  std::optional<udp::endpoint> to;
  std::string operation;  // names the step in error reasons: "udp", "udp broadcast"
  // The wait of round `round` (1, 2, ...) given the previous round's; nullopt: no more rounds.
  std::function<std::optional<milliseconds>(int round, milliseconds previous)> wait_of;
  std::function<bool(const udp::endpoint& from, ByteView datagram)> take;
  // Listen to the end of every round whatever answers come, and pass receive errors over.
  bool collect_all = false;
};

struct RoundsEnd {
  std::optional<Outcome> failure;  // a send or receive failed (set), else the rounds ran out or an answer came
  bool answered = false;           // take() accepted a datagram
  int rounds = 0;                  // rounds begun
  int sent = 0;                    // datagrams sent
  int ignored = 0;                 // datagrams take() did not accept
  bool port_unreachable = false;
};

// The one UDP send-and-listen loop.
asio::awaitable<RoundsEnd> send_and_listen(udp::socket& sock, const Rounds& r) {
  RoundsEnd end;
  boost::system::error_code ec;
  Bytes buf(65536);
  udp::endpoint sender;
  milliseconds wait{0};
  for (;;) {
    const auto next = r.wait_of(end.rounds + 1, wait);
    if (!next) break;
    wait = *next;
    ++end.rounds;
    const auto data = asio::buffer(r.request.data(), r.request.size());
    if (r.to)
      co_await sock.async_send_to(data, *r.to, asio::redirect_error(asio::use_awaitable, ec));
    else
      co_await sock.async_send(data, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      end.failure = classify_error(ec, r.operation + " send");
      co_return end;
    }
    ++end.sent;
    // Keep reading until the end of this round, whatever datagrams that are not the answer come.
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      std::size_t n = 0;
      bool fired = false;
      {
        Watchdog dog = cancel_after(sock, left);
        n = co_await sock.async_receive_from(asio::buffer(buf), sender, asio::redirect_error(asio::use_awaitable, ec));
        fired = dog.fired();
      }
      if (fired) break;
      if (ec && r.collect_all) continue;
      if (ec == asio::error::connection_refused) {
        end.port_unreachable = true;
        end.failure = Outcome::failure(Status::refused, r.operation + ": ICMP port unreachable");
        co_return end;
      }
      if (ec) {
        end.failure = classify_error(ec, r.operation + " receive");
        co_return end;
      }
      if (!r.take(sender, ByteView(buf.data(), n))) {
        ++end.ignored;
        continue;
      }
      end.answered = true;
      if (!r.collect_all) co_return end;
    }
  }
  co_return end;
}

// Whether a socket bound to `local_port` and connected to the target's `remote_port` would be
// connected to itself: the target is this machine and nothing serves that port there, so the
// request would come straight back to us (a DC with NetBIOS off, scanned from its own host). The
// source port asked for is skipped then, and the kernel's ICMP port unreachable can say "refused".
bool would_talk_to_itself(const asio::ip::address& target, std::uint16_t local_port, std::uint16_t remote_port) {
  if (local_port != remote_port || !target.is_v4()) return false;
  asio::io_context io;
  udp::socket s(io);
  boost::system::error_code ec;
  s.open(udp::v4(), ec);
  if (!ec) s.bind(udp::endpoint(udp::v4(), local_port), ec);
  if (ec) return false;  // cannot be bound anyway: an ephemeral port is used
  s.connect(udp::endpoint(target, remote_port), ec);
  if (ec) return false;
  const auto local = s.local_endpoint(ec);
  return !ec && local == udp::endpoint(target, remote_port);
}

LocalPortUse bind_local_port(const ProbeContext& ctx, udp::socket& sock, std::uint16_t port, const udp::endpoint& peer,
                             std::string& error) {
  if (would_talk_to_itself(peer.address(), port, peer.port())) return LocalPortUse::would_talk_to_itself;
  boost::system::error_code ec;
  sock.bind(udp::endpoint(peer.protocol(), port), ec);
  if (!ec) return LocalPortUse::bound;
  ctx.log.debug("cannot bind UDP source port {}: {}; using an ephemeral port", port, ec.message());
  error = ec.message();
  return LocalPortUse::bind_failed;
}

std::optional<milliseconds> exchange_wait(const ProbeContext& ctx, UdpWaits waits, int retries, int round,
                                          milliseconds previous) {
  if (round > retries + 1) return std::nullopt;
  if (waits == UdpWaits::from_timeout)
    return round == 1 ? ctx.op_timeout() : std::min(previous * 2, ctx.op_timeout() * 4);
  // The last wait is the full --timeout (t/4, t/2, t for two retries).
  if (round == 1) return std::max(milliseconds(100), ctx.op_timeout() / (1 << std::min(retries, 6)));
  const auto wait = std::min(previous * 2, ctx.op_timeout());
  if (wait.count() <= 1) return std::nullopt;  // the host deadline has passed
  return wait;
}

}  // namespace

asio::awaitable<UdpReply> udp_exchange(ProbeContext& ctx, ByteView request, const UdpExchange& how) {
  const UdpRequestBuilder build = [request](const udp::endpoint&) {
    return Decoded<Bytes>::ok(Bytes(request.begin(), request.end()));
  };
  UdpReply reply = co_await udp_exchange(ctx, build, how);
  co_return reply;
}

asio::awaitable<UdpReply> udp_exchange(ProbeContext& ctx, const UdpRequestBuilder& build, const UdpExchange& how) {
  UdpReply reply;
  Permit permit = co_await ctx.engine.acquire_connection(ctx.address);
  auto ex = co_await asio::this_coro::executor;
  const udp::endpoint peer(ctx.address, how.port);
  udp::socket sock(ex);
  boost::system::error_code ec;
  sock.open(peer.protocol(), ec);
  if (ec) {
    reply.outcome = classify_error(ec, "udp open");
    co_return reply;
  }
  if (how.local_port) reply.local_port_use = bind_local_port(ctx, sock, *how.local_port, peer, reply.bind_error);
  sock.connect(peer, ec);
  if (ec) {
    reply.outcome = classify_error(ec, "udp connect");
    co_return reply;
  }
  reply.local = sock.local_endpoint(ec);
  if (ec) {
    reply.outcome = classify_error(ec, "udp local endpoint");
    co_return reply;
  }
  const auto request = build(reply.local);
  if (!request) {
    reply.outcome = Outcome::failure(Status::error, request.error);
    co_return reply;
  }
  const int retries = how.retries >= 0 ? how.retries : ctx.settings.retries;
  Rounds rounds;
  rounds.request = *request;
  rounds.operation = "udp";
  rounds.wait_of = [&](int round, milliseconds previous) {
    return exchange_wait(ctx, how.waits, retries, round, previous);
  };
  // The socket is connected, so the kernel already drops datagrams from any other address or port;
  // the sender is checked here as well so that nothing else can ever be taken as the answer.
  rounds.take = [&](const udp::endpoint& from, ByteView d) {
    if (from != peer || (how.accept && !how.accept(d))) return false;
    reply.datagram.assign(d.begin(), d.end());
    return true;
  };
  const RoundsEnd end = co_await send_and_listen(sock, rounds);
  reply.attempts = end.rounds;
  reply.ignored = end.ignored;
  reply.port_unreachable = end.port_unreachable;
  if (end.failure) {
    reply.outcome = *end.failure;
  } else if (end.answered) {
    reply.outcome = Outcome::success();
  } else {
    std::string why = "udp: no answer after " + std::to_string(reply.attempts) + " attempts";
    if (reply.ignored > 0)
      why += "; ignored " + std::to_string(reply.ignored) + (reply.ignored == 1 ? " datagram" : " datagrams") +
             " that were not an answer";
    reply.outcome = Outcome::failure(Status::timeout, std::move(why));
  }
  co_return reply;
}

asio::awaitable<UdpBroadcastReply> udp_broadcast(ProbeContext& ctx, const UdpRequestBuilder& build,
                                                 const UdpBroadcast& how) {
  UdpBroadcastReply reply;
  Permit permit = co_await ctx.engine.acquire_connection(ctx.address);
  auto ex = co_await asio::this_coro::executor;
  const udp::endpoint dest(how.address, how.port);
  boost::system::error_code ec;
  // The address this host sends from toward the broadcast address (a connected socket tells).
  asio::ip::address_v4 local_ip;
  {
    udp::socket route(ex);
    route.open(udp::v4(), ec);
    if (!ec) route.set_option(asio::socket_base::broadcast(true), ec);
    if (!ec) route.connect(dest, ec);
    if (!ec) local_ip = route.local_endpoint(ec).address().to_v4();
    if (ec) {
      reply.outcome = classify_error(ec, "udp broadcast route");
      co_return reply;
    }
  }
  udp::socket sock(ex);
  sock.open(udp::v4(), ec);
  if (!ec) sock.set_option(asio::socket_base::broadcast(true), ec);
  if (!ec) sock.bind(udp::endpoint(udp::v4(), 0), ec);  // an ephemeral port: answers come back to it
  if (ec) {
    reply.outcome = classify_error(ec, "udp broadcast socket");
    co_return reply;
  }
  reply.local_port = sock.local_endpoint(ec).port();
  const auto request = build(udp::endpoint(local_ip, reply.local_port));
  if (!request) {
    reply.outcome = Outcome::failure(Status::error, request.error);
    co_return reply;
  }
  // Sends at 0, a quarter and half of the window, as --retries allows; the last round lasts to its end.
  const auto window = ctx.op_timeout();
  std::vector<milliseconds> starts{milliseconds(0)};
  if (ctx.settings.retries >= 1) starts.push_back(window / 4);
  if (ctx.settings.retries >= 2) starts.push_back(window / 2);
  std::vector<milliseconds> waits;
  for (std::size_t i = 0; i < starts.size(); ++i)
    waits.push_back((i + 1 < starts.size() ? starts[i + 1] : window) - starts[i]);
  Rounds rounds;
  rounds.request = *request;
  rounds.to = dest;
  rounds.operation = "udp broadcast";
  rounds.collect_all = true;
  rounds.take = how.take;
  rounds.wait_of = [&](int round, milliseconds) -> std::optional<milliseconds> {
    if (round > static_cast<int>(waits.size())) return std::nullopt;
    return waits[static_cast<std::size_t>(round - 1)];
  };
  const RoundsEnd end = co_await send_and_listen(sock, rounds);
  reply.sent = end.sent;
  if (end.failure)
    reply.outcome = *end.failure;
  else if (end.answered)
    reply.outcome = Outcome::success();
  else
    reply.outcome = Outcome::failure(Status::timeout, "no answer to " + std::to_string(reply.sent) + " broadcast " +
                                                          (reply.sent == 1 ? "datagram" : "datagrams") + " within " +
                                                          std::to_string(window.count()) + " ms");
  co_return reply;
}

}  // namespace legacyscan
