// SPDX-License-Identifier: Apache-2.0
// The vpn probe: PPTP's control connection (1723/tcp), IKEv1 and IKEv2 on 500/udp, IKEv1 NAT-T on
// 4500/udp, L2TP without IPsec on 1701/udp. This file is the probe's options, the PPTP and L2TP
// exchanges and how the parts run; the IKE exchanges are in vpn_ike.cpp and vpn_ike_v2.cpp.
#include "probes/vpn/vpn_probe.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <charconv>
#include <exception>

#include "legacyscan/engine/async.hpp"
#include "legacyscan/engine/net.hpp"
#include "probes/vpn/vpn_ike.hpp"
#include "probes/vpn/vpn_result.hpp"
#include "src/proto/l2tp/l2tp_codec.hpp"
#include "src/proto/pptp/pptp_codec.hpp"

namespace legacyscan {

namespace asio = boost::asio;

namespace {

constexpr std::uint16_t kPptpPort = 1723, kIkePort = 500, kNatTPort = 4500, kL2tpPort = 1701;
constexpr std::string_view kDefaultAggressiveId = "legacyscan.invalid";

bool has_port(const ProbeContext& ctx, std::uint16_t port) {
  return std::find(ctx.ports.begin(), ctx.ports.end(), port) != ctx.ports.end();
}

// Where each part runs: its default port when the port selection has it, or the port --vpn-ports
// gives it (a responder moved off its well-known port). nullopt: the part does not run.
struct PartPorts {
  std::optional<std::uint16_t> pptp, ike, nat_t, l2tp;
};
constexpr std::array<std::string_view, 4> kPartNames{"pptp", "ike", "nat-t", "l2tp"};

// "ike:5000,pptp:1724" -> ports; an error naming the bad entry otherwise.
std::string parse_vpn_ports(std::string_view text, PartPorts& out) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const auto item = text.substr(start, end - start);
    const auto colon = item.find(':');
    const auto name = item.substr(0, colon);
    const auto part = std::find(kPartNames.begin(), kPartNames.end(), name);
    if (colon == std::string_view::npos || part == kPartNames.end())
      return "--vpn-ports: '" + std::string(item) + "' is not PART:PORT (pptp, ike, nat-t, l2tp)";
    const auto num = item.substr(colon + 1);
    unsigned port = 0;
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), port);
    if (ec != std::errc() || p != num.data() + num.size() || port == 0 || port > 65535)
      return "--vpn-ports: bad port in '" + std::string(item) + "'";
    std::optional<std::uint16_t>* slots[] = {&out.pptp, &out.ike, &out.nat_t, &out.l2tp};
    *slots[part - kPartNames.begin()] = static_cast<std::uint16_t>(port);
    start = end + 1;
  }
  return {};
}

PartPorts part_ports(const ProbeContext& ctx) {
  PartPorts p;
  const auto pick = [&](std::uint16_t port) { return has_port(ctx, port) ? std::optional(port) : std::nullopt; };
  p.pptp = pick(kPptpPort);
  p.ike = pick(kIkePort);
  p.nat_t = pick(kNatTPort);
  p.l2tp = pick(kL2tpPort);
  if (auto given = ctx.settings.option("vpn-ports")) (void)parse_vpn_ports(*given, p);  // checked by check_options
  return p;
}

