// SPDX-License-Identifier: Apache-2.0
// The scan's socket budgets and the process's file-descriptor limit.
#pragma once

#include "legacyscan/engine/engine.hpp"

namespace legacyscan::cli {

// Raises the soft RLIMIT_NOFILE to the hard limit when allowed and fits `limits` into it (less a reserve),
// so a huge scan waits for sockets instead of failing with EMFILE. Leaves `limits` alone when the limit
// cannot be read.
void fit_fd_limit(EngineLimits& limits);

}  // namespace legacyscan::cli
