// SPDX-License-Identifier: Apache-2.0
#include "src/cli/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "legacyscan/engine/progress.hpp"

namespace legacyscan::cli {

namespace {

// Erases the scan's progress line before each log line, so the two never share a line of stderr.
class BelowProgressSink final : public spdlog::sinks::sink {
 public:
  explicit BelowProgressSink(std::shared_ptr<spdlog::sinks::sink> inner) : inner_(std::move(inner)) {}
  void log(const spdlog::details::log_msg& msg) override {
    ProgressLine::instance().clear();
    inner_->log(msg);
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override {
    inner_->set_formatter(std::move(formatter));
  }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
};

}  // namespace

void setup_logging(const LogFlags& flags) {
  auto sink = std::make_shared<BelowProgressSink>(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  auto logger = std::make_shared<spdlog::logger>("legacyscan", sink);
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
