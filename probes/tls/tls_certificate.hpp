// SPDX-License-Identifier: Apache-2.0
// Certificate facts, read with OpenSSL from the DER certificates a server sent.
#pragma once

#include <ctime>
#include <vector>

#include "legacyscan/bytes.hpp"
#include "probes/tls/tls_result.hpp"

namespace legacyscan::tls {

// chain[0] is the leaf. `now` decides days_left.
Decoded<CertificateInfo> certificate_info(const std::vector<Bytes>& chain, std::time_t now);
// Public-key size of a DER certificate (RSA modulus bits for RSA key exchange), 0 when unreadable.
int public_key_bits(ByteView der);

}  // namespace legacyscan::tls
