// SPDX-License-Identifier: Apache-2.0
// The NetBIOS probe, unicast to the target only: NODE STATUS and NAME QUERY on the name service
// (UDP 137), the NETLOGON mailslot pings an old Windows client sends over the datagram service
// (UDP 138: LOGON_SAM_LOGON_REQUEST as XP sends it, again with V5/V5EX, and LOGON_PRIMARY_QUERY),
// and whether the session service port (TCP 139, the SMB probe's) is open. This file is the probe's
// options and order of steps; the services' requests are in netbios_name_service.cpp,
// netbios_mailslot.cpp and netbios_broadcast.cpp.
#include "probes/netbios/netbios_probe.hpp"

#include <algorithm>
#include <boost/asio/ip/address_v4.hpp>
#include <charconv>

#include "legacyscan/engine/net.hpp"
#include "probes/netbios/netbios_broadcast.hpp"
#include "probes/netbios/netbios_common.hpp"
#include "probes/netbios/netbios_mailslot.hpp"
#include "probes/netbios/netbios_name_service.hpp"
#include "probes/netbios/netbios_result.hpp"
#include "src/proto/netbios/netbios_codec.hpp"
#include "src/proto/netlogon/netlogon_mailslot.hpp"

namespace legacyscan::netbios {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kDefaultClientName = "LEGACYSCAN";

bool has_port(const ProbeContext& ctx, std::uint16_t port) {
  return std::find(ctx.ports.begin(), ctx.ports.end(), port) != ctx.ports.end();
}

// A port option: -1 when not given, nullopt when malformed.
std::optional<int> port_option(const ScanSettings& settings, const std::string& flag, bool allow_zero) {
  auto text = settings.option(flag);
  if (!text) return -1;
  int v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size() || v < (allow_zero ? 0 : 1) || v > 65535)
    return std::nullopt;
  return v;
}

// ---- the probe ---------------------------------------------------------------------------------

class NetbiosProbe final : public Probe {
 public:
  std::string_view name() const override { return "netbios"; }
  std::string_view description() const override {
    return "NetBIOS name service (node status, <1C>/<1B> queries), NETLOGON mailslot SAM LOGON and primary "
           "query over the datagram service, session port 139";
  }
  std::vector<std::uint16_t> default_ports() const override { return {kNameServicePort, kDatagramPort, kSessionPort}; }
  std::vector<std::string_view> transports() const override { return {"udp", "tcp"}; }
  // The NetBIOS domain for the mailslot pings, when node status gives none: smb learns it from NTLM,
  // ldap from the LDAP ping.
  std::vector<std::string_view> depends_on() const override { return {"smb", "ldap"}; }
  std::vector<ProbeOption> options() const override {
    return {
        {"--netbios-domain",
         "NetBIOS domain for the mailslot requests (default: learnt from node status, else from the smb/ldap probes)",
         ""},
        {"--netbios-client-name", "NetBIOS name the probe calls itself (machine account: NAME$)",
         std::string(kDefaultClientName)},
        {"--netbios-local-port", "Local UDP port for the datagram service (0: ephemeral; 138 needs root)", "138"},
        {"--netbios-name-port", "Target UDP port of the name service", "137"},
        {"--netbios-datagram-port", "Target UDP port of the datagram service", "138"},
        {"--broadcast",
         "Also send NODE STATUS, the DOMAIN<1C> query and the SAM LOGON to this IPv4 broadcast address and list "
         "every answer (never by default; once per scanned host)",
         ""},
    };
  }

