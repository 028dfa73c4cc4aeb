// SPDX-License-Identifier: Apache-2.0
// The NetBIOS probe's typed result. JSON key names are a contract with scripts (docs/probes/netbios.md);
// each struct lists them once in fields() (legacyscan/engine/fields.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/probe.hpp"
#include "src/proto/netlogon/netlogon_mailslot.hpp"

namespace legacyscan::netbios {

// One name of the NODE STATUS answer.
struct NameEntry {
  std::string name;    // printable(): non-ASCII bytes shown as \xNN
  std::string suffix;  // "1C"
  std::string type;    // what the suffix means for this kind of name
  bool group = false;
  std::string node_type;           // "B", "P", "M", "H"
  std::vector<std::string> flags;  // "active", "permanent", "conflict", "deregistering"

  template <class V>
  void fields(V& v) {
    v("name", name);
    v("suffix", suffix);
    v("type", type);
    v("group", group);
    v("node_type", node_type);
    v("flags", flags);
  }
};

struct NodeStatusInfo {
  Outcome outcome;
  std::vector<NameEntry> names;
  std::string workgroup;         // the domain/workgroup the node belongs to (its <1C>/<1B>/group <00> name)
  std::string computer;          // its unique <00> (else <20>) name
  std::string unit_id;           // "f0:97:21:84:89:7f": the MAC field; not trustworthy (Samba fills changing bytes)
  bool source_port_137 = false;  // the request left from UDP port 137
  std::string source_port_note;  // why it did not
  int attempts = 0;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("attempts", attempts);
    v("source_port_137", source_port_137);
    v.optional("source_port_note", source_port_note);
    if (!v.when(outcome.ok())) return;
    v("names", names);
    v("workgroup", workgroup);
    v("computer", computer);
    v("unit_id", unit_id);
    // Samba fills the unit ID with changing bytes; Windows with one adapter's MAC.
    v.computed("unit_id_reliable", [] { return nlohmann::json(false); });
  }
};

// A NAME QUERY for one name at the target (unicast, RD clear: "do you hold this name?").
struct NameQueryInfo {
  Outcome outcome;
  std::string name;  // "LEGACY<1C>"
  bool found = false;
  std::string rcode;  // "OK", "NAM_ERR", ...
  bool group = false;
  std::vector<std::string> addresses;
  std::uint32_t ttl = 0;
  bool source_port_137 = false;
  std::string source_port_note;
  int attempts = 0;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("name", name);
    if (!v.when(outcome.status != Status::skipped)) return;
    v("attempts", attempts);
    v("source_port_137", source_port_137);
    v.optional("source_port_note", source_port_note);
    if (!v.when(outcome.ok())) return;
    v("found", found);
    v("rcode", rcode);
    if (!v.when(found)) return;
    v("group", group);
    v("addresses", addresses);
    v("ttl", ttl);
  }
};

// One NETLOGON mailslot request over the datagram service and the reply it drew.
struct MailslotInfo {
  Outcome outcome;
  std::string request;      // "LOGON_SAM_LOGON_REQUEST", "LOGON_PRIMARY_QUERY"
  std::string destination;  // "LEGACY<1C>"
  std::uint32_t nt_version_sent = 0;
  std::string user_sent;  // the UnicodeUserName of a SAM LOGON request ("" = any)
  std::uint32_t account_control_sent = 0;
  std::optional<netlogon::NetlogonReply> reply;
  std::string reply_from;        // "127.0.0.1:138": where the reply datagram came from (UDP source)
  std::uint16_t local_port = 0;  // the port bound here and written into SOURCE_PORT
  bool local_port_138 = false;
  std::string local_port_note;  // why 138 was not used
  int attempts = 0;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("request", request);
    // A request skipped before anything was sent has nothing more to say.
    if (outcome.status == Status::skipped)
      v.optional("attempts", attempts);
    else
      v("attempts", attempts);
    if (!v.when(outcome.status != Status::skipped || attempts != 0)) return;
    v("destination", destination);
    v("nt_version_sent", nt_version_sent);
    v.computed("nt_version_sent_flags", [&] { return nlohmann::json(netlogon::nt_version_names(nt_version_sent)); });
    if (v.when(request == "LOGON_SAM_LOGON_REQUEST")) {
      v("user_sent", user_sent);
      v("account_control_sent", account_control_sent);
    }
    v("local_port", local_port);
    v("local_port_138", local_port_138);
    v.optional("local_port_note", local_port_note);
    if (!v.flattened(reply, "reply_opcode")) return;
    auto& r = *reply;
    v("reply_opcode", r.Opcode);
    v("reply", r.opcode_name);
    v("reply_format", r.format);
    v("reply_from", reply_from);
    v("pdc_name", r.logon_server);
    v("logon_server", r.logon_server_raw);
    v("domain", r.domain_name);
    if (v.when(r.format != "PRIMARY")) v("user", r.user_name);
    v("nt_version", r.NtVersion);
    v.computed("nt_version_flags", [&] { return nlohmann::json(netlogon::nt_version_names(r.NtVersion)); });
    v("lmnt_token", r.LmNtToken);
    v("lm20_token", r.Lm20Token);
    v.optional("ds_flags", r.Flags);
    if (v.when(r.Flags.has_value()))
      v.computed("ds_flag_names", [&] { return nlohmann::json(netlogon::ds_flag_names(r.Flags.value_or(0))); });
    if (v.when(r.format == "V5" || r.format == "V5EX")) {
      v("domain_guid", r.domain_guid);
      v("dns_forest", r.dns_forest_name);
      v("dns_domain", r.dns_domain_name);
      v("dns_host", r.dns_host_name);
    }
    v.optional("dc_address", r.dc_ip_address);
    if (v.when(r.format == "V5EX")) {
      v("dc_site", r.dc_site_name);
      v("client_site", r.client_site_name);
      v.optional("next_closest_site", r.next_closest_site_name);
    }
  }
};

