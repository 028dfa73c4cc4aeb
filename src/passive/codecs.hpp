// SPDX-License-Identifier: Apache-2.0
// Request-side decoders for passive mode: what a client sends, which the probes (which only send
// requests) never had to read. Pure functions over the shared Reader / BER reader; nothing here
// keeps a password, a hash or a challenge response, only lengths and the clear-text fields.
#pragma once

#include <cstdint>
#include <string>

#include "legacyscan/bytes.hpp"

namespace legacyscan::passive {

// ---- NTLMSSP AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3) ----------------------------------------

struct NtlmAuthenticate {
  std::uint16_t lm_response_length = 0;
  std::uint16_t nt_response_length = 0;
  std::uint32_t negotiate_flags = 0;
  std::string domain;
  std::string user;
  std::string workstation;
  // "NTLMv2", "NTLMv1" (NTLMv1 with or without extended session security), "LM" (only an LM
  // response), "anonymous" (both empty, [MS-NLMP] 3.2.5.1.2) - from the response lengths.
  [[nodiscard]] std::string version() const;
};
Decoded<NtlmAuthenticate> decode_ntlm_authenticate(ByteView message);

}  // namespace legacyscan::passive
