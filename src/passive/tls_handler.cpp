// SPDX-License-Identifier: Apache-2.0
// TLS: the versions and server name a client offers in its ClientHello (SSL 2.0-compatible form
// included) and what the server chose. The upgrade of text protocols (STARTTLS) hands the stream over.
#include <algorithm>
#include <cctype>

#include "src/passive/handler.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "src/proto/tls/tls_client_hello.hpp"
#include "src/proto/tls/tls_codec.hpp"
#include "src/proto/tls/tls_starttls.hpp"

namespace legacyscan::passive {

namespace {

std::string hex16(std::uint16_t v) {
  static const char* d = "0123456789abcdef";
  std::string s = "0x";
  for (int i = 3; i >= 0; --i) s += d[(v >> (4 * i)) & 0xf];
  return s;
}

std::string tls_version_name(std::uint16_t v) { return tls::version_name(v); }

constexpr std::uint8_t kAlertWarning = 1;  // AlertLevel, RFC 5246 7.2

class TlsHandler : public Handler {
 public:
  explicit TlsHandler(ConnInfo ci) : ci_(std::move(ci)) {}

  Consume consume(int dir, ByteView data, std::int64_t ts) override {
    Consume c;
    if (done_[dir]) return c.stop = true, c;
    if (data.size() < 5) return c.need_more = true, c;
    if (dir == 0 && hs_[0].empty() && (data[0] & 0x80) && data.size() >= 3 && data[2] == 1) {
      // SSL 2.0-compatible CLIENT-HELLO.
      const std::size_t len = ((data[0] & 0x7f) << 8) | data[1];
      if (data.size() < 2 + len) return c.need_more = true, c;
      if (auto h = tls::decode_ssl2_client_hello(data.first(2 + len)))
        client_hello(*h, ts);
      else
        ++ci_.stats->decode_errors;
      done_[0] = true;
      c.consumed = 2 + len;
      c.stop = true;
      return c;
    }
    if (dir == 1 && hs_[1].empty() && !server_hello_seen_ && tls::classify_reply(data) == tls::Framing::ssl2)
      return ssl2_server_hello(data, ts);
    auto rec = tls::read_record(data);
    if (!rec) {
      done_[dir] = true;
      return c.stop = true, c;
    }
    if (rec->need_more) return c.need_more = true, c;
    c.consumed = rec->consumed;
    if (rec->record->type != tls::HANDSHAKE) {
      // Before the ServerHello a server may send a warning alert (unrecognized_name, RFC 6066 3) and
      // carry on, or a ChangeCipherSpec after a HelloRetryRequest (RFC 8446 D.4): read on.
      const ByteView frag = rec->record->fragment;
      if (dir == 1 && !server_hello_seen_) {
        if (rec->record->type == tls::ALERT && frag.size() >= 2 && frag[0] == kAlertWarning) return alert_ = true, c;
        if (rec->record->type == tls::CHANGE_CIPHER_SPEC && hello_retry_) return c;
      }
      // Anything else before the hello (a fatal alert, application data): stop here.
      if (rec->record->type == tls::ALERT && dir == 1 && !server_hello_seen_) alert_ = true;
      done_[dir] = true;
      c.stop = true;
      return c;
    }
    auto& buf = hs_[dir];
    if (buf.size() + rec->record->fragment.size() > 64 * 1024) {
      done_[dir] = true;
      return c.stop = true, c;
    }
    buf.insert(buf.end(), rec->record->fragment.begin(), rec->record->fragment.end());
    // The first handshake message is all we need (ClientHello / ServerHello).
    if (buf.size() < 4) return c;
    const std::size_t mlen = (static_cast<std::size_t>(buf[1]) << 16) | (buf[2] << 8) | buf[3];
    if (buf.size() < 4 + mlen) return c;
    ByteView body(buf.data() + 4, mlen);
    if (dir == 0 && buf[0] == tls::CLIENT_HELLO) {
      if (auto h = tls::decode_client_hello(body))
        client_hello(*h, ts);
      else
        ++ci_.stats->decode_errors;
    } else if (dir == 1 && buf[0] == tls::SERVER_HELLO) {
      auto s = tls::decode_server_hello(body);
      if (s && s->hello_retry_request && !hello_retry_) {
        // RFC 8446 4.1.4: the client sends a second ClientHello, and the real ServerHello follows.
        hello_retry_ = true;
        buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(4 + mlen));
        return c;
      }
      if (s)
        server_hello(*s, ts);
      else
        ++ci_.stats->decode_errors;
    }
    done_[dir] = true;
    c.stop = true;
    return c;
  }
  bool complete() const override { return !hello_seen_ || server_hello_seen_ || alert_; }

