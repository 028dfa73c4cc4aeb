// SPDX-License-Identifier: Apache-2.0
// RDP's connection start, up to the server's security data: the X.224 Connection Request with
// RDP_NEG_REQ and its Confirm ([MS-RDPBCGR] 2.2.1.1, 2.2.1.2), and the MCS Connect Initial / Connect
// Response with their GCC Conference Create payloads ([MS-RDPBCGR] 2.2.1.3, 2.2.1.4; T.125 7,
// T.124 8.7) as far as the server core and security data (2.2.1.4.2, 2.2.1.4.3). TPKT: RFC 1006 6.
// Pure codecs over byte spans.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::rdp {

// requestedProtocols / selectedProtocol flags ([MS-RDPBCGR] 2.2.1.1.1).
inline constexpr std::uint32_t kProtocolRdp = 0x0, kProtocolSsl = 0x1, kProtocolHybrid = 0x2, kProtocolRdstls = 0x4,
                               kProtocolHybridEx = 0x8;
// encryptionMethods ([MS-RDPBCGR] 2.2.1.3.3).
inline constexpr std::uint32_t kEncryption40 = 0x1, kEncryption128 = 0x2, kEncryption56 = 0x8, kEncryptionFips = 0x10;

inline constexpr std::size_t kMaxPdu = 16384;  // what one read may buffer for these PDUs

// The TPKT length of the PDU at the start of `data` (RFC 1006 6); 0 when fewer than 4 bytes have
// arrived or the header is not TPKT version 3.
std::size_t tpkt_length(ByteView data);

Bytes encode_connection_request(std::uint32_t requested_protocols);

struct ConnectionConfirm {
  enum class Kind { none, response, failure } kind = Kind::none;  // none: no RDP_NEG_* (a pre-5.2 server)
  std::uint8_t flags = 0;
  std::uint32_t selected_protocol = 0;  // response
  std::uint32_t failure_code = 0;       // failure ([MS-RDPBCGR] 2.2.1.2.2)
};
// A whole TPKT PDU (tpkt_length bytes).
Decoded<ConnectionConfirm> decode_connection_confirm(ByteView pdu);

// The client's MCS Connect Initial with core data (RDP 5.0+, 1024x768), security data offering
// `encryption_methods` and network data without channels.
Bytes encode_mcs_connect_initial(std::uint32_t selected_protocol, std::uint32_t encryption_methods);

struct ServerData {
  std::uint32_t version = 0;                                // SC_CORE: 0x00080004 = RDP 5.0+
  std::optional<std::uint32_t> client_requested_protocols;  // SC_CORE, when present
  bool has_security = false;
  std::uint32_t encryption_method = 0;  // SC_SECURITY
  std::uint32_t encryption_level = 0;
  std::uint32_t server_random_length = 0;
  std::uint32_t server_certificate_length = 0;
  std::uint32_t certificate_version = 0;  // dwVersion & 0x7fffffff: 1 proprietary, 2 X.509 chain
  bool certificate_temporary = false;     // dwVersion's top bit
};
// A whole TPKT PDU (tpkt_length bytes) carrying the MCS Connect Response.
Decoded<ServerData> decode_mcs_connect_response(ByteView pdu);

std::string protocol_name(std::uint32_t flag);           // "PROTOCOL_SSL"; "PROTOCOL_RDP" for 0
std::string protocols_name(std::uint32_t flags);         // "PROTOCOL_SSL|PROTOCOL_HYBRID"
std::string failure_name(std::uint32_t code);            // "SSL_REQUIRED_BY_SERVER"
std::string encryption_level_name(std::uint32_t level);  // "NONE", "LOW", "CLIENT_COMPATIBLE", "HIGH", "FIPS"
std::vector<std::string> encryption_method_names(std::uint32_t methods);  // "40BIT", "56BIT", "128BIT", "FIPS"

}  // namespace legacyscan::rdp
