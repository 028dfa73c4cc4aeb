// SPDX-License-Identifier: Apache-2.0
#include "probes/ldap/ldap_connection.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <string>
#include <vector>

namespace legacyscan::ldap {

namespace asio = boost::asio;

namespace {

// Caps on one search's answer.
constexpr std::size_t kMaxSearchMessages = 256;
// A SASL buffer the peer announces longer than this is refused (RFC 4752 3.3 maxbuf is 3 bytes).
constexpr std::size_t kMaxSaslBuffer = 1u << 24;

}  // namespace

asio::awaitable<Outcome> LdapConnection::open(ProbeContext& ctx, std::uint16_t port,
                                              std::unique_ptr<LdapConnection>& out) {
  std::unique_ptr<TcpConnection> c;
  auto o = co_await TcpConnection::open(ctx, port, c);
  if (o.ok()) out = std::make_unique<LdapConnection>(std::move(c));
  co_return o;
}

asio::awaitable<Outcome> LdapConnection::send(ByteView message) {
  Bytes framed;
  if (wrap_) {
    auto w = wrap_(message);
    if (!w) co_return Outcome::failure(Status::error, "SASL layer: " + w.error);
    Writer out;
    out.u32be(static_cast<std::uint32_t>(w->size()));
    out.bytes(*w);
    framed = out.take();
    message = framed;
  }
  if (tls_) co_return co_await tls_->write(*conn_, message);
  co_return co_await conn_->write(message);
}

void LdapConnection::set_sasl_layer(Transform wrap, Transform unwrap) {
  wrap_ = std::move(wrap);
  unwrap_ = std::move(unwrap);
  sasl_buf_ = std::move(buf_);  // whatever came after the bind's answer is already wrapped
  buf_.clear();
}

asio::awaitable<Outcome> LdapConnection::read_more() {
  Bytes& into = unwrap_ ? sasl_buf_ : buf_;
  // No co_await inside a conditional expression: GCC 12 miscompiles it.
  Outcome o;
  if (tls_)
    o = co_await tls_->read_some(*conn_, into);
  else
    o = co_await conn_->read_some(into);
  if (!o.ok() || !unwrap_) co_return o;
  // Every whole SASL buffer received is unwrapped into the LDAP byte stream.
  for (;;) {
    Reader r(sasl_buf_);
    std::uint32_t len = 0;
    if (!r.u32be(len)) break;
    if (len > kMaxSaslBuffer)
      co_return Outcome::failure(Status::protocol_error, "SASL buffer of " + std::to_string(len) + " bytes");
    if (r.remaining() < len) break;
    auto plain = unwrap_(ByteView(sasl_buf_).subspan(4, len));
    if (!plain) co_return Outcome::failure(Status::protocol_error, "SASL layer: " + plain.error);
    buf_.insert(buf_.end(), plain->begin(), plain->end());
    sasl_buf_.erase(sasl_buf_.begin(), sasl_buf_.begin() + 4 + static_cast<std::ptrdiff_t>(len));
  }
  co_return o;
}

asio::awaitable<Outcome> LdapConnection::start_tls() {
  if (!buf_.empty()) co_return Outcome::failure(Status::protocol_error, "bytes after the StartTLS response");
  co_return co_await TlsLink::start(*conn_, tls_);
}

asio::awaitable<Outcome> LdapConnection::next(LDAPMessage& out) {
  for (;;) {
    const Frame f = frame_ldap_message(buf_, kMaxMessageBytes);
    if (f.state == Frame::State::invalid) co_return Outcome::failure(Status::protocol_error, f.error);
    if (f.state == Frame::State::complete) {
      auto m = decode_ldap_message(ByteView(buf_).first(f.size));
      buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(f.size));
      if (!m) co_return Outcome::failure(Status::protocol_error, "malformed LDAPMessage: " + m.error);
      out = std::move(*m);
      co_return Outcome::success();
    }
    auto o = co_await read_more();
    if (!o.ok()) co_return o;
  }
}

asio::awaitable<Outcome> tcp_search(ProbeContext& ctx, std::uint16_t port, const SearchRequest& req,
                                    SearchResponse& out) {
  std::unique_ptr<LdapConnection> conn;
  auto o = co_await LdapConnection::open(ctx, port, conn);
  if (!o.ok()) co_return o;
  constexpr std::int32_t id = 1;
  o = co_await conn->send(encode_search_request(id, req));
  if (!o.ok()) co_return o;
  std::vector<LDAPMessage> messages;
  for (;;) {
    LDAPMessage m;
    o = co_await conn->next(m);
    if (!o.ok()) co_return o;
    const bool done = m.searchResDone.has_value() || (m.messageID == 0 && m.extendedResp);
    messages.push_back(std::move(m));
    if (done) break;
    if (messages.size() > kMaxSearchMessages)
      co_return Outcome::failure(Status::protocol_error, "more than " + std::to_string(kMaxSearchMessages) +
                                                             " messages in answer to one search");
  }
  auto collected = collect_search_response(messages, id);
  if (!collected) co_return Outcome::failure(Status::protocol_error, collected.error);
  out = std::move(*collected);
  (void)co_await conn->send(encode_unbind_request(2));
  co_return Outcome::success();
}

}  // namespace legacyscan::ldap
