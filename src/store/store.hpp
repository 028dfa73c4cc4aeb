// SPDX-License-Identifier: Apache-2.0
// The result store: runs, their hosts, findings, matrix cells and hardening terms as rows of one
// versioned schema (migrations applied on first use), so several scanners write to one place and
// `history` reads progress over time. SQLite (a file path or sqlite:PATH) is embedded; docs/fleet.md.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "src/store/sqlite.hpp"

namespace legacyscan::store {

// The schema version this build writes; an older store is migrated when opened.
inline constexpr int kStoreSchemaVersion = 1;

struct RunInfo {
  std::string started;       // ISO 8601 UTC
  std::string command;       // the command line, secrets removed (redact_command_line)
  std::string scanner_host;  // the scanning machine's host name
  std::string version;       // legacyscan's version
  std::string shard;         // "K/N", "" when not sharded
};

struct StoredRun {
  std::int64_t id = 0;
  std::string started;
  std::string finished;  // "" while running or when the scanner was killed
  std::string command;
  std::string scanner_host;
  std::string version;
  std::string shard;
  std::string status;  // "complete", or "interrupted" (also a run still going or killed)
  std::int64_t hosts = 0;
};

// One host's state for one hardening term in one run: fail (the term's policy rule failed on the
// evidence), pass, or unknown (the probe could not tell).
struct TermRow {
  std::int64_t run = 0;
  std::string run_started;
  std::string target;
  std::string address;
  std::string term;
  std::string state;
  std::string checks;  // the finding check ids the failure rests on, comma-separated
};

class Store {
 public:
  // "PATH" or "sqlite:PATH"; a store that does not exist is created when `create` (writers), an error
  // otherwise (readers). Throws StoreError.
  explicit Store(const std::string& url, bool create = true);

  [[nodiscard]] int schema_version();
  std::int64_t begin_run(const RunInfo& info);
  // One host object of a scan (hosts[]), with its findings, matrix cells and terms, in one transaction.
  void add_host(std::int64_t run, const nlohmann::json& host);
  // The run's document without its hosts (started, finished, complete, ...): status and finish time.
  void finish_run(std::int64_t run, const nlohmann::json& summary);

  std::vector<StoredRun> runs();
  // The run as a scan document (hosts in input order), as `report` reads a saved file; nullopt when
  // there is no such run.
  std::optional<nlohmann::json> run_document(std::int64_t run);
  // Term rows of the runs started at or after `since` ("" for all), oldest run first.
  std::vector<TermRow> term_rows(const std::string& since);
  // Deletes the runs started before `before` with their rows; how many.
  std::int64_t prune(const std::string& before);

 private:
  void migrate();
  Database db_;
};

// "sqlite:PATH" or PATH -> PATH; an unsupported scheme is an error (false, with the reason).
bool sqlite_path_of(const std::string& url, std::string& path, std::string& error);

// The command line with the values of --password (and any password inside a URL) replaced by "***".
std::string redact_command_line(const std::vector<std::string>& args);

// The hardening terms the store judges on every host (those with a scan policy rule).
std::vector<std::string> stored_terms();

}  // namespace legacyscan::store
