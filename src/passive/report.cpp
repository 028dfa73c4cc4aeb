// SPDX-License-Identifier: Apache-2.0
// Findings, JSON / table / CSV renderings and the what-if of a passive report.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

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

bool is_etype_rc4(const std::string& n) {
  return n.rfind("rc4", 0) == 0;
}
bool is_etype_des(const std::string& n) {
  return n.rfind("des-", 0) == 0;
}
bool is_etype_aes(const std::string& n) {
  return n.rfind("aes", 0) == 0 || n.rfind("camellia", 0) == 0;
}

std::string keys(const Tally& t, std::size_t max = 6) {
  std::string out;
  std::size_t n = 0;
  for (const auto& [k, v] : t.values) {
    if (n++ == max) return out + ", ...";
    out += (out.empty() ? "" : ", ") + k;
  }
  return out;
}

std::string plural(std::uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

Seen merged(const Tally& t) {
  Seen s;
  for (const auto& [k, v] : t.values) s.merge(v);
  return s;
}

void add(std::vector<Finding>& out, std::string id, std::string proto, std::string evidence, std::uint64_t count) {
  if (count == 0) return;
  out.push_back(Finding{std::move(id), std::move(proto), std::move(evidence), count});
}

const std::vector<std::string>& severity_order() {
  static const std::vector<std::string> order{"lm",
                                              "ntlmv1",
                                              "smb1",
                                              "ssl2",
                                              "ssl3",
                                              "des",
                                              "ldap-cleartext-bind",
                                              "tls1.0",
                                              "tls1.1",
                                              "rc4",
                                              "netlogon-vulnerable",
                                              "netlogon-unsealed",
                                              "sam-logon",
                                              "ldap-unsigned-sasl",
                                              "smb-unsigned",
                                              "netbios-name-query",
                                              "cldap"};
  return order;
}

std::size_t severity(const std::string& id) {
  const auto& o = severity_order();
  return static_cast<std::size_t>(std::find(o.begin(), o.end(), id) - o.begin());
}

}  // namespace

