// SPDX-License-Identifier: Apache-2.0
#include "src/proto/nbss/nbss.hpp"

#include <cstdio>

namespace legacyscan::smb {

namespace {

std::string hex8(std::uint32_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned>(v & 0xff));
  return buf;
}

constexpr std::size_t kEncodedNameLength = 32;

// Writes a compressed name label (RFC 1002 4.1): length 0x20, the 32 letters, then the empty scope.
bool write_name(Writer& w, const NetbiosName& name, std::string& error) {
  auto encoded = netbios_first_level_encode(name);
  if (!encoded) {
    error = encoded.error;
    return false;
  }
  w.u8_prefixed([&](Writer& label) { label.bytes(*encoded); });
  w.u8(0x00);
  return true;
}

bool read_name(Reader& r, NetbiosName& out, const char* which, std::string& error) {
  Reader label;
  if (!r.u8_prefixed(label)) {
    error = std::string("NBSS SESSION REQUEST: ") + which + " name label truncated";
    return false;
  }
  if (label.remaining() != kEncodedNameLength) {
    error = std::string("NBSS SESSION REQUEST: ") + which + " name label of " + std::to_string(label.remaining()) +
            " bytes (want 32)";
    return false;
  }
  std::uint8_t scope_end = 0;
  if (!r.u8(scope_end) || scope_end != 0) {
    error = std::string("NBSS SESSION REQUEST: ") + which + " name without an empty scope terminator";
    return false;
  }
  const ByteView letters = label.rest();
  auto decoded =
      netbios_first_level_decode(std::string_view(reinterpret_cast<const char*>(letters.data()), letters.size()));
  if (!decoded) {
    error = std::string("NBSS SESSION REQUEST: ") + which + " name: " + decoded.error;
    return false;
  }
  out = *decoded;
  return true;
}

}  // namespace

std::string_view session_packet_type_name(std::uint8_t type) {
  switch (type) {
    case 0x00: return "SESSION MESSAGE";
    case 0x81: return "SESSION REQUEST";
    case 0x82: return "POSITIVE SESSION RESPONSE";
    case 0x83: return "NEGATIVE SESSION RESPONSE";
    case 0x84: return "RETARGET SESSION RESPONSE";
    case 0x85: return "SESSION KEEP ALIVE";
    default: return "unknown";
  }
}

std::string_view negative_session_error_name(std::uint8_t code) {
  switch (code) {
    case 0x80: return "Not listening on called name";
    case 0x81: return "Not listening for calling name";
    case 0x82: return "Called name not present";
    case 0x83: return "Called name present, but insufficient resources";
    case 0x8f: return "Unspecified error";
    default: return "unknown error code";
  }
}

Decoded<std::string> netbios_first_level_encode(const NetbiosName& name) {
  if (name.name.size() > 15) {
    return Decoded<std::string>::fail("NetBIOS name \"" + name.name + "\" longer than 15 bytes");
  }
  std::string padded = name.name;
  padded.resize(15, ' ');
  padded.push_back(static_cast<char>(name.suffix));
  std::string out;
  out.reserve(kEncodedNameLength);
  for (char c : padded) {
    const auto b = static_cast<std::uint8_t>(c);
    out.push_back(static_cast<char>('A' + (b >> 4)));
    out.push_back(static_cast<char>('A' + (b & 0x0f)));
  }
  return Decoded<std::string>::ok(std::move(out));
}

Decoded<NetbiosName> netbios_first_level_decode(std::string_view encoded) {
  if (encoded.size() != kEncodedNameLength) {
    return Decoded<NetbiosName>::fail("encoded NetBIOS name of " + std::to_string(encoded.size()) +
                                      " characters (want 32)");
  }
  std::string raw;
  for (std::size_t i = 0; i < kEncodedNameLength; i += 2) {
    const char hi = encoded[i];
    const char lo = encoded[i + 1];
    if (hi < 'A' || hi > 'P' || lo < 'A' || lo > 'P') {
      return Decoded<NetbiosName>::fail("encoded NetBIOS name has a character outside 'A'..'P' at position " +
                                        std::to_string(i));
    }
    raw.push_back(static_cast<char>(((hi - 'A') << 4) | (lo - 'A')));
  }
  NetbiosName out;
  out.suffix = static_cast<std::uint8_t>(raw[15]);
  raw.resize(15);
  while (!raw.empty() && raw.back() == ' ') raw.pop_back();
  out.name = std::move(raw);
  return Decoded<NetbiosName>::ok(std::move(out));
}

