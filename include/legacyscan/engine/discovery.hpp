// SPDX-License-Identifier: Apache-2.0
// Domain controller discovery through DNS SRV records ([MS-ADTS] 6.3.2.3), with c-ares so the queries
// run in parallel under one deadline and can be sent to a chosen resolver (--dns-server).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/target.hpp"

namespace legacyscan {

struct SrvRecord {
  std::string query;  // "_ldap._tcp.dc._msdcs.example.test"
  std::string target;
  std::uint16_t port = 0;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
};

struct DiscoveryResult {
  std::vector<SrvRecord> records;
  std::vector<TargetSpec> targets;    // one per (DC name, address), target text = the DC name
  std::vector<std::string> warnings;  // queries that failed, names without addresses
};

struct DiscoveryOptions {
  std::string domain;      // example.test
  std::string forest;      // defaults to domain (for _gc._tcp)
  std::string dns_server;  // "127.0.0.1" or "127.0.0.1:5353" or "[::1]:53"; "" = system resolver
  std::chrono::milliseconds timeout{3000};
  int retries = 2;
  bool ipv6 = true;
};

// Fails (nullopt + error) only for bad options or when c-ares cannot start; DNS failures are warnings.
std::optional<DiscoveryResult> discover_domain_controllers(const DiscoveryOptions& options, std::string& error);

}  // namespace legacyscan
