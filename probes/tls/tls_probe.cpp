// SPDX-License-Identifier: Apache-2.0
// The TLS probe: per endpoint, each protocol version offered alone by a hand-built hello (SSL 2.0 to
// TLS 1.3), then per accepted version the cipher suites by repeated offers minus the chosen suite,
// the server's preference, TLS 1.3 groups, RFC 5746 / RFC 7507 support and the certificate. Every
// offer has its own connection, so one answer never colours another.
#include "probes/tls/tls_probe.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <charconv>
#include <ctime>
#include <spdlog/spdlog.h>

#include "legacyscan/engine/async.hpp"
#include "legacyscan/engine/net.hpp"
#include "src/proto/tls/tls_certificate.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "probes/tls/tls_openssl.hpp"
#include "probes/tls/tls_result.hpp"

namespace legacyscan::tls {

namespace asio = boost::asio;

PortService service_for_port(std::uint16_t port) {
  switch (port) {
    case 443: return {"https", StartTlsProto::none};
    case 636: return {"ldaps", StartTlsProto::none};
    case 3269: return {"globalcatalog-ssl", StartTlsProto::none};
    case 465: return {"smtps", StartTlsProto::none};
    case 993: return {"imaps", StartTlsProto::none};
    case 995: return {"pop3s", StartTlsProto::none};
    case 990: return {"ftps", StartTlsProto::none};
    case 8443: return {"https-alt", StartTlsProto::none};
    case 5986: return {"winrm-https", StartTlsProto::none};
    case 389: return {"ldap", StartTlsProto::ldap};
    case 3268: return {"globalcatalog", StartTlsProto::ldap};
    case 25: return {"smtp", StartTlsProto::smtp};
    case 587: return {"submission", StartTlsProto::smtp};
    case 143: return {"imap", StartTlsProto::imap};
    case 110: return {"pop3", StartTlsProto::pop3};
    case 21: return {"ftp", StartTlsProto::ftp};
    case 5432: return {"postgresql", StartTlsProto::postgres};
    case 3389: return {"rdp", StartTlsProto::rdp};
    case 1433: return {"mssql", StartTlsProto::tds};
    default: return {"tls", StartTlsProto::none};
  }
}

// ---- STARTTLS preludes -------------------------------------------------------------------------

asio::awaitable<Outcome> run_starttls_prelude(TcpConnection& c, StartTlsProto p) {
  const std::string name(to_string(p));
  auto refused = [&](const std::string& why) {
    return Outcome::failure(Status::protocol_error, "STARTTLS (" + name + "): " + why);
  };
  // A network failure during the dialogue keeps its status (timeout, reset), named as STARTTLS.
  auto failed = [&](const Outcome& o) { return Outcome::failure(o.status, "STARTTLS (" + name + "): " + o.reason); };
  Bytes buf;
  switch (p) {
    case StartTlsProto::none: co_return Outcome::success();
    case StartTlsProto::ldap: {
      auto o = co_await c.write(ldap_starttls_request());
      if (!o.ok()) co_return o;
      for (;;) {
        o = co_await c.read_some(buf, 4096);
        if (!o.ok()) co_return failed(o);
        auto r = decode_ldap_extended_response(buf);
        if (!r) co_return refused(r.error);
        if (r->need_more) continue;
        if (r->response->result_code != 0)
          co_return refused("the server refused StartTLS: resultCode " + std::to_string(r->response->result_code) +
                            (r->response->diagnostic.empty() ? "" : " (" + r->response->diagnostic + ")"));
        co_return Outcome::success();
      }
    }
    case StartTlsProto::postgres: {
      auto o = co_await c.write(postgres_ssl_request());
      if (!o.ok()) co_return o;
      o = co_await c.read_exact(buf, 1);
      if (!o.ok()) co_return failed(o);
      if (buf[0] == 'S') co_return Outcome::success();
      if (buf[0] == 'N') co_return refused("the server answered 'N': SSL is off");
      co_return refused("unexpected answer to SSLRequest: " + printable_excerpt(buf));
    }
    case StartTlsProto::rdp: {
      auto o = co_await c.write(rdp_x224_ssl_request());
      if (!o.ok()) co_return o;
      for (;;) {
        o = co_await c.read_some(buf, 4096);
        if (!o.ok()) co_return failed(o);
        auto r = decode_rdp_x224_confirm(buf);
        if (!r) co_return refused(r.error);
        if (r->need_more) continue;
        if (!r->ssl_selected) co_return refused(r->text);
        co_return Outcome::success();
      }
    }
    case StartTlsProto::tds: {
      auto o = co_await c.write(tds_prelogin_request());
      if (!o.ok()) co_return o;
      for (;;) {
        o = co_await c.read_some(buf, 4096);
        if (!o.ok()) co_return refused(o.reason);
        auto r = decode_tds_prelogin(buf);
        if (!r) co_return refused(r.error);
        if (r->need_more) continue;
        if (*r->encryption == kTdsEncryptNotSup)
          co_return refused("the server answered ENCRYPT_NOT_SUP: no TLS");
        if (*r->encryption > kTdsEncryptReq)
          co_return refused("PRELOGIN ENCRYPTION " + tds_encryption_name(*r->encryption));
        co_return Outcome::success();
      }
    }
    default: break;
  }
  for (const auto& step : text_prelude(p)) {
    if (!step.send.empty()) {
      auto o = co_await c.write(as_bytes(step.send));
      if (!o.ok()) co_return o;
    }
    buf.clear();
    for (;;) {
      auto o = co_await c.read_some(buf, 4096);
      if (!o.ok()) co_return failed(o);
      const auto r = step.parse(buf);
      if (!r.complete) continue;
      if (!r.ok) co_return refused(r.text);
      break;
    }
  }
  co_return Outcome::success();
}

asio::awaitable<HelloExchange> send_hello(ProbeContext& ctx, std::uint16_t port, StartTlsProto starttls,
                                          ByteView hello, bool ssl2) {
  HelloExchange ex;
  std::unique_ptr<TcpConnection> conn;
  ex.outcome = co_await TcpConnection::open(ctx, port, conn);
  if (!ex.outcome.ok()) co_return ex;
  ex.outcome = co_await run_starttls_prelude(*conn, starttls);
  if (!ex.outcome.ok()) co_return ex;
  FlightReader reader(ssl2);
  Bytes buf;
  // TDS carries the handshake inside PRELOGIN packets: wrap the hello, unwrap what comes back.
  const bool tds = starttls == StartTlsProto::tds;
  Bytes raw, wrapped;
  if (tds) {
    wrapped = tds_wrap(hello);
    hello = wrapped;
  }
  auto o = co_await conn->write(hello);
  if (!o.ok()) {
    if (o.status == Status::reset) {
      ex.outcome = Outcome::success();
      ex.flight.kind = ReplyKind::closed;
      ex.flight.detail = o.reason;
    } else {
      ex.outcome = o;
    }
    co_return ex;
  }
  for (;;) {
    o = co_await conn->read_some(tds ? raw : buf, 16384);
    if (o.ok() && tds) {
      auto payload = decode_tds_packets(raw);
      if (!payload) {
        ex.bytes_received = raw.size();
        ex.flight.kind = ReplyKind::not_tls;
        ex.flight.detail = payload.error;
        co_return ex;
      }
      buf = std::move(*payload.value);
    }
    if (!o.ok()) {
      ex.bytes_received = buf.size();
      if (o.status == Status::reset) {
        reader.finish_closed(buf.size());
        ex.flight = reader.flight();
        if (ex.flight.kind == ReplyKind::closed) ex.flight.detail = o.reason;
        co_return ex;
      }
      ex.flight = reader.flight();
      if (!ex.flight.server_hello) ex.outcome = o;  // a timeout after a ServerHello keeps what came
      co_return ex;
    }
    if (reader.put(buf)) break;
  }
  ex.bytes_received = buf.size();
  ex.flight = reader.flight();
  conn->close();
  co_return ex;
}

asio::awaitable<HelloExchange> send_offer(ProbeContext& ctx, std::uint16_t port, StartTlsProto starttls,
                                          const ClientHelloOffer& o) {
  auto bytes = encode_client_hello(o);
  if (!bytes) {
    HelloExchange ex;
    ex.outcome = Outcome::failure(Status::error, "ClientHello: " + bytes.error);
    co_return ex;
  }
  co_return co_await send_hello(ctx, port, starttls, *bytes.value, false);
}

namespace {

struct EndpointScan {
  ProbeContext& ctx;
  std::uint16_t port;
  StartTlsProto starttls;
  std::optional<std::string> sni;
  bool compact = false;  // the server drops full-size hellos: every offer is cut to kCompactHelloMax
};

asio::awaitable<HelloExchange> offer(EndpointScan& es, ClientHelloOffer o) {
  // A named offer: GCC 12 ends the life of a conditional expression's temporary at the suspension.
  if (es.compact) o = compact_offer(std::move(o));
  co_return co_await send_offer(es.ctx, es.port, es.starttls, o);
}

// The version check again with a compact hello of the version's common suites.
asio::awaitable<HelloExchange> compact_version_hello(EndpointScan& es, std::uint16_t v) {
  const auto o = compact_offer(default_offer(v, common_suites(v), es.sni));
  co_return co_await send_offer(es.ctx, es.port, es.starttls, o);
}

// A full-size hello that got no TLS answer at all (closed, reset, read timeout) may have been dropped
// for its size.
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
      if (v == offered) c.verdict = VersionVerdict::accepted;
      else if (v < offered) c.verdict = VersionVerdict::rejected;
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

struct Enumeration {
  std::vector<AcceptedSuite> suites;
  std::string error;
};

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
    const auto n = static_cast<std::size_t>(
        std::count_if(fitted.begin(), fitted.end(), [&](std::uint16_t id) { return id != TLS_EMPTY_RENEGOTIATION_INFO_SCSV; }));
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
  co_return ex.outcome.ok() && ex.flight.server_hello && ex.flight.server_hello->key_share_group == group;
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

const std::vector<std::uint16_t> kVersions{SSL2_VERSION,   SSL3_VERSION,   TLS1_VERSION,
                                           TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION};
const std::vector<std::uint16_t> kTls13Groups{GROUP_X25519,    GROUP_SECP256R1, GROUP_SECP384R1, GROUP_SECP521R1,
                                              GROUP_X448,      0x0100,          0x0101,          0x0102,
                                              0x0103,          0x0104,          GROUP_X25519MLKEM768};

bool is_connect_failure(const Outcome& o) {
  return o.status == Status::refused || o.status == Status::unreachable ||
         (o.status == Status::timeout && o.reason.rfind("connect", 0) == 0) ||
         o.reason.rfind("STARTTLS", 0) == 0;
}

asio::awaitable<Endpoint> scan_endpoint(ProbeContext& ctx, std::uint16_t port, StartTlsProto starttls,
                                        std::optional<std::string> sni) {
  Endpoint ep;
  ep.port = port;
  const auto svc = service_for_port(port);
  ep.service = svc.starttls == starttls ? svc.service : (starttls == StartTlsProto::none ? "tls" : std::string(to_string(starttls)));
  if (starttls != StartTlsProto::none) ep.starttls = std::string(to_string(starttls));
  EndpointScan es{ctx, port, starttls, std::move(sni)};

  // TLS 1.2 first: a dead port or a refused STARTTLS costs one connection, not six.
  std::vector<HelloExchange> exchanges(kVersions.size());
  const std::size_t i12 = 4;
  exchanges[i12] = co_await version_hello(es, TLS1_2_VERSION);
  if (is_connect_failure(exchanges[i12].outcome)) {
    ep.outcome = exchanges[i12].outcome;
    co_return ep;
  }
  auto others = co_await all_of<HelloExchange>(kVersions.size(), [&](std::size_t i) -> asio::awaitable<HelloExchange> {
    if (i == i12) return [](HelloExchange e) -> asio::awaitable<HelloExchange> { co_return e; }(exchanges[i12]);
    return version_hello(es, kVersions[i]);
  });
  exchanges = std::move(others);

  // Small-hello retry: versions whose full-size hello was closed or went unanswered are offered once
  // more in a hello under 256 bytes; if one is accepted, every later offer is compact too.
  std::vector<std::size_t> dropped;
  for (std::size_t i = 1; i < kVersions.size(); ++i)
    if (maybe_dropped_for_size(exchanges[i])) dropped.push_back(i);
  std::vector<std::string> dropped_how(kVersions.size());
  if (!dropped.empty()) {
    auto small = co_await all_of<HelloExchange>(dropped.size(), [&](std::size_t k) {
      return compact_version_hello(es, kVersions[dropped[k]]);
    });
    for (std::size_t k = 0; k < dropped.size(); ++k) {
      const auto& sh = small[k].flight.server_hello;
      if (!small[k].outcome.ok() || !sh || sh->hello_retry_request || sh->version() != kVersions[dropped[k]]) continue;
      const auto i = dropped[k];
      dropped_how[i] = exchanges[i].outcome.ok() ? "closed" : "unanswered";
      exchanges[i] = std::move(small[k]);
      es.compact = true;
    }
  }
  ep.small_hello_retry = es.compact;

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
  if (!spoke_tls) {
    if (!not_tls.empty())
      ep.outcome = Outcome::failure(Status::protocol_error, "not TLS: the server answered \"" + not_tls + "\"");
    else if (!malformed.empty())
      ep.outcome = Outcome::failure(Status::protocol_error, "malformed TLS answer: " + malformed);
    else if (!first_failure.ok())
      ep.outcome = first_failure;
    else
      ep.outcome = Outcome::failure(Status::protocol_error,
                                    "the server closed the connection after every hello without a TLS answer");
    co_return ep;
  }

  // Facts from the version checks themselves.
  std::optional<std::uint16_t> highest12, second12;
  for (auto v : {TLS1_2_VERSION, TLS1_1_VERSION, TLS1_VERSION, SSL3_VERSION})
    if (ep.accepted(v)) {
      if (!highest12) highest12 = v;
      else if (!second12) second12 = v;
    }
  int rsa_bits = 0;
  std::vector<Bytes> chain;
  for (std::size_t i = kVersions.size(); i-- > 0;) {
    const auto& f = exchanges[i].flight;
    if (ep.versions[i].verdict != VersionVerdict::accepted) continue;
    if (chain.empty() && !f.certificates.empty()) chain = f.certificates;
    if (highest12 && kVersions[i] == *highest12 && f.server_hello) {
      const auto& sh = *f.server_hello;
      ep.secure_renegotiation = sh.renegotiation_info && sh.renegotiation_info_empty;
    }
    if (kVersions[i] == TLS1_3_VERSION && f.server_hello) ep.hello_retry_request = f.server_hello->hello_retry_request;
  }
  if (!chain.empty()) rsa_bits = public_key_bits(chain[0]);
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
    if (chain.empty() && !h.certificate.empty()) chain.push_back(h.certificate);
  }

