// SPDX-License-Identifier: Apache-2.0
// Ctrl-C (SIGINT) and SIGTERM: the first asks the running scan or capture to stop, a second leaves at once.
#pragma once

#include <atomic>

namespace legacyscan::cli {

// Installs the handlers for SIGINT and SIGTERM.
void stop_on_interrupt();
// Set by the first SIGINT/SIGTERM once stop_on_interrupt() has been called.
const std::atomic<bool>& stop_requested();
// The shell's code for a run ended by that signal: 130 after SIGINT, 143 after SIGTERM.
int interrupted_exit_code();

}  // namespace legacyscan::cli
