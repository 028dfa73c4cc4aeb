// SPDX-License-Identifier: Apache-2.0
// The scan's status line on stderr: redrawn in place, never wider than the terminal (a wrapped line
// cannot be erased), erased before a log line is written, and left ending with a newline.
#pragma once

#include <mutex>
#include <string>

namespace legacyscan {

class ProgressLine {
 public:
  // The process's one line (stderr is one terminal).
  static ProgressLine& instance();
  // Draws `text` in place of the line shown, cut to the terminal's width.
  void show(const std::string& text);
  // Erases the line when one is shown: the logger calls this before each log line.
  void clear();
  // Draws `text` as the last state and ends the line.
  void finish(const std::string& text);

 private:
  void draw(const std::string& text);
  std::mutex mutex_;
  bool shown_ = false;
};

}  // namespace legacyscan
