// SPDX-License-Identifier: Apache-2.0
// SMB1 message signing ([MS-CIFS] 3.1.4.1, [MS-SMB] 3.1.4.1): the first 8 bytes of MD5 over the
// signing key and the message whose SecuritySignature field holds the sequence number. With NTLMSSP
// (extended security) the signing key is the NTLM ExportedSessionKey ([MS-SMB] 3.2.5.3). After the
// SESSION_SETUP that starts signing (its request 0, its answer 1), the client's requests take the
// even numbers from 2 and each answer the number after its request's. Pure functions.
#pragma once

#include <cstdint>

#include "legacyscan/bytes.hpp"

namespace legacyscan::smb {

// Sets SMB_FLAGS2_SMB_SECURITY_SIGNATURE and writes the signature of `message` (a whole SMB1
// message); false when it is not one.
bool smb1_sign(Bytes& message, ByteView signing_key, std::uint32_t sequence);

enum class Smb1Signature { valid, bad, unsigned_message, not_smb1 };
// Checks an answer's signature against the sequence number expected for it; an all-zero signature is
// "unsigned".
Smb1Signature smb1_check_signature(ByteView message, ByteView signing_key, std::uint32_t sequence);
// "valid", "bad", "unsigned", "not an SMB1 message"
const char* smb1_signature_name(Smb1Signature s);

}  // namespace legacyscan::smb
