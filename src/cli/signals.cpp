// SPDX-License-Identifier: Apache-2.0
#include "src/cli/signals.hpp"

#include <csignal>
#include <cstdlib>

namespace legacyscan::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_interrupt(int) {
  if (g_stop.exchange(true)) std::_Exit(130);  // second Ctrl-C: leave at once
}

}  // namespace

void stop_on_interrupt() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

const std::atomic<bool>& stop_requested() { return g_stop; }

}  // namespace legacyscan::cli
