// SPDX-License-Identifier: Apache-2.0
// The rdp probe: RDP's security layer on 3389/tcp. One X.224 Connection Request per security protocol
// (standard RDP security, TLS, CredSSP/NLA, CredSSP with Early User Authorization, RDSTLS), each on
// its own connection, and where standard RDP security is accepted the MCS Connect Initial that makes
// the server name its encryption level and method; where a TLS-based protocol is selected, the TLS
// handshake up to the ServerHello. Nothing after that is sent: no credential, no licensing.
#include "probes/rdp/rdp_probe.hpp"

#include <algorithm>

#include "legacyscan/engine/net.hpp"
#include "probes/rdp/rdp_result.hpp"
#include "src/proto/rdp/rdp_codec.hpp"
#include "src/proto/tls/tls_cipher_suites.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan {

namespace asio = boost::asio;

namespace {

using namespace rdp;

// What an XP/2003 client (RDP 5.x) offers: every standard security method.
constexpr std::uint32_t kOfferedMethods = kEncryption40 | kEncryption56 | kEncryption128 | kEncryptionFips;

// The requests, from the oldest client to the newest ([MS-RDPBCGR] 2.2.1.1.1: HYBRID implies SSL).
constexpr std::uint32_t kRequests[] = {kProtocolRdp, kProtocolSsl, kProtocolSsl | kProtocolHybrid,
                                       kProtocolSsl | kProtocolHybrid | kProtocolHybridEx, kProtocolRdstls};

// Reads one TPKT PDU (RFC 1006 6) into buf, at most kMaxPdu bytes whatever its header says.
asio::awaitable<Outcome> read_pdu(TcpConnection& c, Bytes& buf) {
  buf.clear();
  for (;;) {
    const std::size_t want = buf.size() < 4 ? 4 : std::clamp(tpkt_length(buf), std::size_t{4}, kMaxPdu);
    if (buf.size() >= 4 && tpkt_length(buf) == 0)
      co_return Outcome::failure(Status::protocol_error, "not a TPKT header: " + to_hex(ByteView(buf).first(4)));
    if (buf.size() >= want) co_return Outcome::success();
    auto o = co_await c.read_some(buf, want - buf.size());
    if (!o.ok()) co_return o;
  }
}

std::string version_name(std::uint32_t v) {
  if (v == 0x00080001) return "4.0";
  if (v >= 0x00080004) return "5.0+";
  return to_hex(Bytes{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                      static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
}

asio::awaitable<StandardSecurity> standard_security(TcpConnection& c) {
  StandardSecurity s;
  s.offered_methods = encryption_method_names(kOfferedMethods);
  const Bytes request = encode_mcs_connect_initial(kProtocolRdp, kOfferedMethods);
  s.outcome = co_await c.write(request);
  if (!s.outcome.ok()) co_return s;
  Bytes buf;
  s.outcome = co_await read_pdu(c, buf);
  if (!s.outcome.ok()) co_return s;
  auto d = decode_mcs_connect_response(buf);
  if (!d) {
    s.outcome = Outcome::failure(Status::protocol_error, d.error);
    co_return s;
  }
  if (!d->has_security) {
    s.outcome = Outcome::failure(Status::protocol_error, "MCS Connect Response without server security data");
    co_return s;
  }
  const auto methods = encryption_method_names(d->encryption_method);
  s.encryption_method = methods.empty() ? "NONE" : methods.front();
  s.encryption_level = encryption_level_name(d->encryption_level);
  if (d->certificate_version == 1) s.server_certificate = "proprietary";
  if (d->certificate_version == 2) s.server_certificate = "x509";
  s.certificate_temporary = d->certificate_temporary;
  s.rdp_version = version_name(d->version);
  co_return s;
}

// What one server flight may buffer before the ServerHello is given up on.
constexpr std::size_t kMaxTlsFlight = 256 * 1024;

// Every protocol but standard security goes on with a TLS handshake on the same connection
// ([MS-RDPBCGR] 5.4.5.1 for SSL, 5.4.5.2 for CredSSP, 5.4.5.3 for RDSTLS): one ClientHello offering
// TLS 1.3 and 1.2 with every suite, read up to the ServerHello for the version and suite chosen.
asio::awaitable<void> tls_hello(TcpConnection& c, Negotiation& n) {
  auto suites = tls::suites_for_version(tls::TLS1_3_VERSION);
  for (auto id : tls::suites_for_version(tls::TLS1_2_VERSION)) suites.push_back(id);
  auto offer = tls::default_offer(tls::TLS1_3_VERSION, std::move(suites), std::nullopt);
  offer.supported_versions = std::vector<std::uint16_t>{tls::TLS1_3_VERSION, tls::TLS1_2_VERSION};
  auto hello = tls::encode_client_hello(offer);
  if (!hello) {
    n.tls_error = hello.error;
    co_return;
  }
  const Bytes bytes = std::move(*hello.value);
  auto o = co_await c.write(bytes);
  tls::FlightReader reader;
  Bytes buf;
  while (o.ok() && buf.size() < kMaxTlsFlight) {
    o = co_await c.read_some(buf, 16384);
    if (!o.ok()) {
      if (o.status == Status::reset) reader.finish_closed(buf.size());
      break;
    }
    if (reader.put(buf)) break;
  }
  const auto& f = reader.flight();
  if (f.server_hello && !f.server_hello->hello_retry_request) {
    n.tls_version = tls::version_key(f.server_hello->version());
    n.tls_cipher = tls::cipher_suite_name(f.server_hello->cipher_suite);
  } else if (f.alert) {
    n.tls_error = "alert " + tls::alert_name(f.alert->description);
  } else if (!o.ok()) {
    n.tls_error = std::string(to_string(o.status)) + ": " + o.reason;
  } else {
    n.tls_error = f.detail.empty() ? "no ServerHello" : f.detail;
  }
}

asio::awaitable<Endpoint> scan_port(ProbeContext& ctx, std::uint16_t port) {
  Endpoint e;
  e.port = port;
  bool any = false;
  bool rdp_or_ssl_accepted = false;
  for (const std::uint32_t requested : kRequests) {
    Negotiation n;
    n.requested = protocols_name(requested);
    n.requested_protocols = requested;
    std::unique_ptr<TcpConnection> conn;
    n.outcome = co_await TcpConnection::open(ctx, port, conn);
    if (n.outcome.ok()) {
      const Bytes request = encode_connection_request(requested);
      n.outcome = co_await conn->write(request);
    }
    Bytes buf;
    if (n.outcome.ok()) n.outcome = co_await read_pdu(*conn, buf);
    std::optional<ConnectionConfirm> cc;
    if (n.outcome.ok()) {
      auto d = decode_connection_confirm(buf);
      if (d)
        cc = *d;
      else
        n.outcome = Outcome::failure(Status::protocol_error, d.error);
    }
    if (!n.outcome.ok()) {
      // A closed port stops the endpoint: the other requests would be refused the same way.
      if (!any && (n.outcome.status == Status::refused || n.outcome.status == Status::timeout ||
                   n.outcome.status == Status::unreachable)) {
        e.outcome = n.outcome;
        co_return e;
      }
      e.negotiations.push_back(n);
      continue;
    }
    any = true;
    bool rdp_selected = false;
    switch (cc->kind) {
      case ConnectionConfirm::Kind::none:
        n.answer = "none";
        n.selected = protocol_name(kProtocolRdp);
        rdp_selected = true;
        break;
      case ConnectionConfirm::Kind::response:
        n.answer = "response";
        n.selected = protocol_name(cc->selected_protocol);
        rdp_selected = cc->selected_protocol == kProtocolRdp;
        break;
      case ConnectionConfirm::Kind::failure:
        n.answer = "failure";
        n.failure = failure_name(cc->failure_code);
        break;
    }
    if (!n.selected.empty() && std::find(e.accepted.begin(), e.accepted.end(), n.selected) == e.accepted.end())
      e.accepted.push_back(n.selected);
    if (!n.selected.empty() && (requested == kProtocolRdp || requested == kProtocolSsl)) rdp_or_ssl_accepted = true;
    if (requested == kProtocolRdp && rdp_selected) {
      e.standard_security_accepted = true;
      e.standard_security = co_await standard_security(*conn);
    }
    if (!n.selected.empty() && !rdp_selected) co_await tls_hello(*conn, n);
    conn->close();
    e.negotiations.push_back(n);
  }
  if (!any) {
    e.outcome =
        e.negotiations.empty() ? Outcome::failure(Status::error, "no request sent") : e.negotiations.front().outcome;
    co_return e;
  }
  e.nla_required = !rdp_or_ssl_accepted;
  co_return e;
}

class RdpProbe final : public Probe {
 public:
  std::string_view name() const override { return "rdp"; }
  std::string_view description() const override {
    return "RDP security layer: which of standard RDP security, TLS, CredSSP (NLA), HYBRID_EX and RDSTLS the server "
           "accepts, and the standard security encryption level and method";
  }
  std::vector<std::uint16_t> default_ports() const override { return {3389}; }
  std::vector<std::string_view> transports() const override { return {"tcp"}; }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<RdpResult>();
    for (auto port : ctx.ports) result->endpoints.push_back(co_await scan_port(ctx, port));
    if (result->endpoints.empty()) {
      result->status = Status::skipped;
      result->reason = "no port chosen";
    } else if (std::none_of(result->endpoints.begin(), result->endpoints.end(),
                            [](const Endpoint& e) { return e.outcome.ok(); })) {
      result->status = result->endpoints.front().outcome.status;
      result->reason = result->endpoints.front().outcome.reason;
    }
    co_return result;
  }
};

}  // namespace

std::unique_ptr<Probe> make_rdp_probe() { return std::make_unique<RdpProbe>(); }

}  // namespace legacyscan