Decoded<Bytes> encode_session_request(const NetbiosName& called, const NetbiosName& calling) {
  Writer w;
  w.u8(static_cast<std::uint8_t>(SessionPacketType::SessionRequest));
  w.u8(0x00);  // FLAGS
  std::string error;
  bool ok = true;
  w.u16be_prefixed([&](Writer& body) { ok = write_name(body, called, error) && write_name(body, calling, error); });
  if (!ok) return Decoded<Bytes>::fail("NBSS SESSION REQUEST: " + error);
  return Decoded<Bytes>::ok(w.take());
}

Decoded<SessionRequest> decode_session_request(ByteView packet) {
  auto pkt = decode_session_packet(packet);
  if (!pkt) return Decoded<SessionRequest>::fail(pkt.error);
  if (pkt->type != static_cast<std::uint8_t>(SessionPacketType::SessionRequest)) {
    return Decoded<SessionRequest>::fail("NBSS: packet type " + hex8(pkt->type) + " is not a SESSION REQUEST");
  }
  Reader r(pkt->trailer);
  SessionRequest out;
  std::string error;
  if (!read_name(r, out.called, "CALLED", error) || !read_name(r, out.calling, "CALLING", error)) {
    return Decoded<SessionRequest>::fail(error);
  }
  if (!r.empty()) {
    return Decoded<SessionRequest>::fail("NBSS SESSION REQUEST: " + std::to_string(r.remaining()) +
                                         " trailing bytes after the CALLING name");
  }
  return Decoded<SessionRequest>::ok(std::move(out));
}

std::string SessionPacket::retarget_address() const {
  if (!retarget_ip || !retarget_port) return {};
  const auto& ip = *retarget_ip;
  return std::to_string(ip[0]) + "." + std::to_string(ip[1]) + "." + std::to_string(ip[2]) + "." +
         std::to_string(ip[3]) + ":" + std::to_string(*retarget_port);
}

Decoded<SessionPacket> decode_session_packet(ByteView packet) {
  using R = Decoded<SessionPacket>;
  Reader r(packet);
  SessionPacket out;
  std::uint8_t flags = 0;
  std::uint16_t len16 = 0;
  if (!r.u8(out.type) || !r.u8(flags) || !r.u16be(len16)) {
    return R::fail("NBSS: header truncated (" + std::to_string(packet.size()) + " of 4 bytes)");
  }
  if (flags & 0xfe) return R::fail("NBSS: reserved FLAGS bits set (" + hex8(flags) + ")");
  out.length = (static_cast<std::uint32_t>(flags & 0x01) << 16) | len16;
  out.type_name = std::string(session_packet_type_name(out.type));
  if (!r.copy(out.length, out.trailer)) {
    return R::fail("NBSS: LENGTH " + std::to_string(out.length) + " but only " + std::to_string(r.remaining()) +
                   " bytes follow the header");
  }
  if (!r.empty()) return R::fail("NBSS: " + std::to_string(r.remaining()) + " bytes after the packet");
  Reader t(out.trailer);
  switch (static_cast<SessionPacketType>(out.type)) {
    case SessionPacketType::SessionMessage:
    case SessionPacketType::SessionRequest: break;
    case SessionPacketType::PositiveSessionResponse:
    case SessionPacketType::SessionKeepAlive:
      if (out.length != 0) {
        return R::fail("NBSS: " + out.type_name + " with LENGTH " + std::to_string(out.length) + " (want 0)");
      }
      break;
    case SessionPacketType::NegativeSessionResponse: {
      std::uint8_t code = 0;
      if (out.length != 1 || !t.u8(code)) {
        return R::fail("NBSS: NEGATIVE SESSION RESPONSE with LENGTH " + std::to_string(out.length) + " (want 1)");
      }
      out.error_code = code;
      out.error_name = std::string(negative_session_error_name(code));
      break;
    }
    case SessionPacketType::RetargetSessionResponse: {
      std::array<std::uint8_t, 4> ip{};
      std::uint16_t port = 0;
      if (out.length != 6 || !t.u8(ip[0]) || !t.u8(ip[1]) || !t.u8(ip[2]) || !t.u8(ip[3]) || !t.u16be(port)) {
        return R::fail("NBSS: RETARGET SESSION RESPONSE with LENGTH " + std::to_string(out.length) + " (want 6)");
      }
      out.retarget_ip = ip;
      out.retarget_port = port;
      break;
    }
    default: return R::fail("NBSS: unknown packet type " + hex8(out.type));
  }
  return R::ok(std::move(out));
}