std::vector<Finding> findings(const Client& c) {
  std::vector<Finding> out;
  if (c.smb) {
    const SmbFacts& s = *c.smb;
    if (s.smb1_sessions.count) {
      Tally smb1_dialects;
      for (const auto& [k, v] : s.negotiated.values)
        if (!k.empty() && !std::isdigit(static_cast<unsigned char>(k[0])))
          smb1_dialects.values[k] = v;  // SMB2+ names are "2.0.2"...
      add(out, "smb1", "smb",
          "negotiated " + keys(smb1_dialects) + " with " + keys(s.servers) + " (" +
              plural(s.smb1_sessions.count, "SMB1 connection") + (s.ports.empty() ? "" : ", port " + keys(s.ports)) +
              ")",
          s.smb1_sessions.count);
    } else {
      bool smb2 = false;
      for (const auto& [k, v] : s.dialects_offered.values)
        if (k.rfind("SMB 2", 0) == 0 || std::isdigit(static_cast<unsigned char>(k[0]))) smb2 = true;
      if (!smb2 && !s.dialects_offered.empty())
        add(out, "smb1", "smb", "offered only SMB1 dialects: " + keys(s.dialects_offered), s.connections.count);
    }
    add(out, "smb-unsigned", "smb",
        plural(s.unsigned_sessions.count, "unsigned SMB session") + " with " + keys(s.servers),
        s.unsigned_sessions.count);
  }
  if (c.ntlm) {
    const NtlmFacts& n = *c.ntlm;
    const std::string who = n.users.empty() ? "" : " as " + keys(n.users, 3);
    add(out, "lm", "ntlm", "LM challenge response" + who + " to " + keys(n.servers, 3), n.versions.count("LM"));
    add(out, "ntlmv1", "ntlm", "NTLMv1 challenge response" + who + " to " + keys(n.servers, 3),
        n.versions.count("NTLMv1"));
  }
  if (c.tls) {
    const TlsFacts& t = *c.tls;
    const std::pair<const char*, const char*> old[] = {
        {"ssl2", "SSL 2.0"}, {"ssl3", "SSL 3.0"}, {"tls1.0", "TLS 1.0"}, {"tls1.1", "TLS 1.1"}};
    for (const auto& [id, name] : old) {
      const std::uint64_t negotiated = t.negotiated.count(name);
      const std::uint64_t max_offered = t.max_version_offered.count(name);
      if (negotiated) {
        std::string ports;
        for (const auto& [port, p] : t.ports)
          if (p.negotiated.has(name)) ports += (ports.empty() ? "" : ", ") + std::to_string(port);
        add(out, id, "tls",
            std::string("negotiated ") + name + " (" + keys(t.cipher_suites, 3) + ") on port " + ports + " with " +
                keys(t.servers, 3) + (max_offered ? std::string(", offers at most ") + name : ""),
            negotiated);
      } else if (max_offered) {
        add(out, id, "tls", std::string("offers at most ") + name + " to " + keys(t.servers, 3), max_offered);
      }
    }
  }
  if (c.kerberos) {
    const KerberosFacts& k = *c.kerberos;
    std::uint64_t rc4_only = 0, des_only = 0;
    std::string rc4_offer, des_offer;
    for (const auto& [offer, seen] : k.offers.values) {
      bool aes = false, rc4 = false, des = false;
      std::stringstream ss(offer);
      std::string e;
      while (std::getline(ss, e, ',')) {
        aes |= is_etype_aes(e);
        rc4 |= is_etype_rc4(e);
        des |= is_etype_des(e);
      }
      if (!aes && rc4) rc4_only += seen.count, rc4_offer = offer;
      if (!aes && !rc4 && des) des_only += seen.count, des_offer = offer;
    }
    std::uint64_t rc4_used = 0, des_used = 0;
    for (const Tally* t : {&k.ticket_etypes, &k.session_key_etypes, &k.reply_key_etypes})
      for (const auto& [e, seen] : t->values) {
        if (is_etype_rc4(e)) rc4_used += seen.count;
        if (is_etype_des(e)) des_used += seen.count;
      }
    if (rc4_only)
      add(out, "rc4", "kerberos", "offers no AES etype: " + rc4_offer + " (" + plural(rc4_only, "request") + ")",
          rc4_only);
    else if (rc4_used) {
      std::string where;
      for (const auto& [label, t] : {std::pair<const char*, const Tally*>{"ticket ", &k.ticket_etypes},
                                     {"session key ", &k.session_key_etypes},
                                     {"reply key ", &k.reply_key_etypes}})
        if (!t->empty()) where += (where.empty() ? "" : ", ") + std::string(label) + keys(*t);
      add(out, "rc4", "kerberos", "RC4 keys in replies: " + where, rc4_used);
    }
    if (des_only)
      add(out, "des", "kerberos", "offers only DES: " + des_offer + " (" + plural(des_only, "request") + ")", des_only);
    else if (des_used)
      add(out, "des", "kerberos", "DES keys in replies: ticket " + keys(k.ticket_etypes), des_used);
  }
  if (c.ldap) {
    const LdapFacts& l = *c.ldap;
    std::uint64_t clear = 0;
    for (const auto& [dn, seen] : l.simple_binds_cleartext.values) clear += seen.count;
    add(out, "ldap-cleartext-bind", "ldap",
        "simple bind with a password over cleartext LDAP as " + keys(l.simple_binds_cleartext, 3) + " to " +
            keys(l.servers, 3),
        clear);
    std::uint64_t unsigned_sasl = 0;
    for (const auto& [m, seen] : l.sasl_unsigned.values) unsigned_sasl += seen.count;
    add(out, "ldap-unsigned-sasl", "ldap",
        "SASL bind without signing (" + keys(l.sasl_unsigned) + ") to " + keys(l.servers, 3), unsigned_sasl);
    add(out, "cldap", "ldap", "LDAP pings over UDP (CLDAP), NtVer " + keys(l.ntver, 3), l.cldap_pings.count);
  }
  if (c.netbios) {
    const NetbiosFacts& n = *c.netbios;
    const std::uint64_t mailslot = n.sam_logon_requests.count + n.primary_queries.count;
    add(out, "sam-logon", "netbios",
        std::to_string(n.sam_logon_requests.count) + " SAM LOGON and " + std::to_string(n.primary_queries.count) +
            " PRIMARY QUERY mailslot requests (NtVersion " + keys(n.mailslot_ntver, 3) + ") to " + keys(n.servers, 3),
        mailslot);
    const Seen q = merged(n.name_queries);
    add(out, "netbios-name-query", "netbios", "NetBIOS name queries for " + keys(n.name_queries, 4),
        q.count + n.node_status_queries.count);
  }
  if (c.netlogon) {
    const NetlogonFacts& n = *c.netlogon;
    std::uint64_t vulnerable = 0, unsealed = 0;
    for (const auto& [e, seen] : n.events.values) {
      if (e.rfind("58", 0) == 0 && e.size() >= 4 && e[2] == '2')
        vulnerable += seen.count;  // 5827-5831
      else
        unsealed += seen.count;  // 5838-5841
    }
    add(out, "netlogon-vulnerable", "netlogon",
        "vulnerable Netlogon secure channel (" + keys(n.events, 3) + ") for " + keys(n.accounts, 3), vulnerable);
    add(out, "netlogon-unsealed", "netlogon",
        "Netlogon RPC without sealing (" + keys(n.events, 3) + ") for " + keys(n.accounts, 3), unsealed);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Finding& a, const Finding& b) { return severity(a.id) < severity(b.id); });
  return out;
}

