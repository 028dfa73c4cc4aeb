// SPDX-License-Identifier: Apache-2.0
// The LDAP probe: which LDAP ports answer, the LDAP ping ([MS-ADTS] 6.3.3) over UDP with NtVer V5EX
// and separately V1, the same ping over TCP, the anonymous rootDSE, and the cleartext simple bind
// posture (a fake DN and password: nothing the probe sends can change the directory or lock out an
// account). Every check has its own connection so one answer never colours another. The checks are in
// ldap_ping, ldap_rootdse, ldap_binds and ldap_channel_binding; this file runs them in order.
#include "probes/ldap/ldap_probe.hpp"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>

#include "legacyscan/engine/net.hpp"
#include "probes/ldap/ldap_binds.hpp"
#include "probes/ldap/ldap_channel_binding.hpp"
#include "probes/ldap/ldap_ntlm_types.hpp"
#include "probes/ldap/ldap_ping.hpp"
#include "probes/ldap/ldap_result.hpp"
#include "probes/ldap/ldap_rootdse.hpp"
#include "src/proto/ldap/ldap_codec.hpp"

namespace legacyscan::ldap {

namespace asio = boost::asio;

namespace {

constexpr std::uint16_t kLdapPort = 389;
constexpr std::uint16_t kGcPort = 3268;
// What the V5EX ping asks for: the _EX answer with the DC's own idea of its address (DcSockAddr).
constexpr std::uint32_t kNtVerEx = netlogon::NETLOGON_NT_VERSION_5EX | netlogon::NETLOGON_NT_VERSION_5EX_WITH_IP;

void set_fact(HostFacts& facts, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  auto have = facts.get(key);
  if (have && !have->empty()) return;  // another probe's value stands
  facts.set(key, value);
}

class LdapProbe final : public Probe {
 public:
  std::string_view name() const override { return "ldap"; }
  std::string_view description() const override {
    return "LDAP ping (CLDAP Netlogon, UDP and TCP), rootDSE, cleartext simple bind posture (389, 636, 3268, 3269)";
  }
  std::vector<std::uint16_t> default_ports() const override { return {389, 636, 3268, 3269}; }
  std::vector<std::string_view> transports() const override { return {"tcp", "udp"}; }
  std::vector<ProbeOption> options() const override {
    return {{"--ldap-dns-domain", "DnsDomain for the LDAP ping (default: what another probe learned, else none)", ""},
            {"--ldap-user", "User for the LDAP ping (an account name; no password is ever sent)", ""},
            {"--ldap-aac",
             "AAC of the LDAP ping: account control bits the --ldap-user account must have (a number, or names: "
             "normal,workstation,server,interdomain)",
             ""}};
  }

  std::string check_options(const ScanSettings& settings) const override {
    if (auto aac = settings.option("ldap-aac"); aac && !aac->empty()) {
      std::string err;
      if (!parse_aac(*aac, err)) return "--ldap-aac " + *aac + ": " + err;
    }
    return {};
  }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<LdapResult>();
    co_await scan(ctx, *result);
    co_return result;
  }