// One answer to a broadcast request: who sent it and what it said.
struct BroadcastAnswer {
  std::string responder;               // "127.0.0.1:137": the UDP source of the answer
  std::string computer;                // node status: unique <00>/<20> name; SAM LOGON: the answering DC
  std::string workgroup;               // node status: the domain/workgroup; SAM LOGON: the domain it answered for
  std::vector<std::string> addresses;  // name query: the addresses the answer lists
  std::string reply;                   // SAM LOGON: the reply opcode's name

  template <class V>
  void fields(V& v) {
    v("responder", responder);
    v.optional("computer", computer);
    v.optional("workgroup", workgroup);
    v.optional("addresses", addresses);
    v.optional("reply", reply);
  }
};

// One request sent to the broadcast address (--broadcast) and every answer heard within the deadline.
struct BroadcastQuery {
  Outcome outcome;      // ok when at least one answer came; timeout (silence) otherwise
  std::string request;  // "NODE STATUS", "NAME QUERY LEGACY<1C>", "LOGON_SAM_LOGON_REQUEST"
  int sent = 0;         // datagrams sent (first try and resends within the window)
  std::uint16_t local_port = 0;
  std::vector<BroadcastAnswer> answers;
  std::string malformed;  // the last malformed answer, when any came

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("request", request);
    v("sent", sent);
    v("local_port", local_port);
    v.optional("malformed", malformed);
    v("answers", answers);
  }
};

struct BroadcastInfo {
  std::string address;  // the broadcast address given
  std::vector<BroadcastQuery> queries;

  template <class V>
  void fields(V& v) {
    v("address", address);
    v("queries", queries);
  }
};

struct NetbiosResult final : ProbeResult {
  std::optional<BroadcastInfo> broadcast;  // only with --broadcast
  std::optional<NodeStatusInfo> node_status;
  std::vector<NameQueryInfo> name_queries;
  std::string domain;                                     // the NetBIOS domain the mailslot requests went to
  std::string domain_source;                              // "option", "host-facts", "node-status", "" (unknown)
  std::optional<MailslotInfo> sam_logon;                  // V1, empty user (as Windows XP asks for any DC)
  std::optional<MailslotInfo> sam_logon_machine_account;  // V1, the scanner's machine account
  std::optional<MailslotInfo> sam_logon_v5ex;             // V5 | V5EX, empty user
  std::optional<MailslotInfo> primary_query;
  std::string session_port_139;  // "open", "closed", "filtered", "" when not checked
  std::string session_port_139_reason;

  [[nodiscard]] nlohmann::json to_json() const override;
  void findings(std::vector<Finding>& out) const override;
  // Every answer to a mailslot SAM LOGON (LOGON_SAM_LOGON_RESPONSE[_EX], LOGON_SAM_USER_UNKNOWN...),
  // directed or broadcast, sorted and without repeats: what a client locating a DC this way gets.
  [[nodiscard]] std::vector<std::string> sam_logon_replies() const;

  template <class V>
  void fields(V& v) {
    v.outcome(status, reason);
    v.optional("node_status", node_status);
    v.optional("name_queries", name_queries);
    v.optional("domain", domain);
    if (v.when(!domain.empty())) v("domain_source", domain_source);
    v.optional("sam_logon", sam_logon);
    v.optional("sam_logon_machine_account", sam_logon_machine_account);
    v.optional("sam_logon_v5ex", sam_logon_v5ex);
    v.optional("primary_query", primary_query);
    v.optional("broadcast", broadcast);
    v.optional("session_port_139", session_port_139);
    if (v.when(!session_port_139.empty())) v.optional("session_port_139_reason", session_port_139_reason);
  }
};

}  // namespace legacyscan::netbios
