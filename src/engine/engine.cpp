// SPDX-License-Identifier: Apache-2.0
#include "legacyscan/engine/engine.hpp"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>

#include "legacyscan/engine/net.hpp"
#include "legacyscan/engine/progress.hpp"

namespace legacyscan {

namespace asio = boost::asio;
using asio::ip::tcp;

std::string rfc3339_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

Engine::Engine(asio::io_context& io, EngineLimits limits)
    : io_(io),
      limits_(limits),
      global_(io.get_executor(), std::max<std::size_t>(1, limits.max_connections)),
      ping_(io.get_executor(), std::max<std::size_t>(1, limits.ping_sockets)) {}

void fit_fd_budget(EngineLimits& limits, std::size_t budget) {
  budget = std::max<std::size_t>(budget, 2);
  limits.ping_sockets = std::max<std::size_t>(1, limits.ping_sockets);
  limits.max_connections = std::max<std::size_t>(1, limits.max_connections);
  if (limits.ping_sockets + limits.max_connections <= budget) return;
  // The reachability phase gets what the probes' cap leaves, but at least half the budget; the
  // probes' cap gets the rest.
  const std::size_t left = budget > limits.max_connections ? budget - limits.max_connections : 0;
  limits.ping_sockets = std::min(limits.ping_sockets, std::max(left, budget / 2));
  limits.max_connections = std::min(limits.max_connections, budget - limits.ping_sockets);
}

void Engine::enter_host(const asio::ip::address& a) {
  auto& slot = per_host_[a];
  if (!slot.sem)
    slot.sem = std::make_unique<AsyncSemaphore>(io_.get_executor(), std::max<std::size_t>(1, limits_.per_host));
  ++slot.users;
}

void Engine::leave_host(const asio::ip::address& a) {
  auto it = per_host_.find(a);
  if (it != per_host_.end() && --it->second.users == 0) per_host_.erase(it);
}

std::chrono::milliseconds ProbeContext::op_timeout() const {
  if (!host_deadline) return settings.timeout;
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(*host_deadline - std::chrono::steady_clock::now());
  return std::clamp(left, std::chrono::milliseconds(1), settings.timeout);
}

asio::awaitable<void> Engine::pace() {
  if (limits_.max_rate > 0) {
    // Token bucket of depth one: connection starts are spaced 1/max_rate apart, all hosts together.
    const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / limits_.max_rate));
    const auto now = std::chrono::steady_clock::now();
    if (next_connect_ < now) next_connect_ = now;
    const auto at = next_connect_;
    next_connect_ += interval;
    if (at > now) {
      asio::steady_timer t(io_, at);
      co_await t.async_wait(asio::use_awaitable);
    }
  }
}

asio::awaitable<Permit> Engine::acquire_connection(const asio::ip::address& address) {
  co_await pace();
  auto it = per_host_.find(address);
  AsyncSemaphore* host = it == per_host_.end() ? nullptr : it->second.sem.get();
  // Per-host first, so a busy host does not hold global slots while it waits for its own.
  if (host) co_await host->acquire();
  try {
    co_await global_.acquire();
  } catch (...) {
    if (host) host->release();
    throw;
  }
  co_return Permit(&global_, host);
}

