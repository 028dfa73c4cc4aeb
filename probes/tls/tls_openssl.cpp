// SPDX-License-Identifier: Apache-2.0
#include "probes/tls/tls_openssl.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>

#include "legacyscan/engine/openssl_error.hpp"

namespace legacyscan::tls {

namespace asio = boost::asio;

namespace {
struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

}  // namespace

asio::awaitable<Outcome> openssl_peer_chain(ProbeContext& ctx, std::uint16_t port, StartTlsProto starttls,
                                            const std::optional<std::string>& sni, std::vector<Bytes>& chain) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, CtxFree> sctx(SSL_CTX_new(TLS_client_method()));
  if (!sctx) co_return Outcome::failure(Status::error, openssl_error("SSL_CTX_new"));
  SSL_CTX_set_security_level(sctx.get(), 0);
  SSL_CTX_set_min_proto_version(sctx.get(), 0);
  SSL_CTX_set_cipher_list(sctx.get(), "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
  SSL_CTX_set_verify(sctx.get(), SSL_VERIFY_NONE, nullptr);
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(sctx.get()));
  if (!ssl) co_return Outcome::failure(Status::error, openssl_error("SSL_new"));
  BIO* rbio = BIO_new(BIO_s_mem());
  BIO* wbio = BIO_new(BIO_s_mem());
  if (!rbio || !wbio) {
    BIO_free(rbio);
    BIO_free(wbio);
    co_return Outcome::failure(Status::error, "BIO_new failed");
  }
  SSL_set_bio(ssl.get(), rbio, wbio);  // ssl owns both now
  SSL_set_connect_state(ssl.get());
  if (sni) SSL_set_tlsext_host_name(ssl.get(), sni->c_str());

  std::unique_ptr<TcpConnection> conn;
  auto o = co_await TcpConnection::open(ctx, port, conn);
  if (!o.ok()) co_return o;
  o = co_await run_starttls_prelude(*conn, starttls);
  if (!o.ok()) co_return o;
  Bytes tds_raw;  // TDS: every byte read so far; tds_fed: how much of its payload went to OpenSSL
  std::size_t tds_fed = 0;
  for (int round = 0; round < 64; ++round) {
    const int r = SSL_do_handshake(ssl.get());
    while (BIO_ctrl_pending(wbio) > 0) {
      Bytes out(BIO_ctrl_pending(wbio));
      const int n = BIO_read(wbio, out.data(), static_cast<int>(out.size()));
      if (n <= 0) break;
      out.resize(static_cast<std::size_t>(n));
      if (starttls == StartTlsProto::tds) out = tds_wrap(out);  // the handshake inside PRELOGIN packets
      o = co_await conn->write(out);
      if (!o.ok()) co_return o;
    }
    if (r == 1) break;
    const int err = SSL_get_error(ssl.get(), r);
    if (err != SSL_ERROR_WANT_READ)
      co_return Outcome::failure(Status::protocol_error, openssl_error("OpenSSL handshake failed"));
    Bytes in;
    o = co_await conn->read_some(starttls == StartTlsProto::tds ? tds_raw : in, 16384);
    if (!o.ok()) co_return o;
    if (starttls == StartTlsProto::tds) {
      auto payload = decode_tds_packets(tds_raw);
      if (!payload) co_return Outcome::failure(Status::protocol_error, payload.error);
      in.assign(payload.value->begin() + static_cast<std::ptrdiff_t>(tds_fed), payload.value->end());
      tds_fed = payload.value->size();
    }
    BIO_write(rbio, in.data(), static_cast<int>(in.size()));
  }
  if (!SSL_is_init_finished(ssl.get()))
    co_return Outcome::failure(Status::protocol_error, "OpenSSL handshake did not finish");
  STACK_OF(X509)* peer = SSL_get_peer_cert_chain(ssl.get());
  for (int i = 0; peer && i < sk_X509_num(peer); ++i) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(sk_X509_value(peer, i), &der);
    if (len > 0) chain.emplace_back(der, der + len);
    OPENSSL_free(der);
  }
  conn->close();
  if (chain.empty()) co_return Outcome::failure(Status::protocol_error, "the server sent no certificate");
  co_return Outcome::success();
}

}  // namespace legacyscan::tls
