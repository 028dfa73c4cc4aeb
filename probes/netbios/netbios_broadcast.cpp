// SPDX-License-Identifier: Apache-2.0
#include "probes/netbios/netbios_broadcast.hpp"

#include <algorithm>
#include <functional>

#include "legacyscan/engine/net.hpp"
#include "probes/netbios/netbios_common.hpp"
#include "probes/netbios/netbios_mailslot.hpp"
#include "src/proto/netbios/netbios_codec.hpp"
#include "src/proto/netlogon/netlogon_mailslot.hpp"

namespace legacyscan::netbios {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

using Take = std::function<bool(const udp::endpoint& from, ByteView datagram)>;

bool heard(const BroadcastQuery& q, const std::string& responder) {
  return std::any_of(q.answers.begin(), q.answers.end(),
                     [&](const BroadcastAnswer& a) { return a.responder == responder; });
}

std::string endpoint_text(const udp::endpoint& e) { return e.address().to_string() + ":" + std::to_string(e.port()); }

UdpRequestBuilder fixed(const Bytes& request) {
  return [request](const udp::endpoint&) { return Decoded<Bytes>::ok(request); };
}

// Sends one request to the broadcast address and gathers every answer until the window closes;
// take() records each answer in q (or notes it malformed).
asio::awaitable<void> collect(ProbeContext& ctx, const asio::ip::address_v4& dest, std::uint16_t port,
                              const UdpRequestBuilder& build, Take take, BroadcastQuery& q) {
  UdpBroadcast how;
  how.address = dest;
  how.port = port;
  how.take = std::move(take);
  const UdpBroadcastReply reply = co_await udp_broadcast(ctx, build, how);
  q.sent = reply.sent;
  q.local_port = reply.local_port;
  q.outcome = settle(reply.outcome, q.malformed);
}

// NODE STATUS for "*": who is out there, and with which names.
asio::awaitable<BroadcastQuery> node_status_query(ProbeContext& ctx, asio::ip::address_v4 dest, std::uint16_t port) {
  BroadcastQuery q;
  q.request = "NODE STATUS";
  const std::uint16_t id = random_u16();
  const UdpRequestBuilder build = fixed(encode_node_status_request(id));
  const Take take = [&](const udp::endpoint& from, ByteView d) {
    if (!answers_transaction(d, id)) return false;
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
  co_await collect(ctx, dest, port, build, take, q);
  co_return q;
}

// NAME QUERY for DOMAIN<1C>, B flag set: every DC that holds it answers.
asio::awaitable<BroadcastQuery> dc_name_query(ProbeContext& ctx, asio::ip::address_v4 dest, std::uint16_t port,
                                              std::string domain) {
  BroadcastQuery q;
  const NetbiosName name{domain, 0x1C};
  q.request = "NAME QUERY " + display(name);
  const std::uint16_t id = random_u16();
  auto request = encode_name_query_request(id, name, /*rd=*/false, /*broadcast=*/true);
  if (!request) {
    q.outcome = Outcome::failure(Status::error, request.error);
    co_return q;
  }
  const UdpRequestBuilder build = fixed(*request);
  const Take take = [&](const udp::endpoint& from, ByteView d) {
    if (!answers_transaction(d, id)) return false;
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
  co_await collect(ctx, dest, port, build, take, q);
  co_return q;
}

// The SAM LOGON an XP client broadcasts (V1, any user) to DOMAIN<1C> on the datagram service.
asio::awaitable<BroadcastQuery> sam_logon_query(ProbeContext& ctx, asio::ip::address_v4 dest, std::uint16_t port,
                                                std::string domain, std::string client) {
  BroadcastQuery q;
  q.request = "LOGON_SAM_LOGON_REQUEST";
  const std::string mailslot = reply_mailslot();
  netlogon::LogonSamLogonRequest lr;
  lr.UnicodeComputerName = client;
  lr.MailslotName = mailslot;
  lr.NtVersion = netlogon::NETLOGON_NT_VERSION_1;
  auto smb = netlogon_mailslot_write(netlogon::encode_logon_sam_logon_request(lr));
  if (!smb) {
    q.outcome = Outcome::failure(Status::error, smb.error);
    co_return q;
  }
  const UdpRequestBuilder build = direct_datagram(DatagramType::DIRECT_GROUP, NetbiosName{client, 0x00},
                                                  NetbiosName{domain, 0x1C}, std::move(*smb.value));
  const Take take = [&](const udp::endpoint& from, ByteView d) {
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
  co_await collect(ctx, dest, port, build, take, q);
  co_return q;
}

}  // namespace

asio::awaitable<BroadcastInfo> broadcast_queries(ProbeContext& ctx, asio::ip::address_v4 dest, std::string domain,
                                                 std::string client, std::uint16_t name_port,
                                                 std::uint16_t datagram_port) {
  BroadcastInfo info;
  info.address = dest.to_string();
  BroadcastQuery nodes = co_await node_status_query(ctx, dest, name_port);
  info.queries.push_back(std::move(nodes));
  if (domain.empty()) co_return info;
  BroadcastQuery dcs = co_await dc_name_query(ctx, dest, name_port, domain);
  info.queries.push_back(std::move(dcs));
  BroadcastQuery logon = co_await sam_logon_query(ctx, dest, datagram_port, domain, client);
  info.queries.push_back(std::move(logon));
  co_return info;
}

}  // namespace legacyscan::netbios