 private:
  // An SSL 2.0 SERVER-HELLO (draft-hickman B.2) answering an SSLv2-compatible hello: SSL 2.0 was
  // chosen, with the first CIPHER-KIND the server lists; or an SSL 2.0 ERROR (a refusal).
  Consume ssl2_server_hello(ByteView data, std::int64_t ts) {
    Consume c;
    auto r = tls::read_ssl2_server_hello(data);
    if (r && r->need_more) return c.need_more = true, c;
    done_[1] = true;
    c.stop = true;
    if (!r) return ++ci_.stats->decode_errors, c;
    c.consumed = r->consumed;
    if (!r->hello) return alert_ = true, c;
    server_hello_seen_ = true;
    const std::string suite =
        r->hello->cipher_specs.empty() ? std::string("(none)") : tls::ssl2_cipher_name(r->hello->cipher_specs.front());
    record_choice(tls_version_name(r->hello->server_version), suite, ts);
    return c;
  }

  void client_hello(const tls::ClientHello& h, std::int64_t ts) {
    hello_seen_ = true;
    Client& c = ci_.cl(ts);
    TlsFacts& f = c.tls_facts();
    TlsPortFacts& p = f.ports[ci_.server_port];
    f.handshakes.hit(ts);
    p.handshakes.hit(ts);
    f.servers.hit(ci_.server, ts);
    std::uint16_t max = 0;
    for (auto v : h.offered_versions()) {
      f.versions_offered.hit(tls_version_name(v), ts);
      p.versions_offered.hit(tls_version_name(v), ts);
      max = std::max(max, v);
    }
    f.max_version_offered.hit(tls_version_name(max), ts);
    p.max_version_offered.hit(tls_version_name(max), ts);
    if (h.server_name) {
      f.sni.hit(*h.server_name, ts);
      p.sni.hit(*h.server_name, ts);
    }
  }
  void server_hello(const tls::ServerHello& s, std::int64_t ts) {
    server_hello_seen_ = true;
    if (s.hello_retry_request) return;
    std::string suite = tls::cipher_suite_name(s.cipher_suite);
    if (suite.empty()) suite = hex16(s.cipher_suite);
    record_choice(tls_version_name(s.version()), suite, ts);
  }
  void record_choice(const std::string& v, const std::string& suite, std::int64_t ts) {
    Client& c = ci_.cl(ts);
    TlsFacts& f = c.tls_facts();
    TlsPortFacts& p = f.ports[ci_.server_port];
    f.negotiated.hit(v, ts);
    p.negotiated.hit(v, ts);
    f.cipher_suites.hit(suite, ts);
    p.cipher_suites.hit(suite, ts);
    f.negotiated_suites[v].hit(suite, ts);
    p.negotiated_suites[v].hit(suite, ts);
  }

  ConnInfo ci_;
  Bytes hs_[2];
  bool done_[2] = {false, false};
  bool hello_seen_ = false;
  bool server_hello_seen_ = false;
  bool alert_ = false;
  bool hello_retry_ = false;
};

// A protocol that upgrades its connection to TLS: once handover_ is set, the TLS handler takes over.
class TlsUpgradeHandler : public Handler {
 public:
  explicit TlsUpgradeHandler(ConnInfo ci) : ci_(std::move(ci)) {}
  std::unique_ptr<Handler> replacement() override {
    if (!handover_) return nullptr;
    handover_ = false;
    return std::make_unique<TlsHandler>(ci_);
  }