  std::string check_options(const ScanSettings& settings) const override {
    for (const auto& [flag, allow_zero] : {std::pair<const char*, bool>{"netbios-local-port", true},
                                           {"netbios-name-port", false},
                                           {"netbios-datagram-port", false}}) {
      if (auto v = settings.option(flag); v && !v->empty() && !port_option(settings, flag, allow_zero))
        return std::string("--") + flag + " " + *v + ": not a port number";
    }
    if (auto c = settings.option("netbios-client-name"); c && (c->empty() || c->size() > 15))
      return "--netbios-client-name must be 1 to 15 characters";
    if (auto d = settings.option("netbios-domain"); d && d->size() > 15)
      return "--netbios-domain must be at most 15 characters (a NetBIOS name)";
    if (auto b = settings.option("broadcast"); b && !b->empty()) {
      boost::system::error_code ec;
      (void)asio::ip::make_address_v4(*b, ec);
      if (ec) return "--broadcast " + *b + ": not an IPv4 address";
    }
    return {};
  }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<NetbiosResult>();
    if (!ctx.address.is_v4()) {
      result->status = Status::skipped;
      result->reason = "NetBIOS over TCP/IP (RFC 1001/1002) is IPv4 only";
      co_return result;
    }
    const std::string client =
        upper(ctx.settings.option("netbios-client-name").value_or(std::string(kDefaultClientName)));
    std::uint16_t local_port = kDatagramPort;
    std::uint16_t name_port = kNameServicePort;
    std::uint16_t datagram_port = kDatagramPort;
    std::string bad_option;
    const auto read_port = [&](const char* flag, std::uint16_t& into, bool allow_zero) {
      auto v = port_option(ctx.settings, flag, allow_zero);
      if (!v)
        bad_option = std::string("--") + flag + " " + ctx.settings.option(flag).value_or("") + ": not a port number";
      else if (*v >= 0)
        into = static_cast<std::uint16_t>(*v);
    };
    read_port("netbios-local-port", local_port, true);
    read_port("netbios-name-port", name_port, false);
    read_port("netbios-datagram-port", datagram_port, false);
    if (!bad_option.empty()) {
      result->status = Status::error;
      result->reason = bad_option;
      co_return result;
    }
    std::optional<asio::ip::address_v4> broadcast_to;
    if (auto b = ctx.settings.option("broadcast"); b && !b->empty()) {
      boost::system::error_code ec;
      broadcast_to = asio::ip::make_address_v4(*b, ec);
      if (ec) {
        result->status = Status::error;
        result->reason = "--broadcast " + *b + ": not an IPv4 address";
        co_return result;
      }
    }
    if (client.empty() || client.size() > 15) {
      result->status = Status::error;
      result->reason = "--netbios-client-name must be 1 to 15 characters";
      co_return result;
    }

    // 1. Name service.
    if (has_port(ctx, name_port)) {
      NodeStatusInfo ns_info = co_await node_status(ctx, name_port);
      result->node_status = std::move(ns_info);
      const auto& ns = *result->node_status;
      if (ns.outcome.ok()) {
        if (!ns.computer.empty() && !ctx.facts.get("netbios_computer")) ctx.facts.set("netbios_computer", ns.computer);
        if (!ns.workgroup.empty() && !ctx.facts.get("netbios_domain")) ctx.facts.set("netbios_domain", ns.workgroup);
      }
    }

    // The domain the mailslot requests go to.
    if (auto d = ctx.settings.option("netbios-domain"); d && !d->empty()) {
      if (d->size() > 15) {
        result->status = Status::error;
        result->reason = "--netbios-domain must be at most 15 characters (a NetBIOS name)";
        co_return result;
      }
      result->domain = upper(*d);
      result->domain_source = "option";
    } else if (result->node_status && !result->node_status->workgroup.empty()) {
      result->domain = result->node_status->workgroup;
      result->domain_source = "node-status";
    } else if (auto f = ctx.facts.get("netbios_domain"); f && !f->empty()) {
      result->domain = upper(*f);
      result->domain_source = "host-facts";
    }
    if (result->domain.size() > 15) {
      result->domain.clear();
      result->domain_source.clear();
    }

    if (has_port(ctx, name_port) && !result->domain.empty()) {
      if (result->node_status && !result->node_status->outcome.ok() &&
          result->node_status->outcome.status != Status::protocol_error) {
        // The name service did not answer at all: querying it again only waits the same timeouts.
        for (std::uint8_t suffix : {std::uint8_t{0x1C}, std::uint8_t{0x1B}}) {
          NameQueryInfo q;
          q.name = display(NetbiosName{result->domain, suffix});
          q.outcome = Outcome::failure(Status::skipped, "the name service did not answer the node status request");
          result->name_queries.push_back(std::move(q));
        }
      } else {
        // No co_await inside a call's arguments or over an initializer list: GCC 12 miscompiles both.
        const NetbiosName dcs{result->domain, 0x1C};
        NameQueryInfo q1 = co_await name_query(ctx, dcs, name_port);
        result->name_queries.push_back(std::move(q1));
        const NetbiosName pdc{result->domain, 0x1B};
        NameQueryInfo q2 = co_await name_query(ctx, pdc, name_port);
        result->name_queries.push_back(std::move(q2));
      }
    }