  // Cipher suites per accepted version, the versions concurrently.
  std::vector<std::uint16_t> to_enumerate;
  for (auto v : kVersions)
    if (v != SSL2_VERSION && ep.accepted(v)) to_enumerate.push_back(v);
  auto enums = co_await all_of<Enumeration>(to_enumerate.size(), [&](std::size_t i) {
    return enumerate_suites(es, to_enumerate[i], rsa_bits);
  });
  for (std::size_t i = 0; i < to_enumerate.size(); ++i) {
    ep.ciphers[to_enumerate[i]] = std::move(enums[i].suites);
    if (!enums[i].error.empty()) ep.cipher_errors[to_enumerate[i]] = enums[i].error;
  }

  // Preference: on the newest version with two suites or more.
  for (auto it = to_enumerate.rbegin(); it != to_enumerate.rend(); ++it)
    if (ep.ciphers[*it].size() >= 2) {
      ep.server_order = co_await server_order(es, *it, ep.ciphers[*it]);
      break;
    }

  if (ep.accepted(TLS1_3_VERSION)) {
    auto groups = co_await all_of<bool>(kTls13Groups.size(), [&](std::size_t i) { return tls13_group(es, kTls13Groups[i]); });
    for (std::size_t i = 0; i < kTls13Groups.size(); ++i)
      if (groups[i]) ep.tls13_groups.push_back(group_name(kTls13Groups[i]));
  }