 protected:
  ConnInfo ci_;
  bool handover_ = false;
};

// ---- RDP (3389): the X.224 Connection Request / Confirm ([MS-RDPBCGR] 2.2.1.1, 2.2.1.2) in TPKT
// framing (RFC 1006); when the server selects PROTOCOL_SSL, HYBRID (CredSSP) or HYBRID_EX, a TLS
// handshake follows on the same connection and the stream goes to the TLS handler. ----

class RdpHandler : public TlsUpgradeHandler {
 public:
  explicit RdpHandler(ConnInfo ci) : TlsUpgradeHandler(std::move(ci)) {}

  Consume consume(int dir, ByteView data, std::int64_t ts) override {
    Consume c;
    if (data.size() < 4) return c.need_more = true, c;
    if (data[0] != 3) return c.stop = true, c;  // not TPKT: standard RDP security or another protocol
    const std::size_t len = (static_cast<std::size_t>(data[2]) << 8) | data[3];
    if (len < 4) return c.stop = true, c;
    if (data.size() < len) return c.need_more = true, c;
    c.consumed = len;
    if (dir == 1) {
      rdp_confirm(ci_, data.first(len), ts);
      auto n = tls::decode_rdp_x224_confirm(data.first(len));
      const std::uint32_t p = n ? n->selected_protocol : 0;
      if (p == 1 || p == 2 || p == 8)
        handover_ = true;
      else
        c.stop = true;  // RDP_NEG_FAILURE, or standard RDP security: no TLS on this connection
    }
    if (++pdus_ > 8) c.stop = true;
    return c;
  }

 private:
  int pdus_ = 0;
};

// ---- STARTTLS in text protocols (SMTP RFC 3207, POP3 STLS RFC 2595, IMAP RFC 3501, FTP AUTH TLS
// RFC 4217): follow the command lines until the server accepts the upgrade, then hand the stream to
// the TLS handler. ----

class StartTlsTextHandler : public TlsUpgradeHandler {
 public:
  explicit StartTlsTextHandler(ConnInfo ci) : TlsUpgradeHandler(std::move(ci)) {}

  Consume consume(int dir, ByteView data, std::int64_t) override {
    Consume c;
    std::size_t eol = 0;
    while (eol < data.size() && data[eol] != '\n') ++eol;
    if (eol == data.size()) {
      if (data.size() > 4096)
        c.stop = true;  // not a line protocol
      else
        c.need_more = true;
      return c;
    }
    std::string line(reinterpret_cast<const char*>(data.data()), eol);
    for (auto& ch : line) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    c.consumed = eol + 1;
    if (dir == 0) {
      pending_ = line.find("STARTTLS") != std::string::npos || line.rfind("STLS", 0) == 0 ||
                 line.rfind("AUTH TLS", 0) == 0 || line.rfind("AUTH SSL", 0) == 0;
    } else if (pending_) {
      // SMTP 220, FTP 234, POP3 +OK, IMAP "<tag> OK".
      if (line.rfind("220", 0) == 0 || line.rfind("234", 0) == 0 || line.rfind("+OK", 0) == 0 ||
          (line.find(" OK") != std::string::npos && line[0] != '*'))
        handover_ = true;
      else if (line.size() >= 4 && line[3] != '-')
        pending_ = false;  // refused (a final reply line that is not the go-ahead)
    }
    if (++lines_ > 200) c.stop = true;
    return c;
  }

 private:
  bool pending_ = false;
  int lines_ = 0;
};

}  // namespace

std::unique_ptr<Handler> make_tls_handler(ConnInfo ci) { return std::make_unique<TlsHandler>(std::move(ci)); }

std::unique_ptr<Handler> make_rdp_handler(ConnInfo ci) { return std::make_unique<RdpHandler>(std::move(ci)); }

std::unique_ptr<Handler> make_starttls_text_handler(ConnInfo ci) {
  return std::make_unique<StartTlsTextHandler>(std::move(ci));
}

}  // namespace legacyscan::passive