    // 2. Datagram service: the NETLOGON mailslot pings, one after the other (they may share port 138).
    if (has_port(ctx, datagram_port)) {
      if (result->domain.empty()) {
        const char* why =
            "NetBIOS domain unknown (neither node status nor the smb/ldap probes gave one); give "
            "--netbios-domain";
        result->sam_logon = not_run("LOGON_SAM_LOGON_REQUEST", Status::skipped, why);
        result->sam_logon_machine_account = not_run("LOGON_SAM_LOGON_REQUEST", Status::skipped, why);
        result->sam_logon_v5ex = not_run("LOGON_SAM_LOGON_REQUEST", Status::skipped, why);
        result->primary_query = not_run("LOGON_PRIMARY_QUERY", Status::skipped, why);
      } else {
        // Windows XP: V1 only, tokens 0xFFFF, first for any user, then for its machine account.
        const std::string domain = result->domain;
        const std::string machine_account = client + "$";
        const std::string anyone;
        MailslotRoute route{client, domain, local_port, datagram_port, -1};
        MailslotInfo any_user = co_await sam_logon(ctx, route, anyone, 0, netlogon::NETLOGON_NT_VERSION_1);
        // After silence on the first ping, the others get one try each: the retries were spent.
        route.retries = any_user.outcome.status == Status::timeout ? 0 : -1;
        result->sam_logon = std::move(any_user);
        MailslotInfo machine = co_await sam_logon(ctx, route, machine_account, netlogon::USER_WORKSTATION_TRUST_ACCOUNT,
                                                  netlogon::NETLOGON_NT_VERSION_1);
        result->sam_logon_machine_account = std::move(machine);
        MailslotInfo v5ex = co_await sam_logon(ctx, route, anyone, 0,
                                               netlogon::NETLOGON_NT_VERSION_5 | netlogon::NETLOGON_NT_VERSION_5EX);
        result->sam_logon_v5ex = std::move(v5ex);
        MailslotInfo primary = co_await primary_query(ctx, route);
        result->primary_query = std::move(primary);
      }
    }

    // Broadcast, only when asked for.
    if (broadcast_to) {
      BroadcastInfo bi =
          co_await broadcast_queries(ctx, *broadcast_to, result->domain, client, name_port, datagram_port);
      result->broadcast = std::move(bi);
    }

    // 3. Session service port: only whether it accepts (the SMB probe speaks on it).
    if (has_port(ctx, kSessionPort)) {
      std::unique_ptr<TcpConnection> conn;
      auto o = co_await TcpConnection::open(ctx, kSessionPort, conn);
      if (o.ok()) {
        result->session_port_139 = "open";
        conn->close();
      } else if (o.status == Status::refused || o.status == Status::reset) {
        result->session_port_139 = "closed";
      } else if (o.status == Status::timeout || o.status == Status::unreachable) {
        result->session_port_139 = "filtered";
      }  // else a local failure: no verdict on the port, only the reason
      if (!o.ok()) result->session_port_139_reason = o.reason;
    }

    // Probe status: ok when any NetBIOS service answered; else the name service's failure first.
    std::vector<const Outcome*> parts;
    if (result->node_status) parts.push_back(&result->node_status->outcome);
    for (const auto& q : result->name_queries) parts.push_back(&q.outcome);
    for (const auto* m :
         {&result->sam_logon, &result->sam_logon_machine_account, &result->sam_logon_v5ex, &result->primary_query})
      if (*m) parts.push_back(&(*m)->outcome);
    const bool any_ok = std::any_of(parts.begin(), parts.end(), [](const Outcome* o) { return o->ok(); });
    if (!any_ok) {
      const Outcome* first = nullptr;
      for (const auto* o : parts)
        if (o->status != Status::skipped) {
          first = o;
          break;
        }
      if (!first && !parts.empty()) first = parts.front();
      if (first) {
        result->status = first->status;
        result->reason = "no NetBIOS service answered: " + first->reason;
      } else if (result->session_port_139 == "open") {
        result->status = Status::ok;
      } else {
        result->status = Status::skipped;
        result->reason = "none of UDP 137/138 selected";
      }
    }
    co_return result;
  }
};

}  // namespace
}  // namespace legacyscan::netbios

namespace legacyscan {
std::unique_ptr<Probe> make_netbios_probe() { return std::make_unique<netbios::NetbiosProbe>(); }
}  // namespace legacyscan
