// SPDX-License-Identifier: Apache-2.0
// NetBIOS session service (RFC 1002 4.3) for SMB over port 139, the direct TCP framing of port 445
// ([MS-SMB2] 2.1, [MS-CIFS] 2.1.1.2), and the RFC 1001 14.1 first-level name encoding.
// Pure codecs: no sockets.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "legacyscan/bytes.hpp"

namespace legacyscan::smb {

// RFC 1002 4.3.1 session packet types.
enum class SessionPacketType : std::uint8_t {
  SessionMessage = 0x00,
  SessionRequest = 0x81,
  PositiveSessionResponse = 0x82,
  NegativeSessionResponse = 0x83,
  RetargetSessionResponse = 0x84,
  SessionKeepAlive = 0x85,
};
std::string_view session_packet_type_name(std::uint8_t type);
// RFC 1002 4.3.4 NEGATIVE SESSION RESPONSE error codes (0x80..0x83, 0x8F).
std::string_view negative_session_error_name(std::uint8_t code);

// A NetBIOS name: up to 15 characters plus the 16th "suffix" byte (0x20 file server service).
struct NetbiosName {
  std::string name;
  std::uint8_t suffix = 0x20;
};

// RFC 1001 14.1 first-level encoding: the name is padded with spaces to 15 bytes, the suffix byte
// appended, and each of the 16 bytes becomes two letters 'A'+high nibble, 'A'+low nibble.
// "FRED" (suffix 0x20) -> "EGFCEFEECACACACACACACACACACACACA". The name is used as given (callers
// upper-case it, as Windows does). Fails for names longer than 15 bytes.
Decoded<std::string> netbios_first_level_encode(const NetbiosName& name);
// The inverse; trailing spaces are stripped from the name.
Decoded<NetbiosName> netbios_first_level_decode(std::string_view encoded);

// RFC 1002 4.3.2 SESSION REQUEST packet: header + CALLED NAME + CALLING NAME, each as a 32-byte
// first-level encoded label with an empty scope (0x20 <32 letters> 0x00).
// Samba accepts the called name "*SMBSERVER" (suffix 0x20).
Decoded<Bytes> encode_session_request(const NetbiosName& called, const NetbiosName& calling);
struct SessionRequest {
  NetbiosName called;
  NetbiosName calling;
};
Decoded<SessionRequest> decode_session_request(ByteView packet);

// A decoded session packet (RFC 1002 4.3.1 header: TYPE, FLAGS with the E length-extension bit,
// 16-bit LENGTH; 17-bit length in total).
struct SessionPacket {
  std::uint8_t type = 0;
  std::string type_name;
  std::uint32_t length = 0;  // trailer length
  Bytes trailer;
  // NEGATIVE SESSION RESPONSE (4.3.4)
  std::optional<std::uint8_t> error_code;
  std::string error_name;
  // RETARGET SESSION RESPONSE (4.3.5)
  std::optional<std::array<std::uint8_t, 4>> retarget_ip;
  std::optional<std::uint16_t> retarget_port;
  std::string retarget_address() const;  // "a.b.c.d:port" or ""
};
// Decodes exactly one whole session packet (header + trailer, nothing after it).
Decoded<SessionPacket> decode_session_packet(ByteView packet);

// ---- framing ----------------------------------------------------------------------------------

enum class Transport {
  NetbiosSession139,  // RFC 1002 4.3.1 header: type, flags (E bit), 16-bit length
  DirectTcp445,       // [MS-SMB2] 2.1: one zero byte + 24-bit big-endian StreamProtocolLength
};

inline constexpr std::size_t kFrameHeaderLength = 4;
inline constexpr std::size_t kMaxFramePayload = 1024 * 1024;  // bound on what we will buffer

struct FrameCheck {
  enum class Kind { NeedMore, Complete, Malformed };
  Kind kind = Kind::NeedMore;
  std::size_t need = 0;            // NeedMore: bytes still missing for the header or the whole frame
  std::uint8_t type = 0;           // session packet type (0x00 on 445)
  std::size_t payload_length = 0;  // Complete: length of the payload after the 4-byte header
  std::size_t frame_length = 0;    // Complete: header + payload
  std::string error;               // Malformed: what is wrong
};
// Looks at the bytes received so far (starting at a frame boundary) and says whether a whole frame
// is there. Frames whose payload exceeds max_payload are Malformed (memory bound).
FrameCheck check_frame(ByteView received, Transport transport, std::size_t max_payload = kMaxFramePayload);

// Wraps an SMB message for the transport: a SESSION MESSAGE (type 0x00) on 139, the direct TCP
// header on 445. Fails when the message is longer than the header can express.
Decoded<Bytes> frame_message(ByteView smb_message, Transport transport);

}  // namespace legacyscan::smb
