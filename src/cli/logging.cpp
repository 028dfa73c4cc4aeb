// SPDX-License-Identifier: Apache-2.0
#include "src/cli/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace legacyscan::cli {

void setup_logging(const LogFlags& flags) {
  auto logger = spdlog::stderr_color_mt("legacyscan");
  logger->set_pattern("%^[%l]%$ %v");
  if (flags.quiet)
    logger->set_level(spdlog::level::err);
  else if (flags.verbosity >= 2)
    logger->set_level(spdlog::level::debug);
  else if (flags.verbosity == 1)
    logger->set_level(spdlog::level::info);
  else
    logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace legacyscan::cli
