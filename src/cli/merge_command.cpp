// SPDX-License-Identifier: Apache-2.0
// `legacyscan merge`: the results of several runs (shards) as one document.
#include <memory>

#include "legacyscan/engine/input_file.hpp"
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
  std::string err;
  for (const auto& path : a.inputs) {
    auto text = read_input_file(path, err);
    if (!text) return usage_error("merge: " + err);
    parts.emplace_back(path, std::move(*text));
  }
  std::vector<std::string> duplicates;
  auto merged = merge_results(parts, err, &duplicates);
  if (!merged) return usage_error("merge: " + err);
  print_merge_warnings("merge", duplicates);
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
