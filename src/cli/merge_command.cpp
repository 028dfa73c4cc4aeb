// SPDX-License-Identifier: Apache-2.0
// `legacyscan merge`: the results of several runs (shards) as one document.
#include <memory>

#include "legacyscan/json_text.hpp"
#include "src/cli/commands.hpp"
#include "src/cli/output.hpp"
#include "src/cli/saved_scan.hpp"
#include "src/cli/usage.hpp"
#include "src/report/report.hpp"

namespace legacyscan::cli {

namespace {

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string output;
};

int run_merge_command(const MergeArgs& a) {
  std::vector<std::pair<std::string, std::string>> parts;
  for (const auto& path : a.inputs) {
    auto text = read_text_file(path);
    if (!text) return usage_error("merge: cannot open " + path);
    parts.emplace_back(path, std::move(*text));
  }
  std::string err;
  auto merged = merge_results(parts, err);
  if (!merged) return usage_error("merge: " + err);
  return write_output(a.output, json_text(*merged, 2) + "\n", "merge: ");
}

}  // namespace

Command add_merge_command(CLI::App& app) {
  auto a = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand("merge", "Join JSON or JSON-lines results of several runs (e.g. --shard parts)");
  cmd->add_option("files", a->inputs, "Result files (JSON documents or JSON lines)")->required();
  cmd->add_option("-o,--output", a->output, "Write the merged document to FILE");
  return {cmd, [a] { return run_merge_command(*a); }};
}

}  // namespace legacyscan::cli
