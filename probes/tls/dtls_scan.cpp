// SPDX-License-Identifier: Apache-2.0
#include "probes/tls/dtls_scan.hpp"

#include <algorithm>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/this_coro.hpp>
#include <ctime>

#include "legacyscan/engine/net.hpp"
#include "src/proto/tls/dtls_codec.hpp"
#include "src/proto/tls/dtls_reassembly.hpp"
#include "src/proto/tls/tls_certificate.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"

namespace legacyscan::tls {

namespace asio = boost::asio;

namespace {

// A server may ask for a cookie again (a new secret, a lost answer); more rounds than this is a
// HelloVerifyRequest loop, not a handshake.
constexpr int kMaxCookieRounds = 3;
// Suites one version can accept before the enumeration stops (the lab's servers take under 40).
constexpr int kMaxSuiteRounds = 96;
constexpr std::uint8_t kAlertFatal = 2, kAlertHandshakeFailure = 40;
// The largest Certificate message reassembled: far above real chains (a few KiB), far below the 16 MiB a
// handshake header can name.
constexpr std::size_t kMaxCertificateMessage = 128 * 1024;

// The server's flight after the ServerHello, read from every datagram until the Certificate message
// is whole (or ServerHelloDone shows there is none).
struct FlightCollector {
  DtlsMessageAssembler certificate{CERTIFICATE, kMaxCertificateMessage};
  std::optional<DtlsReply> hello;  // the datagram with the ServerHello, decoded
  std::string error;

