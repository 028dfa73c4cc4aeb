// SPDX-License-Identifier: Apache-2.0
// The NetBIOS probe, unicast to the target only: NODE STATUS and NAME QUERY on the name service
// (UDP 137), the NETLOGON mailslot pings an old Windows client sends over the datagram service
// (UDP 138: LOGON_SAM_LOGON_REQUEST as XP sends it, again with V5/V5EX, and LOGON_PRIMARY_QUERY),
// and whether the session service port (TCP 139, the SMB probe's) is open.
#include "probes/netbios/netbios_probe.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>
#include <spdlog/spdlog.h>

#include "legacyscan/engine/async.hpp"
#include "legacyscan/engine/engine.hpp"
#include "legacyscan/engine/net.hpp"
#include "src/proto/netbios/netbios_codec.hpp"
#include "probes/netbios/netbios_result.hpp"
#include "src/proto/netlogon/netlogon_mailslot.hpp"

namespace legacyscan::netbios {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr std::string_view kDefaultClientName = "LEGACYSCAN";

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string hex_suffix(std::uint8_t s) {
  static const char* digits = "0123456789ABCDEF";
  return {digits[s >> 4], digits[s & 0x0f]};
}

std::string display(const NetbiosName& n) { return printable(n.name) + "<" + hex_suffix(n.suffix) + ">"; }

std::uint16_t random_u16() {
  static std::mt19937 gen{std::random_device{}()};
  return static_cast<std::uint16_t>(gen() & 0xffff);
}

bool has_port(const ProbeContext& ctx, std::uint16_t port) {
  return std::find(ctx.ports.begin(), ctx.ports.end(), port) != ctx.ports.end();
}

// A port option: -1 when not given, nullopt when malformed.
std::optional<int> port_option(const ProbeContext& ctx, const std::string& flag, bool allow_zero) {
  auto text = ctx.settings.option(flag);
  if (!text) return -1;
  int v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size() || v < (allow_zero ? 0 : 1) || v > 65535) return std::nullopt;
  return v;
}

// A malformed answer that came instead of a good one turns a timeout into protocol-error.
Outcome settle(const UdpReply& reply, const std::string& malformed) {
  if (reply.outcome.status == Status::timeout && !malformed.empty())
    return Outcome::failure(Status::protocol_error, "only malformed answers: " + malformed);
  return reply.outcome;
}

// Whether a socket bound to `local_port` and connected to the target's `remote_port` would be
// connected to itself: the target is this machine and nothing serves that port there, so the
// request would come straight back to us (a DC with NetBIOS off, scanned from its own host). The
// privileged source port is skipped then, and the kernel's ICMP port unreachable can say "refused".
bool would_talk_to_itself(const asio::ip::address& target, std::uint16_t local_port, std::uint16_t remote_port) {
  if (local_port != remote_port || !target.is_v4()) return false;
  asio::io_context io;
  udp::socket s(io);
  boost::system::error_code ec;
  s.open(udp::v4(), ec);
  if (!ec) s.bind(udp::endpoint(udp::v4(), local_port), ec);
  if (ec) return false;  // cannot be bound anyway: an ephemeral port is used
  s.connect(udp::endpoint(target, remote_port), ec);
  if (ec) return false;
  const auto local = s.local_endpoint(ec);
  return !ec && local == udp::endpoint(target, remote_port);
}

// ---- name service ------------------------------------------------------------------------------

