// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace legacyscan::cli {

// Exit codes (README "Exit codes").
inline constexpr int kExitDone = 0;
inline constexpr int kExitPolicyFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNothingScanned = 3;

int main(int argc, char** argv);

}  // namespace legacyscan::cli
