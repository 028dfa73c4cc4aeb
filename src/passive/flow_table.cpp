// SPDX-License-Identifier: Apache-2.0
#include "src/passive/flow_table.hpp"

#include <algorithm>
#include <optional>

namespace legacyscan::passive {

namespace {

bool endpoint_less(const Endpoint& x, const Endpoint& y) {
  if (x.addr != y.addr) return x.addr < y.addr;
  return x.port < y.port;
}

// Between two ports neither of which tells the server (DCOM and other RPC on dynamic ports, a
// capture that began after the SYN), the first payload may: a DCE-RPC request, bind, alter_context
// or rpc_auth_3 (C706 12.6.4: PTYPE 0, 11, 14, 16) or a TLS ClientHello comes from the client, a
// DCE-RPC response, bind_ack or alter_context_resp (2, 12, 15) or a ServerHello from the server.
std::optional<bool> sent_by_client(ByteView payload) {
  if (payload.size() >= 3 && payload[0] == 5 && payload[1] <= 1) {
    const std::uint8_t ptype = payload[2];
    if (ptype == 0 || ptype == 11 || ptype == 14 || ptype == 16) return true;
    if (ptype == 2 || ptype == 12 || ptype == 15) return false;
  }
  if (payload.size() >= 6 && payload[0] == 0x16 && payload[1] == 3) {
    if (payload[5] == 1) return true;
    if (payload[5] == 2) return false;
  }
  return std::nullopt;
}

}  // namespace

Proto proto_for_port(std::uint16_t port) {
  switch (port) {
    case 445:
    case 139: return Proto::smb;
    case 88:
    case 464: return Proto::kerberos;
    case 389:
    case 3268: return Proto::ldap;
    case 25:
    case 587:
    case 110:
    case 143:
    case 21: return Proto::starttls;
    case 135: return Proto::dcerpc;
    case 3389: return Proto::rdp;
    case 80:
    case 8080:
    case 5985: return Proto::http;
    case 1723: return Proto::pptp;
    case 636:
    case 3269:
    case 443:
    case 465:
    case 993:
    case 995:
    case 5986:
    case 8443: return Proto::tls;
    default: return Proto::unknown;
  }
}

bool well_known(std::uint16_t port) { return proto_for_port(port) != Proto::unknown || port < 1024; }

ConnInfo conn_info(Report& report, const Endpoint& client, const Endpoint& server, bool ipv6) {
  ConnInfo ci;
  ci.report = &report;
  ci.stats = &report.source;
  ci.client = address_string(client.addr, ipv6);
  const std::string s = address_string(server.addr, ipv6);
  ci.server = (ipv6 ? "[" + s + "]" : s) + ":" + std::to_string(server.port);
  ci.server_port = server.port;
  return ci;
}

void FlowTable::tcp(const Packet& p, std::int64_t ts) {
  Endpoint s{p.src, p.src_port}, d{p.dst, p.dst_port};
  FlowKey key;
  key.ipv6 = p.ipv6;
  const bool s_first = endpoint_less(s, d);
  key.a = s_first ? s : d;
  key.b = s_first ? d : s;
  auto it = flows_.find(key);
  if (it == flows_.end()) {
    if (p.payload.empty() && !(p.tcp_flags & kTcpSyn)) return;  // a bare ACK/FIN of a flow we do not track
    if (flows_.size() >= limits_.max_flows) {
      sweep(ts, true);
      if (flows_.size() >= limits_.max_flows) evict_one();
    }
    Flow f;
    f.ipv6 = p.ipv6;
    // The client: the SYN sender; otherwise the side not on a well-known port.
    bool src_is_client;
    if ((p.tcp_flags & kTcpSyn) && !(p.tcp_flags & kTcpAck))
      src_is_client = true;
    else if ((p.tcp_flags & kTcpSyn) && (p.tcp_flags & kTcpAck))
      src_is_client = false;
    else if (well_known(p.dst_port) != well_known(p.src_port))
      src_is_client = well_known(p.dst_port);
    else if (auto by_content = sent_by_client(p.payload))
      src_is_client = *by_content;
    else
      src_is_client = p.dst_port < p.src_port;
    f.client = src_is_client ? s : d;
    f.server = src_is_client ? d : s;
    it = flows_.emplace(key, std::move(f)).first;
    ++report_.source.tcp_flows;
    report_.source.peak_flows = std::max<std::uint64_t>(report_.source.peak_flows, flows_.size());
  }
  Flow& f = it->second;
  f.last_ts = ts;
  const int dir = (f.client == s) ? 0 : 1;
  Direction& D = f.dir[dir];
  if (p.tcp_flags & kTcpSyn) {
    D.have_seq = true;
    D.next_seq = p.seq + 1;
    return;
  }
  if (p.tcp_flags & kTcpRst) {
    f.rst = true;
    close(f);
    flows_.erase(key);
    return;
  }
  if (!p.payload.empty()) {
    if (!f.decided) {
      if (dir == 1 && proto_for_port(f.server.port) == Proto::unknown) {
        // Server speaks first on an unknown port: nothing we decode.
        f.decided = true;
        f.proto = Proto::ignore;
      } else if (dir == 0 || proto_for_port(f.server.port) != Proto::unknown) {
        ensure_handler(f, dir == 0 ? p.payload : ByteView{});
      }
    }
    reassemble(f, dir, p.seq, p.payload, ts, limits_);
  }
  if (p.tcp_flags & kTcpFin) {
    D.fin = true;
    if (f.dir[0].fin && f.dir[1].fin) {
      close(f);
      flows_.erase(key);
    }
  }
}

void FlowTable::ensure_handler(Flow& f, ByteView first_client_bytes) {
  if (f.decided) return;
  f.decided = true;
  ConnInfo ci = conn_info(report_, f.client, f.server, f.ipv6);
  Proto proto = proto_for_port(f.server.port);
  if (proto == Proto::unknown && first_client_bytes.size() >= 3 && first_client_bytes[0] == 0x16 &&
      first_client_bytes[1] == 0x03)
    proto = Proto::tls;
  // A DCE-RPC bind on a port the endpoint mapper handed out (C706 12.6.3: version 5, PTYPE bind).
  if (proto == Proto::unknown && first_client_bytes.size() >= 3 && first_client_bytes[0] == 5 &&
      first_client_bytes[1] <= 1 && first_client_bytes[2] == 11)
    proto = Proto::dcerpc;
  f.proto = proto;
  switch (proto) {
    case Proto::smb: f.handler = make_smb_handler(ci); break;
    case Proto::tls: f.handler = make_tls_handler(ci); break;
    case Proto::kerberos: f.handler = make_kerberos_tcp_handler(ci); break;
    case Proto::ldap: f.handler = make_ldap_handler(ci, false); break;
    case Proto::starttls: f.handler = make_starttls_text_handler(ci); break;
    case Proto::dcerpc: f.handler = make_dcerpc_handler(ci); break;
    case Proto::rdp: f.handler = make_rdp_handler(ci); break;
    case Proto::http: f.handler = make_http_handler(ci); break;
    case Proto::pptp: f.handler = make_pptp_handler(ci); break;
    default: f.proto = Proto::ignore; break;
  }
}

void FlowTable::close(Flow& f) {
  bool partial = f.partial;
  for (auto& D : f.dir) {
    if (!D.ooo.empty() || (!D.buf.empty() && !D.stopped)) partial = true;
  }
  if (f.handler && !f.handler->complete()) partial = true;
  if (f.handler) f.handler->finish();
  if (partial && f.proto != Proto::ignore && f.proto != Proto::unknown) ++report_.source.partial_flows;
}

void FlowTable::sweep(std::int64_t now, bool aggressive) {
  const std::int64_t idle = aggressive ? limits_.idle_timeout_us / 10 : limits_.idle_timeout_us;
  for (auto it = flows_.begin(); it != flows_.end();) {
    if (now - it->second.last_ts > idle) {
      close(it->second);
      it = flows_.erase(it);
    } else {
      ++it;
    }
  }
}

void FlowTable::evict_one() {
  auto victim = flows_.begin();
  for (auto it = flows_.begin(); it != flows_.end(); ++it)
    if (it->second.last_ts < victim->second.last_ts) victim = it;
  if (victim == flows_.end()) return;
  victim->second.partial = true;
  close(victim->second);
  flows_.erase(victim);
  ++report_.source.evicted_flows;
}

void FlowTable::close_all() {
  for (auto& [k, f] : flows_) close(f);
  flows_.clear();
}

}  // namespace legacyscan::passive