  // Whether the datagram ends the wait.
  bool take(ByteView d) {
    auto r = decode_dtls_reply(d);
    if (!r || r->kind == DtlsReplyKind::hello_verify_request || r->kind == DtlsReplyKind::alert) return true;
    if (r->kind == DtlsReplyKind::server_hello && !hello) hello = std::move(*r.value);
    if (!hello) return false;
    auto c = certificate.put(d);
    if (!c) {
      error = c.error;
      return true;
    }
    // DTLS 1.3 encrypts everything after the ServerHello.
    return *c || certificate.seen(SERVER_HELLO_DONE) || hello->server_hello->version() == DTLS1_3_VERSION;
  }
};

struct DtlsTry {
  Outcome outcome;
  std::optional<DtlsReply> reply;  // a ServerHello or alert
  bool cookie = false;
  int exchanges = 0;
  std::string not_dtls;  // the answer, when it was not DTLS
};

// Ends the server's half of a handshake we will not finish: servers that serve one peer at a time
// (OpenSSL's s_server) would otherwise wait out their retransmissions before the next hello.
// Best effort: nothing is read back, and a failed send changes nothing.
void send_abort(ProbeContext& ctx, std::uint16_t port, std::uint16_t local_port, std::uint16_t version) {
  boost::system::error_code ec;
  asio::io_context io;
  asio::ip::udp::socket s(io);
  const asio::ip::udp::endpoint peer(ctx.address, port);
  s.open(peer.protocol(), ec);
  if (ec) return;
  s.set_option(asio::socket_base::reuse_address(true), ec);
  s.bind({peer.address().is_v6() ? asio::ip::address(asio::ip::address_v6::any()) : asio::ip::address_v4::any(),
          local_port},
         ec);
  if (ec) return;
  const Bytes alert = encode_dtls_alert(version, kAlertFatal, kAlertHandshakeFailure, kMaxCookieRounds);
  s.send_to(asio::buffer(alert), peer, 0, ec);
}

// flight, when given, collects the datagrams after the ServerHello too (the certificate).
asio::awaitable<DtlsTry> dtls_hello(ProbeContext& ctx, std::uint16_t port, const ClientHelloOffer& offer,
                                    std::uint16_t version, FlightCollector* flight = nullptr) {
  DtlsTry t;
  Bytes cookie;
  std::optional<std::uint16_t> local_port;
  for (std::uint16_t round = 0; round < kMaxCookieRounds; ++round) {
    auto hello = encode_dtls_client_hello(offer, version, cookie, round, round);
    if (!hello) {
      t.outcome = Outcome::failure(Status::error, "DTLS ClientHello: " + hello.error);
      co_return t;
    }
    UdpExchange how;
    how.port = port;
    // The cookie is bound to our address and port (RFC 6347 4.2.1): the hello that carries it goes
    // from the port the first one went from.
    how.local_port = local_port;
    // A datagram that is not DTLS is taken too (it says what answers there); DTLS without a hello or
    // alert (a late retransmission of an earlier flight) is passed over.
    how.accept = [flight](ByteView d) {
      if (flight) return flight->take(d);
      auto r = decode_dtls_reply(d);
      return !r || r->kind != DtlsReplyKind::other;
    };
    auto reply = co_await udp_exchange(ctx, *hello.value, how);
    t.outcome = reply.outcome;
    if (!reply.outcome.ok()) co_return t;
    ++t.exchanges;
    local_port = reply.local.port();
    if (flight && flight->hello) {
      send_abort(ctx, port, *local_port, version);
      t.reply = *flight->hello;
      co_return t;
    }
    auto d = decode_dtls_reply(reply.datagram);
    if (!d) {
      t.not_dtls = d.error + " (" + printable_excerpt(reply.datagram) + ")";
      co_return t;
    }
    if (d->kind == DtlsReplyKind::hello_verify_request) {
      cookie = d->hello_verify->cookie;
      t.cookie = true;
      continue;
    }
    if (d->kind == DtlsReplyKind::server_hello) send_abort(ctx, port, *local_port, version);
    t.reply = std::move(*d.value);
    co_return t;
  }
  t.outcome = Outcome::failure(Status::protocol_error, "HelloVerifyRequest loop: " + std::to_string(kMaxCookieRounds) +
                                                           " cookies and no ServerHello");
  co_return t;
}

ClientHelloOffer dtls_offer(std::uint16_t version, std::vector<std::uint16_t> suites,
                            const std::optional<std::string>& sni) {
  return default_offer(dtls_tls_version(version), std::move(suites), sni);
}

std::uint16_t version_of(const std::string& key) {
  if (key == "dtls1.0") return DTLS1_VERSION;
  return key == "dtls1.3" ? DTLS1_3_VERSION : DTLS1_2_VERSION;
}

// The suites to offer: the TLS version's, without the stream ciphers DTLS forbids (RFC 6347 4.1.2.2)
// and the signalling values; certificate_only also without those where no certificate is sent.
std::vector<std::uint16_t> dtls_suites(std::uint16_t version, bool certificate_only = false) {
  std::vector<std::uint16_t> out;
  for (auto id : suites_for_version(dtls_tls_version(version))) {
    const auto* info = find_cipher_suite(id);
    if (!info || info->cipher.starts_with("RC4") || id == TLS_EMPTY_RENEGOTIATION_INFO_SCSV || id == TLS_FALLBACK_SCSV)
      continue;
    // For the certificate: only suites where the server authenticates with one.
    if (certificate_only &&
        (info->anonymous || info->auth == "PSK" || info->kex.find("PSK") != std::string_view::npos ||
         info->kex == "SRP" || info->kex == "KRB5"))
      continue;
    out.push_back(id);
  }
  return out;
}

AcceptedSuite accepted_suite(std::uint16_t id) {
  AcceptedSuite s;
  s.id = id;
  s.name = cipher_suite_name(id);
  if (const auto* info = find_cipher_suite(id)) {
    s.kex = std::string(kex_family(*info));
    s.pfs = info->pfs;
    s.weak = is_weak(*info);
    s.export_grade = info->export_grade;
  }
  return s;
}

std::string answer_of(const DtlsTry& t) {
  if (!t.not_dtls.empty()) return "not DTLS: " + t.not_dtls;
  if (!t.outcome.ok()) return t.outcome.status == Status::timeout ? "no answer" : t.outcome.reason;
  if (t.reply->server_hello)
    return std::string(t.reply->server_hello->hello_retry_request ? "HelloRetryRequest " : "ServerHello ") +
           dtls_version_name(t.reply->server_hello->version());
  if (t.reply->alert) return "alert " + alert_name(t.reply->alert->description);
  return "no hello";
}

asio::awaitable<void> enumerate(ProbeContext& ctx, std::uint16_t port, std::uint16_t version,
                                const std::optional<std::string>& sni, DtlsVersionCheck& check, int& exchanges) {
  auto remaining = dtls_suites(version);
  for (int round = 0; round < kMaxSuiteRounds && !remaining.empty(); ++round) {
    auto t = co_await dtls_hello(ctx, port, dtls_offer(version, remaining, sni), version);
    exchanges += t.exchanges;
    if (!t.reply || !t.reply->server_hello) {
      // A refusal ends the enumeration; silence or a failure cuts it short.
      if (!t.reply || !t.reply->alert) check.cipher_error = answer_of(t);
      co_return;
    }
    const auto& sh = *t.reply->server_hello;
    const auto it = std::find(remaining.begin(), remaining.end(), sh.cipher_suite);
    if (sh.version() != version || it == remaining.end()) {
      check.cipher_error = "the server chose " + cipher_suite_name(sh.cipher_suite) + " in " +
                           dtls_version_name(sh.version()) + ", which was not offered";
      co_return;
    }
    remaining.erase(it);
    check.ciphers.push_back(accepted_suite(sh.cipher_suite));
  }
  if (!remaining.empty()) check.cipher_error = "stopped after " + std::to_string(kMaxSuiteRounds) + " suites";
}

// The version check's offer. DTLS 1.3 also offers the DTLS 1.2 suites, as a real DTLS 1.3 client
// does: a DTLS 1.2 server ignores supported_versions and answers in DTLS 1.2 (RFC 9147 5.3, the
// fallback), which then reads as "DTLS 1.3 rejected", not as a failed handshake.
ClientHelloOffer version_offer(std::uint16_t version, const std::optional<std::string>& sni) {
  auto suites = dtls_suites(version);
  if (version == DTLS1_3_VERSION)
    for (auto id : dtls_suites(DTLS1_2_VERSION)) suites.push_back(id);
  return dtls_offer(version, std::move(suites), sni);
}

// The server certificate, from one more handshake in `version` (DTLS <= 1.2 sends it in clear),
// reassembled from its fragments across the flight's datagrams.
asio::awaitable<void> read_certificate(ProbeContext& ctx, std::uint16_t port, std::uint16_t version,
                                       const std::optional<std::string>& sni, DtlsEndpoint& e) {
  FlightCollector flight;
  auto t = co_await dtls_hello(ctx, port, dtls_offer(version, dtls_suites(version, true), sni), version, &flight);
  e.exchanges += t.exchanges;
  if (!flight.error.empty()) {
    e.certificate_error = flight.error;
    co_return;
  }
  if (!flight.certificate.complete()) {
    e.certificate_error = "no Certificate message (" + answer_of(t) + ")";
    co_return;
  }
  auto chain = decode_certificate(flight.certificate.body());
  if (!chain) {
    e.certificate_error = chain.error;
    co_return;
  }
  auto facts = certificate_info(*chain.value, std::time(nullptr));
  if (!facts) {
    e.certificate_error = facts.error;
    co_return;
  }
  e.certificate = CertificateInfo{std::move(*facts.value), "handshake"};
}

}  // namespace

asio::awaitable<DtlsEndpoint> scan_dtls_endpoint(ProbeContext& ctx, std::uint16_t port,
                                                 std::optional<std::string> sni) {
  DtlsEndpoint e;
  e.port = port;
  e.outcome = Outcome::failure(Status::timeout, "no answer to any DTLS ClientHello");
  bool refused = false;
  for (const std::uint16_t version : {DTLS1_VERSION, DTLS1_2_VERSION, DTLS1_3_VERSION}) {
    DtlsVersionCheck c;
    c.version = dtls_version_key(version);
    auto t = co_await dtls_hello(ctx, port, version_offer(version, sni), version);
    e.exchanges += t.exchanges;
    c.cookie = t.cookie;
    c.answer = answer_of(t);
    if (t.reply) {
      e.outcome = Outcome::success();
      // A HelloRetryRequest that selects DTLS 1.3 is the server taking it (RFC 9147 5.1: its cookie).
      c.verdict = t.reply->server_hello && t.reply->server_hello->version() == version ? VersionVerdict::accepted
                                                                                       : VersionVerdict::rejected;
    } else if (t.outcome.status == Status::refused) {
      refused = true;
      e.outcome = t.outcome;
    } else if (t.outcome.status != Status::timeout && !e.outcome.ok()) {
      e.outcome = t.not_dtls.empty() ? t.outcome : Outcome::failure(Status::protocol_error, c.answer);
    }
    e.versions.push_back(std::move(c));
    if (refused) break;  // ICMP port unreachable: nothing listens there
  }
  if (!e.outcome.ok()) co_return e;
  for (auto& c : e.versions) {
    // A port that answers one version and drops the other's hellos refuses that version.
    if (c.verdict == VersionVerdict::failed && c.answer == "no answer") c.verdict = VersionVerdict::rejected;
    if (c.verdict != VersionVerdict::accepted) continue;
    co_await enumerate(ctx, port, version_of(c.version), sni, c, e.exchanges);
  }
  // The newest accepted version that still sends the certificate in clear.
  std::optional<std::uint16_t> clear;
  bool any = false;
  for (const auto& c : e.versions) {
    if (c.verdict != VersionVerdict::accepted) continue;
    any = true;
    if (c.version != "dtls1.3") clear = version_of(c.version);
  }
  if (clear)
    co_await read_certificate(ctx, port, *clear, sni, e);
  else if (any)
    e.certificate_error = "only DTLS 1.3, which encrypts the certificate";
  co_return e;
}

}  // namespace legacyscan::tls