  // ECDHE curves below TLS 1.3, on the newest version with an ECDHE suite.
  for (auto it = to_enumerate.rbegin(); it != to_enumerate.rend(); ++it) {
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

  std::optional<std::uint16_t> lower;
  if (ep.accepted(TLS1_3_VERSION) && highest12) lower = highest12;
  else if (second12) lower = second12;
  if (lower) ep.fallback_scsv = co_await fallback_scsv(es, *lower);

  // Certificate: from a TLS <= 1.2 flight, else an OpenSSL handshake (TLS 1.3 encrypts it).
  std::string cert_source = "handshake";
  if (chain.empty()) {
    cert_source = "openssl";
    auto o = co_await openssl_peer_chain(ctx, port, starttls, es.sni, chain);
    if (!o.ok()) ep.certificate_error = o.reason;
  }
  if (!chain.empty()) {
    auto ci = certificate_info(chain, std::time(nullptr));
    if (ci) {
      ep.certificate = CertificateInfo{std::move(*ci.value), cert_source};
    } else {
      ep.certificate_error = ci.error;
    }
  }

  apply_verdicts(ep);
  ep.outcome = Outcome::success();
  co_return ep;
}

}  // namespace

// "ldap:389,smtp:25" -> endpoints; false with error on a bad entry.
bool parse_starttls(std::string_view text, std::vector<std::pair<StartTlsProto, std::uint16_t>>& out, std::string& error) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const auto item = text.substr(start, end - start);
    const auto colon = item.find(':');
    unsigned port = 0;
    const auto proto = starttls_from_string(item.substr(0, colon));
    if (colon == std::string_view::npos || !proto) {
      error = "--starttls: '" + std::string(item) + "' is not PROTO:PORT (ldap, smtp, imap, pop3, ftp, postgres, rdp, tds)";
      return false;
    }
    const auto num = item.substr(colon + 1);
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), port);
    if (ec != std::errc() || p != num.data() + num.size() || port == 0 || port > 65535) {
      error = "--starttls: bad port in '" + std::string(item) + "'";
      return false;
    }
    out.emplace_back(*proto, static_cast<std::uint16_t>(port));
    start = end + 1;
  }
  return true;
}

