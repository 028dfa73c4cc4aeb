// SPDX-License-Identifier: Apache-2.0
// JSON, table and CSV renderings of a passive report.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>
#include <utility>

#include "src/passive/findings.hpp"
#include "src/passive/passive.hpp"

namespace legacyscan::passive {

std::string rfc3339_from_us(std::int64_t us) {
  if (us <= 0) return "";
  const std::time_t t = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

using nlohmann::json;

json tally_json(const Tally& t) {
  json o = json::object();
  for (const auto& [k, v] : t.values) o[k] = v.count;
  return o;
}

// used_by keys are "ADDRESS\tCLIENT\tVIA\tETYPE" (passive.hpp); "(other)" is the overflow of the Tally.
json used_by_json(const Tally& t) {
  json out = json::array();
  for (const auto& [k, v] : t.values) {
    std::vector<std::string> part{""};
    for (char ch : k)
      if (ch == '\t')
        part.emplace_back();
      else
        part.back() += ch;
    if (part.size() != 4) part = {"", k, "", ""};  // "(other)"
    out.push_back(
        {{"address", part[0]}, {"client", part[1]}, {"via", part[2]}, {"etype", part[3]}, {"count", v.count}});
  }
  return out;
}

void seen_json(json& o, const Seen& s) {
  o["first_seen"] = rfc3339_from_us(s.first_us);
  o["last_seen"] = rfc3339_from_us(s.last_us);
}

// {"TLS 1.0": {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": 1}}: the suites per negotiated version.
json suites_json(const std::map<std::string, Tally>& by_version) {
  json o = json::object();
  for (const auto& [version, suites] : by_version) o[version] = tally_json(suites);
  return o;
}

json tls_port_json(const TlsPortFacts& p) {
  json o;
  o["handshakes"] = p.handshakes.count;
  o["versions_offered"] = tally_json(p.versions_offered);
  o["max_version_offered"] = tally_json(p.max_version_offered);
  o["negotiated"] = tally_json(p.negotiated);
  o["cipher_suites"] = tally_json(p.cipher_suites);
  o["negotiated_suites"] = suites_json(p.negotiated_suites);
  o["sni"] = tally_json(p.sni);
  return o;
}

json client_json(const Client& c) {
  json o;
  o["address"] = c.address;
  json names = json::array();
  for (const auto& [k, v] : c.names.values) names.push_back(k);
  o["names"] = std::move(names);
  seen_json(o, c.seen);
  o["messages"] = c.seen.count;
  json protos = json::object();
  if (c.smb) {
    const SmbFacts& s = *c.smb;
    protos["smb"] = {{"connections", s.connections.count},
                     {"dialects_offered", tally_json(s.dialects_offered)},
                     {"negotiated", tally_json(s.negotiated)},
                     {"smb1_sessions", s.smb1_sessions.count},
                     {"ports", tally_json(s.ports)},
                     {"sessions", s.sessions.count},
                     {"signed_sessions", s.signed_sessions.count},
                     {"unsigned_sessions", s.unsigned_sessions.count},
                     {"signed_requests", s.signed_requests.count},
                     {"unsigned_requests", s.unsigned_requests.count},
                     {"session_list", json::array()},
                     {"auth", tally_json(s.auth)},
                     {"session_flags", tally_json(s.session_flags)},
                     {"guest_rejected", tally_json(s.guest_rejected)},
                     {"servers", tally_json(s.servers)}};
    for (const auto& x : s.session_list)
      protos["smb"]["session_list"].push_back({{"server", x.server},
                                               {"session_id", x.id},
                                               {"auth", x.auth},
                                               {"signed_requests", x.signed_requests},
                                               {"unsigned_requests", x.unsigned_requests}});
  }
  if (c.tls) {
    const TlsFacts& t = *c.tls;
    json ports = json::object();
    for (const auto& [port, p] : t.ports) ports[std::to_string(port)] = tls_port_json(p);
    protos["tls"] = {{"handshakes", t.handshakes.count},
                     {"versions_offered", tally_json(t.versions_offered)},
                     {"max_version_offered", tally_json(t.max_version_offered)},
                     {"negotiated", tally_json(t.negotiated)},
                     {"cipher_suites", tally_json(t.cipher_suites)},
                     {"negotiated_suites", suites_json(t.negotiated_suites)},
                     {"sni", tally_json(t.sni)},
                     {"servers", tally_json(t.servers)},
                     {"ports", std::move(ports)}};
  }
  if (c.kerberos) {
    const KerberosFacts& k = *c.kerberos;
    protos["kerberos"] = {{"requests", tally_json(k.requests)},
                          {"etypes_offered", tally_json(k.etypes_offered)},
                          {"offers", tally_json(k.offers)},
                          {"ticket_etypes", tally_json(k.ticket_etypes)},
                          {"session_key_etypes", tally_json(k.session_key_etypes)},
                          {"reply_key_etypes", tally_json(k.reply_key_etypes)},
                          {"transports", tally_json(k.transports)},
                          {"response_too_big", k.response_too_big.count},
                          {"errors", tally_json(k.errors)},
                          {"principals", tally_json(k.principals)},
                          {"services", tally_json(k.services)},
                          {"ap_req_ticket_etypes", tally_json(k.ap_req_ticket_etypes)},
                          {"ap_req_authenticator_etypes", tally_json(k.ap_req_authenticator_etypes)},
                          {"ap_req_via", tally_json(k.ap_req_via)},
                          {"servers", tally_json(k.servers)}};
  }
  if (c.ldap) {
    const LdapFacts& l = *c.ldap;
    protos["ldap"] = {{"binds", l.binds.count},
                      {"simple_binds_cleartext", tally_json(l.simple_binds_cleartext)},
                      {"anonymous_binds", l.anonymous_binds.count},
                      {"sasl_binds", tally_json(l.sasl_binds)},
                      {"sasl_signed", tally_json(l.sasl_signed)},
                      {"sasl_unsigned", tally_json(l.sasl_unsigned)},
                      {"bind_results", tally_json(l.bind_results)},
                      {"starttls", l.starttls.count},
                      {"cldap_pings", l.cldap_pings.count},
                      {"tcp_pings", l.tcp_pings.count},
                      {"ntver", tally_json(l.ntver)},
                      {"servers", tally_json(l.servers)}};
  }
  if (c.netbios) {
    const NetbiosFacts& n = *c.netbios;
    protos["netbios"] = {{"sam_logon_requests", n.sam_logon_requests.count},
                         {"primary_queries", n.primary_queries.count},
                         {"mailslot_ntver", tally_json(n.mailslot_ntver)},
                         {"name_queries", tally_json(n.name_queries)},
                         {"node_status_queries", n.node_status_queries.count},
                         {"registrations", tally_json(n.registrations)},
                         {"servers", tally_json(n.servers)}};
  }
  if (c.remote) {
    const RemoteFacts& v = *c.remote;
    protos["remote_access"] = {{"pptp", v.pptp.count},
                               {"ike_v1_main_mode", v.ike_v1_main_mode.count},
                               {"ike_v1_aggressive", v.ike_v1_aggressive.count},
                               {"ike_v1_proposals", tally_json(v.ike_v1_proposals)},
                               {"ike_v2_sa_init", v.ike_v2_sa_init.count},
                               {"ike_v2_transforms", tally_json(v.ike_v2_transforms)},
                               {"ike_nat_t", v.ike_nat_t.count},
                               {"dtls_client_hellos", v.dtls_client_hellos.count},
                               {"dtls_max_version_offered", tally_json(v.dtls_max_version_offered)},
                               {"dtls_negotiated", tally_json(v.dtls_negotiated)},
                               {"rdp_standard_security", v.rdp_standard_security.count},
                               {"pptp_servers", tally_json(v.pptp_servers)},
                               {"ike_servers", tally_json(v.ike_servers)},
                               {"dtls_servers", tally_json(v.dtls_servers)},
                               {"rdp_servers", tally_json(v.rdp_servers)}};
  }
  if (c.ntlm) {
    const NtlmFacts& n = *c.ntlm;
    protos["ntlm"] = {{"versions", tally_json(n.versions)},
                      {"users", tally_json(n.users)},
                      {"workstations", tally_json(n.workstations)},
                      {"via", tally_json(n.via)},
                      {"servers", tally_json(n.servers)}};
  }
  if (c.netlogon) {
    protos["netlogon"] = {{"events", tally_json(c.netlogon->events)}, {"accounts", tally_json(c.netlogon->accounts)}};
  }
  o["protocols"] = std::move(protos);
  json legacy = json::array();
  for (const auto& f : findings(c))
    legacy.push_back({{"id", f.id}, {"protocol", f.protocol}, {"count", f.count}, {"evidence", f.evidence}});
  o["legacy"] = std::move(legacy);
  return o;
}

}  // namespace

nlohmann::json to_json(const Report& r) {
  json o;
  o["legacyscan_version"] = LEGACYSCAN_VERSION;
  o["mode"] = "passive";
  const SourceStats& s = r.source;
  json src = {{"kind", s.kind},
              {"inputs", s.inputs},
              {"first_seen", rfc3339_from_us(s.first_us)},
              {"last_seen", rfc3339_from_us(s.last_us)}};
  if (s.kind == "events") {
    src["events"] = s.events;
    src["events_used"] = s.events_used;
  } else {
    src["packets"] = s.packets;
    src["bytes"] = s.bytes;
    src["undecodable_packets"] = s.undecodable_packets;
    src["tso_packets"] = s.tso_packets;
    src["ip_fragments"] = s.ip_fragments;
    src["tcp_flows"] = s.tcp_flows;
    src["partial_flows"] = s.partial_flows;
    src["evicted_flows"] = s.evicted_flows;
    src["peak_flows"] = s.peak_flows;
  }
  src["decode_errors"] = s.decode_errors;
  src["warnings"] = s.warnings;
  o["source"] = std::move(src);
  json clients = json::array();
  for (const auto& [k, c] : r.clients) clients.push_back(client_json(c));
  o["clients"] = std::move(clients);
  json servers = json::array();
  for (const auto& [k, sv] : r.servers) servers.push_back({{"name", sv.name}, {"facts", tally_json(sv.facts)}});
  o["servers"] = std::move(servers);
  if (!r.kerberos_accounts.empty()) {
    json accounts = json::array();
    for (const auto& [k, a] : r.kerberos_accounts)
      accounts.push_back({{"name", a.name},
                          {"gets_rc4", a.gets_rc4()},
                          {"roles", tally_json(a.roles)},
                          {"ticket_etypes", tally_json(a.ticket_etypes)},
                          {"session_key_etypes", tally_json(a.session_key_etypes)},
                          {"supported_etypes", tally_json(a.supported_etypes)},
                          {"available_keys", tally_json(a.available_keys)},
                          {"kdcsvc_events", tally_json(a.kdcsvc_events)},
                          {"used_by", used_by_json(a.used_by)}});
    o["kerberos_accounts"] = std::move(accounts);
  }
  return o;
}

namespace {

std::string pad(const std::string& s, std::size_t w) {
  if (s.size() >= w) return s + " ";
  return s + std::string(w - s.size(), ' ');
}

std::string names_of(const Client& c) {
  std::string out;
  for (const auto& [k, v] : c.names.values) out += (out.empty() ? "" : ",") + k;
  return out.empty() ? "-" : out;
}

std::string label(const Client& c) { return c.address.empty() ? names_of(c) : c.address; }

// The NAMES cell of the tables: the names that fit in kNamesMax characters, then "+N" for the others, so
// a client with many names neither runs into the next column nor makes the column as wide as all of them.
constexpr std::size_t kNamesMax = 32;

std::string names_cell(const Client& c) {
  std::string out;
  std::size_t shown = 0;
  for (const auto& [k, v] : c.names.values) {
    const std::size_t rest = c.names.values.size() - shown - 1;
    const std::size_t reserve = rest == 0 ? 0 : 2 + std::to_string(rest).size();  // " +N"
    if ((out.empty() ? 0 : out.size() + 1) + k.size() + reserve > kNamesMax && shown > 0) break;
    out +=
        (out.empty() ? "" : ",") + (k.size() + reserve > kNamesMax ? k.substr(0, kNamesMax - reserve - 3) + "..." : k);
    ++shown;
  }
  if (shown < c.names.values.size()) out += " +" + std::to_string(c.names.values.size() - shown);
  return out.empty() ? "-" : out;
}

// The NAMES column: 16 wide (15 and a space) unless a cell needs more.
std::size_t names_width(const std::vector<const Client*>& clients) {
  std::size_t w = 16;
  for (const auto* c : clients) w = std::max(w, names_cell(*c).size() + 1);
  return w;
}

// The accounts the KDC's events show getting RC4 (tickets, session keys, KDCSVC audit events), with
// what the events say of their keys.
void kerberos_accounts_table(std::ostream& out, const Report& r) {
  std::vector<const KerberosAccountFacts*> rc4;
  for (const auto& [k, a] : r.kerberos_accounts)
    if (a.gets_rc4()) rc4.push_back(&a);
  if (r.kerberos_accounts.empty()) return;
  out << "\nKerberos accounts in the KDC's events: " << r.kerberos_accounts.size() << ", " << rc4.size()
      << " still get RC4\n";
  auto list = [](const Tally& t) {
    std::string s;
    for (const auto& [v, seen] : t.values) s += (s.empty() ? "" : ", ") + v + " x" + std::to_string(seen.count);
    return s.empty() ? std::string("-") : s;
  };
  for (const auto* a : rc4) {
    out << "  " << pad(a->name, 24) << "tickets " << list(a->ticket_etypes) << "; session keys "
        << list(a->session_key_etypes) << "\n";
    if (!a->available_keys.empty()) out << "      keys: " << list(a->available_keys) << "\n";
    if (!a->supported_etypes.empty())
      out << "      msDS-SupportedEncryptionTypes: " << list(a->supported_etypes) << "\n";
    if (!a->kdcsvc_events.empty()) out << "      KDCSVC events: " << list(a->kdcsvc_events) << "\n";
  }
}

}  // namespace

std::string to_table(const Report& r, std::size_t top) {
  std::ostringstream out;
  const SourceStats& s = r.source;
  if (s.kind == "events")
    out << "Passive audit of " << plural(s.events, "event") << " (" << s.events_used << " used)";
  else
    out << "Passive audit of " << plural(s.packets, "packet") << ", " << plural(s.tcp_flows, "TCP flow") << " ("
        << s.partial_flows << " partial)";
  if (s.first_us) out << ", " << rfc3339_from_us(s.first_us) << " .. " << rfc3339_from_us(s.last_us);
  out << ", " << plural(r.clients.size(), "client") << "\n";
  for (const auto& w : s.warnings) out << "warning: " << w << "\n";
  // Top clients per finding.
  std::map<std::string, std::vector<std::pair<const Client*, Finding>>> by_id;
  for (const auto& [k, c] : r.clients)
    for (auto& f : findings(c)) by_id[f.id].emplace_back(&c, f);
  if (by_id.empty()) {
    out << "\nNo legacy protocol use seen.\n";
  } else {
    std::vector<std::string> ids;
    for (const auto& [id, v] : by_id) ids.push_back(id);
    std::sort(ids.begin(), ids.end(),
              [](const std::string& a, const std::string& b) { return severity(a) < severity(b); });
    out << "\nLegacy use (top " << plural(top, "client") << " each)\n";
    std::vector<const Client*> listed;  // every client of a finding (the widest may not make a top list)
    for (const auto& [id, rows] : by_id)
      for (const auto& row : rows) listed.push_back(row.first);
    const std::size_t names_w = names_width(listed);
    out << "  " << pad("FINDING", 22) << pad("CLIENT", 18) << pad("NAMES", names_w) << pad("COUNT", 7) << "EVIDENCE\n";
    for (const auto& id : ids) {
      auto& rows = by_id[id];
      std::stable_sort(rows.begin(), rows.end(),
                       [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
      for (std::size_t i = 0; i < rows.size() && i < top; ++i) {
        const auto& [c, f] = rows[i];
        out << "  " << pad(f.id, 22) << pad(label(*c), 18) << pad(names_cell(*c), names_w)
            << pad(std::to_string(f.count), 7) << f.evidence << "\n";
      }
      if (rows.size() > top)
        out << "  " << pad("", 22) << "... and " << plural(rows.size() - top, "more client") << "\n";
    }
  }
  out << "\nClients\n";
  std::vector<const Client*> all;
  for (const auto& [k, c] : r.clients) all.push_back(&c);
  const std::size_t names_w = names_width(all);
  out << "  " << pad("CLIENT", 18) << pad("NAMES", names_w) << pad("LAST SEEN", 21) << "PROTOCOLS\n";
  for (const auto& [k, c] : r.clients) {
    std::string protos;
    auto add_p = [&protos](bool has, const char* n) {
      if (has) protos += (protos.empty() ? "" : " ") + std::string(n);
    };
    add_p(c.smb.has_value(), "smb");
    add_p(c.tls.has_value(), "tls");
    add_p(c.kerberos.has_value(), "kerberos");
    add_p(c.ldap.has_value(), "ldap");
    add_p(c.netbios.has_value(), "netbios");
    add_p(c.ntlm.has_value(), "ntlm");
    add_p(c.netlogon.has_value(), "netlogon");
    add_p(c.remote.has_value(), "remote");
    out << "  " << pad(label(c), 18) << pad(names_cell(c), names_w) << pad(rfc3339_from_us(c.seen.last_us), 21)
        << protos << "\n";
  }
  kerberos_accounts_table(out, r);
  if (!r.servers.empty()) {
    out << "\nServer-side facts: events, HTTP challenges (no client named)\n";
    for (const auto& [k, sv] : r.servers)
      for (const auto& [fact, seen] : sv.facts.values)
        out << "  " << pad(sv.name.empty() ? "-" : sv.name, 18) << pad(std::to_string(seen.count), 7) << fact << "\n";
  }
  return out.str();
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

std::string to_csv(const Report& r) {
  std::ostringstream out;
  out << "address,names,protocol,item,value,count,first_seen,last_seen\n";
  for (const auto& [k, c] : r.clients) {
    const std::string head = csv_field(c.address) + "," + csv_field(names_of(c)) + ",";
    auto row = [&](const std::string& proto, const std::string& item, const std::string& value, const Seen& s) {
      if (s.count == 0) return;
      out << head << proto << "," << item << "," << csv_field(value) << "," << s.count << ","
          << rfc3339_from_us(s.first_us) << "," << rfc3339_from_us(s.last_us) << "\n";
    };
    auto tally = [&](const std::string& proto, const std::string& item, const Tally& t) {
      for (const auto& [v, s] : t.values) row(proto, item, v, s);
    };
    for (const auto& f : findings(c)) {
      Seen s;
      s.count = f.count;
      s.first_us = c.seen.first_us;
      s.last_us = c.seen.last_us;
      out << head << f.protocol << ",finding," << csv_field(f.id + ": " + f.evidence) << "," << f.count << ",,\n";
    }
    if (c.smb) {
      tally("smb", "dialect_offered", c.smb->dialects_offered);
      tally("smb", "negotiated", c.smb->negotiated);
      row("smb", "smb1_sessions", "", c.smb->smb1_sessions);
      row("smb", "signed_sessions", "", c.smb->signed_sessions);
      row("smb", "unsigned_sessions", "", c.smb->unsigned_sessions);
      row("smb", "signed_requests", "", c.smb->signed_requests);
      row("smb", "unsigned_requests", "", c.smb->unsigned_requests);
      tally("smb", "auth", c.smb->auth);
      tally("smb", "guest_rejected", c.smb->guest_rejected);
      tally("smb", "server", c.smb->servers);
    }
    if (c.tls) {
      for (const auto& [port, p] : c.tls->ports) {
        const std::string pr = "tls:" + std::to_string(port);
        tally(pr, "version_offered", p.versions_offered);
        tally(pr, "negotiated", p.negotiated);
        tally(pr, "cipher_suite", p.cipher_suites);
        tally(pr, "sni", p.sni);
      }
      tally("tls", "server", c.tls->servers);
    }
    if (c.kerberos) {
      tally("kerberos", "request", c.kerberos->requests);
      tally("kerberos", "offer", c.kerberos->offers);
      tally("kerberos", "ticket_etype", c.kerberos->ticket_etypes);
      tally("kerberos", "session_key_etype", c.kerberos->session_key_etypes);
      tally("kerberos", "reply_key_etype", c.kerberos->reply_key_etypes);
      tally("kerberos", "ap_req_ticket_etype", c.kerberos->ap_req_ticket_etypes);
      tally("kerberos", "ap_req_authenticator_etype", c.kerberos->ap_req_authenticator_etypes);
      tally("kerberos", "transport", c.kerberos->transports);
      row("kerberos", "response_too_big", "", c.kerberos->response_too_big);
      tally("kerberos", "principal", c.kerberos->principals);
    }
    if (c.ldap) {
      tally("ldap", "simple_bind_cleartext", c.ldap->simple_binds_cleartext);
      row("ldap", "anonymous_bind", "", c.ldap->anonymous_binds);
      tally("ldap", "sasl_bind", c.ldap->sasl_binds);
      tally("ldap", "sasl_signed", c.ldap->sasl_signed);
      tally("ldap", "sasl_unsigned", c.ldap->sasl_unsigned);
      row("ldap", "cldap_ping", "", c.ldap->cldap_pings);
      tally("ldap", "ntver", c.ldap->ntver);
    }
    if (c.netbios) {
      row("netbios", "sam_logon_request", "", c.netbios->sam_logon_requests);
      row("netbios", "primary_query", "", c.netbios->primary_queries);
      tally("netbios", "name_query", c.netbios->name_queries);
    }
    if (c.ntlm) {
      tally("ntlm", "version", c.ntlm->versions);
      tally("ntlm", "user", c.ntlm->users);
      tally("ntlm", "workstation", c.ntlm->workstations);
    }
    if (c.remote) {
      row("remote", "pptp", "", c.remote->pptp);
      row("remote", "ike_v1_aggressive", "", c.remote->ike_v1_aggressive);
      tally("remote", "ike_v1_proposal", c.remote->ike_v1_proposals);
      tally("remote", "ike_v2_transform", c.remote->ike_v2_transforms);
      tally("remote", "dtls_max_version_offered", c.remote->dtls_max_version_offered);
      tally("remote", "dtls_negotiated", c.remote->dtls_negotiated);
      row("remote", "rdp_standard_security", "", c.remote->rdp_standard_security);
    }
    if (c.netlogon) {
      tally("netlogon", "event", c.netlogon->events);
      tally("netlogon", "account", c.netlogon->accounts);
    }
  }
  for (const auto& [k, sv] : r.servers)
    for (const auto& [fact, seen] : sv.facts.values)
      out << csv_field(sv.name) << ",,server,event," << csv_field(fact) << "," << seen.count << ","
          << rfc3339_from_us(seen.first_us) << "," << rfc3339_from_us(seen.last_us) << "\n";
  return out.str();
}

}  // namespace legacyscan::passive
