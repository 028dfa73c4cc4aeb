// SPDX-License-Identifier: Apache-2.0
// `legacyscan import`: saved scans (JSON or JSON lines) into the result store, one run per file.
#include <iostream>
#include <memory>

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
  cmd->add_option("--store", a->store, "The result store: FILE or sqlite:FILE (docs/fleet.md)")->required();
  return {cmd, [a] { return run_import_command(*a); }};
}

}  // namespace legacyscan::cli
