// SPDX-License-Identifier: Apache-2.0
#include "src/cli/store_sink.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>
#include <array>

#include "legacyscan/engine/engine.hpp"
#include "src/cli/usage.hpp"
#include "src/store/observed.hpp"

namespace legacyscan::cli {

namespace {

std::vector<std::string>& command_line() {
  static std::vector<std::string> args;
  return args;
}

std::string this_host() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "";
  return name.data();
}

}  // namespace

void record_command_line(const std::vector<std::string>& args) { command_line() = args; }
const std::vector<std::string>& recorded_command_line() { return command_line(); }

bool StoreSink::open(const std::string& url, const std::string& started, const std::string& shard, std::string& error) {
  try {
    store_ = std::make_unique<store::Store>(url);
    run_ = store_->begin_run(
        {started, store::redact_command_line(recorded_command_line()), this_host(), LEGACYSCAN_VERSION, shard});
  } catch (const store::StoreError& e) {
    store_.reset();
    error = "--store " + store::redact_url(url) + ": " + e.what();
    return false;
  }
  url_ = store::redact_url(url);
  writer_ = std::thread([this] { write_queued(); });
  return true;
}

StoreSink::~StoreSink() { stop_writer(); }

void StoreSink::stop_writer() {
  if (!writer_.joinable()) return;
  {
    const std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  writer_.join();
}

void StoreSink::write_queued() {
  for (;;) {
    // Everything queued goes in one transaction: while the database keeps up that is one host per
    // commit; when it falls behind (PostgreSQL flushes its log at every commit) the hosts that finished
    // meanwhile share one commit instead of each waiting for its own.
    std::vector<nlohmann::json> hosts;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing, and everything written
      while (!queue_.empty() && hosts.size() < kHostsPerCommit) {
        hosts.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    changed_.notify_all();
    write(hosts);
  }
}

void StoreSink::add_host(nlohmann::json host) {
  if (!used()) return;
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return queue_.size() < kQueuedHosts; });
    queue_.push_back(std::move(host));
  }
  changed_.notify_all();
}

void StoreSink::failed(const std::string& what) {
  error_ = what;
  store_.reset();
  spdlog::error("--store {}: {}; the rest of the run is not stored (the output has every host)", url_, what);
}

void StoreSink::write(const std::vector<nlohmann::json>& hosts) {
  if (!store_) {
    lost_ += error_.empty() ? 0 : hosts.size();
    return;
  }
  try {
    store_->add_hosts(run_, hosts, policy_);
  } catch (const store::StoreError& e) {
    lost_ += hosts.size();
    failed(e.what());
  }
}

void StoreSink::add_rows(const std::vector<store::HostRows>& hosts) {
  if (!used()) return;
  stop_writer();
  for (const auto& host : hosts) {
    if (!store_) {
      lost_ += error_.empty() ? 0 : 1;
      continue;
    }
    try {
      store_->add_rows(run_, host);
    } catch (const store::StoreError& e) {
      ++lost_;
      failed(e.what());
    }
  }
}

bool StoreSink::finish(const nlohmann::json& summary) {
  stop_writer();
  if (store_) {
    try {
      store_->finish_run(run_, summary);
    } catch (const store::StoreError& e) {
      failed(e.what());
    }
  }
  if (error_.empty()) return true;
  spdlog::error(
      "--store {}: run {} is incomplete in the store: {} host(s) not written, the run left marked "
      "interrupted ({})",
      url_, run_, lost_, error_);
  return false;
}

int store_passive(StoreSink& store, const passive::Report& report, int written) {
  if (!store.used()) return written;
  store.add_rows(store::passive_rows(report));
  nlohmann::json summary{{"command", report.source.kind},
                         {"finished", rfc3339_now()},
                         {"complete", true},
                         {"inputs", report.source.inputs}};
  const bool stored = store.finish(summary);
  return !stored && written == kExitDone ? kExitNothingScanned : written;
}

}  // namespace legacyscan::cli
