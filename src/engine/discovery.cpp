// SPDX-License-Identifier: Apache-2.0
#include "legacyscan/engine/discovery.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <sys/select.h>

#include <algorithm>
#include <map>

namespace legacyscan {

namespace {

struct AresLibrary {
  int status;
  AresLibrary() : status(ares_library_init(ARES_LIB_INIT_ALL)) {}
  ~AresLibrary() { ares_library_cleanup(); }
};

struct Channel {
  ares_channel ch = nullptr;
  ~Channel() {
    if (ch) ares_destroy(ch);
  }
};

// Runs c-ares until nothing is pending or the deadline passes.
void run_until_done(ares_channel ch, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    fd_set readers, writers;
    FD_ZERO(&readers);
    FD_ZERO(&writers);
    const int nfds = ares_fds(ch, &readers, &writers);
    if (nfds == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      ares_cancel(ch);
      return;
    }
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    timeval max{static_cast<time_t>(left.count() / 1000000), static_cast<suseconds_t>(left.count() % 1000000)};
    timeval tv{};
    timeval* tvp = ares_timeout(ch, &max, &tv);
    select(nfds, &readers, &writers, nullptr, tvp);
    ares_process(ch, &readers, &writers);
  }
}

struct SrvQuery {
  std::string name;
  std::vector<SrvRecord>* out;
  std::vector<std::string>* warnings;
};

void on_srv(void* arg, int status, int, unsigned char* abuf, int alen) {
  auto* q = static_cast<SrvQuery*>(arg);
  if (status != ARES_SUCCESS) {
    q->warnings->push_back(q->name + " SRV: " + ares_strerror(status));
    return;
  }
  ares_srv_reply* reply = nullptr;
  const int rc = ares_parse_srv_reply(abuf, alen, &reply);
  if (rc != ARES_SUCCESS) {
    q->warnings->push_back(q->name + " SRV: malformed answer: " + ares_strerror(rc));
    return;
  }
  for (auto* r = reply; r != nullptr; r = r->next)
    q->out->push_back(SrvRecord{q->name, r->host, r->port, r->priority, r->weight});
  ares_free_data(reply);
}

struct HostQuery {
  std::string name;
  std::vector<boost::asio::ip::address>* out;
};

void on_host(void* arg, int status, int, hostent* host) {
  auto* q = static_cast<HostQuery*>(arg);
  if (status != ARES_SUCCESS || host == nullptr) return;
  for (char** a = host->h_addr_list; *a != nullptr; ++a) {
    if (host->h_addrtype == AF_INET) {
      boost::asio::ip::address_v4::bytes_type b;
      std::copy_n(reinterpret_cast<unsigned char*>(*a), 4, b.begin());
      q->out->push_back(boost::asio::ip::address_v4(b));
    } else if (host->h_addrtype == AF_INET6) {
      boost::asio::ip::address_v6::bytes_type b;
      std::copy_n(reinterpret_cast<unsigned char*>(*a), 16, b.begin());
      q->out->push_back(boost::asio::ip::address_v6(b));
    }
  }
}

}  // namespace

std::optional<DiscoveryResult> discover_domain_controllers(const DiscoveryOptions& options, std::string& error) {
  auto domain = options.domain;
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  if (domain.empty() || domain.find('.') == std::string::npos || domain.size() > 253) {
    error = "--domain needs a DNS domain name such as example.test";
    return std::nullopt;
  }
  if (auto spec = parse_target(domain);
      std::holds_alternative<TargetError>(spec) || std::get<TargetSpec>(spec).kind != TargetSpec::Kind::name) {
    error = "--domain '" + domain + "' is not a valid DNS name";
    return std::nullopt;
  }
  static AresLibrary library;
  if (library.status != ARES_SUCCESS) {
    error = std::string("c-ares: ") + ares_strerror(library.status);
    return std::nullopt;
  }
  Channel channel;
  ares_options opts{};
  opts.timeout = static_cast<int>(std::max<long long>(100, options.timeout.count() / (options.retries + 1)));
  opts.tries = options.retries + 1;
  int rc = ares_init_options(&channel.ch, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  if (rc != ARES_SUCCESS) {
    error = std::string("c-ares: ") + ares_strerror(rc);
    return std::nullopt;
  }
  if (!options.dns_server.empty()) {
    rc = ares_set_servers_ports_csv(channel.ch, options.dns_server.c_str());
    if (rc != ARES_SUCCESS) {
      error = "--dns-server '" + options.dns_server + "': " + ares_strerror(rc) + " (use ADDRESS or ADDRESS:PORT)";
      return std::nullopt;
    }
  }

  DiscoveryResult result;
  const std::string forest = options.forest.empty() ? domain : options.forest;
  std::vector<std::string> names{"_ldap._tcp.dc._msdcs." + domain, "_kerberos._tcp." + domain, "_gc._tcp." + forest};
  std::vector<std::unique_ptr<SrvQuery>> queries;
  for (const auto& n : names) {
    queries.push_back(std::make_unique<SrvQuery>(SrvQuery{n, &result.records, &result.warnings}));
    ares_query(channel.ch, n.c_str(), ns_c_in, ns_t_srv, on_srv, queries.back().get());
  }
  const auto deadline = std::chrono::steady_clock::now() + options.timeout * 2;
  run_until_done(channel.ch, deadline);

  // DC names in order of first appearance, sorted by SRV priority (lower first).
  std::stable_sort(result.records.begin(), result.records.end(),
                   [](const SrvRecord& a, const SrvRecord& b) { return a.priority < b.priority; });
  std::vector<std::string> dcs;
  for (const auto& r : result.records) {
    std::string host = r.target;
    while (!host.empty() && host.back() == '.') host.pop_back();
    std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!host.empty() && std::find(dcs.begin(), dcs.end(), host) == dcs.end()) dcs.push_back(host);
  }
  std::map<std::string, std::vector<boost::asio::ip::address>> addresses;
  std::vector<std::unique_ptr<HostQuery>> hq;
  for (const auto& dc : dcs) {
    hq.push_back(std::make_unique<HostQuery>(HostQuery{dc, &addresses[dc]}));
    ares_gethostbyname(channel.ch, dc.c_str(), AF_INET, on_host, hq.back().get());
    if (options.ipv6) {
      hq.push_back(std::make_unique<HostQuery>(HostQuery{dc, &addresses[dc]}));
      ares_gethostbyname(channel.ch, dc.c_str(), AF_INET6, on_host, hq.back().get());
    }
  }
  run_until_done(channel.ch, std::chrono::steady_clock::now() + options.timeout * 2);
  for (const auto& dc : dcs) {
    auto& list = addresses[dc];
    std::vector<boost::asio::ip::address> unique;
    for (const auto& a : list)
      if (std::find(unique.begin(), unique.end(), a) == unique.end()) unique.push_back(a);
    if (unique.empty()) result.warnings.push_back(dc + ": no address record");
    for (const auto& a : unique) {
      TargetSpec t;
      t.kind = TargetSpec::Kind::address;
      t.text = dc;
      t.name = dc;
      t.first = a;
      t.count = 1;
      result.targets.push_back(std::move(t));
    }
  }
  return result;
}

}  // namespace legacyscan
