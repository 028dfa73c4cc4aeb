// SPDX-License-Identifier: Apache-2.0
// The ClientHello a client profile's TLS stack sends: a TLS record built with the tls probe's
// encoder, or, for stacks that do so (IE 6 on XP/2003, Java 6), the SSL 2.0-format hello of RFC 5246
// appendix E.2 (draft-hickman B.1 framing) built with its SSL 2.0 encoder.
#pragma once

#ifdef LEGACYSCAN_PROBE_TLS
#include <cstdint>
#include <string>

#include "legacyscan/bytes.hpp"
#include "src/compat/profiles.hpp"

namespace legacyscan::matrix {

// "ssl3" -> 0x0300 ... "tls1.3" -> 0x0304; "ssl2" -> 0x0002.
std::uint16_t tls_version_code(const std::string& v);

// The versions a stack offers: the SSL 3.0+ window (max 0 when it offers none) and whether it speaks SSL 2.0.
struct TlsWindow {
  std::uint16_t min = 0xffff;
  std::uint16_t max = 0;
  bool ssl2 = false;
};
TlsWindow tls_window(const TlsStack& client);

// The stack's first flight. The SSL 2.0-format hello carries the highest SSL 3.0/TLS version (at most
// TLS 1.2) and every suite that is not TLS 1.3-only as a 3-byte 0x00XXXX spec, then the SSL 2.0
// cipher kinds; a 16-byte challenge. The TLS hello: record version SSL 3.0 when the window starts
// there, else TLS 1.0; renegotiation_info; groups and point formats for ECC suites; signature
// algorithms from TLS 1.2; supported_versions and an X25519 key share from TLS 1.3.
Decoded<Bytes> client_hello_of(const TlsStack& client);

}  // namespace legacyscan::matrix
#endif
