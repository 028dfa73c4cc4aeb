// SPDX-License-Identifier: Apache-2.0
// --shard auto: shard K/N from the job runner's own variables, so each parallel job of a fleet scan
// needs the same command line (docs/fleet.md).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace legacyscan::cli {

// An environment lookup (getenv in the program, a map in tests): nullopt when the variable is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// "K/N" from, in this order: GitLab parallel jobs (CI_NODE_INDEX, CI_NODE_TOTAL), Kubernetes Indexed
// Jobs (JOB_COMPLETION_INDEX, with N from `shard_count` or LEGACYSCAN_SHARD_COUNT), Slurm job arrays
// (SLURM_ARRAY_TASK_ID against SLURM_ARRAY_TASK_MIN and _STEP, N = SLURM_ARRAY_TASK_COUNT). nullopt with
// `error` when none is set or the values do not make a shard.
std::optional<std::string> auto_shard(const EnvLookup& env, const std::string& shard_count, std::string& error);

// The process environment.
std::optional<std::string> process_env(const std::string& name);

}  // namespace legacyscan::cli