asio::awaitable<NodeStatusInfo> node_status(ProbeContext& ctx, std::uint16_t port) {
  NodeStatusInfo info;
  const std::uint16_t id = random_u16();
  const Bytes request = encode_node_status_request(id);
  std::optional<NodeStatusResponse> got;
  std::string malformed;
  UdpExchange how;
  how.port = port;
  // Some old stacks answer only queries from port 137: bind it when possible.
  if (would_talk_to_itself(ctx.address, kNameServicePort, port))
    info.source_port_note = "UDP 137 here would be the target's own free port 137; used an ephemeral port";
  else
    if (would_talk_to_itself(ctx.address, kNameServicePort, port))
    info.source_port_note = "UDP 137 here would be the target's own free port 137; used an ephemeral port";
  else
    how.local_port = kNameServicePort;
  how.accept = [&](ByteView d) {
    Reader r(d);
    std::uint16_t trn = 0;
    if (!r.u16be(trn) || trn != id) return false;  // not ours (or too short to tell)
    auto resp = decode_node_status_response(d);
    if (!resp) {
      malformed = resp.error;
      return false;
    }
    got = std::move(*resp.value);
    return true;
  };
  auto reply = co_await udp_exchange(ctx, request, how);
  info.attempts = reply.attempts;
  info.source_port_137 = reply.bound_local_port;
  if (how.local_port && !reply.bound_local_port)
    info.source_port_note = "cannot bind UDP 137 (in use, or no root/CAP_NET_BIND_SERVICE); used an ephemeral port";
  info.outcome = settle(reply, malformed);
  if (!info.outcome.ok() || !got) co_return info;
  for (const auto& n : got->NODE_NAME_ARRAY) {
    NameEntry e;
    e.name = printable(n.name);
    e.suffix = hex_suffix(n.suffix);
    e.group = n.group();
    e.type = std::string(suffix_meaning(n.suffix, e.group, n.name));
    e.node_type = std::string(owner_node_type(n.NAME_FLAGS));
    e.flags = n.flag_names();
    info.names.push_back(std::move(e));
  }
  // The domain: its DC group <1C>, else the PDC's <1B>, else a group <00> that is not Samba's
  // internal __SAMBA__ or a browse name.
  auto find = [&](std::uint8_t suffix, std::optional<bool> group) -> std::string {
    for (const auto& n : got->NODE_NAME_ARRAY)
      if (n.suffix == suffix && (!group || n.group() == *group) && !n.name.starts_with("__") &&
          n.name.find("__MSBROWSE__") == std::string::npos)
        return printable(n.name);
    return {};
  };
  info.workgroup = find(0x1C, true);
  if (info.workgroup.empty()) info.workgroup = find(0x1B, false);
  if (info.workgroup.empty()) info.workgroup = find(0x00, true);
  info.computer = find(0x00, false);
  if (info.computer.empty()) info.computer = find(0x20, false);
  if (got->statistics_length >= 6) {
    char buf[24];
    const auto& u = got->UNIT_ID;
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", u[0], u[1], u[2], u[3], u[4], u[5]);
    info.unit_id = buf;
  }
  co_return info;
}

asio::awaitable<NameQueryInfo> name_query(ProbeContext& ctx, NetbiosName name, std::uint16_t port) {
  NameQueryInfo info;
  info.name = display(name);
  const std::uint16_t id = random_u16();
  auto request = encode_name_query_request(id, name, /*rd=*/false);
  if (!request) {
    info.outcome = Outcome::failure(Status::error, request.error);
    co_return info;
  }
  std::optional<NameQueryResponse> got;
  std::string malformed;
  UdpExchange how;
  how.port = port;
  if (would_talk_to_itself(ctx.address, kNameServicePort, port))
    info.source_port_note = "UDP 137 here would be the target's own free port 137; used an ephemeral port";
  else
    how.local_port = kNameServicePort;
  how.accept = [&](ByteView d) {
    Reader r(d);
    std::uint16_t trn = 0;
    if (!r.u16be(trn) || trn != id) return false;
    auto resp = decode_name_query_response(d);
    if (!resp) {
      malformed = resp.error;
      return false;
    }
    if (upper(resp->RR_NAME.name) != upper(name.name) || resp->RR_NAME.suffix != name.suffix) {
      malformed = "NAME QUERY RESPONSE for " + display(resp->RR_NAME) + ", not for " + display(name);
      return false;
    }
    got = std::move(*resp.value);
    return true;
  };
  auto reply = co_await udp_exchange(ctx, *request, how);
  info.attempts = reply.attempts;
  info.source_port_137 = reply.bound_local_port;
  if (how.local_port && !reply.bound_local_port)
    info.source_port_note = "cannot bind UDP 137 (in use, or no root/CAP_NET_BIND_SERVICE); used an ephemeral port";
  info.outcome = settle(reply, malformed);
  if (!info.outcome.ok() || !got) co_return info;
  info.rcode = std::string(rcode_name(got->header.RCODE));
  info.found = got->positive();
  info.ttl = got->TTL;
  for (const auto& e : got->ADDR_ENTRY) {
    info.addresses.push_back(e.address());
    info.group = info.group || e.group();
  }
  co_return info;
}

