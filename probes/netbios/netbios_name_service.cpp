// SPDX-License-Identifier: Apache-2.0
#include "probes/netbios/netbios_name_service.hpp"

#include <cstdio>

#include "legacyscan/engine/net.hpp"
#include "probes/netbios/netbios_common.hpp"

namespace legacyscan::netbios {

namespace asio = boost::asio;

namespace {

// Some old stacks answer only queries from port 137: it is bound when possible.
UdpExchange from_port_137(std::uint16_t port, std::function<bool(ByteView)> accept) {
  UdpExchange how;
  how.port = port;
  how.local_port = kNameServicePort;
  how.accept = std::move(accept);
  return how;
}

// What both requests report of their exchange.
template <class Info>
void record(Info& info, const UdpReply& reply, const std::string& malformed) {
  info.attempts = reply.attempts;
  info.source_port_137 = reply.local_port_use == LocalPortUse::bound;
  info.source_port_note = source_port_note(reply, kNameServicePort, "in use, or no root/CAP_NET_BIND_SERVICE");
  info.outcome = settle(reply.outcome, malformed);
}

}  // namespace

asio::awaitable<NodeStatusInfo> node_status(ProbeContext& ctx, std::uint16_t port) {
  NodeStatusInfo info;
  const std::uint16_t id = random_u16();
  const Bytes request = encode_node_status_request(id);
  std::optional<NodeStatusResponse> got;
  std::string malformed;
  const UdpExchange how = from_port_137(port, [&](ByteView d) {
    if (!answers_transaction(d, id)) return false;
    auto resp = decode_node_status_response(d);
    if (!resp) {
      malformed = resp.error;
      return false;
    }
    got = std::move(*resp.value);
    return true;
  });
  auto reply = co_await udp_exchange(ctx, request, how);
  record(info, reply, malformed);
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
  const UdpExchange how = from_port_137(port, [&](ByteView d) {
    if (!answers_transaction(d, id)) return false;
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
  });
  auto reply = co_await udp_exchange(ctx, *request, how);
  record(info, reply, malformed);
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

}  // namespace legacyscan::netbios
