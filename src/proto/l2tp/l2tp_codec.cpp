// SPDX-License-Identifier: Apache-2.0
#include "src/proto/l2tp/l2tp_codec.hpp"

#include <algorithm>

#include "src/proto/netbios/netbios_codec.hpp"

namespace legacyscan::l2tp {

namespace {

constexpr std::uint16_t kControlHeader = 0xc802;  // T, L, S set; version 2 (RFC 2661 3.1)
constexpr std::size_t kMaxAvps = 64;

void avp(Writer& w, std::uint16_t type, ByteView value) {
  w.u16be(static_cast<std::uint16_t>(0x8000 | (6 + value.size())));  // M bit, length
  w.u16be(0);                                                        // IETF
  w.u16be(type);
  w.bytes(value);
}
void avp16(Writer& w, std::uint16_t type, std::uint16_t v) {
  const std::uint8_t b[] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  avp(w, type, b);
}
void avp32(Writer& w, std::uint16_t type, std::uint32_t v) {
  const std::uint8_t b[] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                            static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  avp(w, type, b);
}

Bytes control(const Writer& avps) {
  Writer w;
  w.u16be(kControlHeader);
  w.u16be(static_cast<std::uint16_t>(12 + avps.size()));
  w.u16be(0);  // tunnel: none yet
  w.u16be(0);  // session
  w.u16be(0);  // Ns
  w.u16be(0);  // Nr
  w.bytes(avps.view());
  return w.take();
}

// Names from the wire may hold any byte: printable ASCII kept, the rest as \xNN.
std::string text(ByteView v) {
  return netbios::printable(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
}

bool read_u16(ByteView v, std::uint16_t& out) {
  Reader r(v);
  return r.u16be(out);
}
bool read_u32(ByteView v, std::uint32_t& out) {
  Reader r(v);
  return r.u32be(out);
}

}  // namespace

Bytes encode_sccrq(std::string_view host_name, std::uint16_t assigned_tunnel_id) {
  Writer avps;
  avp16(avps, 0, kSccrq);  // Message Type
  avp16(avps, 2, 0x0100);  // Protocol Version 1.0
  avp32(avps, 3, 3);       // Framing Capabilities: sync | async
  avp32(avps, 4, 3);       // Bearer Capabilities: digital | analog
  avp16(avps, 6, 0x0680);  // Firmware Revision
  avp(avps, 7, as_bytes(host_name));
  avp(avps, 8, as_bytes("legacyscan"));  // Vendor Name
  avp16(avps, 9, assigned_tunnel_id);
  avp16(avps, 10, 4);  // Receive Window Size
  return control(avps);
}

Decoded<ControlMessage> decode_control_message(ByteView datagram) {
  using D = Decoded<ControlMessage>;
  Reader r(datagram);
  std::uint16_t flags = 0, length = 0, session = 0;
  ControlMessage m;
  if (!r.u16be(flags) || (flags & 0x8000) == 0)
    return D::fail("L2TP: not a control message (T bit clear or " + std::to_string(datagram.size()) + " bytes)");
  if ((flags & 0x000f) != 2) return D::fail("L2TP: version " + std::to_string(flags & 0x000f) + ", not 2");
  if ((flags & 0x4800) != 0x4800) return D::fail("L2TP control message without the L and S bits (RFC 2661 3.1)");
  if (!r.u16be(length) || !r.u16be(m.tunnel_id) || !r.u16be(session) || !r.u16be(m.ns) || !r.u16be(m.nr))
    return D::fail("L2TP header: truncated");
  if (length < 12 || length > datagram.size())
    return D::fail("L2TP header: length " + std::to_string(length) + " but " + std::to_string(datagram.size()) +
                   " bytes arrived");
  Reader avps(datagram.subspan(12, length - 12));
  m.zlb = avps.empty();
  std::size_t count = 0;
  while (!avps.empty() && count++ < kMaxAvps) {
    std::uint16_t head = 0, vendor = 0, type = 0;
    if (!avps.u16be(head) || !avps.u16be(vendor) || !avps.u16be(type)) return D::fail("L2TP AVP: truncated header");
    const std::size_t len = head & 0x03ff;
    ByteView value;
    if (len < 6 || !avps.bytes(len - 6, value)) return D::fail("L2TP AVP " + std::to_string(type) + ": bad length");
    if (vendor != 0) continue;
    if (head & 0x4000) {  // hidden: the value needs the tunnel secret
      m.hidden_avps = true;
      continue;
    }
    bool ok = true;
    switch (type) {
      case 0: ok = read_u16(value, m.message_type); break;
      case 1:
        ok = read_u16(value, m.result_code);
        if (ok && value.size() >= 4) (void)read_u16(value.subspan(2), m.error_code);
        break;
      case 2: ok = read_u16(value, m.protocol_version); break;
      case 3: ok = read_u32(value, m.framing_capabilities); break;
      case 4: ok = read_u32(value, m.bearer_capabilities); break;
      case 6: ok = read_u16(value, m.firmware_revision); break;
      case 7: m.host_name = text(value.first(std::min<std::size_t>(value.size(), 255))); break;
      case 8: m.vendor = text(value.first(std::min<std::size_t>(value.size(), 255))); break;
      case 9: ok = read_u16(value, m.assigned_tunnel_id); break;
      case 10: ok = read_u16(value, m.receive_window); break;
      case 11: m.challenge = true; break;
      default: break;
    }
    if (!ok) return D::fail("L2TP AVP " + std::to_string(type) + ": value too short");
  }
  if (!m.zlb && m.message_type == 0) return D::fail("L2TP control message without a Message Type AVP first");
  return D::ok(std::move(m));
}

std::string message_type_name(std::uint16_t type) {
  switch (type) {
    case kSccrq: return "SCCRQ";
    case kSccrp: return "SCCRP";
    case kScccn: return "SCCCN";
    case kStopCcn: return "StopCCN";
    case kHello: return "HELLO";
    default: return "message type " + std::to_string(type);
  }
}

}  // namespace legacyscan::l2tp