// RFC 2637 2.1/2.2: one SCCRQ, one SCCRP. The connection is closed right after: no call is set up.
asio::awaitable<vpn::PptpInfo> scan_pptp(ProbeContext& ctx, std::uint16_t port) {
  vpn::PptpInfo info;
  info.port = port;
  std::unique_ptr<TcpConnection> conn;
  info.outcome = co_await TcpConnection::open(ctx, port, conn);
  if (!info.outcome.ok()) co_return info;
  const Bytes request = pptp::encode_sccrq("legacyscan");
  info.outcome = co_await conn->write(request);
  if (!info.outcome.ok()) co_return info;
  Bytes buf;
  // The Length field says how much to read, kept between the header (12) and 156 bytes, the only
  // valid size of a reply: a lying length can neither make the read wait for more nor grow it.
  const auto want = [&] {
    return buf.size() < 2 ? std::size_t{2}
                          : std::clamp(pptp::message_length(buf), std::size_t{12}, pptp::kControlMessageSize);
  };
  while (buf.size() < want()) {
    info.outcome = co_await conn->read_some(buf, want() - buf.size());
    // Something accepted the connection but sent no reply in time: not a silent port, not PPTP either.
    if (info.outcome.status == Status::timeout)
      info.outcome =
          Outcome::failure(Status::protocol_error, "no Start-Control-Connection-Reply: " + info.outcome.reason);
    if (!info.outcome.ok()) co_return info;
  }
  conn->close();
  auto r = pptp::decode_sccrp(buf);
  if (!r) {
    info.outcome = Outcome::failure(Status::protocol_error, r.error);
    co_return info;
  }
  info.protocol_version = std::to_string(r->protocol_version >> 8) + "." + std::to_string(r->protocol_version & 0xff);
  info.result_code = r->result_code;
  info.result = pptp::result_code_name(r->result_code);
  info.error_code = r->error_code;
  info.framing = pptp::framing_names(r->framing_capabilities);
  info.bearer = pptp::bearer_names(r->bearer_capabilities);
  info.maximum_channels = r->maximum_channels;
  info.firmware_revision = r->firmware_revision;
  info.host_name = r->host_name;
  info.vendor = r->vendor;
  co_return info;
}

// RFC 2661 6.1: one SCCRQ; the answer is an SCCRP (or a StopCCN) addressed to our tunnel id. A ZLB
// acknowledgement is passed over. No SCCCN follows: the peer drops the half-open tunnel on its own.
asio::awaitable<vpn::L2tpInfo> scan_l2tp(ProbeContext& ctx, std::uint16_t port) {
  vpn::L2tpInfo info;
  info.port = port;
  // A fresh tunnel id each time: a peer still holding the half-open tunnel of an earlier scan under
  // the same id would only acknowledge (ZLB) instead of answering.
  const Bytes spi = vpn::random_spi();
  const std::uint16_t tunnel = static_cast<std::uint16_t>(spi[0] << 8 | spi[1]) | 1;
  const Bytes request = l2tp::encode_sccrq("legacyscan", tunnel);
  UdpExchange how;
  how.port = port;
  how.accept = [tunnel](ByteView d) {
    auto m = l2tp::decode_control_message(d);
    return m && !m->zlb && m->tunnel_id == tunnel;
  };
  auto reply = co_await udp_exchange(ctx, request, how);
  info.outcome = reply.outcome;
  if (!reply.outcome.ok()) co_return info;
  const auto m = *l2tp::decode_control_message(reply.datagram);
  info.message = l2tp::message_type_name(m.message_type);
  if (m.protocol_version != 0)
    info.protocol_version = std::to_string(m.protocol_version >> 8) + "." + std::to_string(m.protocol_version & 0xff);
  info.host_name = m.host_name;
  info.vendor = m.vendor;
  info.firmware_revision = m.firmware_revision;
  info.framing_capabilities = static_cast<int>(m.framing_capabilities);
  info.bearer_capabilities = static_cast<int>(m.bearer_capabilities);
  info.challenge = m.challenge;
  info.result_code = m.result_code;
  info.hidden_avps = m.hidden_avps;
  co_return info;
}

// The parts as coroutines of their own (pointers and values only: they outlive no caller frame, the
// probe waits for all of them).
asio::awaitable<void> run_pptp(ProbeContext* ctx, vpn::VpnResult* r, std::uint16_t port) {
  r->pptp = co_await scan_pptp(*ctx, port);
}
asio::awaitable<void> run_l2tp(ProbeContext* ctx, vpn::VpnResult* r, std::uint16_t port) {
  r->l2tp = co_await scan_l2tp(*ctx, port);
}
asio::awaitable<void> run_ike_v2(ProbeContext* ctx, vpn::VpnResult* r, std::uint16_t port) {
  r->ike->v2 = co_await vpn::scan_ike_v2(*ctx, port);
}
asio::awaitable<void> run_ike_v1(ProbeContext* ctx, vpn::VpnResult* r, std::uint16_t port,
                                 std::optional<std::uint16_t> nat_t, std::string aggressive_id, bool behind_marker) {
  r->ike->v1 = co_await vpn::scan_ike_v1(*ctx, port, nat_t, aggressive_id, behind_marker);
  r->ike->v1->port = port;
}

