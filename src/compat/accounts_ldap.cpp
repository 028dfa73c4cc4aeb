// SPDX-License-Identifier: Apache-2.0
#include "src/compat/accounts_ldap.hpp"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "probes/ldap/ldap_connection.hpp"
#include "src/compat/accounts_tickets.hpp"

namespace legacyscan::accounts {

namespace asio = boost::asio;
using namespace legacyscan::ldap;

namespace {

constexpr std::uint16_t kLdapsPort = 636;
constexpr std::uint16_t kLdapPort = 389;
constexpr std::int32_t kPageSize = 500;
constexpr std::size_t kMaxAccounts = 1'000'000;  // a directory that never stops paging is cut here

const std::vector<std::string>& account_attributes() {
  static const std::vector<std::string> a{
      "sAMAccountName",     "objectClass", "servicePrincipalName", "msDS-SupportedEncryptionTypes",
      "userAccountControl", "pwdLastSet",  "whenCreated"};
  return a;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

template <class T>
std::optional<T> number(const std::string& s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "DC=example,DC=test" from "EXAMPLE.TEST".
std::string base_dn(const std::string& realm) {
  std::string dn, part;
  for (char c : realm + ".") {
    if (c != '.') {
      part += c;
      continue;
    }
    if (!part.empty()) dn += (dn.empty() ? "DC=" : ",DC=") + lower(part);
    part.clear();
  }
  return dn;
}

DirectoryAccount to_account(const SearchResultEntry& e) {
  DirectoryAccount a;
  a.sam = e.first("sAMAccountName");
  a.spns = e.all("servicePrincipalName");
  if (auto v = number<std::int64_t>(e.first("msDS-SupportedEncryptionTypes")))
    a.supported_etypes = static_cast<std::uint32_t>(*v);
  if (auto v = number<std::int64_t>(e.first("userAccountControl"))) a.uac = static_cast<std::uint32_t>(*v);
  if (auto v = number<std::uint64_t>(e.first("pwdLastSet")); v && *v != 0) {
    a.pwd_last_set = filetime_to_rfc3339(*v);
    a.pwd_last_set_s = static_cast<std::int64_t>(*v / 10'000'000);
  }
  a.when_created = e.first("whenCreated");
  a.kind = kind_of(e.all("objectClass"), a.uac, a.sam, !a.spns.empty());
  return a;
}

}  // namespace

asio::awaitable<Outcome> search_entries(LdapConnection& conn, std::int32_t& id, SearchRequest req,
                                        const std::function<bool(const SearchResultEntry&)>& on_entry) {
  do {
    auto o = co_await conn.send(encode_search_request(++id, req));
    if (!o.ok()) co_return o;
    // One page, up to its SearchResultDone; the next page's cookie comes with it (empty at the end).
    for (;;) {
      LDAPMessage m;
      o = co_await conn.next(m);
      if (!o.ok()) co_return o;
      if (m.messageID != id) continue;
      if (m.searchResEntry) {
        if (!on_entry(*m.searchResEntry))
          co_return Outcome::failure(Status::protocol_error,
                                     "more than " + std::to_string(kMaxAccounts) + " entries in one search");
        continue;
      }
      if (!m.searchResDone) continue;
      if (m.searchResDone->resultCode != LDAP_SUCCESS)
        co_return Outcome::failure(Status::refused,
                                   "LDAP search refused: " + result_code_name(m.searchResDone->resultCode) + " " +
                                       m.searchResDone->diagnosticMessage);
      if (req.paged) req.paged->cookie = m.paged ? m.paged->cookie : Bytes{};
      break;
    }
  } while (req.paged && !req.paged->cookie.empty());
  co_return Outcome::success();
}

std::string kind_of(const std::vector<std::string>& object_classes, std::uint32_t uac, const std::string& sam,
                    bool has_spn) {
  auto is = [&](const char* c) {
    return std::any_of(object_classes.begin(), object_classes.end(),
                       [&](const std::string& o) { return lower(o) == c; });
  };
  if (lower(sam) == "krbtgt") return "krbtgt";
  if ((uac & kUfInterdomainTrust) != 0 || is("trusteddomain")) return "trust";
  if (is("msds-managedserviceaccount") || is("msds-groupmanagedserviceaccount")) return "service";
  if (is("computer") || (uac & (kUfWorkstationTrust | kUfServerTrust)) != 0) return "computer";
  return has_spn ? "service" : "user";
}

std::vector<std::string> bit_names(std::uint32_t bits, std::span<const std::pair<std::uint32_t, const char*>> names) {
  std::vector<std::string> out;
  std::uint32_t known = 0;
  for (const auto& [bit, name] : names) {
    known |= bit;
    if (bits & bit) out.emplace_back(name);
  }
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1)
    if ((bits & bit) && !(known & bit)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "bit-0x%x", bit);
      out.emplace_back(buf);
    }
  return out;
}

std::vector<std::string> supported_etype_names(std::uint32_t bits) {
  static const std::pair<std::uint32_t, const char*> names[] = {
      {0x1, "des-cbc-crc"},
      {0x2, "des-cbc-md5"},
      {0x4, "rc4-hmac"},
      {0x8, "aes128-cts-hmac-sha1-96"},
      {0x10, "aes256-cts-hmac-sha1-96"},
      {0x20, "aes256-sk"},
      {0x10000, "fast"},
      {0x20000, "compound-identity"},
      {0x40000, "claims"},
      {0x80000, "resource-sid-compression-disabled"},
  };
  return bit_names(bits, names);
}

std::vector<std::string> account_control_names(std::uint32_t uac) {
  std::vector<std::string> out;
  if (uac & kUfAccountDisable) out.emplace_back("ACCOUNTDISABLE");
  if (uac & kUfUseDesKeyOnly) out.emplace_back("USE_DES_KEY_ONLY");
  if (uac & kUfDontRequirePreauth) out.emplace_back("DONT_REQ_PREAUTH");
  return out;
}

namespace {

// Every user-class object (users, computers, managed service accounts, krbtgt, trust accounts), then
// the domain's own facts, over a bound connection.
asio::awaitable<void> read_accounts(LdapConnection& conn, std::int32_t& id, const std::string& realm, Directory& d) {
  SearchRequest search;
  search.baseObject = base_dn(realm);
  search.scope = 2;  // wholeSubtree
  search.and_equality = {{"objectClass", Bytes{'u', 's', 'e', 'r'}}};
  search.attributes = account_attributes();
  search.paged = PagedResults{kPageSize, {}};
  d.outcome = co_await search_entries(conn, id, search, [&](const SearchResultEntry& e) {
    if (d.accounts.size() >= kMaxAccounts) return false;
    auto a = to_account(e);
    if (!a.sam.empty()) d.accounts.push_back(std::move(a));
    return true;
  });
  if (!d.outcome.ok()) co_return;
  // The domain's own facts do not stop the audit when they cannot be read: the reason says why.
  const auto facts = co_await read_domain_facts(conn, id, search.baseObject, d);
  if (!facts.ok()) d.aes_keys_since.evidence = "domain facts not read: " + facts.reason;
}

// Keytab only: the DC's name from the rootDSE, a ticket for its LDAP service, the SASL GSSAPI bind.
asio::awaitable<Directory> read_directory_kerberos(ProbeContext& ctx, const std::string& realm,
                                                   const TicketFor& ticket_for) {
  Directory d;
  std::unique_ptr<LdapConnection> conn;
  d.outcome = co_await LdapConnection::open(ctx, kLdapPort, conn);
  if (!d.outcome.ok()) {
    d.outcome.reason = "LDAP " + std::to_string(kLdapPort) + ": " + d.outcome.reason;
    co_return d;
  }
  std::int32_t id = 0;
  SearchRequest root;
  root.scope = 0;  // baseObject: the rootDSE
  root.attributes = {"dnsHostName"};
  std::string host;
  d.outcome = co_await search_entries(*conn, id, root, [&](const SearchResultEntry& e) {
    host = e.first("dnsHostName");
    return true;
  });
  if (d.outcome.ok() && host.empty()) d.outcome = Outcome::failure(Status::protocol_error, "no dnsHostName");
  if (!d.outcome.ok()) {
    d.outcome.reason = "rootDSE: " + d.outcome.reason;
    co_return d;
  }
  ServiceTicket st;
  co_await ticket_for("ldap/" + lower(host), st);
  d.outcome = co_await sasl_gssapi_bind(*conn, id, st);
  if (!d.outcome.ok()) {
    d.outcome.reason = "Kerberos bind to ldap/" + lower(host) + ": " + d.outcome.reason;
    co_return d;
  }
  co_await read_accounts(*conn, id, realm, d);
  co_return d;
}

}  // namespace

asio::awaitable<Directory> read_directory(ProbeContext& ctx, const Credentials& creds, const std::string& realm,
                                          const TicketFor& ticket_for) {
  if (creds.password.empty() && !creds.keytab.empty() && ticket_for)
    co_return co_await read_directory_kerberos(ctx, realm, ticket_for);
  Directory d;
  if (creds.password.empty()) {
    d.outcome = Outcome::failure(Status::skipped, "the directory needs --user with a password or a keytab");
    co_return d;
  }
  std::unique_ptr<LdapConnection> conn;
  d.outcome = co_await LdapConnection::open(ctx, kLdapsPort, conn);
  if (d.outcome.ok()) d.outcome = co_await conn->start_tls();
  if (!d.outcome.ok()) {
    d.outcome.reason = "LDAPS " + std::to_string(kLdapsPort) + ": " + d.outcome.reason;
    co_return d;
  }
  BindRequest bind;
  const bool qualified = creds.user.find('@') != std::string::npos || creds.user.find('\\') != std::string::npos;
  bind.name = qualified ? creds.user : creds.user + "@" + realm;
  bind.simple = creds.password;
  std::int32_t id = 1;
  d.outcome = co_await conn->send(encode_bind_request(id, bind));
  std::fill(bind.simple.begin(), bind.simple.end(), '\0');
  LDAPMessage m;
  if (d.outcome.ok()) d.outcome = co_await conn->next(m);
  if (!d.outcome.ok()) co_return d;
  if (!m.bindResponse || m.bindResponse->result.resultCode != LDAP_SUCCESS) {
    const auto code = m.bindResponse ? m.bindResponse->result.resultCode : -1;
    d.outcome = Outcome::failure(Status::refused, "LDAP bind of " + bind.name + " refused: " +
                                                      (m.bindResponse ? result_code_name(code) : "no BindResponse"));
    co_return d;
  }
  co_await read_accounts(*conn, id, realm, d);
  co_return d;
}

}  // namespace legacyscan::accounts
