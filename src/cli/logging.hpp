// SPDX-License-Identifier: Apache-2.0
// The log on standard error (spdlog), set by `scan -v/-vv/-q`; other subcommands log warnings and errors.
#pragma once

namespace legacyscan::cli {

struct LogFlags {
  int verbosity = 0;   // -v: info, -vv: debug
  bool quiet = false;  // -q: errors only
};

// Makes the "legacyscan" logger on standard error the default one, at the level the flags ask for.
void setup_logging(const LogFlags& flags);

}  // namespace legacyscan::cli