// ---- datagram service --------------------------------------------------------------------------

struct MailslotRequest {
  std::string request_name;
  NetbiosName source;
  NetbiosName destination;
  DatagramType type = DatagramType::DIRECT_GROUP;
  std::string reply_mailslot;
  // Builds the NETLOGON message (it does not depend on the local port).
  Bytes message;
  std::vector<std::uint16_t> reply_opcodes;
  int retries = -1;
  std::uint16_t remote_port = kDatagramPort;
};

std::array<std::uint8_t, 4> ipv4_bytes(const asio::ip::address& a) {
  if (!a.is_v4()) return {};
  return a.to_v4().to_bytes();
}

// One mailslot request on a socket of its own: bound to 138 when possible (Windows replies to 138
// only; root or CAP_NET_BIND_SERVICE), else an ephemeral port. Samba replies to SOURCE_IP and
// SOURCE_PORT of the datagram header, not to the UDP source, so the header carries the bound port.
asio::awaitable<void> mailslot_exchange(ProbeContext& ctx, const MailslotRequest& req, std::uint16_t want_port,
                                        MailslotInfo& info) {
  Permit permit = co_await ctx.engine.acquire_connection(ctx.address);
  auto ex = co_await asio::this_coro::executor;
  const udp::endpoint peer(ctx.address, req.remote_port);
  udp::socket sock(ex);
  boost::system::error_code ec;
  sock.open(udp::v4(), ec);
  if (ec) {
    info.outcome = classify_error(ec, "udp open");
    co_return;
  }
  if (want_port != 0 && would_talk_to_itself(ctx.address, want_port, req.remote_port)) {
    info.local_port_note = "UDP " + std::to_string(want_port) + " here would be the target's own free port " +
                           std::to_string(want_port) + "; used an ephemeral port";
    want_port = 0;
  }
  if (want_port != 0) {
    sock.bind(udp::endpoint(udp::v4(), want_port), ec);
    if (ec) {
      info.local_port_note = "cannot bind UDP " + std::to_string(want_port) + " (" + ec.message() + "); used an ephemeral port";
      ec.clear();
    }
  }
  if (!sock.local_endpoint(ec).port() || ec) {
    ec.clear();
    sock.bind(udp::endpoint(udp::v4(), 0), ec);
    if (ec) {
      info.outcome = classify_error(ec, "udp bind");
      co_return;
    }
  }
  // Connected, so an ICMP port unreachable from the target shows as refused, and only the target's
  // port 138 can answer.
  sock.connect(peer, ec);
  if (ec) {
    info.outcome = classify_error(ec, "udp connect");
    co_return;
  }
  const auto local = sock.local_endpoint(ec);
  if (ec) {
    info.outcome = classify_error(ec, "udp local endpoint");
    co_return;
  }
  info.local_port = local.port();
  info.local_port_138 = local.port() == kDatagramPort;

  MailslotWrite mw;
  mw.mailslot_name = std::string(kNetlogonMailslot);
  mw.data = req.message;
  auto smb = encode_mailslot_write(mw);
  if (!smb) {
    info.outcome = Outcome::failure(Status::error, smb.error);
    co_return;
  }
  DirectDatagram dg;
  dg.MSG_TYPE = req.type;
  dg.DGM_ID = random_u16();
  dg.SOURCE_IP = ipv4_bytes(local.address());
  dg.SOURCE_PORT = local.port();
  dg.SOURCE_NAME = req.source;
  dg.DESTINATION_NAME = req.destination;
  dg.USER_DATA = std::move(*smb.value);
  auto packet = encode_direct_datagram(dg);
  if (!packet) {
    info.outcome = Outcome::failure(Status::error, packet.error);
    co_return;
  }

  std::string malformed;
  std::optional<std::string> datagram_error;
  // Which datagrams are the answer: a direct datagram to our reply mailslot with a reply opcode.
  auto take = [&](ByteView d) -> bool {
    auto dgram = decode_datagram(d);
    if (!dgram) {
      malformed = dgram.error;
      return false;
    }
    if (dgram->ERROR_CODE) {
      datagram_error = "DATAGRAM ERROR " + std::to_string(*dgram->ERROR_CODE) + " (" +
                       std::string(datagram_error_name(*dgram->ERROR_CODE)) + ")";
      return false;
    }
    if (!dgram->direct) return false;
    if (dgram->fragment()) {
      malformed = "a fragmented datagram (FLAGS " + std::to_string(dgram->FLAGS) + "): NETLOGON replies fit one";
      return false;
    }
    auto ms = decode_mailslot_write(dgram->direct->USER_DATA);
    if (!ms) {
      malformed = ms.error;
      return false;
    }
    if (upper(ms->mailslot_name) != upper(req.reply_mailslot)) return false;  // another conversation
    auto reply = netlogon::decode_netlogon_reply(ms->data);
    if (!reply) {
      malformed = reply.error;
      return false;
    }
    if (std::find(req.reply_opcodes.begin(), req.reply_opcodes.end(), reply->Opcode) == req.reply_opcodes.end()) {
      malformed = "reply opcode " + std::to_string(reply->Opcode) + " (" + reply->opcode_name + ") does not answer " +
                  req.request_name;
      return false;
    }
    info.reply = std::move(*reply.value);
    return true;
  };

  const int retries = req.retries >= 0 ? req.retries : ctx.settings.retries;
  auto wait = ctx.op_timeout();
  Bytes buf(65536);
  for (int attempt = 0; attempt <= retries; ++attempt) {
    info.attempts = attempt + 1;
    co_await sock.async_send(asio::buffer(*packet), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      info.outcome = classify_error(ec, "udp send");
      co_return;
    }
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      std::size_t n = 0;
      bool fired = false;
      {
        Watchdog dog(ex, left, [&sock] {
          boost::system::error_code ignored;
          sock.cancel(ignored);
        });
        n = co_await sock.async_receive(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        fired = dog.fired();
      }
      if (fired) break;
      if (ec == asio::error::connection_refused) {
        info.outcome = Outcome::failure(Status::refused, "udp " + std::to_string(req.remote_port) +
                                                             ": ICMP port unreachable (no datagram service)");
        co_return;
      }
      if (ec) {
        info.outcome = classify_error(ec, "udp receive");
        co_return;
      }
      if (take(ByteView(buf.data(), n))) {
        info.reply_from = ctx.address.to_string() + ":" + std::to_string(req.remote_port);
        info.outcome = Outcome::success();
        co_return;
      }
    }
    wait = std::min(wait * 2, ctx.op_timeout() * 4);
  }
  if (datagram_error)
    info.outcome = Outcome::failure(Status::refused, *datagram_error);
  else if (!malformed.empty())
    info.outcome = Outcome::failure(Status::protocol_error, "only malformed answers: " + malformed);
  else
    info.outcome = Outcome::failure(Status::timeout, "udp " + std::to_string(req.remote_port) + ": no " +
                                                         req.request_name + " reply after " +
                                                         std::to_string(info.attempts) +
                                                         (info.attempts == 1 ? " attempt" : " attempts"));
}

