// SPDX-License-Identifier: Apache-2.0
// The legacy primitives both NTLM ([MS-NLMP] 3.3: NTOWFv2, NTProofStr) and Kerberos rc4-hmac (RFC 4757)
// are built from. MD4 (RFC 1320) and RC4 are written out here: OpenSSL 3 keeps both in its "legacy"
// provider, which may not be loadable. HMAC-MD5 and MD5 come from OpenSSL's default provider.
#pragma once

#include "legacyscan/bytes.hpp"

namespace legacyscan::crypto {

Bytes md4(ByteView data);                     // RFC 1320
Bytes rc4(ByteView key, ByteView data);       // the RC4 keystream XOR data
Bytes hmac_md5(ByteView key, ByteView data);  // RFC 2104
Bytes md5(ByteView data);                     // RFC 1321 (the RFC 4757 checksum)

}  // namespace legacyscan::crypto
