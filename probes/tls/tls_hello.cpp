// SPDX-License-Identifier: Apache-2.0
// One offer on a connection of its own: connect, run the STARTTLS prelude if any, send the hello bytes,
// read the server's first flight.
#include "probes/tls/tls_probe.hpp"

#include <boost/asio/use_awaitable.hpp>

#include "legacyscan/engine/net.hpp"
#include "probes/tls/tls_openssl.hpp"

namespace legacyscan::tls {

namespace asio = boost::asio;

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
        if (*r->encryption == kTdsEncryptNotSup) co_return refused("the server answered ENCRYPT_NOT_SUP: no TLS");
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

asio::awaitable<HelloExchange> send_hello(ProbeContext& ctx, std::uint16_t port, StartTlsProto starttls, ByteView hello,
                                          bool ssl2) {
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

}  // namespace legacyscan::tls