std::string reply_mailslot() {
  // Windows uses \MAILSLOT\NET\GETDCxxx with a changing number; ours keeps one scan's replies apart.
  return "\\MAILSLOT\\NET\\GETDC" + std::to_string(100 + random_u16() % 900);
}

// Coroutine parameters by value: the frame keeps its own copies.
asio::awaitable<MailslotInfo> sam_logon(ProbeContext& ctx, std::string client, std::string domain, std::string user,
                                        std::uint32_t account_control, std::uint32_t nt_version,
                                        std::uint16_t want_port, std::uint16_t remote_port, int retries) {
  MailslotInfo info;
  info.request = "LOGON_SAM_LOGON_REQUEST";
  info.nt_version_sent = nt_version;
  info.user_sent = user;
  info.account_control_sent = account_control;
  MailslotRequest req;
  req.request_name = info.request;
  req.source = NetbiosName{client, 0x00};
  req.destination = NetbiosName{domain, 0x1C};
  req.type = DatagramType::DIRECT_GROUP;
  req.reply_mailslot = reply_mailslot();
  req.retries = retries;
  req.remote_port = remote_port;
  info.destination = display(req.destination);
  netlogon::LogonSamLogonRequest q;
  q.UnicodeComputerName = client;
  q.UnicodeUserName = user;
  q.MailslotName = req.reply_mailslot;
  q.AllowableAccountControlBits = account_control;
  q.NtVersion = nt_version;
  auto msg = netlogon::encode_logon_sam_logon_request(q);
  if (!msg) {
    info.outcome = Outcome::failure(Status::error, msg.error);
    co_return info;
  }
  req.message = std::move(*msg.value);
  req.reply_opcodes = {netlogon::LOGON_SAM_LOGON_RESPONSE,    netlogon::LOGON_SAM_PAUSE_RESPONSE,
                       netlogon::LOGON_SAM_USER_UNKNOWN,      netlogon::LOGON_SAM_LOGON_RESPONSE_EX,
                       netlogon::LOGON_SAM_PAUSE_RESPONSE_EX, netlogon::LOGON_SAM_USER_UNKNOWN_EX};
  co_await mailslot_exchange(ctx, req, want_port, info);
  co_return info;
}

