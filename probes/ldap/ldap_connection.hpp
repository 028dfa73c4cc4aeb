// SPDX-License-Identifier: Apache-2.0
// One TCP connection carrying LDAPMessages (RFC 4511 5.1: BER-framed, no extra framing), in the clear
// or inside TLS, and the one-connection search the ping, the rootDSE and the GC checks use.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>

#include "legacyscan/engine/net.hpp"
#include "probes/ldap/ldap_tls.hpp"
#include "src/proto/ldap/ldap_codec.hpp"

namespace legacyscan::ldap {

class LdapConnection {
 public:
  static boost::asio::awaitable<Outcome> open(ProbeContext& ctx, std::uint16_t port,
                                              std::unique_ptr<LdapConnection>& out);
  explicit LdapConnection(std::unique_ptr<TcpConnection> c) : conn_(std::move(c)) {}
  LdapConnection(const LdapConnection&) = delete;
  LdapConnection& operator=(const LdapConnection&) = delete;
  ~LdapConnection() {
    if (conn_) conn_->close();
  }

  boost::asio::awaitable<Outcome> send(ByteView message);
  // TLS from here on (LDAPS at once, or after a successful StartTLS).
  boost::asio::awaitable<Outcome> start_tls();
  [[nodiscard]] const TlsLink* tls() const { return tls_.get(); }
  // The next whole LDAPMessage.
  boost::asio::awaitable<Outcome> next(LDAPMessage& out);
  // A SASL security layer from here on (RFC 4422 3.7, RFC 4752 3.3): every message goes out as a
  // 4-byte big-endian length and wrap(message), and comes in the same way through unwrap.
  using Transform = std::function<Decoded<Bytes>(ByteView)>;
  void set_sasl_layer(Transform wrap, Transform unwrap);

 private:
  boost::asio::awaitable<Outcome> read_more();

  std::unique_ptr<TcpConnection> conn_;
  std::unique_ptr<TlsLink> tls_;
  Bytes buf_;
  Bytes sasl_buf_;  // received SASL buffers not yet unwrapped
  Transform wrap_, unwrap_;
};

// Sends a SearchRequest on a connection of its own and reads until its SearchResultDone.
boost::asio::awaitable<Outcome> tcp_search(ProbeContext& ctx, std::uint16_t port, const SearchRequest& req,
                                           SearchResponse& out);

}  // namespace legacyscan::ldap