namespace {

json tally_json(const Tally& t) {
  json o = json::object();
  for (const auto& [k, v] : t.values) o[k] = v.count;
  return o;
}

void seen_json(json& o, const Seen& s) {
  o["first_seen"] = rfc3339_from_us(s.first_us);
  o["last_seen"] = rfc3339_from_us(s.last_us);
}

json tls_port_json(const TlsPortFacts& p) {
  json o;
  o["handshakes"] = p.handshakes.count;
  o["versions_offered"] = tally_json(p.versions_offered);
  o["max_version_offered"] = tally_json(p.max_version_offered);
  o["negotiated"] = tally_json(p.negotiated);
  o["cipher_suites"] = tally_json(p.cipher_suites);
  o["sni"] = tally_json(p.sni);
  return o;
}

json client_json(const Client& c) {
  json o;
  o["address"] = c.address;
  json names = json::array();
  for (const auto& [k, v] : c.names.values) names.push_back(k);
  o["names"] = names;
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
                     {"signed_sessions", s.signed_sessions.count},
                     {"unsigned_sessions", s.unsigned_sessions.count},
                     {"auth", tally_json(s.auth)},
                     {"servers", tally_json(s.servers)}};
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
                     {"sni", tally_json(t.sni)},
                     {"servers", tally_json(t.servers)},
                     {"ports", ports}};
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
  o["protocols"] = protos;
  json legacy = json::array();
  for (const auto& f : findings(c))
    legacy.push_back({{"id", f.id}, {"protocol", f.protocol}, {"count", f.count}, {"evidence", f.evidence}});
  o["legacy"] = legacy;
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
    src["ip_fragments"] = s.ip_fragments;
    src["tcp_flows"] = s.tcp_flows;
    src["partial_flows"] = s.partial_flows;
    src["evicted_flows"] = s.evicted_flows;
    src["peak_flows"] = s.peak_flows;
  }
  src["decode_errors"] = s.decode_errors;
  src["warnings"] = s.warnings;
  o["source"] = src;
  json clients = json::array();
  for (const auto& [k, c] : r.clients) clients.push_back(client_json(c));
  o["clients"] = clients;
  json servers = json::array();
  for (const auto& [k, sv] : r.servers) servers.push_back({{"name", sv.name}, {"facts", tally_json(sv.facts)}});
  o["servers"] = servers;
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

std::string label(const Client& c) {
  return c.address.empty() ? names_of(c) : c.address;
}

}  // namespace