bool parse_port_list(std::string_view text, std::vector<std::uint16_t>& out, std::string& error) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const auto item = text.substr(start, end - start);
    unsigned port = 0;
    auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), port);
    if (ec != std::errc() || p != item.data() + item.size() || port == 0 || port > 65535) {
      error = "--tls-ports: bad port '" + std::string(item) + "'";
      return false;
    }
    out.push_back(static_cast<std::uint16_t>(port));
    start = end + 1;
  }
  return true;
}

std::optional<std::string> validate_options(const ScanSettings& settings) {
  std::string error;
  std::vector<std::uint16_t> ports;
  if (auto p = settings.option("tls-ports"); p && !parse_port_list(*p, ports, error)) return error;
  std::vector<std::pair<StartTlsProto, std::uint16_t>> starttls;
  if (auto s = settings.option("starttls"); s && !parse_starttls(*s, starttls, error)) return error;
  if (auto sni = settings.option("tls-sni")) {
    // RFC 6066 3: a DNS host name, never an address literal.
    boost::system::error_code ec;
    boost::asio::ip::make_address(*sni, ec);
    const bool chars_ok = std::all_of(sni->begin(), sni->end(), [](unsigned char c) {
      return std::isalnum(c) || c == '-' || c == '.' || c == '_';
    });
    if (!ec || !chars_ok || sni->size() > 253)
      return "--tls-sni: '" + *sni + "' is not a DNS host name (RFC 6066 3: no addresses, at most 253 characters)";
  }
  return std::nullopt;
}

