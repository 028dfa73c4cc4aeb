// SPDX-License-Identifier: Apache-2.0
#include "probes/ldap/ldap_tls.hpp"

// GCC 12 reports -Wmismatched-new-delete inside Boost.Asio's own coroutine frame allocator
// (awaitable_frame_base::operator new/delete via thread_info_base) for some coroutines once inlined: a
// false positive (GCC bug 109224 and friends); clang and GCC 13 do not warn.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "legacyscan/engine/openssl_error.hpp"

namespace legacyscan::ldap {

namespace asio = boost::asio;

struct TlsLink::State {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  BIO* rbio = nullptr;  // owned by ssl
  BIO* wbio = nullptr;  // owned by ssl
  ~State() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
};

TlsLink::~TlsLink() = default;

asio::awaitable<Outcome> TlsLink::flush(TcpConnection& conn) {
  while (BIO_ctrl_pending(state_->wbio) > 0) {
    Bytes out(BIO_ctrl_pending(state_->wbio));
    const int n = BIO_read(state_->wbio, out.data(), static_cast<int>(out.size()));
    if (n <= 0) break;
    out.resize(static_cast<std::size_t>(n));
    auto o = co_await conn.write(out);
    if (!o.ok()) co_return o;
  }
  co_return Outcome::success();
}

asio::awaitable<Outcome> TlsLink::start(TcpConnection& conn, std::unique_ptr<TlsLink>& out) {
  ERR_clear_error();
  std::unique_ptr<TlsLink> link(new TlsLink());
  link->state_ = std::make_unique<State>();
  State& s = *link->state_;
  s.ctx = SSL_CTX_new(TLS_client_method());
  if (!s.ctx) co_return Outcome::failure(Status::error, openssl_error("SSL_CTX_new"));
  // Any version and suite the DC offers: the TLS probe judges those; this check needs a session.
  SSL_CTX_set_security_level(s.ctx, 0);
  SSL_CTX_set_min_proto_version(s.ctx, 0);
  SSL_CTX_set_cipher_list(s.ctx, "ALL:@SECLEVEL=0");
  SSL_CTX_set_verify(s.ctx, SSL_VERIFY_NONE, nullptr);
  s.ssl = SSL_new(s.ctx);
  if (!s.ssl) co_return Outcome::failure(Status::error, openssl_error("SSL_new"));
  s.rbio = BIO_new(BIO_s_mem());
  s.wbio = BIO_new(BIO_s_mem());
  if (!s.rbio || !s.wbio) {
    BIO_free(s.rbio);
    BIO_free(s.wbio);
    s.rbio = s.wbio = nullptr;
    co_return Outcome::failure(Status::error, "BIO_new failed");
  }
  SSL_set_bio(s.ssl, s.rbio, s.wbio);
  SSL_set_connect_state(s.ssl);
  for (int round = 0; round < 64; ++round) {
    const int r = SSL_do_handshake(s.ssl);
    auto o = co_await link->flush(conn);
    if (!o.ok()) co_return o;
    if (r == 1) break;
    if (SSL_get_error(s.ssl, r) != SSL_ERROR_WANT_READ)
      co_return Outcome::failure(Status::protocol_error, openssl_error("TLS handshake failed"));
    Bytes in;
    o = co_await conn.read_some(in, 16384);
    if (!o.ok()) co_return o;
    BIO_write(s.rbio, in.data(), static_cast<int>(in.size()));
  }
  if (!SSL_is_init_finished(s.ssl)) co_return Outcome::failure(Status::protocol_error, "TLS handshake did not finish");
  if (X509* leaf = SSL_get1_peer_certificate(s.ssl)) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(leaf, &der);
    if (len > 0) link->certificate_.assign(der, der + len);
    OPENSSL_free(der);
    X509_free(leaf);
  }
  if (link->certificate_.empty()) co_return Outcome::failure(Status::protocol_error, "the server sent no certificate");
  link->version_ = SSL_get_version(s.ssl);
  out = std::move(link);
  co_return Outcome::success();
}

asio::awaitable<Outcome> TlsLink::write(TcpConnection& conn, ByteView plaintext) {
  ERR_clear_error();
  if (SSL_write(state_->ssl, plaintext.data(), static_cast<int>(plaintext.size())) <= 0)
    co_return Outcome::failure(Status::protocol_error, openssl_error("TLS write failed"));
  co_return co_await flush(conn);
}

asio::awaitable<Outcome> TlsLink::read_some(TcpConnection& conn, Bytes& buf) {
  ERR_clear_error();
  std::uint8_t chunk[16384];
  for (int round = 0; round < 1024; ++round) {
    const int n = SSL_read(state_->ssl, chunk, sizeof chunk);
    if (n > 0) {
      buf.insert(buf.end(), chunk, chunk + n);
      co_return Outcome::success();
    }
    const int err = SSL_get_error(state_->ssl, n);
    auto o = co_await flush(conn);  // TLS 1.3 may answer post-handshake messages
    if (!o.ok()) co_return o;
    if (err == SSL_ERROR_ZERO_RETURN) co_return Outcome::failure(Status::reset, "TLS close_notify from the server");
    if (err != SSL_ERROR_WANT_READ)
      co_return Outcome::failure(Status::protocol_error, openssl_error("TLS read failed"));
    Bytes in;
    o = co_await conn.read_some(in, 16384);
    if (!o.ok()) co_return o;
    BIO_write(state_->rbio, in.data(), static_cast<int>(in.size()));
  }
  co_return Outcome::failure(Status::protocol_error, "TLS read: no application data after 1024 records");
}

}  // namespace legacyscan::ldap
