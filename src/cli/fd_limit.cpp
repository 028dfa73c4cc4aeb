// SPDX-License-Identifier: Apache-2.0
#include "src/cli/fd_limit.hpp"

#include <sys/resource.h>

#include <spdlog/spdlog.h>

namespace legacyscan::cli {

void fit_fd_limit(EngineLimits& limits) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  constexpr rlim_t kReserved = 24;  // stdio, logs, output file, resolver, timers
  const std::size_t budget = rl.rlim_cur > kReserved + 1 ? static_cast<std::size_t>(rl.rlim_cur - kReserved) : 1;
  fit_fd_budget(limits, budget);
  spdlog::debug("file descriptor limit {}: {} probe connections and {} reachability sockets at once", rl.rlim_cur,
                limits.max_connections, limits.ping_sockets);
}

}  // namespace legacyscan::cli
