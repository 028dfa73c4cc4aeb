// SPDX-License-Identifier: Apache-2.0
// NetBIOS over UDP: name queries and registrations (port 137, RFC 1002 4.2) and the NETLOGON mailslot
// requests of the datagram service (port 138): the SAM LOGON and primary queries of old DC discovery.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "legacyscan/strings.hpp"
#include "src/passive/handler.hpp"
#include "src/proto/netbios/netbios_codec.hpp"
#include "src/proto/netlogon/netlogon_mailslot.hpp"

namespace legacyscan::passive {

void netbios_name_service(ConnInfo& ci, ByteView payload, std::int64_t ts) {
  auto q = netbios::decode_name_service_request(payload);
  if (!q) return void(++ci.stats->decode_errors);
  Client& c = ci.cl(ts);
  NetbiosFacts& n = c.netbios_facts();
  n.servers.hit(ci.server, ts);
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "<%02x>", q->QUESTION_NAME.suffix);
  const std::string name = q->QUESTION_NAME.name + suffix;
  if (q->header.OPCODE == 0) {
    if (q->QUESTION_TYPE == netbios::RR_TYPE_NBSTAT)
      n.node_status_queries.hit(ts);
    else
      n.name_queries.hit(name, ts);
  } else if (q->header.OPCODE == 5 || q->header.OPCODE == 8 || q->header.OPCODE == 9) {
    n.registrations.hit(name, ts);
    if (!q->QUESTION_NAME.name.empty() && q->QUESTION_NAME.name[0] != '*') c.names.hit(q->QUESTION_NAME.name, ts);
  }
}

void netbios_name_response(Report& report, const std::string& responder, ByteView payload, std::int64_t ts) {
  auto node_status = netbios::decode_node_status_response(payload);
  if (!node_status) {
    // Query answers (OPCODE 0) are read; registration, release and WACK answers are left alone.
    const bool query = payload.size() >= 3 && ((payload[2] >> 3) & 0x0f) == 0;
    if (query && !netbios::decode_name_query_response(payload)) ++report.source.decode_errors;
    return;
  }
  auto it = report.clients.find(responder);
  if (it == report.clients.end()) return;
  for (const auto& n : node_status->NODE_NAME_ARRAY)
    if (!n.group() && (n.suffix == 0x00 || n.suffix == 0x20) && !n.name.empty()) it->second.names.hit(n.name, ts);
}

void netbios_datagram(ConnInfo& ci, ByteView payload, std::int64_t ts) {
  auto d = netbios::decode_datagram(payload);
  if (!d) return void(++ci.stats->decode_errors);
  if (!d->direct) return;
  auto m = netbios::decode_mailslot_write(d->direct->USER_DATA);
  if (!m) return;
  std::string slot = m->mailslot_name;
  std::transform(slot.begin(), slot.end(), slot.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  if (slot != netbios::kNetlogonMailslot) return;
  auto r = netlogon::decode_netlogon_request(m->data);
  if (!r) return void(++ci.stats->decode_errors);
  Client& c = ci.cl(ts);
  NetbiosFacts& n = c.netbios_facts();
  n.servers.hit(ci.server, ts);
  if (r->Opcode == 0x12)
    n.sam_logon_requests.hit(ts);
  else if (r->Opcode == 0x07)
    n.primary_queries.hit(ts);
  else
    return;
  n.mailslot_ntver.hit(join(netlogon::nt_version_names(r->NtVersion), "|"), ts);
  if (!d->direct->SOURCE_NAME.name.empty()) c.names.hit(d->direct->SOURCE_NAME.name, ts);
  if (!r->ComputerName.empty()) c.names.hit(r->ComputerName, ts);
}

}  // namespace legacyscan::passive
