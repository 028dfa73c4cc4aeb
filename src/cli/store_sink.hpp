// SPDX-License-Identifier: Apache-2.0
// --store URL of `scan` and `import`: opens the store before anything is scanned (a bad URL is a usage
// error), writes each host as it finishes (the hosts queued at that moment share one transaction) and the
// run's end. The writes run on a thread of their own, in order, so the scan's one network thread never
// waits on the database (unless the store falls kQueuedHosts behind). A store error never costs the scan
// its own output: it is logged once, writing to the store stops, and the command reports it at the end.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "src/passive/passive.hpp"
#include "src/store/store.hpp"

namespace legacyscan::cli {

// The command line as given (main() records it), for the run's row (secrets removed there).
void record_command_line(const std::vector<std::string>& args);
const std::vector<std::string>& recorded_command_line();

class StoreSink {
 public:
  StoreSink() = default;
  StoreSink(const StoreSink&) = delete;
  StoreSink& operator=(const StoreSink&) = delete;
  ~StoreSink();

  // Opens the store and starts a run; false with `error` when it cannot.
  bool open(const std::string& url, const std::string& started, const std::string& shard, std::string& error);
  // The scan's own policy rules (--require, --policy): each host's results are stored with it.
  void set_policy(std::vector<PolicyRule> rules) { policy_ = std::move(rules); }
  // A store was opened for this run (it may have failed since: its hosts are then counted as lost).
  [[nodiscard]] bool used() const { return !url_.empty(); }
  // Queues one host for the writer (waits while kQueuedHosts are queued).
  void add_host(nlohmann::json host);
  // Writes hosts already mapped to rows (pcap, events, accounts: src/store/observed.hpp), on this thread.
  void add_rows(const std::vector<store::HostRows>& hosts);
  // Writes what is queued, then marks the run complete or interrupted; false when the store failed at
  // any point (logged).
  bool finish(const nlohmann::json& summary);
  [[nodiscard]] std::int64_t run_id() const { return run_; }

 private:
  static constexpr std::size_t kQueuedHosts = 256;
  static constexpr std::size_t kHostsPerCommit = 64;
  void write_queued();
  void write(const std::vector<nlohmann::json>& hosts);
  void stop_writer();
  void failed(const std::string& what);
  std::unique_ptr<store::Store> store_;
  std::vector<PolicyRule> policy_;
  std::string url_;
  std::int64_t run_ = 0;
  std::string error_;
  std::size_t lost_ = 0;  // hosts not written after the error
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<nlohmann::json> queue_;
  bool closing_ = false;
  std::thread writer_;
};

// After `pcap` or `events` wrote its report (exit code `written`): the clients as rows of the run,
// which is then finished; exit 3 when the store failed and the report was written.
int store_passive(StoreSink& store, const passive::Report& report, int written);

}  // namespace legacyscan::cli
