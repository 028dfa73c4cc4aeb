// SPDX-License-Identifier: Apache-2.0
// `legacyscan import`: saved scans (JSON or JSON lines) into the result store, one run per file.
#include <iostream>
#include <memory>
#include <set>

#include "src/cli/commands.hpp"
#include "src/cli/saved_scan.hpp"
#include "src/cli/store_sink.hpp"
#include "src/cli/usage.hpp"

namespace legacyscan::cli {

namespace {

struct ImportArgs {
  std::vector<std::string> files;
  std::string store;
};

// The policy rules a saved scan ran with (its top-level policy results name them as written): the store
// judges each host on them again, as `scan --store` did live.
std::vector<PolicyRule> policy_rules_of(const nlohmann::json& doc) {
  std::vector<PolicyRule> rules;
  std::set<std::string> seen;
  for (const auto& r : doc.value("/policy/rules"_json_pointer, nlohmann::json::array())) {
    const auto text = r.value("rule", "");
    std::string err;
    if (!seen.insert(text).second) continue;
    if (auto rule = parse_policy_rule(text, err)) rules.push_back(std::move(*rule));
  }
  return rules;
}

int run_import_command(const ImportArgs& a) {
  // Every file is read before the store is touched: a bad one stops the import with nothing written.
  std::vector<nlohmann::json> docs;
  for (const auto& file : a.files) {
    std::string err;
    auto doc = load_scan(file, err);
    if (!doc) return usage_error("import: " + err);
    docs.push_back(std::move(*doc));
  }
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const auto& doc = docs[i];
    StoreSink sink;
    std::string err;
    if (!sink.open(a.store, doc.value("started", ""), "", err)) return usage_error("import: " + err);
    sink.set_policy(policy_rules_of(doc));
    for (const auto& host : doc["hosts"]) sink.add_host(host);
    if (!sink.finish(doc)) return kExitNothingScanned;
    std::cout << a.files[i] << ": run " << sink.run_id() << ", " << doc["hosts"].size() << " host(s)\n";
  }
  return kExitDone;
}

}  // namespace

Command add_import_command(CLI::App& app) {
  auto a = std::make_shared<ImportArgs>();
  auto* cmd = app.add_subcommand("import", "Load saved scans (JSON or JSON lines) into a result store");
  cmd->add_option("results", a->files, "Saved scans: --format json or jsonl output, one run each")->required();
  cmd->add_option("--store", a->store, "The result store: FILE, sqlite:FILE or postgresql://... (docs/fleet.md)")
      ->required();
  return {cmd, [a] { return run_import_command(*a); }};
}

}  // namespace legacyscan::cli
