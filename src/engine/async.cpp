// SPDX-License-Identifier: Apache-2.0
#include "legacyscan/engine/async.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace legacyscan {

namespace asio = boost::asio;

asio::awaitable<void> AsyncSemaphore::acquire(std::size_t n) {
  if (count_ >= n && waiters_.empty()) {
    count_ -= n;
    co_return;
  }
  auto w = std::make_shared<Waiter>(ex_);
  w->need = n;
  w->timer.expires_at(asio::steady_timer::time_point::max());
  waiters_.push_back(w);
  boost::system::error_code ec;
  co_await w->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  // release() hands the units over by cancelling our timer after setting granted. A wake-up without
  // the grant (the io_context shutting down) leaves the queue consistent.
  if (!w->granted) {
    std::erase(waiters_, w);
    throw boost::system::system_error(asio::error::operation_aborted);
  }
}

void AsyncSemaphore::release(std::size_t n) {
  count_ += n;
  while (!waiters_.empty() && count_ >= waiters_.front()->need) {
    auto w = waiters_.front();
    waiters_.pop_front();
    count_ -= w->need;
    w->granted = true;
    w->timer.cancel();
  }
}

void WaitGroup::done() {
  if (count_ > 0 && --count_ == 0) timer_.cancel();
}

asio::awaitable<void> WaitGroup::wait() {
  while (count_ > 0) {
    timer_.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

Watchdog::Watchdog(const asio::any_io_executor& ex, std::chrono::milliseconds after, std::function<void()> cancel)
    : state_(std::make_shared<State>(ex)) {
  state_->timer.expires_after(after);
  state_->timer.async_wait([st = state_, cancel = std::move(cancel)](const boost::system::error_code& ec) {
    if (!ec && !st->done) {
      st->fired = true;
      cancel();
    }
  });
}

Watchdog::~Watchdog() {
  state_->done = true;
  state_->timer.cancel();
}

}  // namespace legacyscan
