// SPDX-License-Identifier: Apache-2.0
// TLS for the LDAP channel-binding check: an OpenSSL client session over the engine's TCP connection
// through memory BIOs, so every read and write keeps the engine's deadlines. Used for LDAPS (636,
// 3269) and for 389 after StartTLS. It does not verify the certificate (a scanner must see every
// DC); it keeps the server's certificate for the tls-server-end-point channel binding (RFC 5929).
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "legacyscan/engine/net.hpp"

namespace legacyscan::ldap {

class TlsLink {
 public:
  // Runs the handshake on `conn` (which must stay open as long as the link is used).
  static boost::asio::awaitable<Outcome> start(TcpConnection& conn, std::unique_ptr<TlsLink>& out);
  boost::asio::awaitable<Outcome> write(TcpConnection& conn, ByteView plaintext);
  // Appends the next decrypted bytes to buf.
  boost::asio::awaitable<Outcome> read_some(TcpConnection& conn, Bytes& buf);

  [[nodiscard]] const Bytes& server_certificate() const { return certificate_; }  // DER, leaf
  [[nodiscard]] const std::string& version() const { return version_; }           // "TLSv1.3"

  ~TlsLink();
  TlsLink(const TlsLink&) = delete;
  TlsLink& operator=(const TlsLink&) = delete;

 private:
  TlsLink() = default;
  boost::asio::awaitable<Outcome> flush(TcpConnection& conn);
  struct State;
  std::unique_ptr<State> state_;
  Bytes certificate_;
  std::string version_;
};

}  // namespace legacyscan::ldap
