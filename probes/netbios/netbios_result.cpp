// SPDX-License-Identifier: Apache-2.0
#include "probes/netbios/netbios_result.hpp"

#include <algorithm>

#include "legacyscan/engine/port_state.hpp"
#include "legacyscan/strings.hpp"

namespace legacyscan::netbios {

using nlohmann::json;

namespace {

// One table line for a mailslot ping.
void mailslot_row(std::vector<Finding>& out, const char* id, const char* check, const std::optional<MailslotInfo>& m) {
  if (!m) return;
  if (m->outcome.ok() && m->reply) {
    const auto& r = *m->reply;
    std::string v = r.opcode_name + " from " + r.domain_name + "\\" + r.logon_server;
    if (!r.user_name.empty()) v += " (user " + r.user_name + ")";
    v += " [NtVersion " + join(netlogon::nt_version_names(r.NtVersion), "|") + ", local port " +
         std::to_string(m->local_port) + "]";
    out.push_back({"138/udp", id, check, v, Verdict::warn});
  } else if (is_closed(m->outcome)) {
    out.push_back(closed_port("138/udp", id, check, m->outcome, Verdict::good));
  } else if (m->outcome.status == Status::timeout) {
    out.push_back({"138/udp", id, check, "no answer: " + m->outcome.reason, Verdict::good});
  } else {
    out.push_back({"138/udp", id, check,
                   std::string(legacyscan::to_string(m->outcome.status)) + ": " + m->outcome.reason,
                   m->outcome.status == Status::skipped ? Verdict::info : Verdict::failure});
  }
}

}  // namespace

json NetbiosResult::to_json() const { return fields::to_json(*this); }

void NetbiosResult::findings(std::vector<Finding>& out) const {
  const std::size_t first = out.size();
  if (node_status) {
    const auto& n = *node_status;
    if (n.outcome.ok()) {
      std::vector<std::string> names;
      for (const auto& e : n.names) names.push_back(e.name + "<" + e.suffix + ">" + (e.group ? " group" : ""));
      out.push_back({"137/udp", "netbios.node_status", "Node status",
                     n.workgroup + "\\" + n.computer + ": " + join(names), Verdict::warn});
      if (!n.unit_id.empty())
        out.push_back({"137/udp", "netbios.unit_id", "Unit ID (unreliable)", n.unit_id, Verdict::info});
    } else if (is_closed(n.outcome)) {
      out.push_back(closed_port("137/udp", "netbios.node_status", "Node status", n.outcome, Verdict::good));
    } else if (n.outcome.status == Status::timeout) {
      out.push_back({"137/udp", "netbios.node_status", "Node status", "no answer: " + n.outcome.reason, Verdict::good});
    } else {
      out.push_back({"137/udp", "netbios.node_status", "Node status",
                     std::string(legacyscan::to_string(n.outcome.status)) + ": " + n.outcome.reason, Verdict::failure});
    }
  }
  for (const auto& q : name_queries) {
    if (q.outcome.status == Status::skipped) continue;
    std::string v;
    if (!q.outcome.ok())
      v = std::string(legacyscan::to_string(q.outcome.status)) + ": " + q.outcome.reason;
    else
      v = q.found ? "held: " + join(q.addresses) : "not held (" + q.rcode + ")";
    out.push_back({"137/udp", "netbios.name_query." + q.name, "Name query " + q.name, v,
                   q.outcome.ok() ? Verdict::info : Verdict::failure});
  }
  mailslot_row(out, "netbios.sam_logon.v1", "SAM LOGON V1 (any user)", sam_logon);
  mailslot_row(out, "netbios.sam_logon.v1.machine_account", "SAM LOGON V1 (machine account)",
               sam_logon_machine_account);
  mailslot_row(out, "netbios.sam_logon.v5ex", "SAM LOGON V5EX", sam_logon_v5ex);
  mailslot_row(out, "netbios.primary_query", "Primary query", primary_query);
  if (broadcast)
    for (const auto& q : broadcast->queries) {
      std::vector<std::string> who;
      for (const auto& a : q.answers) who.push_back(a.responder + (a.computer.empty() ? "" : " (" + a.computer + ")"));
      out.push_back({"", "netbios.broadcast." + q.request, "Broadcast " + q.request + " to " + broadcast->address,
                     q.answers.empty() ? std::string(legacyscan::to_string(q.outcome.status)) + ": " + q.outcome.reason
                                       : join(who),
                     q.answers.empty() ? Verdict::info : Verdict::warn});
    }
  if (!session_port_139.empty())
    out.push_back(
        {"139/tcp", "netbios.session_139", "Session service", session_port_139,
         session_port_139 == "open" ? Verdict::warn : (session_port_139 == "closed" ? Verdict::good : Verdict::info)});
  if (out.size() == first)
    out.push_back(
        {"", "netbios.probe", "probe", std::string(legacyscan::to_string(status)) + ": " + reason, Verdict::failure});
}

std::vector<std::string> NetbiosResult::sam_logon_replies() const {
  std::vector<std::string> out;
  for (const auto* m : {&sam_logon, &sam_logon_machine_account, &sam_logon_v5ex, &primary_query})
    if (*m && (*m)->reply && (*m)->reply->opcode_name.starts_with("LOGON_SAM")) out.push_back((*m)->reply->opcode_name);
  if (broadcast)
    for (const auto& q : broadcast->queries)
      for (const auto& a : q.answers)
        if (a.reply.starts_with("LOGON_SAM")) out.push_back(a.reply);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace legacyscan::netbios
