// SPDX-License-Identifier: Apache-2.0
#include "legacyscan/engine/net.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "legacyscan/engine/engine.hpp"
#include "legacyscan/engine/probe.hpp"

namespace legacyscan {

namespace asio = boost::asio;
using asio::ip::tcp;

Outcome classify_error(const boost::system::error_code& ec, std::string_view operation) {
  namespace err = asio::error;
  const std::string op(operation);
  if (ec == err::connection_refused) return Outcome::failure(Status::refused, op + ": connection refused");
  if (ec == err::host_unreachable || ec == err::network_unreachable)
    return Outcome::failure(Status::unreachable, op + ": " + ec.message());
  if (ec == err::eof) return Outcome::failure(Status::reset, op + ": connection closed by the peer");
  if (ec == err::connection_reset || ec == err::broken_pipe || ec == err::connection_aborted)
    return Outcome::failure(Status::reset, op + ": " + ec.message());
  if (ec == err::timed_out) return Outcome::failure(Status::timeout, op + ": " + ec.message());
  if (ec == err::no_descriptors || ec == err::no_buffer_space)
    return Outcome::failure(Status::error, op + ": local resource limit: " + ec.message());
  return Outcome::failure(Status::error, op + ": " + ec.message());
}

Outcome timeout_outcome(std::string_view operation, std::chrono::milliseconds after) {
  return Outcome::failure(Status::timeout,
                          std::string(operation) + ": no answer within " + std::to_string(after.count()) + " ms");
}

namespace {
// A read that ran out of the answer's budget: nothing came, or the peer was sending too slowly. Told
// apart by the bytes received, not by the time left (the first read after a write starts a moment
// after it, so its limit is already below the budget on a slow machine).
Outcome read_timeout_outcome(std::size_t answer_bytes, std::chrono::milliseconds op_timeout) {
  if (answer_bytes == 0) return timeout_outcome("read", op_timeout);
  return Outcome::failure(Status::timeout, "read: the answer was not complete within " +
                                               std::to_string(op_timeout.count()) + " ms of the request");
}
}  // namespace

asio::awaitable<Outcome> TcpConnection::open(ProbeContext& ctx, std::uint16_t port,
                                             std::unique_ptr<TcpConnection>& out) {
  Permit permit = co_await ctx.engine.acquire_connection(ctx.address);
  auto ex = co_await asio::this_coro::executor;
  tcp::socket sock(ex);
  const tcp::endpoint ep(ctx.address, port);
  boost::system::error_code ec;
  const auto timeout = ctx.op_timeout();
  {
    Watchdog dog(ex, timeout, [&sock] {
      boost::system::error_code ignored;
      sock.close(ignored);
    });
    co_await sock.async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
    if (dog.fired()) co_return timeout_outcome("connect", timeout);
  }
  if (ec) co_return classify_error(ec, "connect");
  sock.set_option(tcp::no_delay(true), ec);
  out = std::make_unique<TcpConnection>(std::move(sock), std::move(permit), ctx);
  co_return Outcome::success();
}

std::chrono::milliseconds TcpConnection::timeout() const { return ctx_->op_timeout(); }

std::chrono::milliseconds TcpConnection::read_timeout() const {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(answer_deadline_ - std::chrono::steady_clock::now());
  return std::clamp(left, std::chrono::milliseconds(1), timeout());
}

asio::awaitable<Outcome> TcpConnection::write(ByteView data) {
  boost::system::error_code ec;
  const auto limit = timeout();
  answer_deadline_ = std::chrono::steady_clock::now() + limit;
  answer_bytes_ = 0;
  Watchdog dog = cancel_after(socket_, limit);
  co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (dog.fired()) co_return timeout_outcome("write", limit);
  if (ec) co_return classify_error(ec, "write");
  co_return Outcome::success();
}

asio::awaitable<Outcome> TcpConnection::read_some(Bytes& buf, std::size_t max) {
  const std::size_t old = buf.size();
  const auto limit = read_timeout();
  max = std::min(max, kMaxMessageBytes);
  buf.resize(old + max);
  boost::system::error_code ec;
  std::size_t n = 0;
  {
    Watchdog dog = cancel_after(socket_, limit);
    n = co_await socket_.async_read_some(asio::buffer(buf.data() + old, max),
                                         asio::redirect_error(asio::use_awaitable, ec));
    buf.resize(old + n);
    answer_bytes_ += n;
    if (dog.fired()) co_return read_timeout_outcome(answer_bytes_, timeout());
  }
  if (ec) co_return classify_error(ec, "read");
  co_return Outcome::success();
}

asio::awaitable<Outcome> TcpConnection::read_exact(Bytes& buf, std::size_t n) {
  if (n > kMaxMessageBytes)
    co_return Outcome::failure(Status::protocol_error,
                               "peer announced " + std::to_string(n) + " bytes, more than the 1 MiB cap");
  const std::size_t old = buf.size();
  const auto limit = read_timeout();
  buf.resize(old + n);
  boost::system::error_code ec;
  std::size_t got = 0;
  {
    Watchdog dog = cancel_after(socket_, limit);
    got = co_await asio::async_read(socket_, asio::buffer(buf.data() + old, n),
                                    asio::redirect_error(asio::use_awaitable, ec));
    buf.resize(old + got);
    answer_bytes_ += got;
    if (dog.fired()) co_return read_timeout_outcome(answer_bytes_, timeout());
  }
  if (ec) co_return classify_error(ec, "read");
  co_return Outcome::success();
}

void TcpConnection::close() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace legacyscan
