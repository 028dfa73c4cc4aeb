// SPDX-License-Identifier: Apache-2.0
// L2TP (version 2) control connection start: Start-Control-Connection-Request, and the Reply or
// StopCCN it draws (RFC 2661 3.1 header, 4.1 AVP format, 4.4 AVPs, 6.1-6.3 messages). Pure codecs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::l2tp {

inline constexpr std::uint16_t kSccrq = 1, kSccrp = 2, kScccn = 3, kStopCcn = 4, kHello = 6;

// An SCCRQ as a LAC/LNS peer sends it: protocol version 1.0, sync+async framing, our host name and
// assigned tunnel id.
Bytes encode_sccrq(std::string_view host_name, std::uint16_t assigned_tunnel_id);

struct ControlMessage {
  std::uint16_t tunnel_id = 0;  // header: the tunnel id the peer addressed (ours)
  std::uint16_t ns = 0, nr = 0;
  bool zlb = false;  // no AVP at all: a Zero-Length Body acknowledgement
  std::uint16_t message_type = 0;
  std::uint16_t protocol_version = 0;  // 0x0100 = 1.0
  std::uint32_t framing_capabilities = 0;
  std::uint32_t bearer_capabilities = 0;
  std::uint16_t firmware_revision = 0;
  std::string host_name;  // printable: non-ASCII bytes as \xNN
  std::string vendor;
  std::uint16_t assigned_tunnel_id = 0;
  std::uint16_t receive_window = 0;
  bool challenge = false;         // a Challenge AVP: the peer wants tunnel authentication
  std::uint16_t result_code = 0;  // StopCCN
  std::uint16_t error_code = 0;
  bool hidden_avps = false;  // H bit set: the value is hidden with the tunnel secret
};
Decoded<ControlMessage> decode_control_message(ByteView datagram);

std::string message_type_name(std::uint16_t type);  // "SCCRP"

}  // namespace legacyscan::l2tp