class VpnProbe final : public Probe {
 public:
  std::string_view name() const override { return "vpn"; }
  std::string_view description() const override {
    return "PPTP control connection, IKEv1 Main/Aggressive Mode transforms and NAT-T, IKEv2 IKE_SA_INIT proposals, "
           "L2TP without IPsec";
  }
  std::vector<std::uint16_t> default_ports() const override { return {kPptpPort, kIkePort, kNatTPort, kL2tpPort}; }
  std::vector<std::string_view> transports() const override { return {"tcp", "udp"}; }
  std::vector<ProbeOption> options() const override {
    return {
        {"--vpn-aggressive-id",
         "FQDN sent as the ID of the IKEv1 Aggressive Mode try (\"none\": do not try Aggressive Mode)",
         std::string(kDefaultAggressiveId)},
        {"--vpn-ports", "PART:PORT,... for responders off their usual ports (pptp, ike, nat-t, l2tp), e.g. ike:5000",
         "", true},
    };
  }
  std::string check_options(const ScanSettings& settings) const override {
    if (auto id = settings.option("vpn-aggressive-id"); id && (id->empty() || id->size() > 255))
      return "--vpn-aggressive-id must be 1 to 255 characters";
    PartPorts ignored;
    if (auto ports = settings.option("vpn-ports")) return parse_vpn_ports(*ports, ignored);
    return {};
  }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<vpn::VpnResult>();
    std::string id = ctx.settings.option("vpn-aggressive-id").value_or(std::string(kDefaultAggressiveId));
    if (id == "none") id.clear();
    // The parts run side by side: each waits on its own port, so a host that drops them all costs one
    // UDP wait (or one connect timeout), not the sum of them.
    auto ex = co_await asio::this_coro::executor;
    WaitGroup wg(ex);
    bool crashed = false;
    const auto spawn = [&](asio::awaitable<void> part) {
      wg.add();
      asio::co_spawn(ex, std::move(part), [&](std::exception_ptr ep) {
        if (ep) crashed = true;
        wg.done();
      });
    };
    vpn::VpnResult* r = result.get();
    const PartPorts ports = part_ports(ctx);
    if (ports.pptp) spawn(run_pptp(&ctx, r, *ports.pptp));
    if (ports.ike || ports.nat_t) {
      r->ike.emplace();
      if (ports.ike) {
        spawn(run_ike_v1(&ctx, r, *ports.ike, ports.nat_t, id, false));
        spawn(run_ike_v2(&ctx, r, *ports.ike));
      } else {
        spawn(run_ike_v1(&ctx, r, *ports.nat_t, std::nullopt, std::string(), true));
      }
    }
    if (ports.l2tp) spawn(run_l2tp(&ctx, r, *ports.l2tp));
    co_await wg.wait();
    if (crashed) {
      result->status = Status::error;
      result->reason = "a vpn check failed unexpectedly";
      co_return result;
    }
    // ok when any part answered; otherwise the first part's outcome.
    std::vector<const Outcome*> parts;
    if (result->pptp) parts.push_back(&result->pptp->outcome);
    if (result->ike && result->ike->v1) parts.push_back(&result->ike->v1->outcome);
    if (result->ike && result->ike->v2) parts.push_back(&result->ike->v2->outcome);
    if (result->l2tp) parts.push_back(&result->l2tp->outcome);
    if (parts.empty()) {
      result->status = Status::skipped;
      result->reason = "none of the vpn ports (1723, 500, 4500, 1701) was chosen, nor --vpn-ports given";
    } else if (std::none_of(parts.begin(), parts.end(), [](const Outcome* o) { return o->ok(); })) {
      result->status = parts.front()->status;
      result->reason = parts.front()->reason;
    }
    co_return result;
  }
};

}  // namespace

std::unique_ptr<Probe> make_vpn_probe() { return std::make_unique<VpnProbe>(); }

}  // namespace legacyscan
