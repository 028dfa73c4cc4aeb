// SPDX-License-Identifier: Apache-2.0
#include "probes/ldap/ldap_rootdse.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "probes/ldap/ldap_connection.hpp"

namespace legacyscan::ldap {

namespace asio = boost::asio;

namespace {

const std::vector<std::string> kRootDseAttributes{
    "supportedLDAPVersion", "supportedSASLMechanisms", "supportedCapabilities",
    "domainFunctionality",  "forestFunctionality",     "domainControllerFunctionality",
    "dnsHostName",          "defaultNamingContext",    "rootDomainNamingContext",
    "serverName",           "isGlobalCatalogReady",    "currentTime"};

// RFC 4517 3.3.13 GeneralizedTime "YYYYMMDDHHMMSS[.f]Z" -> seconds since the Unix epoch.
std::optional<long long> parse_generalized_time(const std::string& t) {
  if (t.size() < 15 || t.back() != 'Z') return std::nullopt;
  for (std::size_t i = 0; i < 14; ++i)
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) { return std::stoll(t.substr(pos, len)); };
  long long y = num(0, 4), m = num(4, 2), d = num(6, 2);
  const long long hh = num(8, 2), mm = num(10, 2), ss = num(12, 2);
  if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  // H. Hinnant's days_from_civil.
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long long days = era * 146097 + doe - 719468;
  return days * 86400 + hh * 3600 + mm * 60 + ss;
}

std::string rfc3339(const std::string& g) {
  // "20261123151030.0Z" -> "2026-11-23T15:10:30Z"
  return g.substr(0, 4) + "-" + g.substr(4, 2) + "-" + g.substr(6, 2) + "T" + g.substr(8, 2) + ":" + g.substr(10, 2) +
         ":" + g.substr(12, 2) + "Z";
}

std::optional<int> small_int(const std::string& s) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoi(s);
}

}  // namespace

asio::awaitable<RootDse> rootdse(ProbeContext& ctx, std::uint16_t port) {
  RootDse r;
  SearchRequest req;
  req.attributes = kRootDseAttributes;
  SearchResponse s;
  r.outcome = co_await tcp_search(ctx, port, req, s);
  if (!r.outcome.ok()) co_return r;
  if (s.done && s.done->resultCode != LDAP_SUCCESS) {
    r.outcome =
        Outcome::failure(Status::protocol_error, "rootDSE search answered " + result_code_name(s.done->resultCode) +
                                                     ": " + s.done->diagnosticMessage);
    co_return r;
  }
  if (s.entries.empty()) {
    r.outcome = Outcome::failure(Status::protocol_error, "rootDSE search returned no entry");
    co_return r;
  }
  const auto& e = s.entries.front();
  for (const auto& v : e.all("supportedLDAPVersion"))
    if (auto n = small_int(v)) r.ldap_versions.push_back(*n);
  r.sasl_mechanisms = e.all("supportedSASLMechanisms");
  r.capabilities = e.all("supportedCapabilities");
  r.domain_functionality = small_int(e.first("domainFunctionality"));
  r.forest_functionality = small_int(e.first("forestFunctionality"));
  r.dc_functionality = small_int(e.first("domainControllerFunctionality"));
  r.dns_hostname = e.first("dnsHostName");
  r.default_naming_context = e.first("defaultNamingContext");
  r.root_domain_naming_context = e.first("rootDomainNamingContext");
  r.server_name = e.first("serverName");
  const std::string gc = e.first("isGlobalCatalogReady");
  if (gc == "TRUE")
    r.is_global_catalog_ready = true;
  else if (gc == "FALSE")
    r.is_global_catalog_ready = false;
  const std::string now = e.first("currentTime");
  if (auto t = parse_generalized_time(now)) {
    r.current_time = rfc3339(now);
    const auto local =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    r.clock_skew_seconds = *t - static_cast<long long>(local);
  }
  co_return r;
}

}  // namespace legacyscan::ldap