asio::awaitable<MailslotInfo> primary_query(ProbeContext& ctx, std::string client, std::string domain,
                                            std::uint16_t want_port, std::uint16_t remote_port, int retries) {
  MailslotInfo info;
  info.request = "LOGON_PRIMARY_QUERY";
  info.nt_version_sent = netlogon::NETLOGON_NT_VERSION_1;
  MailslotRequest req;
  req.request_name = info.request;
  req.source = NetbiosName{client, 0x00};
  req.destination = NetbiosName{domain, 0x1B};  // the PDC's name
  req.type = DatagramType::DIRECT_UNIQUE;
  req.reply_mailslot = reply_mailslot();
  req.retries = retries;
  req.remote_port = remote_port;
  info.destination = display(req.destination);
  netlogon::LogonPrimaryQuery q;
  q.ComputerName = client;
  q.MailslotName = req.reply_mailslot;
  q.UnicodeComputerName = client;
  q.NtVersion = netlogon::NETLOGON_NT_VERSION_1;
  auto msg = netlogon::encode_logon_primary_query(q);
  if (!msg) {
    info.outcome = Outcome::failure(Status::error, msg.error);
    co_return info;
  }
  req.message = std::move(*msg.value);
  req.reply_opcodes = {netlogon::LOGON_PRIMARY_RESPONSE};
  co_await mailslot_exchange(ctx, req, want_port, info);
  co_return info;
}

// ---- broadcast (--broadcast only) ----------------------------------------------------------------

