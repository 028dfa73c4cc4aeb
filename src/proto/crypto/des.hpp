// SPDX-License-Identifier: Apache-2.0
// Single-block DES (FIPS 46-3) for the NTLMv1 and LM responses ([MS-NLMP] 6: DES, DESL, LMOWFv1).
// Written out here, as MD4 and RC4 are: OpenSSL 3 keeps DES-ECB in its "legacy" provider, which a
// distribution may not ship or may forbid loading, and a scanner must still compute the response.
// Never used to protect anything: only to speak the legacy protocol the scan tests for.
#pragma once

#include <array>
#include <cstdint>

#include "legacyscan/bytes.hpp"

namespace legacyscan::crypto {

// DES-encrypts one 8-byte block with an 8-byte key (parity bits ignored).
std::array<std::uint8_t, 8> des_encrypt_block(const std::array<std::uint8_t, 8>& key,
                                              const std::array<std::uint8_t, 8>& block);

// [MS-NLMP] 6 "DES(K, D)": the 7-byte K spread over 8 key bytes (a parity bit below each 7 bits).
std::array<std::uint8_t, 8> des_7byte_key(ByteView seven);

}  // namespace legacyscan::crypto
