// SPDX-License-Identifier: Apache-2.0
// Session-level audit events: who still uses NTLMv1, and which clients meet servers that offer only
// guest access. NTLM/Operational 4020-4023 are the NTLM usage audit of Windows 11 24H2 and Server 2025
// (KB5064479: 4020/4021 on the client, 4022/4023 on the server), 4024/4025 the audit and the block of
// NTLMv1-derived credentials for single sign-on (KB5066470); SMBClient/Security 31017 is a client that
// rejected an insecure guest logon ("Rejected an insecure guest logon.", User name, Server name). The
// field names of 4020-4025 were not in any Microsoft text we could read, so their fields are found by
// a loose match on the label or EventData name ("Client IP", "ClientIP" and "Client_IP" are one key);
// docs/passive.md lists what is read and where each fact comes from.
#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string>
#include <string_view>

#include "src/passive/events_event.hpp"

namespace legacyscan::passive {

namespace {

// Letters and digits only, lower case: "Client IP address" -> "clientipaddress".
std::string squash(std::string_view s) {
  std::string out;
  for (const char ch : s)
    if (std::isalnum(static_cast<unsigned char>(ch)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool blank(const std::string& v) { return v.empty() || v == "-" || v == "(NULL)" || v == "NULL"; }

// The first message label, else EventData name, whose squashed form is one of `keys`; "" when none.
std::string pick(const Event& e, std::initializer_list<std::string_view> keys) {
  for (const auto key : keys) {
    for (const auto& [label, v] : e.fields)
      if (squash(label) == key && !blank(v)) return v;
    for (const auto& [name, v] : e.data)
      if (squash(name) == key && !blank(v)) return v;
  }
  return "";
}

// "NTLM V1", "NTLMv1", "v1", "1" -> "NTLMv1"; the same for v2; "LM" -> "LM"; "" when not a version.
std::string ntlm_version(const std::string& v) {
  const std::string s = squash(v);
  if (s == "ntlmv1" || s == "v1" || s == "1" || s == "ntlm1") return "NTLMv1";
  if (s == "ntlmv2" || s == "v2" || s == "2" || s == "ntlm2") return "NTLMv2";
  if (s == "lm" || s == "lanmanager") return "LM";
  return "";
}

std::string user_of(const Event& e) {
  const std::string user = pick(e, {"username", "accountname", "user", "suppliedusername", "supplieduser"});
  if (user.empty()) return "";
  const std::string domain = pick(e, {"domainname", "accountdomain", "domain", "supplieddomain"});
  return domain.empty() || user.find('\\') != std::string::npos ? user : domain + "\\" + user;
}

bool from_provider(const Event& e, std::string_view needle) {
  return squash(e.provider + " " + e.log).find(needle) != std::string::npos;
}

// 4020-4023: NTLM used, by this machine (4020/4021) or by a remote client against it (4022/4023).
bool ntlm_usage(Report& r, const Event& e) {
  const bool outgoing = e.id == 4020 || e.id == 4021;
  std::string address, name;
  if (outgoing) {
    name = e.machine;
  } else {
    address = pick(e, {"clientip", "clientipaddress", "clientaddress", "ipaddress", "sourcenetworkaddress"});
    name = pick(e, {"clientname", "clientmachinename", "workstationname", "workstation", "machinename"});
  }
  Client* c = client_for(r, address, name, e.ts);
  const std::string id = std::to_string(e.id);
  if (!c) {
    ServerSummary& s = r.servers[e.machine];
    s.name = e.machine;
    s.facts.hit(id + " incoming NTLM without a client address or name", e.ts);
    return true;
  }
  NtlmFacts& n = c->ntlm_facts();
  const std::string version = ntlm_version(pick(e, {"ntlmversion", "ntlmprotocolversion", "version", "protocol"}));
  n.versions.hit(version.empty() ? "NTLM (version not logged)" : version, e.ts);
  if (const auto user = user_of(e); !user.empty()) n.users.hit(user, e.ts);
  if (!outgoing && !name.empty()) n.workstations.hit(name, e.ts);
  const std::string target = outgoing ? pick(e, {"targetname", "targetserver", "servername", "target"}) : e.machine;
  if (!blank(target)) n.servers.hit(target, e.ts);
  n.via.hit("event " + id, e.ts);
  return true;
}

// 4024 (audit) and 4025 (blocked): the logging machine asked for NTLMv1-derived credentials.
bool ntlmv1_sso(Report& r, const Event& e) {
  Client* c = client_for(r, "", e.machine, e.ts);
  if (!c) return false;
  NtlmFacts& n = c->ntlm_facts();
  n.versions.hit("NTLMv1", e.ts);
  if (const auto user = user_of(e); !user.empty()) n.users.hit(user, e.ts);
  const std::string target = pick(e, {"targetname", "targetserver", "servername", "target"});
  if (!target.empty()) n.servers.hit(target, e.ts);
  n.via.hit(e.id == 4024 ? "event 4024: NTLMv1-derived credentials, audit"
                         : "event 4025: NTLMv1-derived credentials, blocked",
            e.ts);
  return true;
}

// 31017 on the client: "Rejected an insecure guest logon." with the user and the server it named.
bool guest_rejected(Report& r, const Event& e) {
  Client* c = client_for(r, "", e.machine, e.ts);
  if (!c) return false;
  std::string server = pick(e, {"servername", "server"});
  server.erase(0, server.find_first_not_of('\\'));  // "\\172.31.30.112" -> "172.31.30.112"
  SmbFacts& s = c->smb_facts();
  s.guest_rejected.hit(server.empty() ? "(server not named)" : server, e.ts);
  if (!server.empty()) s.servers.hit(server, e.ts);
  return true;
}

}  // namespace

bool handle_session_audit_event(Report& r, const Event& e) {
  if (e.id >= 4020 && e.id <= 4025) {
    if (!from_provider(e, "ntlm")) return false;
    return e.id <= 4023 ? ntlm_usage(r, e) : ntlmv1_sso(r, e);
  }
  if (e.id == 31017 && from_provider(e, "smbclient")) return guest_rejected(r, e);
  return false;
}

}  // namespace legacyscan::passive