std::string to_table(const Report& r, std::size_t top) {
  std::ostringstream out;
  const SourceStats& s = r.source;
  if (s.kind == "events")
    out << "Passive audit of " << s.events << " events (" << s.events_used << " used)";
  else
    out << "Passive audit of " << s.packets << " packets, " << s.tcp_flows << " TCP flows (" << s.partial_flows
        << " partial)";
  if (s.first_us) out << ", " << rfc3339_from_us(s.first_us) << " .. " << rfc3339_from_us(s.last_us);
  out << ", " << r.clients.size() << " clients\n";
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
    out << "\nLegacy use (top " << top << " clients each)\n";
    out << "  " << pad("FINDING", 22) << pad("CLIENT", 18) << pad("NAMES", 16) << pad("COUNT", 7) << "EVIDENCE\n";
    for (const auto& id : ids) {
      auto& rows = by_id[id];
      std::stable_sort(rows.begin(), rows.end(),
                       [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
      for (std::size_t i = 0; i < rows.size() && i < top; ++i) {
        const auto& [c, f] = rows[i];
        out << "  " << pad(f.id, 22) << pad(label(*c), 18) << pad(names_of(*c), 16) << pad(std::to_string(f.count), 7)
            << f.evidence << "\n";
      }
      if (rows.size() > top) out << "  " << pad("", 22) << "... and " << rows.size() - top << " more clients\n";
    }
  }
  out << "\nClients\n";
  out << "  " << pad("CLIENT", 18) << pad("NAMES", 16) << pad("LAST SEEN", 21) << "PROTOCOLS\n";
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
    out << "  " << pad(label(c), 18) << pad(names_of(c), 16) << pad(rfc3339_from_us(c.seen.last_us), 21) << protos
        << "\n";
  }
  if (!r.servers.empty()) {
    out << "\nServer-side events (no client named)\n";
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
      tally("smb", "auth", c.smb->auth);
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

// ---- what if ------------------------------------------------------------------------------------

std::optional<std::vector<CaptureWhatIfRow>> capture_whatif(const Report& r, const std::vector<std::string>& disable,
                                                            const std::vector<std::string>& require,
                                                            std::string& error) {
  static const std::vector<std::string> kDisable{"smb1",   "smb2.0.2", "smb2.1",  "rc4",   "des",    "ssl3",
                                                 "tls1.0", "tls1.1",   "netbios", "cldap", "ntlmv1", "ntlm"};
  static const std::vector<std::string> kRequire{"smb-signing", "ldap-signing"};
  for (const auto& d : disable)
    if (std::find(kDisable.begin(), kDisable.end(), d) == kDisable.end()) {
      error = "--disable " + d +
              ": unknown (known: smb1, smb2.0.2, smb2.1, rc4, des, ssl3, tls1.0, tls1.1, netbios, cldap, ntlmv1, ntlm)";
      return std::nullopt;
    }
  for (const auto& q : require)
    if (std::find(kRequire.begin(), kRequire.end(), q) == kRequire.end()) {
      error = "--require " + q + ": unknown (known: smb-signing, ldap-signing)";
      return std::nullopt;
    }
  if (disable.empty() && require.empty()) {
    error = "name at least one --disable or --require";
    return std::nullopt;
  }
  auto off = [&](const std::string& x) { return std::find(disable.begin(), disable.end(), x) != disable.end(); };
  std::vector<CaptureWhatIfRow> rows;
  for (const auto& client : r.clients) {
    const auto& c = client.second;  // a named reference: clang 14 cannot capture structured bindings
    std::vector<std::string> names;
    for (const auto& [n, s] : c.names.values) names.push_back(n);
    auto row = [&](const std::string& change, const char* verdict, const std::string& evidence) {
      rows.push_back(CaptureWhatIfRow{c.address, names, change, verdict, evidence});
    };
    const auto fs = findings(c);
    auto find = [&](const std::string& id) -> const Finding* {
      for (const auto& f : fs)
        if (f.id == id) return &f;
      return nullptr;
    };
    if (off("smb1"))
      if (auto f = find("smb1")) row("smb1 off", "breaks", f->evidence);
    if (c.smb) {
      for (const char* d : {"smb2.0.2", "smb2.1"}) {
        if (!off(d)) continue;
        const std::string name = std::string(d).substr(3);
        // A client breaks when the disabled dialect is the highest one it offered.
        std::string best;
        for (const auto& [k, s] : c.smb->dialects_offered.values)
          if (!k.empty() && std::isdigit(static_cast<unsigned char>(k[0])) && k > best) best = k;
        if (best == name)
          row(std::string(d) + " off", "breaks", "offers at most SMB " + name + " to " + keys(c.smb->servers, 3));
      }
    }
    if (off("rc4") && c.kerberos) {
      if (auto f = find("rc4"); f && f->evidence.rfind("offers no AES", 0) == 0)
        row("rc4 off", "breaks", f->evidence);
      else if (f)
        row("rc4 off", "at-risk", f->evidence + " (the accounts need AES keys)");
    }
    if (off("des"))
      if (auto f = find("des")) row("des off", "breaks", f->evidence);
    if (c.tls) {
      // The client breaks when every version it offered is switched off.
      std::vector<std::string> offered;
      for (const auto& [v, s] : c.tls->max_version_offered.values) offered.push_back(v);
      const std::pair<const char*, const char*> map[] = {
          {"ssl3", "SSL 3.0"}, {"tls1.0", "TLS 1.0"}, {"tls1.1", "TLS 1.1"}};
      for (const auto& [id, name] : map) {
        if (!off(id) || !c.tls->max_version_offered.has(name)) continue;
        row(std::string(id) + " off", "breaks",
            std::string("offers at most ") + name + " to " + keys(c.tls->servers, 3) + " (" +
                plural(c.tls->max_version_offered.count(name), "handshake") + ")");
      }
      for (const auto& [id, name] : map) {
        if (!off(id) || c.tls->max_version_offered.has(name) || !c.tls->negotiated.has(name)) continue;
        row(std::string(id) + " off", "at-risk",
            std::string("negotiated ") + name + " although it offers more; it will move up");
      }
    }
    if (off("netbios") && c.netbios) {
      if (auto f = find("sam-logon"))
        row("netbios off", "breaks", f->evidence);
      else if (auto g = find("netbios-name-query"))
        row("netbios off", "at-risk", g->evidence);
    }
    if (off("cldap"))
      if (auto f = find("cldap")) row("cldap off", "breaks", f->evidence);
    if (off("ntlmv1")) {
      if (auto f = find("ntlmv1")) row("ntlmv1 off", "breaks", f->evidence);
      if (auto f = find("lm")) row("ntlmv1 off", "breaks", f->evidence);
    }
    if (off("ntlm") && c.ntlm)
      row("ntlm off", "breaks", "NTLM authentication (" + keys(c.ntlm->versions) + ") to " + keys(c.ntlm->servers, 3));
    for (const auto& q : require) {
      if (q == "smb-signing")
        if (auto f = find("smb-unsigned"))
          row("smb-signing required", "at-risk", f->evidence + " (the client must sign)");
      if (q == "ldap-signing") {
        if (auto f = find("ldap-cleartext-bind")) row("ldap-signing required", "breaks", f->evidence);
        if (auto f = find("ldap-unsigned-sasl")) row("ldap-signing required", "breaks", f->evidence);
      }
    }
  }
  return rows;
}

nlohmann::json capture_whatif_to_json(const std::vector<CaptureWhatIfRow>& rows,
                                      const std::vector<std::string>& disable,
                                      const std::vector<std::string>& require) {
  json o;
  o["disable"] = disable;
  o["require"] = require;
  json list = json::array();
  for (const auto& r : rows)
    list.push_back({{"address", r.address},
                    {"names", r.names},
                    {"change", r.change},
                    {"verdict", r.verdict},
                    {"evidence", r.evidence}});
  o["clients"] = list;
  return o;
}

}  // namespace legacyscan::passive
