// SPDX-License-Identifier: Apache-2.0
// SMB_COM_SESSION_SETUP_ANDX request without extended security ([MS-CIFS] 2.2.4.53.1, WordCount 13):
// the pre-NTLMSSP logon in which the LM/NTLM responses (or a plain text password) travel in the
// request itself. Passive mode reads it from captures to tell which response a client sent; only the
// lengths and the clear-text names are kept. The extended-security form is smb1_codec.hpp.
#pragma once

#include <cstdint>
#include <string>

#include "legacyscan/bytes.hpp"

namespace legacyscan::smb {

struct Smb1LegacySessionSetup {
  std::uint16_t oem_password_length = 0;      // 24: LM or LMv2 response; other: plain text password
  std::uint16_t unicode_password_length = 0;  // 24: NTLMv1 response; > 24: NTLMv2
  std::string account;
  std::string domain;
  std::string native_os;
  // "NTLMv2", "NTLMv1", "LM", "plaintext", "anonymous".
  [[nodiscard]] std::string version() const;
};
// One SMB1 message (from 0xFF 'SMB') whose command is SESSION_SETUP_ANDX with WordCount 13.
Decoded<Smb1LegacySessionSetup> decode_smb1_legacy_session_setup(ByteView message);

}  // namespace legacyscan::smb
