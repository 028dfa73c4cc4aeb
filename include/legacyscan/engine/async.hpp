// SPDX-License-Identifier: Apache-2.0
// Small coroutine primitives for the single-threaded io_context: a counting semaphore (connection and
// host caps), a wait group (join concurrently spawned probes) and a watchdog (a deadline that cancels
// one pending operation). All of them assume one thread runs the io_context.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

namespace legacyscan {

class AsyncSemaphore {
 public:
  AsyncSemaphore(boost::asio::any_io_executor ex, std::size_t count) : ex_(std::move(ex)), count_(count) {}
  // Waits for n units (first come, first served); the caller owns them until release(n).
  boost::asio::awaitable<void> acquire(std::size_t n = 1);
  void release(std::size_t n = 1);
  [[nodiscard]] std::size_t available() const { return count_; }
  [[nodiscard]] std::size_t waiting() const { return waiters_.size(); }

 private:
  struct Waiter {
    boost::asio::steady_timer timer;
    bool granted = false;
    std::size_t need = 1;
    explicit Waiter(const boost::asio::any_io_executor& ex) : timer(ex) {}
  };
  boost::asio::any_io_executor ex_;
  std::size_t count_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

// RAII ownership of one unit of one or two semaphores (global connection cap and per-host cap).
class Permit {
 public:
  Permit() = default;
  Permit(AsyncSemaphore* a, AsyncSemaphore* b) : a_(a), b_(b) {}
  Permit(Permit&& o) noexcept : a_(o.a_), b_(o.b_) { o.a_ = o.b_ = nullptr; }
  Permit& operator=(Permit&& o) noexcept {
    if (this != &o) {
      reset();
      a_ = o.a_;
      b_ = o.b_;
      o.a_ = o.b_ = nullptr;
    }
    return *this;
  }
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;
  ~Permit() { reset(); }
  void reset() {
    if (b_) b_->release();
    if (a_) a_->release();
    a_ = b_ = nullptr;
  }

 private:
  AsyncSemaphore* a_ = nullptr;
  AsyncSemaphore* b_ = nullptr;
};

class WaitGroup {
 public:
  explicit WaitGroup(const boost::asio::any_io_executor& ex) : timer_(ex) {}
  void add(std::size_t n = 1) { count_ += n; }
  void done();
  boost::asio::awaitable<void> wait();

 private:
  boost::asio::steady_timer timer_;
  std::size_t count_ = 0;
};

// A deadline for one pending operation: when it expires before the watchdog is destroyed, cancel()
// runs (typically socket.cancel()). Declare it after the object it cancels so it dies first.
class Watchdog {
 public:
  Watchdog(const boost::asio::any_io_executor& ex, std::chrono::milliseconds after, std::function<void()> cancel);
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog();
  [[nodiscard]] bool fired() const { return state_->fired; }

 private:
  struct State {
    boost::asio::steady_timer timer;
    bool fired = false;
    bool done = false;
    explicit State(const boost::asio::any_io_executor& ex) : timer(ex) {}
  };
  std::shared_ptr<State> state_;
};

// A Watchdog that cancels the pending operations of a socket when `after` has passed.
template <class Socket>
Watchdog cancel_after(Socket& socket, std::chrono::milliseconds after) {
  return Watchdog(socket.get_executor(), after, [&socket] {
    boost::system::error_code ignored;
    socket.cancel(ignored);
  });
}

// Runs fn(i) for i in [0, n) concurrently on the current executor and waits for all of them; the
// results keep the index order. Connection caps still apply inside fn. Rethrows the first exception.
template <class T, class F>
boost::asio::awaitable<std::vector<T>> all_of(std::size_t n, F fn) {
  auto ex = co_await boost::asio::this_coro::executor;
  std::vector<T> out(n);
  WaitGroup wg(ex);
  wg.add(n);
  std::exception_ptr failure;
  for (std::size_t i = 0; i < n; ++i)
    boost::asio::co_spawn(ex, fn(i), [&, i](std::exception_ptr ep, T value) {
      if (ep && !failure) failure = ep;
      if (!ep) out[i] = std::move(value);
      wg.done();
    });
  co_await wg.wait();
  if (failure) std::rethrow_exception(failure);
  co_return out;
}

}  // namespace legacyscan
