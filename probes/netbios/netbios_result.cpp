// SPDX-License-Identifier: Apache-2.0
#include "probes/netbios/netbios_result.hpp"

#include "legacyscan/strings.hpp"

namespace legacyscan::netbios {

using nlohmann::json;

namespace {

void put_outcome(json& j, const Outcome& o) {
  j["status"] = legacyscan::to_string(o.status);
  if (!o.ok()) j["reason"] = o.reason;
}

json node_status_json(const NodeStatusInfo& n) {
  json j;
  put_outcome(j, n.outcome);
  j["attempts"] = n.attempts;
  j["source_port_137"] = n.source_port_137;
  if (!n.source_port_note.empty()) j["source_port_note"] = n.source_port_note;
  if (!n.outcome.ok()) return j;
  json names = json::array();
  for (const auto& e : n.names)
    names.push_back(json{{"name", e.name},
                         {"suffix", e.suffix},
                         {"type", e.type},
                         {"group", e.group},
                         {"node_type", e.node_type},
                         {"flags", e.flags}});
  j["names"] = std::move(names);
  j["workgroup"] = n.workgroup;
  j["computer"] = n.computer;
  j["unit_id"] = n.unit_id;
  j["unit_id_reliable"] = false;  // Samba fills it with changing bytes; Windows with one adapter's MAC
  return j;
}

json name_query_json(const NameQueryInfo& q) {
  json j;
  put_outcome(j, q.outcome);
  j["name"] = q.name;
  if (q.outcome.status == Status::skipped) return j;
  j["attempts"] = q.attempts;
  j["source_port_137"] = q.source_port_137;
  if (!q.source_port_note.empty()) j["source_port_note"] = q.source_port_note;
  if (!q.outcome.ok()) return j;
  j["found"] = q.found;
  j["rcode"] = q.rcode;
  if (q.found) {
    j["group"] = q.group;
    j["addresses"] = q.addresses;
    j["ttl"] = q.ttl;
  }
  return j;
}

json mailslot_json(const MailslotInfo& m) {
  json j;
  put_outcome(j, m.outcome);
  j["request"] = m.request;
  if (m.outcome.status == Status::skipped && m.attempts == 0) return j;
  j["destination"] = m.destination;
  j["nt_version_sent"] = m.nt_version_sent;
  j["nt_version_sent_flags"] = netlogon::nt_version_names(m.nt_version_sent);
  if (m.request == "LOGON_SAM_LOGON_REQUEST") {
    j["user_sent"] = m.user_sent;
    j["account_control_sent"] = m.account_control_sent;
  }
  j["local_port"] = m.local_port;
  j["local_port_138"] = m.local_port_138;
  if (!m.local_port_note.empty()) j["local_port_note"] = m.local_port_note;
  j["attempts"] = m.attempts;
  if (!m.reply) return j;
  const auto& r = *m.reply;
  j["reply_opcode"] = r.Opcode;
  j["reply"] = r.opcode_name;
  j["reply_format"] = r.format;
  j["reply_from"] = m.reply_from;
  j["pdc_name"] = r.logon_server;
  j["logon_server"] = r.logon_server_raw;
  j["domain"] = r.domain_name;
  if (r.format != "PRIMARY") j["user"] = r.user_name;
  j["nt_version"] = r.NtVersion;
  j["nt_version_flags"] = netlogon::nt_version_names(r.NtVersion);
  j["lmnt_token"] = r.LmNtToken;
  j["lm20_token"] = r.Lm20Token;
  if (r.Flags) {
    j["ds_flags"] = *r.Flags;
    j["ds_flag_names"] = netlogon::ds_flag_names(*r.Flags);
  }
  if (r.format == "V5" || r.format == "V5EX") {
    j["domain_guid"] = r.domain_guid;
    j["dns_forest"] = r.dns_forest_name;
    j["dns_domain"] = r.dns_domain_name;
    j["dns_host"] = r.dns_host_name;
  }
  if (!r.dc_ip_address.empty()) j["dc_address"] = r.dc_ip_address;
  if (r.format == "V5EX") {
    j["dc_site"] = r.dc_site_name;
    j["client_site"] = r.client_site_name;
    if (!r.next_closest_site_name.empty()) j["next_closest_site"] = r.next_closest_site_name;
  }
  return j;
}

json broadcast_json(const BroadcastInfo& b) {
  json j;
  j["address"] = b.address;
  json queries = json::array();
  for (const auto& q : b.queries) {
    json qj;
    put_outcome(qj, q.outcome);
    qj["request"] = q.request;
    qj["sent"] = q.sent;
    qj["local_port"] = q.local_port;
    if (!q.malformed.empty()) qj["malformed"] = q.malformed;
    json answers = json::array();
    for (const auto& a : q.answers) {
      json aj{{"responder", a.responder}};
      if (!a.computer.empty()) aj["computer"] = a.computer;
      if (!a.workgroup.empty()) aj["workgroup"] = a.workgroup;
      if (!a.addresses.empty()) aj["addresses"] = a.addresses;
      if (!a.reply.empty()) aj["reply"] = a.reply;
      answers.push_back(std::move(aj));
    }
    qj["answers"] = std::move(answers);
    queries.push_back(std::move(qj));
  }
  j["queries"] = std::move(queries);
  return j;
}

// One table line for a mailslot ping.
void mailslot_row(std::vector<TableRow>& out, const char* check, const std::optional<MailslotInfo>& m) {
  if (!m) return;
  if (m->outcome.ok() && m->reply) {
    const auto& r = *m->reply;
    std::string v = r.opcode_name + " from " + r.domain_name + "\\" + r.logon_server;
    if (!r.user_name.empty()) v += " (user " + r.user_name + ")";
    v += " [NtVersion " + join(netlogon::nt_version_names(r.NtVersion), "|") + ", local port " + std::to_string(m->local_port) + "]";
    out.push_back({"138/udp", check, v, Verdict::warn});
  } else if (m->outcome.status == Status::refused || m->outcome.status == Status::timeout) {
    out.push_back({"138/udp", check, "no answer: " + m->outcome.reason, Verdict::good});
  } else {
    out.push_back({"138/udp", check, std::string(legacyscan::to_string(m->outcome.status)) + ": " + m->outcome.reason,
                   m->outcome.status == Status::skipped ? Verdict::info : Verdict::failure});
  }
}

}  // namespace

json NetbiosResult::to_json() const {
  json j;
  j["status"] = legacyscan::to_string(status);
  if (status != Status::ok) j["reason"] = reason;
  if (node_status) j["node_status"] = node_status_json(*node_status);
  if (!name_queries.empty()) {
    json a = json::array();
    for (const auto& q : name_queries) a.push_back(name_query_json(q));
    j["name_queries"] = std::move(a);
  }
  if (!domain.empty()) {
    j["domain"] = domain;
    j["domain_source"] = domain_source;
  }
  if (sam_logon) j["sam_logon"] = mailslot_json(*sam_logon);
  if (sam_logon_machine_account) j["sam_logon_machine_account"] = mailslot_json(*sam_logon_machine_account);
  if (sam_logon_v5ex) j["sam_logon_v5ex"] = mailslot_json(*sam_logon_v5ex);
  if (primary_query) j["primary_query"] = mailslot_json(*primary_query);
  if (broadcast) j["broadcast"] = broadcast_json(*broadcast);
  if (!session_port_139.empty()) {
    j["session_port_139"] = session_port_139;
    if (!session_port_139_reason.empty()) j["session_port_139_reason"] = session_port_139_reason;
  }
  return j;
}

void NetbiosResult::table_rows(std::vector<TableRow>& out) const {
  if (node_status) {
    const auto& n = *node_status;
    if (n.outcome.ok()) {
      std::vector<std::string> names;
      for (const auto& e : n.names) names.push_back(e.name + "<" + e.suffix + ">" + (e.group ? " group" : ""));
      out.push_back({"137/udp", "Node status", n.workgroup + "\\" + n.computer + ": " + join(names), Verdict::warn});
      if (!n.unit_id.empty()) out.push_back({"137/udp", "Unit ID (unreliable)", n.unit_id, Verdict::info});
    } else if (n.outcome.status == Status::refused || n.outcome.status == Status::timeout) {
      out.push_back({"137/udp", "Node status", "no answer: " + n.outcome.reason, Verdict::good});
    } else {
      out.push_back({"137/udp", "Node status", std::string(legacyscan::to_string(n.outcome.status)) + ": " + n.outcome.reason,
                     Verdict::failure});
    }
  }
  for (const auto& q : name_queries) {
    if (q.outcome.status == Status::skipped) continue;
    std::string v;
    if (!q.outcome.ok())
      v = std::string(legacyscan::to_string(q.outcome.status)) + ": " + q.outcome.reason;
    else
      v = q.found ? "held: " + join(q.addresses) : "not held (" + q.rcode + ")";
    out.push_back({"137/udp", "Name query " + q.name, v, q.outcome.ok() ? Verdict::info : Verdict::failure});
  }
  mailslot_row(out, "SAM LOGON V1 (any user)", sam_logon);
  mailslot_row(out, "SAM LOGON V1 (machine account)", sam_logon_machine_account);
  mailslot_row(out, "SAM LOGON V5EX", sam_logon_v5ex);
  mailslot_row(out, "Primary query", primary_query);
  if (broadcast)
    for (const auto& q : broadcast->queries) {
      std::vector<std::string> who;
      for (const auto& a : q.answers)
        who.push_back(a.responder + (a.computer.empty() ? "" : " (" + a.computer + ")"));
      out.push_back({"", "Broadcast " + q.request + " to " + broadcast->address,
                     q.answers.empty() ? std::string(legacyscan::to_string(q.outcome.status)) + ": " + q.outcome.reason
                                       : join(who),
                     q.answers.empty() ? Verdict::info : Verdict::warn});
    }
  if (!session_port_139.empty())
    out.push_back({"139/tcp", "Session service", session_port_139, session_port_139 == "open" ? Verdict::warn : Verdict::info});
  if (out.empty()) out.push_back({"", "probe", std::string(legacyscan::to_string(status)) + ": " + reason, Verdict::failure});
}

}  // namespace legacyscan::netbios
