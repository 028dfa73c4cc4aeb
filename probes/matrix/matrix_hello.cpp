// SPDX-License-Identifier: Apache-2.0
#include "probes/matrix/matrix_hello.hpp"

#ifdef LEGACYSCAN_PROBE_TLS
#include <algorithm>

#include "src/proto/tls/tls_cipher_suites.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::matrix {

std::uint16_t tls_version_code(const std::string& v) {
  if (v == "ssl3") return 0x0300;
  if (v == "tls1.0") return 0x0301;
  if (v == "tls1.1") return 0x0302;
  if (v == "tls1.2") return 0x0303;
  if (v == "tls1.3") return 0x0304;
  return 0x0002;
}

TlsWindow tls_window(const TlsStack& client) {
  TlsWindow w;
  for (const auto& v : client.versions) {
    const auto c = tls_version_code(v);
    if (c < 0x0300) {
      w.ssl2 = true;
      continue;
    }
    w.max = std::max(w.max, c);
    w.min = std::min(w.min, c);
  }
  return w;
}

// The client's ClientHello: a TLS record, or for clients that do so (IE 6 on XP, Java 6) the
// SSL 2.0-format hello of RFC 5246 appendix E.2 carrying its SSL 3.0/TLS offer (and its SSL 2.0
// cipher kinds when it speaks SSL 2.0).
Decoded<Bytes> client_hello_of(const TlsStack& client) {
  namespace t = tls;
  const auto window = tls_window(client);
  const std::uint16_t min_version = window.min, max_version = window.max;
  if (client.sslv2_hello) {
    t::Ssl2ClientHelloOffer o;
    o.version = max_version == 0 ? t::SSL2_VERSION : std::min<std::uint16_t>(max_version, 0x0303);
    if (max_version != 0)
      for (auto suite : client.cipher_suites) {
        const auto* info = t::find_cipher_suite(suite);
        if (info && info->tls13) continue;  // TLS 1.3 suites cannot be offered in an SSL 2.0 hello
        o.cipher_specs.push_back(suite);    // 0x00XXXX: an SSL 3.0/TLS suite (E.2)
      }
    for (auto kind : client.ssl2_cipher_kinds) o.cipher_specs.push_back(kind);
    o.challenge = Bytes(16);
    for (std::size_t i = 0; i < o.challenge.size(); ++i) o.challenge[i] = static_cast<std::uint8_t>(i * 11 + 5);
    return t::encode_ssl2_client_hello(o);
  }
  t::ClientHelloOffer offer;
  offer.record_version = min_version == 0x0300 ? 0x0300 : 0x0301;
  offer.legacy_version = std::min<std::uint16_t>(max_version, 0x0303);
  for (std::size_t i = 0; i < offer.random.size(); ++i) offer.random[i] = static_cast<std::uint8_t>(i * 7 + 3);
  offer.cipher_suites = client.cipher_suites;
  const bool ecc = std::any_of(client.cipher_suites.begin(), client.cipher_suites.end(), [](std::uint16_t s) {
    const auto* info = t::find_cipher_suite(s);
    return info && (info->kex.starts_with("ECDH") || info->tls13);
  });
  if (max_version >= 0x0301) {
    offer.renegotiation_info = true;
    if (ecc && !client.groups.empty()) {
      std::vector<std::uint16_t> groups;
      for (const auto& g : client.groups) groups.push_back(tls_group_code(g));
      offer.supported_groups = groups;
      offer.ec_point_formats = true;
    }
  } else {
    offer.send_extensions = false;
  }
  if (max_version >= 0x0303)
    offer.signature_algorithms = std::vector<std::uint16_t>{0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0804};
  if (max_version >= 0x0304) {
    std::vector<std::uint16_t> versions;
    for (auto v = max_version; v >= std::max<std::uint16_t>(min_version, 0x0301); --v) versions.push_back(v);
    offer.supported_versions = versions;
    offer.key_shares = std::vector<t::KeyShareEntry>{{0x001d, t::x25519_public_value()}};
    offer.psk_dhe_ke = true;
  }
  return t::encode_client_hello(offer);
}

}  // namespace legacyscan::matrix
#endif
