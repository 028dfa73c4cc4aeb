// SPDX-License-Identifier: Apache-2.0
#include "src/cli/signals.hpp"

#include <csignal>
#include <cstdlib>

namespace legacyscan::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_interrupt(int sig) {
  int first = 0;
  g_signal.compare_exchange_strong(first, sig);      // the exit code names the signal that stopped the scan
  if (g_stop.exchange(true)) std::_Exit(128 + sig);  // second Ctrl-C: leave at once
}

}  // namespace

void stop_on_interrupt() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

const std::atomic<bool>& stop_requested() { return g_stop; }

int interrupted_exit_code() { return 128 + (g_signal.load() != 0 ? g_signal.load() : SIGINT); }

}  // namespace legacyscan::cli
