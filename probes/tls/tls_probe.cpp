// SPDX-License-Identifier: Apache-2.0
// The TLS probe: per endpoint, each protocol version offered alone by a hand-built hello (SSL 2.0 to
// TLS 1.3), then per accepted version the cipher suites by repeated offers minus the chosen suite,
// the server's preference, TLS 1.3 groups, RFC 5746 / RFC 7507 support and the certificate. Every
// offer has its own connection, so one answer never colours another. This file is the probe's
// options and endpoints; tls_endpoint.cpp scans one endpoint with the checks of tls_checks.cpp, each
// offer sent by tls_hello.cpp.
#include "probes/tls/tls_probe.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>

#include "legacyscan/engine/async.hpp"
#include "probes/tls/dtls_scan.hpp"
#include "probes/tls/tls_endpoint.hpp"
#include "probes/tls/tls_result.hpp"

namespace legacyscan::tls {

namespace asio = boost::asio;

PortService service_for_port(std::uint16_t port) {
  switch (port) {
    case 443: return {"https", StartTlsProto::none};
    case 636: return {"ldaps", StartTlsProto::none};
    case 3269: return {"globalcatalog-ssl", StartTlsProto::none};
    case 465: return {"smtps", StartTlsProto::none};
    case 993: return {"imaps", StartTlsProto::none};
    case 995: return {"pop3s", StartTlsProto::none};
    case 990: return {"ftps", StartTlsProto::none};
    case 8443: return {"https-alt", StartTlsProto::none};
    case 5986: return {"winrm-https", StartTlsProto::none};
    case 389: return {"ldap", StartTlsProto::ldap};
    case 3268: return {"globalcatalog", StartTlsProto::ldap};
    case 25: return {"smtp", StartTlsProto::smtp};
    case 587: return {"submission", StartTlsProto::smtp};
    case 143: return {"imap", StartTlsProto::imap};
    case 110: return {"pop3", StartTlsProto::pop3};
    case 21: return {"ftp", StartTlsProto::ftp};
    case 5432: return {"postgresql", StartTlsProto::postgres};
    case 3389: return {"rdp", StartTlsProto::rdp};
    case 1433: return {"mssql", StartTlsProto::tds};
    default: return {"tls", StartTlsProto::none};
  }
}

// "ldap:389,smtp:25" -> endpoints; false with error on a bad entry.
bool parse_starttls(std::string_view text, std::vector<std::pair<StartTlsProto, std::uint16_t>>& out,
                    std::string& error) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const auto item = text.substr(start, end - start);
    const auto colon = item.find(':');
    unsigned port = 0;
    const auto proto = starttls_from_string(item.substr(0, colon));
    if (colon == std::string_view::npos || !proto) {
      error =
          "--starttls: '" + std::string(item) + "' is not PROTO:PORT (ldap, smtp, imap, pop3, ftp, postgres, rdp, tds)";
      return false;
    }
    const auto num = item.substr(colon + 1);
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), port);
    if (ec != std::errc() || p != num.data() + num.size() || port == 0 || port > 65535) {
      error = "--starttls: bad port in '" + std::string(item) + "'";
      return false;
    }
    out.emplace_back(*proto, static_cast<std::uint16_t>(port));
    start = end + 1;
  }
  return true;
}

bool parse_port_list(std::string_view text, std::vector<std::uint16_t>& out, std::string& error,
                     std::string_view flag) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const auto item = text.substr(start, end - start);
    unsigned port = 0;
    auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), port);
    if (ec != std::errc() || p != item.data() + item.size() || port == 0 || port > 65535) {
      error = std::string(flag) + ": bad port '" + std::string(item) + "'";
      return false;
    }
    out.push_back(static_cast<std::uint16_t>(port));
    start = end + 1;
  }
  return true;
}

