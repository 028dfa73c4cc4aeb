// SPDX-License-Identifier: Apache-2.0
#include "src/cli/shard_auto.hpp"

#include <charconv>
#include <cstdlib>

namespace legacyscan::cli {

namespace {

std::optional<long long> integer(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  long long v = 0;
  const auto* end = text->data() + text->size();
  auto [p, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

std::string shard(long long k, long long n) { return std::to_string(k) + "/" + std::to_string(n); }

// One variable read as a whole number; the error names it.
std::optional<long long> need(const EnvLookup& env, const std::string& name, std::string& error) {
  const auto text = env(name);
  auto v = integer(text);
  if (!v) error = name + " is not a whole number ('" + text.value_or("") + "')";
  return v;
}

std::optional<std::string> gitlab(const EnvLookup& env, std::string& error) {
  auto k = need(env, "CI_NODE_INDEX", error);
  auto n = k ? need(env, "CI_NODE_TOTAL", error) : std::nullopt;
  if (!n) return std::nullopt;
  return shard(*k, *n);  // GitLab counts from 1
}

std::optional<std::string> kubernetes(const EnvLookup& env, const std::string& shard_count, std::string& error) {
  auto index = need(env, "JOB_COMPLETION_INDEX", error);
  if (!index) return std::nullopt;
  const auto count_text =
      !shard_count.empty() ? std::optional<std::string>(shard_count) : env("LEGACYSCAN_SHARD_COUNT");
  if (!count_text) {
    error =
        "JOB_COMPLETION_INDEX is set but not the number of completions: give --shard-count N (the Job's "
        ".spec.completions) or LEGACYSCAN_SHARD_COUNT";
    return std::nullopt;
  }
  const auto n = integer(count_text);
  if (!n) {
    error = "the shard count is not a whole number ('" + *count_text + "')";
    return std::nullopt;
  }
  return shard(*index + 1, *n);  // Kubernetes counts from 0
}

// A Slurm array may start anywhere (--array=5-12) and step (--array=0-14:2); only an evenly spaced
// range maps onto shards (a list such as --array=1,3,7 does not).
std::optional<std::string> slurm(const EnvLookup& env, std::string& error) {
  auto id = need(env, "SLURM_ARRAY_TASK_ID", error);
  auto count = id ? need(env, "SLURM_ARRAY_TASK_COUNT", error) : std::nullopt;
  auto min = count ? need(env, "SLURM_ARRAY_TASK_MIN", error) : std::nullopt;
  auto max = min ? need(env, "SLURM_ARRAY_TASK_MAX", error) : std::nullopt;
  if (!max) return std::nullopt;
  const auto step = env("SLURM_ARRAY_TASK_STEP") ? integer(env("SLURM_ARRAY_TASK_STEP")) : std::optional<long long>(1);
  if (!step || *step < 1 || *count < 1 || *max - *min != (*count - 1) * *step || (*id - *min) % *step != 0) {
    error = "the Slurm array is not an evenly spaced range (SLURM_ARRAY_TASK_MIN/MAX/STEP/COUNT): use --array=1-N";
    return std::nullopt;
  }
  return shard((*id - *min) / *step + 1, *count);
}

}  // namespace

std::optional<std::string> auto_shard(const EnvLookup& env, const std::string& shard_count, std::string& error) {
  if (env("CI_NODE_INDEX") || env("CI_NODE_TOTAL")) return gitlab(env, error);
  if (env("JOB_COMPLETION_INDEX")) return kubernetes(env, shard_count, error);
  if (env("SLURM_ARRAY_TASK_ID")) return slurm(env, error);
  error =
      "no job runner says which shard this is: set by GitLab parallel: (CI_NODE_INDEX/CI_NODE_TOTAL), a "
      "Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shard-count), or a Slurm array "
      "(SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT); elsewhere give --shard K/N";
  return std::nullopt;
}

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

}  // namespace legacyscan::cli
