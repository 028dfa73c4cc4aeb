// SPDX-License-Identifier: Apache-2.0
#include "probes/kerberos/kerberos_identity.hpp"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>

#include "legacyscan/engine/net.hpp"
#include "src/proto/ldap/ldap_codec.hpp"

namespace legacyscan::kerberos {

namespace asio = boost::asio;

namespace {

// One LDAP ping over UDP 389 ([MS-ADTS] 6.3.3, NtVer V5EX, no DnsDomain: every DC answers with its
// own domain): the realm and the DC's NetBIOS name when nothing else told them (the ldap probe, which
// would have, was not selected). One datagram and its retries; nothing when no DC answers.
asio::awaitable<std::optional<netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY>> ldap_ping(ProbeContext& ctx) {
  constexpr std::int32_t id = 1;
  ldap::LdapPing ping;
  ping.NtVer = netlogon::NETLOGON_NT_VERSION_5EX;
  const Bytes request = ldap::encode_search_request(id, ldap::make_ldap_ping(ping));
  UdpExchange how;
  how.port = 389;
  how.accept = [](ByteView d) {
    auto m = ldap::decode_ldap_messages(d);
    return m && !m->empty() && m->front().messageID == id;
  };
  auto reply = co_await udp_exchange(ctx, request, how);
  if (!reply.outcome.ok()) co_return std::nullopt;
  auto messages = ldap::decode_ldap_messages(reply.datagram);
  if (!messages) co_return std::nullopt;
  auto search = ldap::collect_search_response(*messages, id);
  if (!search) co_return std::nullopt;
  auto answer = ldap::ldap_ping_response(*search);
  if (!answer || !answer->has_value()) co_return std::nullopt;
  co_return std::move(**answer);
}

}  // namespace

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

PrincipalName parse_principal(const std::string& text) {
  PrincipalName p{KRB_NT_PRINCIPAL, {}};
  std::string part;
  for (char c : text) {
    if (c == '/') {
      p.name_string.push_back(part);
      part.clear();
    } else {
      part.push_back(c);
    }
  }
  p.name_string.push_back(part);
  return p;
}

std::string realm_from_dns_name(const std::string& host) {
  if (host.empty()) return {};
  const auto dots = std::count(host.begin(), host.end(), '.');
  if (dots == 0) return {};
  if (dots == 1) return upper(host);
  return upper(host.substr(host.find('.') + 1));
}

Identity resolve_identity(const ProbeContext& ctx) {
  Identity id;
  std::string principal_realm;
  if (auto p = ctx.settings.option("kerberos-principal")) {
    id.principal = *p;
    id.principal_source = "option";
    if (auto at = id.principal.rfind('@'); at != std::string::npos) {
      principal_realm = id.principal.substr(at + 1);
      id.principal.resize(at);
    }
  }
  if (auto r = ctx.settings.option("realm")) {
    id.realm = upper(*r);
    id.realm_source = "option";
  } else if (!principal_realm.empty()) {
    id.realm = upper(principal_realm);
    id.realm_source = "option";
  } else if (auto d = ctx.facts.get("dns_domain"); d && !d->empty()) {
    id.realm = upper(*d);
    id.realm_source = "smb/ldap";
  }
  if (id.principal.empty()) {
    if (auto nb = ctx.facts.get("netbios_computer"); nb && !nb->empty()) {
      id.principal = upper(*nb) + "$";
      id.principal_source = "smb/ldap";
    } else if (!ctx.host_name.empty() && ctx.host_name.find('.') != std::string::npos) {
      id.principal = upper(ctx.host_name.substr(0, ctx.host_name.find('.'))) + "$";
      id.principal_source = "dns-name";
    } else {
      // krbtgt exists in every realm; a Windows KDC may answer it with CLIENT_REVOKED.
      id.principal = "krbtgt";
      id.principal_source = "fallback";
    }
  }
  return id;
}

asio::awaitable<bool> discover_realm(ProbeContext& ctx, Identity& id, const std::optional<KrbError>& first_error,
                                     const std::string& ask_realm, const std::string& dns_realm) {
  // A KDC that names a realm other than the one asked (Windows: KDC_ERR_WRONG_REALM) tells us
  // its own; Samba echoes whatever it was asked, which tells nothing. Then the target's DNS
  // name; with a bare address, the DC's answer to one LDAP ping.
  std::string said;
  if (first_error) said = first_error->crealm.value_or(first_error->realm);
  std::optional<netlogon::NETLOGON_SAM_LOGON_RESPONSE_ANY> dc;
  if ((said.empty() || upper(said) == upper(ask_realm)) && dns_realm.empty())
    if (!ctx.finished_result || !ctx.finished_result("ldap")) dc = co_await ldap_ping(ctx);
  if (!said.empty() && upper(said) != upper(ask_realm)) {
    id.realm = said;
    id.realm_source = "kdc";
  } else if (dc && !dc->DnsDomainName.empty()) {
    id.realm = upper(dc->DnsDomainName);
    id.realm_source = "cldap";
    if ((id.principal_source == "fallback" || id.principal_source == "dns-name") && !dc->NetbiosComputerName.empty()) {
      id.principal = upper(dc->NetbiosComputerName) + "$";
      id.principal_source = "cldap";
    }
  } else if (!dns_realm.empty()) {
    id.realm = dns_realm;
    id.realm_source = "dns-name";
  } else {
    co_return false;
  }
  co_return true;
}

}  // namespace legacyscan::kerberos