// Sends one request to the broadcast address and gathers every answer until the window (--timeout)
// closes; the request is resent at a quarter and at half of the window (--retries permitting), as a
// B node does. Each answer goes through `take(from, datagram)`, which records it (or says it is
// malformed). `build(local_ip, local_port)` makes the request once the socket is bound, as the
// datagram service writes the socket's address into its header.
asio::awaitable<void> broadcast_collect(ProbeContext& ctx, const asio::ip::address_v4& dest, std::uint16_t port,
                                        const std::function<Bytes(const asio::ip::address_v4&, std::uint16_t)>& build,
                                        const std::function<bool(const udp::endpoint&, ByteView)>& take,
                                        BroadcastQuery& q) {
  Permit permit = co_await ctx.engine.acquire_connection(ctx.address);
  auto ex = co_await asio::this_coro::executor;
  boost::system::error_code ec;
  // The address this host sends from toward the broadcast address (a connected socket tells).
  asio::ip::address_v4 local_ip;
  {
    udp::socket probe(ex);
    probe.open(udp::v4(), ec);
    if (!ec) probe.set_option(asio::socket_base::broadcast(true), ec);
    if (!ec) probe.connect(udp::endpoint(dest, port), ec);
    if (!ec) local_ip = probe.local_endpoint(ec).address().to_v4();
    if (ec) {
      q.outcome = classify_error(ec, "udp broadcast route");
      co_return;
    }
  }
  udp::socket sock(ex);
  sock.open(udp::v4(), ec);
  if (!ec) sock.set_option(asio::socket_base::broadcast(true), ec);
  if (!ec) sock.bind(udp::endpoint(udp::v4(), 0), ec);  // an ephemeral port: answers come back to it
  if (ec) {
    q.outcome = classify_error(ec, "udp broadcast socket");
    co_return;
  }
  q.local_port = sock.local_endpoint(ec).port();
  const Bytes request = build(local_ip, q.local_port);
  const auto window = ctx.op_timeout();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::chrono::steady_clock::time_point> sends{start};
  if (ctx.settings.retries >= 1) sends.push_back(start + window / 4);
  if (ctx.settings.retries >= 2) sends.push_back(start + window / 2);
  const auto end = start + window;
  std::size_t next_send = 0;
  Bytes buf(65536);
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= end) break;
    if (next_send < sends.size() && now >= sends[next_send]) {
      co_await sock.async_send_to(asio::buffer(request), udp::endpoint(dest, port),
                                  asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        q.outcome = classify_error(ec, "udp broadcast send");
        co_return;
      }
      ++q.sent;
      ++next_send;
      continue;
    }
    const auto until = next_send < sends.size() ? std::min(end, sends[next_send]) : end;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
    if (left.count() <= 0) continue;
    udp::endpoint from;
    std::size_t n = 0;
    bool fired = false;
    {
      Watchdog dog(ex, left, [&sock] {
        boost::system::error_code ignored;
        sock.cancel(ignored);
      });
      n = co_await sock.async_receive_from(asio::buffer(buf), from, asio::redirect_error(asio::use_awaitable, ec));
      fired = dog.fired();
    }
    if (fired) continue;
    if (ec) continue;  // an ICMP error for one receiver says nothing about the others
    (void)take(from, ByteView(buf.data(), n));
  }
  if (!q.answers.empty()) q.outcome = Outcome::success();
  else if (!q.malformed.empty()) q.outcome = Outcome::failure(Status::protocol_error, "only malformed answers: " + q.malformed);
  else
    q.outcome = Outcome::failure(Status::timeout, "no answer to " + std::to_string(q.sent) + " broadcast " +
                                                      (q.sent == 1 ? "datagram" : "datagrams") + " within " +
                                                      std::to_string(window.count()) + " ms");
}

bool heard(const BroadcastQuery& q, const std::string& responder) {
  return std::any_of(q.answers.begin(), q.answers.end(), [&](const BroadcastAnswer& a) { return a.responder == responder; });
}

std::string endpoint_text(const udp::endpoint& e) { return e.address().to_string() + ":" + std::to_string(e.port()); }

