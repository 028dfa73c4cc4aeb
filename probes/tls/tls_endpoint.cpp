// SPDX-License-Identifier: Apache-2.0
#include "probes/tls/tls_endpoint.hpp"

#include <algorithm>
#include <ctime>
#include <vector>

#include "legacyscan/engine/async.hpp"
#include "probes/tls/tls_checks.hpp"
#include "probes/tls/tls_openssl.hpp"
#include "probes/tls/tls_probe.hpp"
#include "src/proto/tls/tls_certificate.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"

namespace legacyscan::tls {

namespace asio = boost::asio;

namespace {

const std::vector<std::uint16_t> kVersions{SSL2_VERSION,   SSL3_VERSION,   TLS1_VERSION,
                                           TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION};
const std::vector<std::uint16_t> kTls13Groups{
    GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1, GROUP_SECP521R1, GROUP_X448,          0x0100,
    0x0101,       0x0102,          0x0103,          0x0104,          GROUP_X25519MLKEM768};

bool is_connect_failure(const Outcome& o) {
  return o.status == Status::refused || o.status == Status::unreachable ||
         (o.status == Status::timeout && o.reason.rfind("connect", 0) == 0) || o.reason.rfind("STARTTLS", 0) == 0;
}

Endpoint named_endpoint(std::uint16_t port, StartTlsProto starttls) {
  Endpoint ep;
  ep.port = port;
  const auto svc = service_for_port(port);
  ep.service = svc.starttls == starttls ? svc.service
                                        : (starttls == StartTlsProto::none ? "tls" : std::string(to_string(starttls)));
  if (starttls != StartTlsProto::none) ep.starttls = std::string(to_string(starttls));
  return ep;
}

// Each version offered alone (in kVersions order), TLS 1.2 first: a dead port or a refused STARTTLS
// costs one connection, not six. None when TLS 1.2 could not connect: its outcome is the endpoint's.
asio::awaitable<std::vector<HelloExchange>> offer_each_version(EndpointScan& es, Endpoint& ep) {
  std::vector<HelloExchange> exchanges(kVersions.size());
  const std::size_t i12 = 4;
  exchanges[i12] = co_await version_hello(es, TLS1_2_VERSION);
  if (is_connect_failure(exchanges[i12].outcome)) {
    ep.outcome = exchanges[i12].outcome;
    co_return std::vector<HelloExchange>{};
  }
  auto all = co_await all_of<HelloExchange>(kVersions.size(), [&](std::size_t i) -> asio::awaitable<HelloExchange> {
    if (i == i12) return [](HelloExchange e) -> asio::awaitable<HelloExchange> { co_return e; }(exchanges[i12]);
    return version_hello(es, kVersions[i]);
  });
  co_return all;
}

// Small-hello retry: versions whose full-size hello was closed or went unanswered are offered once
// more in a hello under 256 bytes; if one is accepted, every later offer is compact too. Per version:
// what became of the full-size hello ("closed", "unanswered") when a compact one replaced it, else "".
asio::awaitable<std::vector<std::string>> retry_small_hellos(EndpointScan& es, std::vector<HelloExchange>& exchanges) {
  std::vector<std::size_t> dropped;
  for (std::size_t i = 1; i < kVersions.size(); ++i)
    if (maybe_dropped_for_size(exchanges[i])) dropped.push_back(i);
  std::vector<std::string> dropped_how(kVersions.size());
  if (dropped.empty()) co_return dropped_how;
  auto small = co_await all_of<HelloExchange>(
      dropped.size(), [&](std::size_t k) { return compact_version_hello(es, kVersions[dropped[k]]); });
  for (std::size_t k = 0; k < dropped.size(); ++k) {
    const auto& sh = small[k].flight.server_hello;
    if (!small[k].outcome.ok() || !sh || sh->hello_retry_request || sh->version() != kVersions[dropped[k]]) continue;
    const auto i = dropped[k];
    dropped_how[i] = exchanges[i].outcome.ok() ? "closed" : "unanswered";
    exchanges[i] = std::move(small[k]);
    es.compact = true;
  }
  co_return dropped_how;
}

// The verdict of every version; false, with the endpoint's outcome set, when no hello drew TLS.
bool record_versions(Endpoint& ep, const std::vector<HelloExchange>& exchanges,
                     const std::vector<std::string>& dropped_how) {
  bool spoke_tls = false;
  std::string not_tls, malformed;
  Outcome first_failure;
  for (std::size_t i = 0; i < kVersions.size(); ++i) {
    const auto& ex = exchanges[i];
    ep.versions.push_back(verdict_of(kVersions[i], ex));
    if (!dropped_how[i].empty())
      ep.versions.back().answer += " (to a hello under 256 bytes; the full-size hello was " + dropped_how[i] + ")";
    if (!ex.outcome.ok()) {
      if (first_failure.ok()) first_failure = ex.outcome;
      continue;
    }
    switch (ex.flight.kind) {
      case ReplyKind::server_hello:
      case ReplyKind::ssl2_server_hello:
      case ReplyKind::ssl2_error:
      case ReplyKind::alert: spoke_tls = true; break;
      case ReplyKind::not_tls: not_tls = ex.flight.detail; break;
      case ReplyKind::malformed: malformed = ex.flight.detail; break;
      case ReplyKind::closed: break;
    }
  }
  if (spoke_tls) return true;
  if (!not_tls.empty())
    ep.outcome = Outcome::failure(Status::protocol_error, "not TLS: the server answered \"" + not_tls + "\"");
  else if (!malformed.empty())
    ep.outcome = Outcome::failure(Status::protocol_error, "malformed TLS answer: " + malformed);
  else if (!first_failure.ok())
    ep.outcome = first_failure;
  else
    ep.outcome = Outcome::failure(Status::protocol_error,
                                  "the server closed the connection after every hello without a TLS answer");
  return false;
}

// What the answers to the version checks tell by themselves.
struct VersionFacts {
  std::optional<std::uint16_t> highest12, second12;  // the two newest accepted versions below TLS 1.3
  std::vector<Bytes> chain;                          // the certificates of the newest flight that had any
  int rsa_bits = 0;                                  // the leaf's key size
};

// Also sets secure renegotiation, the HelloRetryRequest, and the SSL 2.0 cipher kinds.
VersionFacts version_facts(Endpoint& ep, const std::vector<HelloExchange>& exchanges) {
  VersionFacts facts;
  for (auto v : {TLS1_2_VERSION, TLS1_1_VERSION, TLS1_VERSION, SSL3_VERSION})
    if (ep.accepted(v)) {
      if (!facts.highest12)
        facts.highest12 = v;
      else if (!facts.second12)
        facts.second12 = v;
    }
  for (std::size_t i = kVersions.size(); i-- > 0;) {
    const auto& f = exchanges[i].flight;
    if (ep.versions[i].verdict != VersionVerdict::accepted) continue;
    if (facts.chain.empty() && !f.certificates.empty()) facts.chain = f.certificates;
    if (facts.highest12 && kVersions[i] == *facts.highest12 && f.server_hello) {
      const auto& sh = *f.server_hello;
      ep.secure_renegotiation = sh.renegotiation_info && sh.renegotiation_info_empty;
    }
    if (kVersions[i] == TLS1_3_VERSION && f.server_hello) ep.hello_retry_request = f.server_hello->hello_retry_request;
  }
  if (!facts.chain.empty()) facts.rsa_bits = public_key_bits(facts.chain[0]);
  if (ep.accepted(SSL2_VERSION)) {
    const auto& h = *exchanges[0].flight.ssl2;
    auto& list = ep.ciphers[SSL2_VERSION];
    for (auto k : h.cipher_specs) {
      AcceptedSuite s;
      s.ssl2_kind = k;
      s.name = ssl2_cipher_name(k);
      s.kex = "RSA";
      s.weak = true;
      s.export_grade = s.name.find("EXPORT") != std::string::npos;
      list.push_back(std::move(s));
    }
    if (facts.chain.empty() && !h.certificate.empty()) facts.chain.push_back(h.certificate);
  }
  return facts;
}

// Cipher suites per accepted version, the versions concurrently. Returns the versions enumerated,
// oldest first.
asio::awaitable<std::vector<std::uint16_t>> enumerate_versions(EndpointScan& es, Endpoint& ep, int rsa_bits) {
  std::vector<std::uint16_t> to_enumerate;
  for (auto v : kVersions)
    if (v != SSL2_VERSION && ep.accepted(v)) to_enumerate.push_back(v);
  auto enums = co_await all_of<Enumeration>(
      to_enumerate.size(), [&](std::size_t i) { return enumerate_suites(es, to_enumerate[i], rsa_bits); });
  for (std::size_t i = 0; i < to_enumerate.size(); ++i) {
    ep.ciphers[to_enumerate[i]] = std::move(enums[i].suites);
    if (!enums[i].error.empty()) ep.cipher_errors[to_enumerate[i]] = enums[i].error;
  }
  co_return to_enumerate;
}

// Preference: on the newest version with two suites or more.
asio::awaitable<void> check_server_order(EndpointScan& es, Endpoint& ep, const std::vector<std::uint16_t>& enumerated) {
  for (auto it = enumerated.rbegin(); it != enumerated.rend(); ++it)
    if (ep.ciphers[*it].size() >= 2) {
      ep.server_order = co_await server_order(es, *it, ep.ciphers[*it]);
      break;
    }
}

asio::awaitable<void> check_tls13_groups(EndpointScan& es, Endpoint& ep) {
  auto groups =
      co_await all_of<bool>(kTls13Groups.size(), [&](std::size_t i) { return tls13_group(es, kTls13Groups[i]); });
  for (std::size_t i = 0; i < kTls13Groups.size(); ++i)
    if (groups[i]) ep.tls13_groups.push_back(group_name(kTls13Groups[i]));
}

// ECDHE curves below TLS 1.3, on the newest version with an ECDHE suite.
asio::awaitable<void> check_ecdh_curves(EndpointScan& es, Endpoint& ep, const std::vector<std::uint16_t>& enumerated) {
  for (auto it = enumerated.rbegin(); it != enumerated.rend(); ++it) {
    if (*it == TLS1_3_VERSION) continue;
    const auto& list = ep.ciphers[*it];
    auto ecdhe = std::find_if(list.begin(), list.end(), [](const AcceptedSuite& s) {
      const auto* info = find_cipher_suite(s.id);
      return info && info->kex == "ECDHE";
    });
    if (ecdhe == list.end()) continue;
    std::vector<std::uint16_t> curves;
    for (auto g : all_groups())
      if (g < 0x0100) curves.push_back(g);  // EC curves only; the ffdhe groups are for TLS 1.3 here
    const auto version = *it;
    const auto suite = ecdhe->id;
    const auto have = co_await ecdh_groups(es, version, suite, curves);
    for (auto g : curves)  // in the order of the registry list, as before
      if (std::find(have.begin(), have.end(), g) != have.end()) ep.ecdh_groups.push_back(group_name(g));
    break;
  }
}

// RFC 7507 on the version below the newest accepted one.
asio::awaitable<void> check_fallback_scsv(EndpointScan& es, Endpoint& ep, const VersionFacts& facts) {
  std::optional<std::uint16_t> lower;
  if (ep.accepted(TLS1_3_VERSION) && facts.highest12)
    lower = facts.highest12;
  else if (facts.second12)
    lower = facts.second12;
  if (lower) ep.fallback_scsv = co_await fallback_scsv(es, *lower);
}

// Certificate: from a TLS <= 1.2 flight, else an OpenSSL handshake (TLS 1.3 encrypts it).
asio::awaitable<void> read_certificate(EndpointScan& es, Endpoint& ep, std::vector<Bytes> chain) {
  std::string cert_source = "handshake";
  if (chain.empty()) {
    cert_source = "openssl";
    auto o = co_await openssl_peer_chain(es.ctx, es.port, es.starttls, es.sni, chain);
    if (!o.ok()) ep.certificate_error = o.reason;
  }
  if (chain.empty()) co_return;
  auto ci = certificate_info(chain, std::time(nullptr));
  if (ci)
    ep.certificate = CertificateInfo{std::move(*ci.value), cert_source};
  else
    ep.certificate_error = ci.error;
}

}  // namespace

asio::awaitable<Endpoint> scan_endpoint(ProbeContext& ctx, std::uint16_t port, StartTlsProto starttls,
                                        std::optional<std::string> sni) {
  Endpoint ep = named_endpoint(port, starttls);
  EndpointScan es{ctx, port, starttls, std::move(sni)};
  std::vector<HelloExchange> exchanges = co_await offer_each_version(es, ep);
  if (exchanges.empty()) co_return ep;
  const std::vector<std::string> dropped_how = co_await retry_small_hellos(es, exchanges);
  ep.small_hello_retry = es.compact;
  if (!record_versions(ep, exchanges, dropped_how)) co_return ep;

  VersionFacts facts = version_facts(ep, exchanges);
  const std::vector<std::uint16_t> enumerated = co_await enumerate_versions(es, ep, facts.rsa_bits);
  co_await check_server_order(es, ep, enumerated);
  if (ep.accepted(TLS1_3_VERSION)) co_await check_tls13_groups(es, ep);
  co_await check_ecdh_curves(es, ep, enumerated);
  co_await check_fallback_scsv(es, ep, facts);
  co_await read_certificate(es, ep, std::move(facts.chain));

  apply_verdicts(ep);
  ep.outcome = Outcome::success();
  co_return ep;
}

}  // namespace legacyscan::tls
