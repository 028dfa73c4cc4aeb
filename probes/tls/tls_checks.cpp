// SPDX-License-Identifier: Apache-2.0
#include "probes/tls/tls_checks.hpp"

#include <algorithm>

#include "src/proto/tls/tls_certificate.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"

namespace legacyscan::tls {

namespace asio = boost::asio;

namespace {

asio::awaitable<HelloExchange> offer(EndpointScan& es, ClientHelloOffer o) {
  // A named offer: GCC 12 ends the life of a conditional expression's temporary at the suspension.
  if (es.compact) o = compact_offer(std::move(o));
  co_return co_await send_offer(es.ctx, es.port, es.starttls, o);
}

AcceptedSuite suite_of(std::uint16_t v, const ServerFlight& f, int fallback_rsa_bits) {
  const auto& sh = *f.server_hello;
  AcceptedSuite s;
  s.id = sh.cipher_suite;
  s.name = cipher_suite_name(s.id);
  const auto* info = find_cipher_suite(s.id);
  if (info) {
    s.kex = std::string(kex_family(*info));
    s.pfs = info->pfs;
    s.weak = is_weak(*info);
    s.export_grade = info->export_grade;
  }
  if (v == TLS1_3_VERSION) {
    if (sh.key_share_group) {
      s.group = group_name(*sh.key_share_group);
      s.kex_bits = group_bits(*sh.key_share_group);
      s.kex = *sh.key_share_group >= 0x0100 && *sh.key_share_group <= 0x01FF ? "DH" : "ECDH";
    }
  } else if (f.key_exchange) {
    s.kex_bits = f.key_exchange->bits;
    if (f.key_exchange->named_group) s.group = group_name(*f.key_exchange->named_group);
  } else if (info && info->kex == "RSA") {
    const int bits = f.certificates.empty() ? fallback_rsa_bits : public_key_bits(f.certificates[0]);
    if (bits > 0) s.kex_bits = bits;
  }
  return s;
}

// Repeated offers of the candidates minus the chosen suite until the server refuses the rest.
asio::awaitable<bool> enumerate_from(EndpointScan& es, std::uint16_t v, std::vector<std::uint16_t> remaining,
                                     int rsa_bits, Enumeration& e, std::size_t& rounds) {
  for (; rounds < 512 && !remaining.empty(); ++rounds) {
    auto ex = co_await offer(es, default_offer(v, remaining, es.sni));
    if (!ex.outcome.ok()) {
      e.error = ex.outcome.reason;
      co_return false;
    }
    const auto& f = ex.flight;
    if (f.kind == ReplyKind::not_tls || f.kind == ReplyKind::malformed) {
      e.error = f.detail;
      co_return false;
    }
    if (f.kind != ReplyKind::server_hello || f.server_hello->version() != v) co_return true;  // none of the rest
    auto it = std::find(remaining.begin(), remaining.end(), f.server_hello->cipher_suite);
    if (it == remaining.end()) {
      e.error = "the server chose " + cipher_suite_name(f.server_hello->cipher_suite) + ", which was not offered";
      co_return false;
    }
    remaining.erase(it);
    e.suites.push_back(suite_of(v, f, rsa_bits));
  }
  co_return true;
}

}  // namespace

// The version check again with a compact hello of the version's common suites.
asio::awaitable<HelloExchange> compact_version_hello(EndpointScan& es, std::uint16_t v) {
  const auto o = compact_offer(default_offer(v, common_suites(v), es.sni));
  co_return co_await send_offer(es.ctx, es.port, es.starttls, o);
}

bool maybe_dropped_for_size(const HelloExchange& ex) {
  if (ex.outcome.ok()) return ex.flight.kind == ReplyKind::closed;
  return ex.outcome.status == Status::timeout && ex.outcome.reason.rfind("read", 0) == 0;
}

asio::awaitable<HelloExchange> version_hello(EndpointScan& es, std::uint16_t v) {
  if (v == SSL2_VERSION) {
    Ssl2ClientHelloOffer o;
    o.cipher_specs = ssl2_cipher_kinds();
    for (std::uint8_t i = 0; i < 16; ++i) o.challenge.push_back(static_cast<std::uint8_t>(0xa0 + i));
    auto bytes = encode_ssl2_client_hello(o);
    co_return co_await send_hello(es.ctx, es.port, es.starttls, *bytes.value, true);
  }
  co_return co_await offer(es, default_offer(v, suites_for_version(v), es.sni));
}

VersionCheck verdict_of(std::uint16_t offered, const HelloExchange& ex) {
  VersionCheck c;
  c.version = offered;
  if (!ex.outcome.ok()) {
    c.verdict = VersionVerdict::failed;
    c.answer = ex.outcome.reason;
    return c;
  }
  const auto& f = ex.flight;
  switch (f.kind) {
    case ReplyKind::server_hello: {
      const auto& sh = *f.server_hello;
      const auto v = sh.version();
      c.answer = std::string(sh.hello_retry_request ? "HelloRetryRequest " : "ServerHello ") + version_name(v);
      if (v == offered)
        c.verdict = VersionVerdict::accepted;
      else if (v < offered)
        c.verdict = VersionVerdict::rejected;
      else {
        c.verdict = VersionVerdict::failed;
        c.answer += " (newer than offered: a protocol error)";
      }
      if (offered == SSL2_VERSION) c.verdict = VersionVerdict::rejected;  // an SSLv3/TLS answer to SSLv2
      return c;
    }
    case ReplyKind::ssl2_server_hello:
      if (f.ssl2->cipher_specs.empty()) {
        c.verdict = VersionVerdict::rejected;
        c.answer = "SSL 2.0 SERVER-HELLO without cipher specs";
      } else {
        c.verdict = offered == SSL2_VERSION ? VersionVerdict::accepted : VersionVerdict::failed;
        c.answer = "SSL 2.0 SERVER-HELLO";
      }
      return c;
    case ReplyKind::ssl2_error:
      c.verdict = VersionVerdict::rejected;
      c.answer = f.detail;
      return c;
    case ReplyKind::alert:
      c.verdict = VersionVerdict::rejected;
      c.answer = "alert " + alert_name(f.alert->description);
      return c;
    case ReplyKind::closed:
      c.verdict = VersionVerdict::rejected;
      c.answer = f.detail.find("closed") != std::string::npos || f.detail.empty() ? "closed" : "reset";
      return c;
    case ReplyKind::not_tls:
      c.verdict = VersionVerdict::failed;
      c.answer = "not TLS: \"" + f.detail + "\"";
      return c;
    case ReplyKind::malformed:
      c.verdict = VersionVerdict::failed;
      c.answer = "malformed answer: " + f.detail;
      return c;
  }
  return c;
}

// The whole registry of the version; for a server that drops full-size hellos, in pieces that fit a
// compact hello, each piece until the server refuses the rest of it.
asio::awaitable<Enumeration> enumerate_suites(EndpointScan& es, std::uint16_t v, int rsa_bits) {
  Enumeration e;
  std::size_t rounds = 0;
  auto all = suites_for_version(v);
  if (!es.compact) {
    co_await enumerate_from(es, v, all, rsa_bits, e, rounds);
    co_return e;
  }
  while (!all.empty()) {
    const auto fitted = compact_offer(default_offer(v, all, es.sni)).cipher_suites;
    const auto n = static_cast<std::size_t>(std::count_if(
        fitted.begin(), fitted.end(), [&](std::uint16_t id) { return id != TLS_EMPTY_RENEGOTIATION_INFO_SCSV; }));
    if (n == 0) break;
    std::vector<std::uint16_t> piece(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
    all.erase(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
    if (!co_await enumerate_from(es, v, piece, rsa_bits, e, rounds)) break;
  }
  co_return e;
}

// Offers the accepted suites in reverse: a server that enforces its order picks its favourite again.
asio::awaitable<std::optional<bool>> server_order(EndpointScan& es, std::uint16_t v, std::vector<AcceptedSuite> found) {
  if (es.compact) {  // only as many as one compact hello carries
    std::vector<std::uint16_t> ids;
    for (const auto& s : found) ids.push_back(s.id);
    found.resize(std::min(found.size(), compact_offer(default_offer(v, ids, es.sni)).cipher_suites.size()));
  }
  if (found.size() < 2) co_return std::nullopt;
  std::vector<std::uint16_t> reversed;
  for (auto it = found.rbegin(); it != found.rend(); ++it) reversed.push_back(it->id);
  auto ex = co_await offer(es, default_offer(v, reversed, es.sni));
  if (!ex.outcome.ok() || !ex.flight.server_hello) co_return std::nullopt;
  const auto chosen = ex.flight.server_hello->cipher_suite;
  if (chosen == found.front().id) co_return true;
  if (chosen == reversed.front()) co_return false;
  co_return std::nullopt;
}

// TLS 1.3 groups: supported_groups with one group and no key share draws a HelloRetryRequest that
// selects it when the server has it (RFC 8446 4.1.4), an alert when not.
asio::awaitable<bool> tls13_group(EndpointScan& es, std::uint16_t group) {
  auto o = default_offer(TLS1_3_VERSION, suites_for_version(TLS1_3_VERSION), es.sni);
  o.supported_groups = std::vector<std::uint16_t>{group};
  o.key_shares = std::vector<KeyShareEntry>{};
  auto ex = co_await offer(es, o);
  co_return ex.outcome.ok() && ex.flight.server_hello&& ex.flight.server_hello->key_share_group == group;
}

// TLS <= 1.2 ECDHE curves: one accepted ECDHE suite with supported_groups of the curves not found yet;
// the ServerKeyExchange names the curve the server chose (RFC 8422 5.1.1, 5.4). Offered again without
// it until the server refuses the rest: one handshake per supported curve plus one.
asio::awaitable<std::vector<std::uint16_t>> ecdh_groups(EndpointScan& es, std::uint16_t version, std::uint16_t suite,
                                                        std::vector<std::uint16_t> remaining) {
  std::vector<std::uint16_t> found;
  while (!remaining.empty()) {
    auto o = default_offer(version, {suite}, es.sni);
    o.supported_groups = remaining;
    auto ex = co_await offer(es, o);
    if (!ex.outcome.ok() || !ex.flight.server_hello || ex.flight.server_hello->version() != version ||
        !ex.flight.key_exchange || !ex.flight.key_exchange->named_group)
      break;
    auto it = std::find(remaining.begin(), remaining.end(), *ex.flight.key_exchange->named_group);
    if (it == remaining.end()) break;  // a curve not offered: not an answer to this offer
    found.push_back(*it);
    remaining.erase(it);
  }
  co_return found;
}

// RFC 7507: a lower-version hello with TLS_FALLBACK_SCSV draws inappropriate_fallback when honoured.
// The same hello without the SCSV was accepted, so any refusal counts: Samba's GnuTLS just closes.
asio::awaitable<std::optional<bool>> fallback_scsv(EndpointScan& es, std::uint16_t lower) {
  auto o = default_offer(lower, suites_for_version(lower), es.sni);
  o.cipher_suites.push_back(TLS_FALLBACK_SCSV);
  auto ex = co_await offer(es, o);
  if (!ex.outcome.ok()) co_return std::nullopt;
  if (ex.flight.kind == ReplyKind::alert || ex.flight.kind == ReplyKind::closed) co_return true;
  if (ex.flight.kind == ReplyKind::server_hello) co_return false;
  co_return std::nullopt;
}

}  // namespace legacyscan::tls