asio::awaitable<BroadcastInfo> broadcast_queries(ProbeContext& ctx, asio::ip::address_v4 dest, std::string domain,
                                                 std::string client, std::uint16_t name_port, std::uint16_t datagram_port) {
  BroadcastInfo info;
  info.address = dest.to_string();
  {  // NODE STATUS for "*": who is out there, and with which names.
    BroadcastQuery q;
    q.request = "NODE STATUS";
    const std::uint16_t id = random_u16();
    const std::function<Bytes(const asio::ip::address_v4&, std::uint16_t)> build = [&](const asio::ip::address_v4&, std::uint16_t) { return encode_node_status_request(id); };
    const std::function<bool(const udp::endpoint&, ByteView)> take = [&](const udp::endpoint& from, ByteView d) {
      Reader r(d);
      std::uint16_t trn = 0;
      if (!r.u16be(trn) || trn != id) return false;
      auto resp = decode_node_status_response(d);
      if (!resp) {
        q.malformed = endpoint_text(from) + ": " + resp.error;
        return false;
      }
      if (heard(q, endpoint_text(from))) return false;
      BroadcastAnswer a;
      a.responder = endpoint_text(from);
      for (const auto& n : resp->NODE_NAME_ARRAY) {
        if (n.name.starts_with("__") || n.name.find("__MSBROWSE__") != std::string::npos) continue;
        if (!n.group() && (n.suffix == 0x00 || n.suffix == 0x20) && a.computer.empty()) a.computer = printable(n.name);
        if (n.group() && (n.suffix == 0x1C || n.suffix == 0x00) && a.workgroup.empty()) a.workgroup = printable(n.name);
      }
      q.answers.push_back(std::move(a));
      return true;
    };
    co_await broadcast_collect(ctx, dest, name_port, build, take, q);
    info.queries.push_back(std::move(q));
  }
  if (domain.empty()) co_return info;
  {  // NAME QUERY for DOMAIN<1C>, B flag set: every DC that holds it answers.
    BroadcastQuery q;
    const NetbiosName name{domain, 0x1C};
    q.request = "NAME QUERY " + display(name);
    const std::uint16_t id = random_u16();
    auto request = encode_name_query_request(id, name, /*rd=*/false, /*broadcast=*/true);
    if (!request) {
      q.outcome = Outcome::failure(Status::error, request.error);
    } else {
      const std::function<Bytes(const asio::ip::address_v4&, std::uint16_t)> build = [&](const asio::ip::address_v4&, std::uint16_t) { return *request.value; };
      const std::function<bool(const udp::endpoint&, ByteView)> take = [&](const udp::endpoint& from, ByteView d) {
        Reader r(d);
        std::uint16_t trn = 0;
        if (!r.u16be(trn) || trn != id) return false;
        auto resp = decode_name_query_response(d);
        if (!resp) {
          q.malformed = endpoint_text(from) + ": " + resp.error;
          return false;
        }
        if (!resp->positive() || heard(q, endpoint_text(from))) return false;
        BroadcastAnswer a;
        a.responder = endpoint_text(from);
        for (const auto& e : resp->ADDR_ENTRY) a.addresses.push_back(e.address());
        q.answers.push_back(std::move(a));
        return true;
      };
      co_await broadcast_collect(ctx, dest, name_port, build, take, q);
    }
    info.queries.push_back(std::move(q));
  }
  {  // The SAM LOGON an XP client broadcasts (V1, any user) to DOMAIN<1C> on the datagram service.
    BroadcastQuery q;
    q.request = "LOGON_SAM_LOGON_REQUEST";
    const std::string mailslot = reply_mailslot();
    netlogon::LogonSamLogonRequest lr;
    lr.UnicodeComputerName = client;
    lr.MailslotName = mailslot;
    lr.NtVersion = netlogon::NETLOGON_NT_VERSION_1;
    auto msg = netlogon::encode_logon_sam_logon_request(lr);
    MailslotWrite mw;
    mw.mailslot_name = std::string(kNetlogonMailslot);
    if (msg) mw.data = std::move(*msg.value);
    auto smb = encode_mailslot_write(mw);
    if (!msg || !smb) {
      q.outcome = Outcome::failure(Status::error, !msg ? msg.error : smb.error);
    } else {
      const std::function<Bytes(const asio::ip::address_v4&, std::uint16_t)> build = [&](const asio::ip::address_v4& ip, std::uint16_t port) {
        DirectDatagram dg;
        dg.MSG_TYPE = DatagramType::DIRECT_GROUP;
        dg.DGM_ID = random_u16();
        dg.SOURCE_IP = ip.to_bytes();
        dg.SOURCE_PORT = port;
        dg.SOURCE_NAME = NetbiosName{client, 0x00};
        dg.DESTINATION_NAME = NetbiosName{domain, 0x1C};
        dg.USER_DATA = *smb.value;
        auto packet = encode_direct_datagram(dg);
        return packet ? std::move(*packet.value) : Bytes{};
      };
      const std::function<bool(const udp::endpoint&, ByteView)> take = [&](const udp::endpoint& from, ByteView d) {
        auto dgram = decode_datagram(d);
        if (!dgram || !dgram->direct || dgram->fragment()) {
          if (!dgram) q.malformed = endpoint_text(from) + ": " + dgram.error;
          return false;
        }
        auto ms = decode_mailslot_write(dgram->direct->USER_DATA);
        if (!ms || upper(ms->mailslot_name) != upper(mailslot)) return false;
        auto reply = netlogon::decode_netlogon_reply(ms->data);
        if (!reply) {
          q.malformed = endpoint_text(from) + ": " + reply.error;
          return false;
        }
        if (heard(q, endpoint_text(from))) return false;
        BroadcastAnswer a;
        a.responder = endpoint_text(from);
        a.computer = reply->logon_server;
        a.workgroup = reply->domain_name;
        a.reply = reply->opcode_name;
        q.answers.push_back(std::move(a));
        return true;
      };
      co_await broadcast_collect(ctx, dest, datagram_port, build, take, q);
    }
    info.queries.push_back(std::move(q));
  }
  co_return info;
}

