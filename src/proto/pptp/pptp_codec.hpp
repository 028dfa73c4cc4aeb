// SPDX-License-Identifier: Apache-2.0
// PPTP control connection, first exchange: Start-Control-Connection-Request and -Reply (RFC 2637 2.1,
// 2.2). Pure codecs over byte spans.
#pragma once

#include <cstdint>
#include <string>

#include "legacyscan/bytes.hpp"

namespace legacyscan::pptp {

inline constexpr std::size_t kControlMessageSize = 156;  // SCCRQ and SCCRP, RFC 2637 2.1/2.2
inline constexpr std::uint32_t kMagicCookie = 0x1A2B3C4D;

// The request a Windows client sends: version 1.0, asynchronous+synchronous framing, analog+digital
// bearer, the given host name.
Bytes encode_sccrq(std::string_view host_name);

struct StartControlConnectionReply {
  std::uint16_t protocol_version = 0;  // 0x0100 = 1.0
  std::uint8_t result_code = 0;        // 1 = success
  std::uint8_t error_code = 0;
  std::uint32_t framing_capabilities = 0;
  std::uint32_t bearer_capabilities = 0;
  std::uint16_t maximum_channels = 0;
  std::uint16_t firmware_revision = 0;
  std::string host_name;  // printable: NUL-terminated field, non-ASCII bytes shown as \xNN
  std::string vendor;
};

// How many bytes the message at the start of `data` has (its Length field), 0 when fewer than 2
// bytes have arrived. The caller reads up to that before decoding.
std::size_t message_length(ByteView data);
Decoded<StartControlConnectionReply> decode_sccrp(ByteView message);

std::string result_code_name(std::uint8_t code);
std::string framing_names(std::uint32_t bits);  // "async+sync"
std::string bearer_names(std::uint32_t bits);   // "analog+digital"

}  // namespace legacyscan::pptp