namespace {

class TlsProbe final : public Probe {
 public:
  std::string_view name() const override { return "tls"; }
  std::string_view description() const override {
    return "SSL 2.0 to TLS 1.3 by hand-built hellos, cipher suites per version, PFS/BSI verdict, certificate, "
           "implicit TLS and STARTTLS (LDAP, SMTP, IMAP, POP3, FTP, PostgreSQL, RDP, TDS)";
  }
  std::vector<std::uint16_t> default_ports() const override { return {636, 3269, 443, 389}; }
  std::vector<std::string_view> transports() const override { return {"tcp"}; }
  std::string check_options(const ScanSettings& settings) const override {
    return validate_options(settings).value_or("");
  }
  std::vector<ProbeOption> options() const override {
    return {{"--tls-ports", "Ports to scan for TLS, replacing the port selection (comma list)", ""},
            {"--starttls", "STARTTLS endpoints PROTO:PORT,... (ldap, smtp, imap, pop3, ftp, postgres, rdp, tds)", ""},
            {"--tls-sni", "Server name to send in the TLS server_name extension (default: the target's name)", ""}};
  }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<TlsResult>();
    std::vector<std::pair<StartTlsProto, std::uint16_t>> endpoints;
    std::string error;
    std::vector<std::uint16_t> ports = ctx.ports;
    if (auto p = ctx.settings.option("tls-ports")) {
      ports.clear();
      if (!parse_port_list(*p, ports, error)) {  // check_options() stops this at parse time; callers other than the CLI
        result->status = Status::error;
        result->reason = error;
        co_return result;
      }
    }
    std::vector<std::pair<StartTlsProto, std::uint16_t>> explicit_starttls;
    if (auto s = ctx.settings.option("starttls"))
      if (!parse_starttls(*s, explicit_starttls, error)) {
        result->status = Status::error;
        result->reason = error;
        co_return result;
      }
    for (auto port : ports) {
      auto it = std::find_if(explicit_starttls.begin(), explicit_starttls.end(),
                             [&](const auto& e) { return e.second == port; });
      endpoints.emplace_back(it != explicit_starttls.end() ? it->first : service_for_port(port).starttls, port);
    }
    for (const auto& e : explicit_starttls)
      if (std::find(ports.begin(), ports.end(), e.second) == ports.end()) endpoints.push_back(e);