MailslotInfo not_run(const char* request, Status s, std::string why) {
  MailslotInfo m;
  m.request = request;
  m.outcome = Outcome::failure(s, std::move(why));
  return m;
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
  std::vector<ProbeOption> options() const override {
    return {
        {"--netbios-domain", "NetBIOS domain for the mailslot requests (default: learnt from node status)", ""},
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
      if (auto v = settings.option(flag); v && !v->empty()) {
        int n = -1;
        auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
        if (ec != std::errc() || p != v->data() + v->size() || n < (allow_zero ? 0 : 1) || n > 65535)
          return std::string("--") + flag + " " + *v + ": not a port number";
      }
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
    const std::string client = upper(ctx.settings.option("netbios-client-name").value_or(std::string(kDefaultClientName)));
    std::uint16_t local_port = kDatagramPort;
    std::uint16_t name_port = kNameServicePort;
    std::uint16_t datagram_port = kDatagramPort;
    std::string bad_option;
    const auto read_port = [&](const char* flag, std::uint16_t& into, bool allow_zero) {
      auto v = port_option(ctx, flag, allow_zero);
      if (!v) bad_option = std::string("--") + flag + " " + ctx.settings.option(flag).value_or("") + ": not a port number";
      else if (*v >= 0) into = static_cast<std::uint16_t>(*v);
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
        const char* why = "NetBIOS domain unknown (node status gave none); give --netbios-domain";
        result->sam_logon = not_run("LOGON_SAM_LOGON_REQUEST", Status::skipped, why);
        result->sam_logon_machine_account = not_run("LOGON_SAM_LOGON_REQUEST", Status::skipped, why);
        result->sam_logon_v5ex = not_run("LOGON_SAM_LOGON_REQUEST", Status::skipped, why);
        result->primary_query = not_run("LOGON_PRIMARY_QUERY", Status::skipped, why);
      } else {
        // Windows XP: V1 only, tokens 0xFFFF, first for any user, then for its machine account.
        const std::string domain = result->domain;
        const std::string machine_account = client + "$";
        const std::string anyone;
        MailslotInfo any_user = co_await sam_logon(ctx, client, domain, anyone, 0, netlogon::NETLOGON_NT_VERSION_1,
                                                   local_port, datagram_port, -1);
        // After silence on the first ping, the others get one try each: the retries were spent.
        const int retries = any_user.outcome.status == Status::timeout ? 0 : -1;
        result->sam_logon = std::move(any_user);
        MailslotInfo machine = co_await sam_logon(ctx, client, domain, machine_account, netlogon::USER_WORKSTATION_TRUST_ACCOUNT,
                                                  netlogon::NETLOGON_NT_VERSION_1, local_port, datagram_port, retries);
        result->sam_logon_machine_account = std::move(machine);
        MailslotInfo v5ex =
            co_await sam_logon(ctx, client, domain, anyone, 0,
                               netlogon::NETLOGON_NT_VERSION_5 | netlogon::NETLOGON_NT_VERSION_5EX, local_port,
                               datagram_port, retries);
        result->sam_logon_v5ex = std::move(v5ex);
        MailslotInfo primary = co_await primary_query(ctx, client, domain, local_port, datagram_port, retries);
        result->primary_query = std::move(primary);
      }
    }

    // Broadcast, only when asked for.
    if (broadcast_to) {
      BroadcastInfo bi = co_await broadcast_queries(ctx, *broadcast_to, result->domain, client, name_port, datagram_port);
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
    for (const auto* m : {&result->sam_logon, &result->sam_logon_machine_account, &result->sam_logon_v5ex,
                          &result->primary_query})
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
