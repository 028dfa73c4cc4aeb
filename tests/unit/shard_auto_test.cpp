// SPDX-License-Identifier: Apache-2.0
// --shard auto: K/N from each job runner's own variables.
#include <gtest/gtest.h>

#include <map>

#include "src/cli/options.hpp"
#include "src/cli/shard_auto.hpp"

namespace legacyscan::cli {
namespace {

using Env = std::map<std::string, std::string>;

std::optional<std::string> shard_from(const Env& vars, const std::string& count, std::string& err) {
  return auto_shard(
      [&](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
      },
      count, err);
}

std::string shard_of(const Env& vars, const std::string& count = "") {
  std::string err;
  auto s = shard_from(vars, count, err);
  return s ? *s : "error: " + err;
}

TEST(ShardAuto, GitLabParallelCountsFromOne) {
  EXPECT_EQ(shard_of({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "8"}}), "1/8");
  EXPECT_EQ(shard_of({{"CI_NODE_INDEX", "8"}, {"CI_NODE_TOTAL", "8"}}), "8/8");
  EXPECT_NE(shard_of({{"CI_NODE_INDEX", "3"}}).find("CI_NODE_TOTAL"), std::string::npos);
  EXPECT_NE(shard_of({{"CI_NODE_INDEX", "x"}, {"CI_NODE_TOTAL", "8"}}).find("CI_NODE_INDEX"), std::string::npos);
}

TEST(ShardAuto, KubernetesIndexedJobCountsFromZeroAndNeedsTheCount) {
  EXPECT_EQ(shard_of({{"JOB_COMPLETION_INDEX", "0"}}, "4"), "1/4");
  EXPECT_EQ(shard_of({{"JOB_COMPLETION_INDEX", "3"}}, "4"), "4/4");
  EXPECT_EQ(shard_of({{"JOB_COMPLETION_INDEX", "2"}, {"LEGACYSCAN_SHARD_COUNT", "5"}}), "3/5");
  EXPECT_NE(shard_of({{"JOB_COMPLETION_INDEX", "2"}}).find("--shard-count"), std::string::npos);
}

TEST(ShardAuto, SlurmArraysMayStartAnywhereAndStep) {
  const Env one_to_four{{"SLURM_ARRAY_TASK_ID", "1"},
                        {"SLURM_ARRAY_TASK_COUNT", "4"},
                        {"SLURM_ARRAY_TASK_MIN", "1"},
                        {"SLURM_ARRAY_TASK_MAX", "4"}};
  EXPECT_EQ(shard_of(one_to_four), "1/4");
  Env zero_based{{"SLURM_ARRAY_TASK_ID", "3"},
                 {"SLURM_ARRAY_TASK_COUNT", "4"},
                 {"SLURM_ARRAY_TASK_MIN", "0"},
                 {"SLURM_ARRAY_TASK_MAX", "3"}};
  EXPECT_EQ(shard_of(zero_based), "4/4");
  Env stepped{{"SLURM_ARRAY_TASK_ID", "10"},
              {"SLURM_ARRAY_TASK_COUNT", "4"},
              {"SLURM_ARRAY_TASK_MIN", "4"},
              {"SLURM_ARRAY_TASK_MAX", "13"},
              {"SLURM_ARRAY_TASK_STEP", "3"}};
  EXPECT_EQ(shard_of(stepped), "3/4");
  // --array=1,3,7: three tasks that are no evenly spaced range.
  Env list{{"SLURM_ARRAY_TASK_ID", "7"},
           {"SLURM_ARRAY_TASK_COUNT", "3"},
           {"SLURM_ARRAY_TASK_MIN", "1"},
           {"SLURM_ARRAY_TASK_MAX", "7"}};
  EXPECT_NE(shard_of(list).find("evenly spaced"), std::string::npos);
}

TEST(ShardAuto, NoRunnerIsAClearError) {
  const auto msg = shard_of({});
  for (const char* name : {"CI_NODE_INDEX", "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "--shard K/N"})
    EXPECT_NE(msg.find(name), std::string::npos) << msg;
}

// What auto gives goes through the same check as a K/N typed by hand.
TEST(ShardAuto, ResultsAreCheckedLikeAGivenShard) {
  std::string err;
  EXPECT_FALSE(parse_shard(shard_of({{"CI_NODE_INDEX", "9"}, {"CI_NODE_TOTAL", "8"}}), err));
  EXPECT_TRUE(parse_shard(shard_of({{"CI_NODE_INDEX", "2"}, {"CI_NODE_TOTAL", "8"}}), err));
}

}  // namespace
}  // namespace legacyscan::cli
