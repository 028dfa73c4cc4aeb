// SPDX-License-Identifier: Apache-2.0
// Decoders of what a TLS client sends first (RFC 5246 7.4.1.2, RFC 8446 4.1.2, RFC 5246 E.2): passive
// mode reads the ClientHellos of real clients, and the matrix test reads back the hellos the scanner
// builds. The encoder side is ClientHelloOffer / encode_client_hello in tls_codec.hpp: an offer is
// what we choose to send, a ClientHello is what a client was seen to offer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::tls {

struct ClientHello {
  std::uint16_t legacy_version = 0;  // ClientHello.client_version
  std::vector<std::uint16_t> cipher_suites;
  std::optional<std::vector<std::uint16_t>> supported_versions;  // RFC 8446 4.2.1, GREASE removed
  std::optional<std::string> server_name;                        // RFC 6066 3 host_name
  std::optional<std::vector<std::uint16_t>> supported_groups;    // RFC 8422 5.1.1, GREASE removed
  std::vector<std::uint16_t> extensions;                         // types in wire order
  bool ssl2_format = false;                                      // an SSL 2.0-compatible CLIENT-HELLO
  std::vector<std::uint32_t> ssl2_cipher_kinds;                  // its SSL 2.0 CIPHER-KINDs, in order
  // The versions the client can speak as it told the server: supported_versions when present,
  // otherwise legacy_version alone.
  [[nodiscard]] std::vector<std::uint16_t> offered_versions() const;
};
// The body of a ClientHello handshake message (after the 4-byte handshake header).
Decoded<ClientHello> decode_client_hello(ByteView body);
// An SSL 2.0-compatible CLIENT-HELLO record (RFC 5246 E.2): 2-byte header with the high bit set,
// msg_type 1, version, cipher specs (3 bytes each; those of the form 0x00XXXX are TLS suites).
Decoded<ClientHello> decode_ssl2_client_hello(ByteView record);

}  // namespace legacyscan::tls
