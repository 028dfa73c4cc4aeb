// SPDX-License-Identifier: Apache-2.0
#include "probes/kerberos/kerberos_exchange.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <memory>

#include "legacyscan/engine/net.hpp"

namespace legacyscan::kerberos {

namespace asio = boost::asio;

namespace {

std::int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

asio::awaitable<RawReply> exchange_udp(Scan& s, ByteView request) {
  RawReply r;
  UdpExchange how;
  how.port = s.port;
  // Only a KDC reply is the answer; anything else sent to our port (junk, a flood) is ignored and
  // counted until the deadline, so it cannot turn into a protocol error.
  std::string last_junk;
  how.accept = [&last_junk](ByteView d) {
    auto shape = kdc_reply_datagram(d);
    if (!shape) last_junk = shape.error;
    return shape.has_value();
  };
  auto u = co_await udp_exchange(s.ctx, request, how);
  if (u.outcome.status == Status::timeout && !last_junk.empty())
    u.outcome.reason += " (the last one: " + last_junk + ")";
  r.outcome = u.outcome;
  r.attempts = u.attempts;
  r.message = std::move(u.datagram);
  co_return r;
}

asio::awaitable<RawReply> exchange_tcp(Scan& s, ByteView request) {
  RawReply r;
  r.attempts = 1;
  std::unique_ptr<TcpConnection> conn;
  r.outcome = co_await TcpConnection::open(s.ctx, s.port, conn);
  if (!r.outcome.ok()) co_return r;
  r.outcome = co_await conn->write(frame_tcp(request));
  if (!r.outcome.ok()) co_return r;
  Bytes mark;
  r.outcome = co_await conn->read_exact(mark, 4);
  if (!r.outcome.ok()) co_return r;
  auto len = decode_record_mark(mark);
  if (!len) {
    r.outcome = Outcome::failure(Status::protocol_error, "not a Kerberos TCP reply: " + len.error);
    co_return r;
  }
  r.outcome = co_await conn->read_exact(r.message, *len);
  if (!r.outcome.ok() && r.outcome.status == Status::reset)
    r.outcome.reason += " (after the record mark announced " + std::to_string(*len) + " bytes)";
  conn->close();
  co_return r;
}

}  // namespace

Bytes as_req(Scan& s, const std::vector<std::int32_t>& etypes, const std::string& realm) {
  AsReqOptions o;
  o.realm = realm;
  o.cname = s.cname;
  o.etype = etypes;
  o.nonce = (s.nonce_base + s.next_nonce++) & 0x7fffffffu;
  o.pac_request = true;  // as Windows clients send it ([MS-KILE] 2.2.3)
  auto r = encode_as_req(o);
  return r ? std::move(*r.value) : Bytes{};
}

asio::awaitable<RawReply> exchange(Scan& s, Transport t, ByteView request) {
  if (t == Transport::udp) co_return co_await exchange_udp(s, request);
  co_return co_await exchange_tcp(s, request);
}

asio::awaitable<EtypeAnswer> check(Scan& s, Transport t, std::vector<std::int32_t> offer,
                                   std::optional<std::int32_t> companion, int* attempts) {
  const auto request = as_req(s, offer, s.realm);
  auto raw = co_await exchange(s, t, request);
  if (attempts) *attempts = raw.attempts;
  EtypeAnswer a;
  if (!raw.outcome.ok()) {
    a.verdict = raw.outcome.status == Status::protocol_error ? EtypeVerdict::protocol_error : EtypeVerdict::no_answer;
    a.outcome = raw.outcome;
    a.detail = raw.outcome.reason;
    co_return a;
  }
  const auto received = now_unix();
  a = classify_message(raw.message, offer.front(), companion);
  if (a.verdict == EtypeVerdict::protocol_error && !a.error_code && !a.as_rep)
    a.outcome = Outcome::failure(Status::protocol_error, a.detail);
  if (!a.kdc_time.empty())
    if (auto kdc = kerberos_time_to_unix(a.kdc_time)) a.clock_skew_seconds = *kdc - received;
  co_return a;
}

}  // namespace legacyscan::kerberos
