// SPDX-License-Identifier: Apache-2.0
// The result store: runs, their hosts, findings, matrix cells and hardening terms as rows of one
// versioned schema (migrations applied on first use), so several scanners write to one place and
// `history` reads progress over time. SQLite (a file path or sqlite:PATH) is embedded, PostgreSQL
// (postgresql://...) is for a team; both hold the same schema (src/store/backend.hpp); docs/fleet.md.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "src/compat/policy.hpp"
#include "src/store/backend.hpp"

namespace legacyscan::store {

// The schema version this build writes; an older store is migrated when opened.
inline constexpr int kStoreSchemaVersion = 3;

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

// A host as rows: its object (`hosts.result`), its findings (probe, port, check, verdict, value,
// evidence) and its hardening terms or policy rules (name, state, checks). A scan's host is judged by
// Store::add_host; a capture's client, an event export's client and an audited account are mapped by
// src/store/observed.hpp.
struct HostRows {
  std::string target;
  std::string address;
  std::int64_t index = 0;
  std::string started;
  std::string finished;
  nlohmann::json result;
  std::vector<std::vector<std::string>> findings;
  std::vector<std::vector<std::string>> terms;
  std::vector<std::vector<std::string>> policy;
};

class Store {
 public:
  // "PATH", "sqlite:PATH" or "postgresql://..."; an SQLite file that does not exist is created when
  // `create` (writers), an error otherwise (readers); a PostgreSQL database must exist. Throws StoreError.
  explicit Store(const std::string& url, bool create = true);

  [[nodiscard]] int schema_version();
  std::int64_t begin_run(const RunInfo& info);
  // One host object of a scan (hosts[]), with its findings, matrix cells and terms, and the results of
  // the scan's own policy rules (--require, --policy), in one transaction.
  void add_host(std::int64_t run, const nlohmann::json& host, const std::vector<PolicyRule>& policy = {});
  // Several finished hosts in one transaction (one commit, so one disk flush, for all of them): a host is
  // still stored whole or not at all.
  void add_hosts(std::int64_t run, const std::vector<nlohmann::json>& hosts,
                 const std::vector<PolicyRule>& policy = {});
  // A host already mapped to rows, in one transaction.
  void add_rows(std::int64_t run, const HostRows& host);
  // The run's document without its hosts (started, finished, complete, ...): status and finish time.
  void finish_run(std::int64_t run, const nlohmann::json& summary);

  std::vector<StoredRun> runs();
  // The run as a scan document (hosts in input order), as `report` reads a saved file; nullopt when
  // there is no such run.
  std::optional<nlohmann::json> run_document(std::int64_t run);
  // The scans started on `day` (YYYY-MM-DD, UTC) as one document: each host (target and address) at its
  // latest run of the day, so the shards and re-scans of a day make one fleet; nullopt when none.
  std::optional<nlohmann::json> day_document(const std::string& day);
  // Deletes the runs started before `before` with their rows; how many.
  std::int64_t prune(const std::string& before);

  // The database, for the store's own readers (history).
  Backend& backend() { return *db_; }

 private:
  void migrate();
  std::unique_ptr<Backend> db_;
};

// postgresql://... or postgres://...: a PostgreSQL store.
bool is_postgres_url(const std::string& url);
// "sqlite:PATH" or PATH -> PATH; an unsupported scheme is an error (false, with the reason).
// postgresql:// and postgres:// are PostgreSQL stores, not paths.
bool sqlite_path_of(const std::string& url, std::string& path, std::string& error);

// The command line with the values of --password (and any password inside a URL) replaced by "***".
std::string redact_command_line(const std::vector<std::string>& args);
// A store URL as it may be shown: the password inside it replaced by "***".
std::string redact_url(const std::string& url);

// The hardening terms the store judges on every host (those with a scan policy rule).
std::vector<std::string> stored_terms();

}  // namespace legacyscan::store