 private:
  static asio::awaitable<void> scan(ProbeContext& ctx, LdapResult& result) {
    // Which ports accept a TCP connection (the TLS probe targets 636/3269 from this list).
    for (auto port : ctx.ports) {
      std::unique_ptr<TcpConnection> c;
      auto o = co_await TcpConnection::open(ctx, port, c);
      if (c) c->close();
      result.ports_tested.push_back(port);
      if (o.ok()) result.ports_open.push_back(port);
      result.port_outcomes.emplace_back(port, o);
    }
    // The plain-LDAP port: 389 when selected, else the first selected port that is not LDAPS.
    std::uint16_t port = 0;
    for (auto p : ctx.ports)
      if (p == kLdapPort) port = p;
    if (port == 0)
      for (auto p : ctx.ports)
        if (p != 636 && p != 3269 && port == 0) port = p;
    if (port == 0) {
      // Only LDAPS ports: the channel-binding check is all that runs (the TLS probe judges the rest).
      co_await check_channel_binding(ctx, result, 0, false);
      const bool any = std::any_of(result.channel_binding_checks.begin(), result.channel_binding_checks.end(),
                                   [](const ChannelBindingCheck& c) { return c.outcome.ok(); });
      if (!any) {
        result.status = result.channel_binding_checks.empty() ? Status::skipped
                                                              : result.channel_binding_checks.front().outcome.status;
        result.reason = result.channel_binding_checks.empty()
                            ? "no plain LDAP port selected, and 636 is not open"
                            : "no NTLM bind over LDAPS: " + result.channel_binding_checks.front().outcome.reason;
      }
      co_return;
    }

    LdapPing ping;
    ping.NtVer = kNtVerEx;
    ping.DnsDomain = ctx.settings.option("ldap-dns-domain").value_or("");
    if (ping.DnsDomain.empty()) ping.DnsDomain = ctx.facts.get("dns_domain").value_or("");
    ping.User = ctx.settings.option("ldap-user").value_or("");
    if (auto aac = ctx.settings.option("ldap-aac"); aac && !aac->empty()) {
      std::string err;
      auto bits = parse_aac(*aac, err);
      if (!bits) {
        result.status = Status::error;
        result.reason = "--ldap-aac " + *aac + ": " + err;
        co_return;
      }
      ping.AAC = *bits;
    }

    result.cldap = co_await udp_ping(ctx, port, ping);
    LdapPing v1 = ping;
    v1.NtVer = netlogon::NETLOGON_NT_VERSION_1;
    result.cldap_v1 = co_await udp_ping(ctx, port, v1);

    const bool tcp_open =
        std::find(result.ports_open.begin(), result.ports_open.end(), port) != result.ports_open.end();
    const Outcome tcp_outcome = [&] {
      for (const auto& [p, o] : result.port_outcomes)
        if (p == port) return o;
      return Outcome::success();
    }();
    if (tcp_open) {
      result.cldap_tcp = co_await tcp_ping(ctx, port, ping);
      result.rootdse = co_await rootdse(ctx, port);
      const std::string nc = result.rootdse->outcome.ok() ? result.rootdse->default_naming_context : "";
      result.simple_bind = co_await simple_bind(ctx, port, nc);
      result.ntlm_unsigned_bind = co_await ntlm_unsigned_bind(ctx, port);
      result.ntlm = co_await ntlm_response_types(ctx, port);
    } else {
      CldapPing p;
      p.transport = "tcp";
      p.port = port;
      p.nt_version_requested = ping.NtVer;
      p.outcome = tcp_outcome;
      result.cldap_tcp = p;
      result.rootdse = RootDse{};
      result.rootdse->outcome = tcp_outcome;
      result.simple_bind = BindCheck{};
      result.simple_bind->outcome = tcp_outcome;
    }
    // The Global Catalog port: the same LDAP ping over TCP and the rootDSE (a GC answers both).
    if (port != kGcPort &&
        std::find(result.ports_open.begin(), result.ports_open.end(), kGcPort) != result.ports_open.end()) {
      CldapPing gp = co_await tcp_ping(ctx, kGcPort, ping);
      result.gc_cldap_tcp = std::move(gp);
      RootDse gr = co_await rootdse(ctx, kGcPort);
      result.gc_rootdse = std::move(gr);
    }
    judge_bind(result);
    co_await check_channel_binding(ctx, result, port, tcp_open);

    // Facts for other probes, from the DC's own LDAP ping answer.
    for (const auto* p : {&result.cldap, &result.cldap_tcp}) {
      if (!*p || !(*p)->response || (*p)->response->variant != netlogon::NetlogonVariant::V5EX) continue;
      const auto& r = *(*p)->response;
      set_fact(ctx.facts, "dns_domain", r.DnsDomainName);
      set_fact(ctx.facts, "dns_forest", r.DnsForestName);
      set_fact(ctx.facts, "netbios_domain", r.NetbiosDomainName);
      set_fact(ctx.facts, "netbios_computer", r.NetbiosComputerName);
      set_fact(ctx.facts, "dns_computer", r.DnsHostName);
      set_fact(ctx.facts, "client_site", r.ClientSiteName);
    }

    const bool any =
        (result.cldap && result.cldap->outcome.ok()) || (result.cldap_v1 && result.cldap_v1->outcome.ok()) ||
        (result.cldap_tcp && result.cldap_tcp->outcome.ok()) || (result.rootdse && result.rootdse->outcome.ok()) ||
        (result.simple_bind && result.simple_bind->outcome.ok());
    if (!any) {
      // The first failure says most: the UDP ping, then TCP.
      const Outcome& first = result.cldap->outcome;
      result.status = first.status;
      result.reason = "no LDAP answer: udp " + std::to_string(port) + ": " + first.reason + "; tcp " +
                      std::to_string(port) + ": " + result.cldap_tcp->outcome.reason;
      if (first.status == Status::protocol_error || result.cldap_tcp->outcome.status == Status::protocol_error)
        result.status = Status::protocol_error;
    }
    co_return;
  }
};

}  // namespace
}  // namespace legacyscan::ldap

namespace legacyscan {
std::unique_ptr<Probe> make_ldap_probe() { return std::make_unique<ldap::LdapProbe>(); }
}  // namespace legacyscan