FrameCheck check_frame(ByteView received, Transport transport, std::size_t max_payload) {
  FrameCheck out;
  Reader r(received);
  std::uint8_t first = 0;
  std::uint32_t length = 0;
  if (received.size() < kFrameHeaderLength) {
    // Reject garbage as early as the first byte allows.
    if (r.u8(first)) {
      const bool known =
          transport == Transport::DirectTcp445 ? first == 0x00 : session_packet_type_name(first) != "unknown";
      if (!known) {
        out.kind = FrameCheck::Kind::Malformed;
        out.error = transport == Transport::DirectTcp445
                        ? "direct TCP header: first byte " + hex8(first) + " is not zero"
                        : "NBSS header: unknown packet type " + hex8(first);
        return out;
      }
    }
    out.kind = FrameCheck::Kind::NeedMore;
    out.need = kFrameHeaderLength - received.size();
    return out;
  }
  if (transport == Transport::DirectTcp445) {
    if (!r.u8(first) || !r.u24be(length)) return out;  // cannot happen: 4 bytes are there
    if (first != 0) {
      out.kind = FrameCheck::Kind::Malformed;
      out.error = "direct TCP header: first byte " + hex8(first) + " is not zero";
      return out;
    }
  } else {
    std::uint8_t flags = 0;
    std::uint16_t len16 = 0;
    if (!r.u8(first) || !r.u8(flags) || !r.u16be(len16)) return out;
    if (session_packet_type_name(first) == "unknown") {
      out.kind = FrameCheck::Kind::Malformed;
      out.error = "NBSS header: unknown packet type " + hex8(first);
      return out;
    }
    if (flags & 0xfe) {
      out.kind = FrameCheck::Kind::Malformed;
      out.error = "NBSS header: reserved FLAGS bits set (" + hex8(flags) + ")";
      return out;
    }
    length = (static_cast<std::uint32_t>(flags & 0x01) << 16) | len16;
  }
  out.type = first;
  if (length > max_payload) {
    out.kind = FrameCheck::Kind::Malformed;
    out.error = "frame length " + std::to_string(length) + " exceeds the limit of " + std::to_string(max_payload);
    return out;
  }
  if (r.remaining() < length) {
    out.kind = FrameCheck::Kind::NeedMore;
    out.need = length - r.remaining();
    return out;
  }
  out.kind = FrameCheck::Kind::Complete;
  out.payload_length = length;
  out.frame_length = kFrameHeaderLength + length;
  return out;
}

Decoded<Bytes> frame_message(ByteView smb_message, Transport transport) {
  Writer w;
  if (transport == Transport::DirectTcp445) {
    if (smb_message.size() > 0xffffff) {
      return Decoded<Bytes>::fail("direct TCP: message of " + std::to_string(smb_message.size()) +
                                  " bytes exceeds the 24-bit length");
    }
    w.u8(0x00);
    w.u24be_prefixed([&](Writer& body) { body.bytes(smb_message); });
  } else {
    if (smb_message.size() > 0x1ffff) {
      return Decoded<Bytes>::fail("NBSS: message of " + std::to_string(smb_message.size()) +
                                  " bytes exceeds the 17-bit length");
    }
    w.u8(static_cast<std::uint8_t>(SessionPacketType::SessionMessage));
    // The 17-bit length is split across the E bit of FLAGS and the 16-bit LENGTH field.
    const Writer::Slot flags = w.reserve_u8();
    const Writer::Slot len16 = w.reserve_u16be();
    const std::size_t body_start = w.size();
    w.bytes(smb_message);
    const std::size_t length = w.size() - body_start;
    w.patch(flags, (length >> 16) & 0x01);
    w.patch(len16, length & 0xffff);
  }
  return Decoded<Bytes>::ok(w.take());
}

}  // namespace legacyscan::smb