    std::optional<std::string> sni = ctx.settings.option("tls-sni");
    if (!sni && !ctx.host_name.empty()) {
      boost::system::error_code ec;
      boost::asio::ip::make_address(ctx.host_name, ec);
      if (ec) sni = ctx.host_name;  // RFC 6066 3: literal addresses are not sent
    }
    auto eps = co_await all_of<Endpoint>(endpoints.size(), [&](std::size_t i) {
      return scan_endpoint(ctx, endpoints[i].second, endpoints[i].first, sni);
    });
    result->endpoints = std::move(eps);
    const bool any_ok = std::any_of(result->endpoints.begin(), result->endpoints.end(),
                                    [](const Endpoint& e) { return e.outcome.ok(); });
    if (!any_ok && !result->endpoints.empty()) {
      result->status = result->endpoints.front().outcome.status;
      result->reason = "no endpoint answered TLS:";
      for (const auto& e : result->endpoints)
        result->reason += " " + std::to_string(e.port) + ": " + e.outcome.reason + ";";
    }
    co_return result;
  }
};

}  // namespace

}  // namespace legacyscan::tls

namespace legacyscan {
std::unique_ptr<Probe> make_tls_probe() { return std::make_unique<tls::TlsProbe>(); }
}  // namespace legacyscan