std::optional<std::string> validate_options(const ScanSettings& settings) {
  std::string error;
  std::vector<std::uint16_t> ports;
  if (auto p = settings.option("tls-ports"); p && !parse_port_list(*p, ports, error, "--tls-ports")) return error;
  if (auto p = settings.option("dtls-ports"); p && !parse_port_list(*p, ports, error, "--dtls-ports")) return error;
  std::vector<std::pair<StartTlsProto, std::uint16_t>> starttls;
  if (auto s = settings.option("starttls"); s && !parse_starttls(*s, starttls, error)) return error;
  if (auto sni = settings.option("tls-sni")) {
    // RFC 6066 3: a DNS host name, never an address literal.
    boost::system::error_code ec;
    boost::asio::ip::make_address(*sni, ec);
    const bool chars_ok = std::all_of(
        sni->begin(), sni->end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_'; });
    if (!ec || !chars_ok || sni->size() > 253)
      return "--tls-sni: '" + *sni + "' is not a DNS host name (RFC 6066 3: no addresses, at most 253 characters)";
  }
  return std::nullopt;
}

namespace {

class TlsProbe final : public Probe {
 public:
  std::string_view name() const override { return "tls"; }
  std::string_view description() const override {
    return "SSL 2.0 to TLS 1.3 by hand-built hellos, cipher suites per version, PFS/BSI verdict, certificate, "
           "implicit TLS and STARTTLS (LDAP, SMTP, IMAP, POP3, FTP, PostgreSQL, RDP, TDS)";
  }
  std::vector<std::uint16_t> default_ports() const override { return {636, 3269, 443, 389}; }
  std::vector<std::string_view> transports() const override { return {"tcp"}; }
  std::string check_options(const ScanSettings& settings) const override {
    return validate_options(settings).value_or("");
  }
  std::vector<ProbeOption> options() const override {
    return {
        {"--tls-ports", "Ports to scan for TLS, replacing the port selection (comma list)", "", true},
        {"--starttls", "STARTTLS endpoints PROTO:PORT,... (ldap, smtp, imap, pop3, ftp, postgres, rdp, tds)", "", true},
        {"--dtls-ports", "UDP ports to scan for DTLS 1.0/1.2 (comma list, e.g. 443,3391,4433; default: none)", "",
         true},
        {"--tls-sni", "Server name to send in the TLS server_name extension (default: the target's name)", ""}};
  }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<TlsResult>();
    std::vector<std::pair<StartTlsProto, std::uint16_t>> endpoints;
    std::string error;
    std::vector<std::uint16_t> ports = ctx.ports;
    if (auto p = ctx.settings.option("tls-ports")) {
      ports.clear();
      if (!parse_port_list(*p, ports, error,
                           "--tls-ports")) {  // check_options() stops this at parse time; callers other than the CLI
        result->status = Status::error;
        result->reason = error;
        co_return result;
      }
    }
    std::vector<std::pair<StartTlsProto, std::uint16_t>> explicit_starttls;
    if (auto s = ctx.settings.option("starttls"))
      if (!parse_starttls(*s, explicit_starttls, error)) {
        result->status = Status::error;
        result->reason = error;
        co_return result;
      }
    for (auto port : ports) {
      auto it = std::find_if(explicit_starttls.begin(), explicit_starttls.end(),
                             [&](const auto& e) { return e.second == port; });
      endpoints.emplace_back(it != explicit_starttls.end() ? it->first : service_for_port(port).starttls, port);
    }
    for (const auto& e : explicit_starttls)
      if (std::find(ports.begin(), ports.end(), e.second) == ports.end()) endpoints.push_back(e);

    std::optional<std::string> sni = ctx.settings.option("tls-sni");
    if (!sni && !ctx.host_name.empty()) {
      boost::system::error_code ec;
      boost::asio::ip::make_address(ctx.host_name, ec);
      if (ec) sni = ctx.host_name;  // RFC 6066 3: literal addresses are not sent
    }
    auto eps = co_await all_of<Endpoint>(endpoints.size(), [&](std::size_t i) {
      return scan_endpoint(ctx, endpoints[i].second, endpoints[i].first, sni);
    });
    result->endpoints = std::move(eps);
    std::vector<std::uint16_t> dtls_ports;
    if (auto p = ctx.settings.option("dtls-ports"); p && !parse_port_list(*p, dtls_ports, error, "--dtls-ports")) {
      result->status = Status::error;
      result->reason = error;
      co_return result;
    }
    result->dtls_endpoints = co_await all_of<DtlsEndpoint>(
        dtls_ports.size(), [&](std::size_t i) { return scan_dtls_endpoint(ctx, dtls_ports[i], sni); });
    const bool any_ok = std::any_of(result->endpoints.begin(), result->endpoints.end(),
                                    [](const Endpoint& e) { return e.outcome.ok(); }) ||
                        std::any_of(result->dtls_endpoints.begin(), result->dtls_endpoints.end(),
                                    [](const DtlsEndpoint& e) { return e.outcome.ok(); });
    if (!any_ok && !result->endpoints.empty()) {
      result->status = result->endpoints.front().outcome.status;
      result->reason = "no endpoint answered TLS:";
      for (const auto& e : result->endpoints)
        result->reason += " " + std::to_string(e.port) + ": " + e.outcome.reason + ";";
    }
    co_return result;
  }
};

}  // namespace

}  // namespace legacyscan::tls

namespace legacyscan {
std::unique_ptr<Probe> make_tls_probe() { return std::make_unique<tls::TlsProbe>(); }
}  // namespace legacyscan