asio::awaitable<std::optional<Outcome>> reachability_check(Engine& engine, const asio::ip::address& address,
                                                           std::vector<std::uint16_t> ports,
                                                           std::chrono::milliseconds timeout) {
  if (ports.empty()) co_return std::nullopt;
  const std::size_t per_host = std::clamp<std::size_t>(engine.limits().ping_sockets, 1, kPingPortsPerHost);
  if (ports.size() > per_host) ports.resize(per_host);
  auto ex = co_await asio::this_coro::executor;
  co_await engine.ping_sockets().acquire(ports.size());
  struct Release {
    AsyncSemaphore& sem;
    std::size_t n;
    ~Release() { sem.release(n); }
  } release{engine.ping_sockets(), ports.size()};
  // The connect handlers may run after this coroutine has moved on (abandoned connects complete with
  // operation_aborted once their socket is closed), so what they touch is shared.
  struct State {
    asio::steady_timer wake;
    std::vector<std::unique_ptr<tcp::socket>> sockets;
    std::vector<std::optional<Outcome>> results;
    std::size_t pending = 0;
    bool all_started = false;
    bool answered = false;
    bool over = false;
    explicit State(const asio::any_io_executor& e) : wake(e) {}
  };
  auto st = std::make_shared<State>(ex);
  st->results.resize(ports.size());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (std::size_t i = 0; i < ports.size() && !st->answered; ++i) {
    co_await engine.pace();
    if (st->answered) break;
    st->sockets.push_back(std::make_unique<tcp::socket>(ex));
    ++st->pending;
    st->sockets.back()->async_connect(tcp::endpoint(address, ports[i]), [st, i](const boost::system::error_code& ec) {
      --st->pending;
      if (st->over) return;
      st->results[i] = ec ? classify_error(ec, "connect") : Outcome::success();
      if (!ec || ec == asio::error::connection_refused) st->answered = true;
      if (st->answered || (st->all_started && st->pending == 0)) st->wake.cancel();
    });
  }
  st->all_started = true;
  if (!st->answered && st->pending > 0) {
    st->wake.expires_at(deadline);
    boost::system::error_code ec;
    co_await st->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  st->over = true;
  for (auto& s : st->sockets) {
    boost::system::error_code ignored;
    s->close(ignored);
  }
  if (st->answered) co_return std::nullopt;
  std::string why;
  std::optional<Status> status;
  for (std::size_t i = 0; i < st->results.size(); ++i) {
    const Outcome o = st->results[i] ? *st->results[i] : timeout_outcome("connect", timeout);
    if (!status) status = o.status;
    why += (why.empty() ? "" : "; ") + std::to_string(ports[i]) + "/tcp " + o.reason;
  }
  co_return Outcome::failure(status.value_or(Status::timeout),
                             "host did not answer the reachability check (" + why + "); --no-ping probes it anyway");
}

std::uint64_t count_host_indexes(const std::vector<TargetSpec>& targets) {
  std::uint64_t n = 0;
  for (const auto& t : targets) n += t.count;
  return n;
}

std::vector<std::uint16_t> ports_for(const Probe& probe, const PortSelection& sel,
                                     std::optional<std::uint16_t> target_port,
                                     const std::vector<const Probe*>& selected) {
  if (target_port) return {*target_port};
  if (sel.empty()) return probe.default_ports();
  std::vector<std::uint16_t> out;
  const auto defaults = probe.default_ports();
  for (auto port : sel.any) {
    const bool mine = std::find(defaults.begin(), defaults.end(), port) != defaults.end();
    const bool anyones = std::any_of(selected.begin(), selected.end(), [port](const Probe* p) {
      const auto d = p->default_ports();
      return std::find(d.begin(), d.end(), port) != d.end();
    });
    if (mine || !anyones) out.push_back(port);
  }
  if (auto it = sel.per_probe.find(std::string(probe.name())); it != sel.per_probe.end())
    out.insert(out.end(), it->second.begin(), it->second.end());
  std::vector<std::uint16_t> unique;
  for (auto p : out)
    if (std::find(unique.begin(), unique.end(), p) == unique.end()) unique.push_back(p);
  return unique;
}

bool got_protocol_answer(const HostResult& host, const std::vector<const Probe*>& probes) {
  return std::any_of(host.probes.begin(), host.probes.end(), [&](const ProbeRun& r) {
    if (!r.result || r.result->status != Status::ok) return false;
    const auto p = std::find_if(probes.begin(), probes.end(), [&](const Probe* q) { return q->name() == r.probe; });
    return p != probes.end() && !(*p)->transports().empty();
  });
}

namespace {

struct HostJob {
  const ScanPlan& plan;
  Engine& engine;
  spdlog::logger& log;
  const std::function<void(HostResult&&)>& sink;
  ScanSummary& summary;
  bool stopping = false;
  std::size_t done = 0;                            // host indexes finished (progress)
  std::size_t failures = 0;                        // hosts without any answer (progress)
  std::uint64_t scanned = 0;                       // host indexes whose scan ran to its end
  std::map<std::size_t, std::string> in_flight{};  // order -> target: started, not finished
  std::vector<std::string> scanning = {};          // the hosts holding a scan slot (progress line)
};

// Keeps a host in HostJob::scanning (the progress line) while it is scanned.
class InFlight {
 public:
  InFlight(HostJob& job, std::string host) : job_(job), host_(std::move(host)) { job_.scanning.push_back(host_); }
  ~InFlight() {
    auto it = std::find(job_.scanning.begin(), job_.scanning.end(), host_);
    if (it != job_.scanning.end()) job_.scanning.erase(it);
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  HostJob& job_;
  std::string host_;
};

void emit(HostJob& job, HostResult&& hr) {
  job.log.info("host {} ({}) finished", hr.target, hr.address);
  ++job.summary.hosts;
  if (got_protocol_answer(hr, job.plan.probes))
    ++job.summary.hosts_with_answer;
  else
    ++job.failures;
  job.sink(std::move(hr));
}

asio::awaitable<void> run_one_probe(HostJob& job, const Probe& probe, ProbeContext& ctx, ProbeRun& run) {
  const auto t0 = std::chrono::steady_clock::now();
  if (ctx.ports.empty()) {
    run.result = std::make_unique<BareResult>(Status::skipped, "no port selected for this probe");
  } else {
    job.log.debug("{} {}: probe {} on {} port(s)", ctx.target, ctx.address.to_string(), probe.name(), ctx.ports.size());
    run.result = co_await probe.run(ctx);
    if (!run.result) run.result = std::make_unique<BareResult>(Status::error, "probe returned no result");
  }
  run.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  job.log.debug("{} {}: probe {} finished: {} in {} ms", ctx.target, ctx.address.to_string(), probe.name(),
                to_string(run.result->status), run.elapsed.count());
}

asio::awaitable<void> scan_address(HostJob& job, const TargetSpec& spec, asio::ip::address address, std::size_t order,
                                   std::size_t sub_order, bool ping) {
  auto ex = co_await asio::this_coro::executor;
  HostResult hr;
  hr.order = order;
  hr.sub_order = sub_order;
  hr.target = spec.text;
  hr.host_name = spec.name;
  hr.address = address.to_string();
  hr.started = rfc3339_now();
  job.engine.enter_host(address);
  HostFacts facts;
  const auto& probes = job.plan.probes;
  hr.probes.resize(probes.size());
  std::vector<std::vector<std::uint16_t>> ports(probes.size());
  std::vector<std::unique_ptr<ProbeContext>> contexts(probes.size());
  std::vector<bool> finished(probes.size(), false);
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (job.plan.settings.host_timeout) deadline = std::chrono::steady_clock::now() + *job.plan.settings.host_timeout;
  std::vector<std::uint16_t> tcp_ports;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    hr.probes[i].probe = std::string(probes[i]->name());
    hr.probes[i].ports = ports_for(*probes[i], job.plan.ports, spec.port, probes);
    contexts[i] = std::make_unique<ProbeContext>(ProbeContext{
        job.engine, spec.text, spec.name, address, hr.probes[i].ports, job.plan.settings, facts, job.log, deadline});
    contexts[i]->finished_result = [&hr, &finished](std::string_view name) -> std::optional<nlohmann::json> {
      for (std::size_t j = 0; j < hr.probes.size(); ++j)
        if (hr.probes[j].probe == name && finished[j] && hr.probes[j].result) return hr.probes[j].result->to_json();
      return std::nullopt;
    };
    const auto t = probes[i]->transports();
    if (std::find(t.begin(), t.end(), "tcp") != t.end())
      for (auto p : hr.probes[i].ports)
        if (std::find(tcp_ports.begin(), tcp_ports.end(), p) == tcp_ports.end()) tcp_ports.push_back(p);
  }
  if (ping && !tcp_ports.empty()) {
    ProbeContext ping_ctx{job.engine,        spec.text, spec.name, address, tcp_ports,
                          job.plan.settings, facts,     job.log,   deadline};
    if (auto down = co_await reachability_check(job.engine, address, tcp_ports, ping_ctx.op_timeout())) {
      job.log.info("{} {}: {}", spec.text, address.to_string(), down->reason);
      for (auto& run : hr.probes) run.result = std::make_unique<BareResult>(down->status, down->reason);
      std::fill(finished.begin(), finished.end(), true);
      ++job.summary.hosts_down;
    }
  }
  auto index_of = [&](std::string_view name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < probes.size(); ++i)
      if (probes[i]->name() == name) return i;
    return std::nullopt;
  };
  // A probe starts as soon as the selected probes it depends on have finished (not when a whole wave of
  // them has: kerberos need not wait for tls).
  {
    std::vector<bool> started(finished);
    std::size_t running = 0;
    WaitGroup wg(ex);
    std::function<void()> launch;
    launch = [&] {
      std::vector<std::size_t> ready;
      for (std::size_t i = 0; i < probes.size(); ++i) {
        if (started[i]) continue;
        bool deps_done = true;
        for (auto dep : probes[i]->depends_on())
          if (auto j = index_of(dep); j && !finished[*j]) deps_done = false;
        if (deps_done) ready.push_back(i);
      }
      if (ready.empty() && running == 0)  // a dependency cycle: run the rest together rather than never
        for (std::size_t i = 0; i < probes.size(); ++i)
          if (!started[i]) ready.push_back(i);
      for (auto i : ready) {
        started[i] = true;
        ++running;
        wg.add();
        asio::co_spawn(ex, run_one_probe(job, *probes[i], *contexts[i], hr.probes[i]), [&, i](std::exception_ptr ep) {
          if (ep) {
            std::string what = "internal error";
            try {
              std::rethrow_exception(ep);
            } catch (const std::exception& e) {
              what = std::string("internal error: ") + e.what();
            } catch (...) {
            }
            hr.probes[i].result = std::make_unique<BareResult>(Status::error, what);
          }
          finished[i] = true;
          --running;
          launch();
          wg.done();
        });
      }
    };
    launch();
    co_await wg.wait();
  }
  job.engine.leave_host(address);
  hr.finished = rfc3339_now();
  emit(job, std::move(hr));
}

// A target that did not resolve still appears in the output, with its probes in status error.
void emit_unresolved(HostJob& job, const TargetSpec& spec, std::size_t order, const std::string& why) {
  HostResult hr;
  hr.order = order;
  hr.target = spec.text;
  hr.host_name = spec.name;
  hr.started = hr.finished = rfc3339_now();
  for (const auto* p : job.plan.probes) {
    ProbeRun run;
    run.probe = std::string(p->name());
    run.result = std::make_unique<BareResult>(Status::error, why);
    hr.probes.push_back(std::move(run));
  }
  emit(job, std::move(hr));
}

asio::awaitable<void> scan_target(HostJob& job, const TargetSpec& spec, std::uint64_t index, std::size_t order,
                                  bool ping) {
  if (spec.kind != TargetSpec::Kind::name) {
    co_await scan_address(job, spec, spec.address_at(index), order, 0, ping);
    co_return;
  }
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  boost::system::error_code ec;
  tcp::resolver::results_type results;
  bool fired = false;
  {
    Watchdog dog(ex, job.plan.settings.timeout, [&resolver] { resolver.cancel(); });
    results = co_await resolver.async_resolve(spec.name, "", asio::redirect_error(asio::use_awaitable, ec));
    fired = dog.fired();
  }
  if (fired || ec) {
    const std::string why = fired ? "cannot resolve " + spec.name + ": no answer within " +
                                        std::to_string(job.plan.settings.timeout.count()) + " ms"
                                  : "cannot resolve " + spec.name + ": " + ec.message();
    job.log.warn("{}", why);
    emit_unresolved(job, spec, order, why);
    co_return;
  }
  std::vector<asio::ip::address> addresses;
  for (const auto& r : results) {
    const auto a = r.endpoint().address();
    if (std::find(addresses.begin(), addresses.end(), a) == addresses.end()) addresses.push_back(a);
  }
  if (addresses.empty()) {
    emit_unresolved(job, spec, order, "cannot resolve " + spec.name + ": no addresses");
    co_return;
  }
  if (job.plan.first_address) addresses.resize(1);
  WaitGroup wg(ex);
  wg.add(addresses.size());
  for (std::size_t i = 0; i < addresses.size(); ++i)
    asio::co_spawn(ex, scan_address(job, spec, addresses[i], order, i, ping), [&](std::exception_ptr) { wg.done(); });
  co_await wg.wait();
}

// The TCP ports of the selected probes on a host of this target (what the reachability check tries).
std::vector<std::uint16_t> tcp_ports_of(const ScanPlan& plan, const TargetSpec& spec) {
  std::vector<std::uint16_t> out;
  for (const auto* probe : plan.probes) {
    const auto t = probe->transports();
    if (std::find(t.begin(), t.end(), "tcp") == t.end()) continue;
    for (auto p : ports_for(*probe, plan.ports, spec.port, plan.probes))
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

// A host that failed the reachability phase: every probe gets its status, no scan slot was used.
void emit_down(HostJob& job, const TargetSpec& spec, const asio::ip::address& address, std::size_t order,
               const Outcome& down, std::string started) {
  job.log.info("{} {}: {}", spec.text, address.to_string(), down.reason);
  HostResult hr;
  hr.order = order;
  hr.target = spec.text;
  hr.host_name = spec.name;
  hr.address = address.to_string();
  hr.started = std::move(started);
  for (const auto* p : job.plan.probes) {
    ProbeRun run;
    run.probe = std::string(p->name());
    run.ports = ports_for(*p, job.plan.ports, spec.port, job.plan.probes);
    run.result = std::make_unique<BareResult>(down.status, down.reason);
    hr.probes.push_back(std::move(run));
  }
  ++job.summary.hosts_down;
  hr.finished = rfc3339_now();
  emit(job, std::move(hr));
}

struct Pipeline {
  AsyncSemaphore ahead;  // hosts taken from the target list that hold no scan slot yet
  AsyncSemaphore hosts;  // --concurrency: hosts being probed
};

// One host index: the reachability check in the wide phase (an address target; a name is resolved and
// checked inside its scan slot), then the probes under a scan slot. A dead address never takes one.
asio::awaitable<void> scan_host_index(HostJob& job, Pipeline& pl, const TargetSpec& spec, std::uint64_t index,
                                      std::size_t order) {
  Permit ahead(&pl.ahead, nullptr);
  bool checked = false;
  if (job.plan.ping && spec.kind != TargetSpec::Kind::name) {
    const auto ports = tcp_ports_of(job.plan, spec);
    if (!ports.empty()) {
      const auto address = spec.address_at(index);
      auto started = rfc3339_now();
      auto timeout = job.plan.settings.timeout;
      if (job.plan.settings.host_timeout) timeout = std::min(timeout, *job.plan.settings.host_timeout);
      job.in_flight.emplace(order, spec.text);
      if (auto down = co_await reachability_check(job.engine, address, ports, timeout)) {
        emit_down(job, spec, address, order, *down, std::move(started));
        co_return;
      }
      job.in_flight.erase(order);  // waiting for a scan slot is not scanning yet
      checked = true;
    }
  }
  co_await pl.hosts.acquire();
  Permit slot(&pl.hosts, nullptr);
  ahead.reset();
  if (job.stopping) co_return;  // interrupted while waiting: not scanned, not in the output
  InFlight shown(job, spec.kind == TargetSpec::Kind::name ? spec.text : spec.address_at(index).to_string());
  job.in_flight.emplace(order, spec.text);
  co_await scan_target(job, spec, index, order, job.plan.ping && !checked);
}

// A host index is in flight during its reachability check and while its probes run; one that was
// waiting for a scan slot at an interrupt counts as never started.
asio::awaitable<void> run_host(HostJob& job, Pipeline& pl, const TargetSpec& spec, std::uint64_t index,
                               std::size_t order) {
  co_await scan_host_index(job, pl, spec, index, order);
  if (job.in_flight.erase(order) != 0) ++job.scanned;
}

asio::awaitable<void> produce(HostJob& job, bool& finished, asio::steady_timer& watch_timer) {
  auto ex = co_await asio::this_coro::executor;
  const std::size_t concurrency = std::max<std::size_t>(1, job.plan.limits.host_concurrency);
  // Enough hosts ahead to keep every ping slot busy while live hosts wait for scan slots; the bound
  // keeps memory flat however long the target list is.
  const std::size_t pings = std::max<std::size_t>(1, job.plan.limits.ping_sockets);
  Pipeline pl{AsyncSemaphore(ex, pings + concurrency), AsyncSemaphore(ex, concurrency)};
  WaitGroup wg(ex);
  std::size_t order = 0;
  const auto& shard = job.plan.shard;
  for (const auto& spec : job.plan.targets) {
    for (std::uint64_t i = 0; i < spec.count; ++i, ++order) {
      if (shard.count > 1 && order % shard.count != shard.index - 1) continue;
      if (job.plan.skip.count(order)) {
        ++job.summary.skipped_resume;
        ++job.done;
        continue;
      }
      if (job.stopping) break;
      co_await pl.ahead.acquire();
      if (job.stopping) {
        pl.ahead.release();
        break;
      }
      // The unit goes to run_host, which gives it back once the host is down or holds a scan slot.
      wg.add();
      asio::co_spawn(ex, run_host(job, pl, spec, i, order), [&](std::exception_ptr ep) {
        if (ep) job.log.error("host task failed unexpectedly");
        ++job.done;
        wg.done();
      });
    }
  }
  co_await wg.wait();
  finished = true;
  watch_timer.cancel();  // the watcher's poll ends now, not up to 100 ms later
}

// "12/256 hosts  3.1 hosts/s  ETA 80s  5 without answer  scanning 10.0.0.5 10.0.0.9 +6"; at the end
// the count and the time taken.
std::string progress_text(const HostJob& job, std::uint64_t total, std::chrono::steady_clock::time_point t0,
                          bool at_end) {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double rate = secs > 0 ? static_cast<double>(job.done) / secs : 0;
  const double left = total > job.done && rate > 0 ? static_cast<double>(total - job.done) / rate : 0;
  char head[160];
  if (at_end)
    std::snprintf(head, sizeof head, "%zu/%llu hosts in %.1fs  %zu without answer", job.done,
                  static_cast<unsigned long long>(total), secs, job.failures);
  else
    std::snprintf(head, sizeof head, "%zu/%llu hosts  %.1f hosts/s  ETA %.0fs  %zu without answer", job.done,
                  static_cast<unsigned long long>(total), rate, left, job.failures);
  std::string text = head;
  if (at_end || job.scanning.empty()) return text;
  text += "  scanning";
  constexpr std::size_t kNamed = 3;
  for (std::size_t i = 0; i < job.scanning.size() && i < kNamed; ++i) text += " " + job.scanning[i];
  if (job.scanning.size() > kNamed) text += " +" + std::to_string(job.scanning.size() - kNamed);
  return text;
}

// Polls the interrupt flag: on the first interrupt no new host starts; hosts in flight get one second
// to finish, then the io_context stops and the hosts finished so far are the (valid) output.
asio::awaitable<void> watch(HostJob& job, const std::atomic<bool>* stop, const bool& finished, std::uint64_t total,
                            asio::steady_timer& t) {
  std::optional<std::chrono::steady_clock::time_point> grace_end;
  const auto t0 = std::chrono::steady_clock::now();
  while (!finished) {
    t.expires_after(std::chrono::milliseconds(100));
    boost::system::error_code ec;  // operation_aborted: the scan finished
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (finished) break;
    if (stop && stop->load() && !job.stopping) {
      job.stopping = true;
      job.summary.complete = false;
      job.log.warn("interrupted: no new hosts start; hosts in flight get one second to finish");
      grace_end = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
    if (grace_end && std::chrono::steady_clock::now() >= *grace_end) {
      if (job.plan.progress) ProgressLine::instance().finish(progress_text(job, total, t0, true));
      job.engine.io().stop();
      co_return;
    }
    if (job.plan.progress) ProgressLine::instance().show(progress_text(job, total, t0, false));
  }
  if (job.plan.progress) ProgressLine::instance().finish(progress_text(job, total, t0, true));
}

}  // namespace

namespace {

// Everything the scan's coroutines point into.
struct ScanState {
  asio::io_context io{1};
  Engine engine;
  ScanSummary summary;
  HostJob job;
  bool finished = false;
  asio::steady_timer watch_timer{io};
  ScanState(const ScanPlan& plan, spdlog::logger& log, const std::function<void(HostResult&&)>& sink)
      : engine(io, plan.limits), job{plan, engine, log, sink, summary} {}
};

// After an interrupt the io_context is stopped with coroutines still suspended. Destroying it would
// destroy their frames, whose destructors release permits into semaphores and touch state that is
// being torn down. The process is about to write its partial output and exit, so the state is kept,
// reachable, instead.
ScanState* g_abandoned_scan = nullptr;

}  // namespace

ScanSummary run_scan(const ScanPlan& plan, spdlog::logger& log, const std::function<void(HostResult&&)>& sink,
                     const std::atomic<bool>* stop_requested) {
  auto state = std::make_unique<ScanState>(plan, log, sink);
  state->summary.started = rfc3339_now();
  std::uint64_t total = count_host_indexes(plan.targets);
  if (plan.shard.count > 1) total = total / plan.shard.count + (total % plan.shard.count >= plan.shard.index ? 1 : 0);
  asio::co_spawn(state->io, produce(state->job, state->finished, state->watch_timer), asio::detached);
  asio::co_spawn(state->io, watch(state->job, stop_requested, state->finished, total, state->watch_timer),
                 asio::detached);
  state->io.run();
  ScanSummary summary = state->summary;
  summary.finished = rfc3339_now();
  if (!summary.complete) {
    for (const auto& [order, target] : state->job.in_flight) summary.interrupted.push_back({order, target});
    const std::uint64_t accounted = summary.skipped_resume + state->job.scanned + summary.interrupted.size();
    summary.hosts_not_started = total > accounted ? total - accounted : 0;
  }
  if (!state->finished) g_abandoned_scan = state.release();
  return summary;
}

}  // namespace legacyscan
