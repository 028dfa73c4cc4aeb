// SPDX-License-Identifier: Apache-2.0
// The scan engine: one io_context, hosts streamed through a concurrency cap, the probes of a host run
// concurrently (after their dependencies), every connection under a global and a per-host cap.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "legacyscan/engine/async.hpp"
#include "legacyscan/engine/probe.hpp"
#include "legacyscan/engine/target.hpp"

namespace legacyscan {

struct EngineLimits {
  std::size_t host_concurrency = 32;  // hosts in flight
  std::size_t max_connections = 128;  // sockets open at once, all hosts
  std::size_t per_host = 4;           // sockets open at once to one address
  double max_rate = 0;                // new connections per second, all hosts (0: unlimited)
  // Sockets of the reachability phase in flight, all hosts: it runs ahead of the host slots, so a
  // dead host costs one connect timeout in this wider phase instead of a --concurrency slot.
  std::size_t ping_sockets = 4096;
};

// Fits the connection caps into a file-descriptor budget (the soft RLIMIT_NOFILE minus a reserve):
// the reachability phase and the probes' connections together never exceed it.
void fit_fd_budget(EngineLimits& limits, std::size_t budget);

// At most this many ports of a host are tried by the reachability check.
inline constexpr std::size_t kPingPortsPerHost = 4;

class Engine {
 public:
  Engine(boost::asio::io_context& io, EngineLimits limits);
  boost::asio::io_context& io() { return io_; }
  const EngineLimits& limits() const { return limits_; }
  // Waits for a connection slot under both caps.
  boost::asio::awaitable<Permit> acquire_connection(const boost::asio::ip::address& address);
  // Waits for the --max-rate token bucket (every new connection, probes and reachability alike).
  boost::asio::awaitable<void> pace();
  // Sockets of the reachability checks in flight, all hosts (EngineLimits::ping_sockets).
  AsyncSemaphore& ping_sockets() { return ping_; }

 private:
  struct HostSlot {
    std::unique_ptr<AsyncSemaphore> sem;
    std::size_t users = 0;
  };
  boost::asio::io_context& io_;
  EngineLimits limits_;
  std::chrono::steady_clock::time_point next_connect_{};
  AsyncSemaphore global_;
  AsyncSemaphore ping_;
  std::map<boost::asio::ip::address, HostSlot> per_host_;

 public:
  // A host's scan registers its address while it runs so its per-host cap exists exactly as long.
  void enter_host(const boost::asio::ip::address& a);
  void leave_host(const boost::asio::ip::address& a);
};

struct ProbeRun {
  std::string probe;
  std::vector<std::uint16_t> ports;
  std::unique_ptr<ProbeResult> result;
  std::chrono::milliseconds elapsed{0};
};

struct HostResult {
  std::size_t order = 0;         // position in the expanded target list (for stable output)
  std::size_t sub_order = 0;     // position among the addresses of a name
  std::string target;            // as given
  std::string host_name;         // the name when the target was a name
  std::string address;           // "" when the name did not resolve
  std::vector<ProbeRun> probes;  // in registry order
  std::string started;
  std::string finished;
};

// Which ports a probe scans on a host: --ports entries "N" go to the probes that list N among their
// default ports (or to every selected probe when none does); "probe:N" only to that probe; a
// host:port target overrides both for that host.
struct PortSelection {
  std::vector<std::uint16_t> any;                               // plain "445"
  std::map<std::string, std::vector<std::uint16_t>> per_probe;  // "smb:4450"
  [[nodiscard]] bool empty() const { return any.empty() && per_probe.empty(); }
};

struct ScanPlan {
  std::vector<TargetSpec> targets;
  std::vector<const Probe*> probes;  // in registry order
  PortSelection ports;
  bool first_address = false;
  bool ping = true;  // a TCP reachability check before the probes (--no-ping turns it off)
  EngineLimits limits;
  ScanSettings settings;
  Shard shard;                 // scan only the hosts of shard K of N
  std::set<std::size_t> skip;  // host indexes already done (--resume)
  bool progress = false;       // a progress line on stderr
};

// A host index whose scan had started (reachability check or probes) when an interrupt stopped the scan.
struct InterruptedHost {
  std::size_t index = 0;  // position in the expanded target list
  std::string target;     // as given
};

struct ScanSummary {
  std::string started;
  std::string finished;
  bool complete = true;  // false when interrupted
  std::size_t hosts = 0;
  // Hosts where at least one network probe got a protocol answer (status ok). A refused port or an
  // ICMP unreachable is no answer, and neither is a probe without transports (the matrix), which only
  // derives its verdicts from the others.
  std::size_t hosts_with_answer = 0;
  std::size_t hosts_down = 0;      // hosts that failed the reachability check
  std::size_t skipped_resume = 0;  // hosts skipped because --resume had them
  // After an interrupt: the host indexes in flight (no result written), and those never started.
  std::vector<InterruptedHost> interrupted{};
  std::uint64_t hosts_not_started = 0;
};

// Whether a host's results hold a protocol answer (see ScanSummary::hosts_with_answer). `probes` are
// the plan's probes, which tell the network probes from the derived ones.
bool got_protocol_answer(const HostResult& host, const std::vector<const Probe*>& probes);

// The TCP reachability check of one address: connects to up to kPingPortsPerHost of the ports at once;
// the host is up as soon as one connect is accepted or refused (the others are abandoned then). Down:
// the failure of the first port (timeout when every connect timed out, unreachable for EHOSTUNREACH).
// Takes one of the engine's ping sockets per port (not connection permits) for its duration.
boost::asio::awaitable<std::optional<Outcome>> reachability_check(Engine& engine,
                                                                  const boost::asio::ip::address& address,
                                                                  std::vector<std::uint16_t> ports,
                                                                  std::chrono::milliseconds timeout);

// Total number of host indexes in a plan's targets (a name counts once), before sharding.
std::uint64_t count_host_indexes(const std::vector<TargetSpec>& targets);

// Ports a probe gets on one host given the plan (exposed for tests).
std::vector<std::uint16_t> ports_for(const Probe& probe, const PortSelection& sel,
                                     std::optional<std::uint16_t> target_port,
                                     const std::vector<const Probe*>& selected);

// Runs the whole scan on the calling thread. The sink is called once per host as it finishes.
// stop_requested is polled: once set, no new host starts and the summary says complete=false.
ScanSummary run_scan(const ScanPlan& plan, spdlog::logger& log, const std::function<void(HostResult&&)>& sink,
                     const std::atomic<bool>* stop_requested = nullptr);

std::string rfc3339_now();

}  // namespace legacyscan
