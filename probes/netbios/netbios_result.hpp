// SPDX-License-Identifier: Apache-2.0
// The NetBIOS probe's typed result. JSON key names are a contract with scripts (docs/probes/netbios.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
};

struct NodeStatusInfo {
  Outcome outcome;
  std::vector<NameEntry> names;
  std::string workgroup;  // the domain/workgroup the node belongs to (its <1C>/<1B>/group <00> name)
  std::string computer;   // its unique <00> (else <20>) name
  std::string unit_id;    // "f0:97:21:84:89:7f": the MAC field; not trustworthy (Samba fills changing bytes)
  bool source_port_137 = false;  // the request left from UDP port 137
  std::string source_port_note;  // why it did not
  int attempts = 0;
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
  std::string reply_from;  // "127.0.0.1:138": where the reply datagram came from (UDP source)
  std::uint16_t local_port = 0;  // the port bound here and written into SOURCE_PORT
  bool local_port_138 = false;
  std::string local_port_note;   // why 138 was not used
  int attempts = 0;
};

// One answer to a broadcast request: who sent it and what it said.
struct BroadcastAnswer {
  std::string responder;  // "127.0.0.1:137": the UDP source of the answer
  std::string computer;   // node status: unique <00>/<20> name; SAM LOGON: the answering DC
  std::string workgroup;  // node status: the domain/workgroup; SAM LOGON: the domain it answered for
  std::vector<std::string> addresses;  // name query: the addresses the answer lists
  std::string reply;      // SAM LOGON: the reply opcode's name
};

// One request sent to the broadcast address (--broadcast) and every answer heard within the deadline.
struct BroadcastQuery {
  Outcome outcome;            // ok when at least one answer came; timeout (silence) otherwise
  std::string request;        // "NODE STATUS", "NAME QUERY LEGACY<1C>", "LOGON_SAM_LOGON_REQUEST"
  int sent = 0;               // datagrams sent (first try and resends within the window)
  std::uint16_t local_port = 0;
  std::vector<BroadcastAnswer> answers;
  std::string malformed;      // the last malformed answer, when any came
};

struct BroadcastInfo {
  std::string address;  // the broadcast address given
  std::vector<BroadcastQuery> queries;
};

struct NetbiosResult final : ProbeResult {
  std::optional<BroadcastInfo> broadcast;  // only with --broadcast
  std::optional<NodeStatusInfo> node_status;
  std::vector<NameQueryInfo> name_queries;
  std::string domain;         // the NetBIOS domain the mailslot requests went to
  std::string domain_source;  // "option", "host-facts", "node-status", "" (unknown)
  std::optional<MailslotInfo> sam_logon;                  // V1, empty user (as Windows XP asks for any DC)
  std::optional<MailslotInfo> sam_logon_machine_account;  // V1, the scanner's machine account
  std::optional<MailslotInfo> sam_logon_v5ex;             // V5 | V5EX, empty user
  std::optional<MailslotInfo> primary_query;
  std::string session_port_139;  // "open", "closed", "filtered", "" when not checked
  std::string session_port_139_reason;

  [[nodiscard]] nlohmann::json to_json() const override;
  void table_rows(std::vector<TableRow>& out) const override;
};

}  // namespace legacyscan::netbios
