// SPDX-License-Identifier: Apache-2.0
#include "legacyscan/engine/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

namespace legacyscan {

namespace {

std::size_t stderr_columns() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) return ws.ws_col;
  return 80;
}

}  // namespace

ProgressLine& ProgressLine::instance() {
  static ProgressLine line;
  return line;
}

void ProgressLine::draw(const std::string& text) {
  std::string shown = text;
  // One column left free: a line that fills the last column makes some terminals wrap.
  const std::size_t room = stderr_columns() - 1;
  if (shown.size() > room) shown = shown.substr(0, room > 3 ? room - 3 : 0) + "...";
  std::fprintf(stderr, "\r\x1b[K%s", shown.c_str());
}

void ProgressLine::show(const std::string& text) {
  std::lock_guard lock(mutex_);
  draw(text);
  shown_ = true;
  std::fflush(stderr);
}

void ProgressLine::clear() {
  std::lock_guard lock(mutex_);
  if (!shown_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  shown_ = false;
}

void ProgressLine::finish(const std::string& text) {
  std::lock_guard lock(mutex_);
  draw(text);
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace legacyscan
