// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "legacyscan/engine/engine.hpp"

namespace legacyscan {
namespace {

TEST(Engine, PortSelectionFollowsProbeDefaults) {
  const Probe* smb = find_probe("smb");
  ASSERT_NE(smb, nullptr);
  std::vector<const Probe*> selected{smb};
  PortSelection none;
  EXPECT_EQ(ports_for(*smb, none, std::nullopt, selected), smb->default_ports());
  PortSelection plain;
  plain.any = {139};
  EXPECT_EQ(ports_for(*smb, plain, std::nullopt, selected), (std::vector<std::uint16_t>{139}));
  // A port no selected probe knows goes to every selected probe.
  plain.any = {4450};
  EXPECT_EQ(ports_for(*smb, plain, std::nullopt, selected), (std::vector<std::uint16_t>{4450}));
  PortSelection per;
  per.per_probe["smb"] = {8445};
  EXPECT_EQ(ports_for(*smb, per, std::nullopt, selected), (std::vector<std::uint16_t>{8445}));
  // host:port wins.
  EXPECT_EQ(ports_for(*smb, per, 4451, selected), (std::vector<std::uint16_t>{4451}));
}

TEST(Engine, OnlyANetworkProbesOkIsAProtocolAnswer) {
  const Probe* smb = find_probe("smb");
  const Probe* matrix = find_probe("matrix");
  ASSERT_NE(smb, nullptr);
  std::vector<const Probe*> selected{smb};
  if (matrix) selected.push_back(matrix);
  HostResult host;
  host.probes.resize(2);
  host.probes[0].probe = "smb";
  host.probes[0].result = std::make_unique<BareResult>(Status::refused, "connect: connection refused");
  host.probes[1].probe = "matrix";
  host.probes[1].result = std::make_unique<BareResult>(Status::ok, "");
  // Every port refused: the matrix's verdicts derive from that, they are no answer of the host.
  EXPECT_FALSE(got_protocol_answer(host, selected));
  host.probes[0].result = std::make_unique<BareResult>(Status::unreachable, "ICMP host unreachable");
  EXPECT_FALSE(got_protocol_answer(host, selected));
  host.probes[0].result = std::make_unique<BareResult>(Status::ok, "");
  EXPECT_TRUE(got_protocol_answer(host, selected));
}

TEST(Engine, FdBudgetSplitsBetweenReachabilityAndProbes) {
  EngineLimits roomy;  // defaults: 128 probe connections, 4096 reachability sockets
  fit_fd_budget(roomy, 20000);
  EXPECT_EQ(roomy.max_connections, 128u);
  EXPECT_EQ(roomy.ping_sockets, 4096u);

  EngineLimits tight;
  fit_fd_budget(tight, 232);  // ulimit -n 256 minus the reserve
  EXPECT_LE(tight.max_connections + tight.ping_sockets, 232u);
  EXPECT_EQ(tight.ping_sockets, 116u);  // at least half goes to the reachability phase
  EXPECT_EQ(tight.max_connections, 116u);

  EngineLimits wide;
  wide.max_connections = 16;
  fit_fd_budget(wide, 1000);
  EXPECT_EQ(wide.max_connections, 16u);  // what the probes asked for fits
  EXPECT_EQ(wide.ping_sockets, 984u);

  for (std::size_t budget : {1u, 2u, 3u, 7u}) {
    EngineLimits tiny;
    fit_fd_budget(tiny, budget);
    EXPECT_GE(tiny.max_connections, 1u) << budget;
    EXPECT_GE(tiny.ping_sockets, 1u) << budget;
    EXPECT_LE(tiny.max_connections + tiny.ping_sockets, std::max<std::size_t>(budget, 2)) << budget;
  }
}

TEST(Engine, SemaphoreGrantsSeveralUnitsInArrivalOrder) {
  boost::asio::io_context io;
  AsyncSemaphore sem(io.get_executor(), 4);
  std::vector<std::string> log;
  auto take = [&](std::string name, std::size_t n) -> boost::asio::awaitable<void> {
    co_await sem.acquire(n);
    log.push_back(name);
  };
  boost::asio::co_spawn(io, take("a3", 3), boost::asio::detached);
  boost::asio::co_spawn(io, take("b2", 2), boost::asio::detached);  // must wait: 1 left
  boost::asio::co_spawn(io, take("c1", 1), boost::asio::detached);  // must not overtake b2
  io.poll();  // the waiters' timers keep run() from returning: run only what is ready
  EXPECT_EQ(log, (std::vector<std::string>{"a3"}));
  EXPECT_EQ(sem.available(), 1u);
  EXPECT_EQ(sem.waiting(), 2u);
  sem.release(3);  // 4 free: b2 then c1
  io.restart();
  io.poll();
  EXPECT_EQ(log, (std::vector<std::string>{"a3", "b2", "c1"}));
  EXPECT_EQ(sem.available(), 1u);
  EXPECT_EQ(sem.waiting(), 0u);
}

TEST(Engine, StatusNamesAreTheClosedSet) {
  for (auto s : {Status::ok, Status::refused, Status::timeout, Status::reset, Status::unreachable,
                 Status::protocol_error, Status::error, Status::skipped}) {
    auto back = status_from_string(to_string(s));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(to_string(Status::protocol_error), "protocol-error");
  EXPECT_FALSE(status_from_string("closed"));
}

}  // namespace
}  // namespace legacyscan
