// SPDX-License-Identifier: Apache-2.0
// The findings of a client: what in its facts is legacy protocol use, with evidence, most serious
// first.
#include <algorithm>
#include <cctype>

#include "src/passive/findings.hpp"

namespace legacyscan::passive {

namespace {

bool is_etype_rc4(const std::string& n) { return n.rfind("rc4", 0) == 0; }
bool is_etype_des(const std::string& n) { return n.rfind("des-", 0) == 0; }
bool is_etype_aes(const std::string& n) { return n.rfind("aes", 0) == 0 || n.rfind("camellia", 0) == 0; }

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
                                              "pptp",
                                              "smb1",
                                              "smb-guest",
                                              "ssl2",
                                              "ssl3",
                                              "des",
                                              "ldap-cleartext-bind",
                                              "ike-aggressive",
                                              "rdp-standard-security",
                                              "tls1.0",
                                              "tls1.1",
                                              "dtls1.0",
                                              "ike-v1",
                                              "rc4",
                                              "netlogon-vulnerable",
                                              "netlogon-unsealed",
                                              "sam-logon",
                                              "ldap-unsigned-sasl",
                                              "smb-unsigned",
                                              "smb-null-session",
                                              "netbios-name-query",
                                              "cldap"};
  return order;
}

}  // namespace

std::string keys(const Tally& t, std::size_t max) {
  std::string out;
  std::size_t n = 0;
  for (const auto& [k, v] : t.values) {
    if (n++ == max) return out + ", ...";
    out += (out.empty() ? "" : ", ") + k;
  }
  return out;
}

std::string plural(std::uint64_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::size_t severity(const std::string& id) {
  const auto& o = severity_order();
  return static_cast<std::size_t>(std::find(o.begin(), o.end(), id) - o.begin());
}

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
    const std::uint64_t guest = s.session_flags.count("guest"), rejected = merged(s.guest_rejected).count;
    std::string guest_evidence = guest ? "guest sessions (SessionFlags IS_GUEST) with " + keys(s.servers) : "";
    if (rejected)
      guest_evidence += (guest ? "; " : "") + std::string("insecure guest logons rejected (event 31017) to ") +
                        keys(s.guest_rejected, 3);
    add(out, "smb-guest", "smb", guest_evidence, guest + rejected);
    add(out, "smb-null-session", "smb", "null sessions (SessionFlags IS_NULL) with " + keys(s.servers),
        s.session_flags.count("null"));
    add(out, "smb-unsigned", "smb",
        plural(s.unsigned_sessions.count, "unsigned SMB session") + " with " + keys(s.servers),
        s.unsigned_sessions.count);
  }
  if (c.ntlm) {
    const NtlmFacts& n = *c.ntlm;
    const std::string who = (n.users.empty() ? "" : " as " + keys(n.users, 3)) +
                            (n.servers.empty() ? "" : " to " + keys(n.servers, 3)) +
                            (n.via.empty() ? "" : ", via " + keys(n.via, 2));
    add(out, "lm", "ntlm", "LM challenge response" + who, n.versions.count("LM"));
    add(out, "ntlmv1", "ntlm", "NTLMv1 challenge response" + who, n.versions.count("NTLMv1"));
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
        const auto suites = t.negotiated_suites.find(name);
        add(out, id, "tls",
            std::string("negotiated ") + name + " (" +
                (suites == t.negotiated_suites.end() ? std::string("?") : keys(suites->second, 3)) + ") on port " +
                ports + " with " + keys(t.servers, 3) + (max_offered ? std::string(", offers at most ") + name : ""),
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
    for (const Tally* t : {&k.ticket_etypes, &k.session_key_etypes, &k.reply_key_etypes, &k.ap_req_ticket_etypes,
                           &k.ap_req_authenticator_etypes})
      for (const auto& [key, seen] : t->values) {
        // AP-REQ ticket etypes are keyed "service: etype".
        const auto colon = key.rfind(": ");
        const std::string e = colon == std::string::npos ? key : key.substr(colon + 2);
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
                                     {"reply key ", &k.reply_key_etypes},
                                     {"service ticket ", &k.ap_req_ticket_etypes}})
        if (!t->empty()) where += (where.empty() ? "" : ", ") + std::string(label) + keys(*t);
      add(out, "rc4", "kerberos", "RC4 keys in tickets and replies: " + where, rc4_used);
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
  if (c.remote) remote_findings(c, out);
  std::stable_sort(out.begin(), out.end(),
                   [](const Finding& a, const Finding& b) { return severity(a.id) < severity(b.id); });
  return out;
}

}  // namespace legacyscan::passive
