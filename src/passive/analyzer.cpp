// SPDX-License-Identifier: Apache-2.0
// The passive analyzer: one pass over captured packets. UDP datagrams go straight to their protocol's
// handler; TCP segments go through the flow table (flow_table.hpp) and reassembly (tcp_reassembly.hpp)
// to the connection's handler (handler.hpp: smb_handler.cpp, tls_handler.cpp, kerberos_handler.cpp,
// ldap_handler.cpp, netbios_handler.cpp), which turn messages into per-client facts.
#include <algorithm>

#include "src/passive/flow_table.hpp"
#include "src/passive/handler.hpp"
#include "src/passive/packet.hpp"
#include "src/passive/passive.hpp"

namespace legacyscan::passive {

// ---- Seen / Tally / Report ---------------------------------------------------------------------

void Seen::hit(std::int64_t ts, std::uint64_t n) {
  if (count == 0 || (ts != 0 && (first_us == 0 || ts < first_us))) first_us = ts;
  if (ts > last_us) last_us = ts;
  count += n;
}

void Seen::merge(const Seen& o) {
  if (o.count == 0) return;
  if (count == 0 || (o.first_us != 0 && o.first_us < first_us)) first_us = o.first_us;
  last_us = std::max(last_us, o.last_us);
  count += o.count;
}

void Tally::hit(const std::string& value, std::int64_t ts, std::uint64_t n) {
  auto it = values.find(value);
  if (it == values.end() && values.size() >= kMaxTallyKeys) it = values.try_emplace("(other)").first;
  if (it == values.end()) it = values.try_emplace(value).first;
  it->second.hit(ts, n);
}

std::uint64_t Tally::count(const std::string& value) const {
  auto it = values.find(value);
  return it == values.end() ? 0 : it->second.count;
}

Client& Report::client(const std::string& address, std::int64_t ts) {
  auto [it, fresh] = clients.try_emplace(address);
  if (fresh) it->second.address = address;
  it->second.seen.hit(ts);
  return it->second;
}

Client& Report::client_by_name(const std::string& name, std::int64_t ts) {
  Client& c = client("name:" + name, ts);
  c.address.clear();
  c.names.hit(name, ts);
  return c;
}

// ---- Analyzer ------------------------------------------------------------------------------------

struct Analyzer::Impl {
  Limits limits;
  Report report;
  FlowTable flows{limits, report};
  std::uint64_t since_sweep = 0;

  explicit Impl(Limits l) : limits(l) {}

  void packet(int link, std::int64_t ts, ByteView frame, std::size_t wire) {
    SourceStats& st = report.source;
    ++st.packets;
    st.bytes += wire;
    if (st.first_us == 0 || ts < st.first_us) st.first_us = ts;
    st.last_us = std::max(st.last_us, ts);
    auto p = decode_packet(link, frame);
    if (!p) {
      ++st.undecodable_packets;
      return;
    }
    if (p->tso) ++st.tso_packets;
    if (p->fragment) {
      ++st.ip_fragments;
      return;
    }
    if (p->transport == Transport::udp)
      udp(*p, ts);
    else
      flows.tcp(*p, ts);
    if (++since_sweep >= 4096) {
      since_sweep = 0;
      flows.sweep(ts, false);
    }
  }

  // ---- UDP ----

  void udp(const Packet& p, std::int64_t ts) {
    const bool to_server = well_known(p.dst_port) && !(well_known(p.src_port) && p.src_port < p.dst_port);
    const Endpoint client{to_server ? p.src : p.dst, to_server ? p.src_port : p.dst_port};
    const Endpoint server{to_server ? p.dst : p.src, to_server ? p.dst_port : p.src_port};
    const int dir = to_server ? 0 : 1;
    const std::uint16_t port = server.port;
    if (is_dtls_datagram(p.payload)) {
      dtls_datagram(report, {p.src, p.src_port}, {p.dst, p.dst_port}, p.ipv6, p.payload, ts);
    } else if (port == 500 || port == 4500) {
      ConnInfo ci = conn_info(report, client, server, p.ipv6);
      ike_datagram(ci, dir, p.payload, ts);
    } else if (port == 88 || port == 464) {
      ConnInfo ci = conn_info(report, client, server, p.ipv6);
      kerberos_message(ci, dir, p.payload, false, ts);
    } else if (port == 389 && dir == 0) {
      ConnInfo ci = conn_info(report, client, server, p.ipv6);
      cldap_request(ci, p.payload, ts);
    } else if (port == 137 && p.payload.size() >= 3 && (p.payload[2] & 0x80)) {
      // The R bit (RFC 1002 4.2.1.1): a response, whichever ports it uses (Windows answers 137 to 137).
      netbios_name_response(report, address_string(p.src, p.ipv6), p.payload, ts);
    } else if (port == 137 && dir == 0) {
      ConnInfo ci = conn_info(report, client, server, p.ipv6);
      netbios_name_service(ci, p.payload, ts);
    } else if (port == 138 && p.dst_port == 138) {
      // Datagrams go from port 138 to port 138: the sender is the client.
      ConnInfo ci = conn_info(report, {p.src, p.src_port}, {p.dst, p.dst_port}, p.ipv6);
      netbios_datagram(ci, p.payload, ts);
    }
  }

  Report finish() {
    flows.close_all();
    return std::move(report);
  }
};

Analyzer::Analyzer(Limits limits) : impl_(std::make_unique<Impl>(limits)) { impl_->report.source.kind = "pcap"; }
Analyzer::~Analyzer() = default;
void Analyzer::packet(int link, std::int64_t ts, ByteView frame, std::size_t wire) {
  impl_->packet(link, ts, frame, wire);
}
void Analyzer::warn(const std::string& message) {
  if (impl_->report.source.warnings.size() < 100) impl_->report.source.warnings.push_back(message);
}
Report Analyzer::finish() { return impl_->finish(); }
std::size_t Analyzer::open_flows() const { return impl_->flows.size(); }

}  // namespace legacyscan::passive
