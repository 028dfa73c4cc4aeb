// SPDX-License-Identifier: Apache-2.0
#include "src/proto/pptp/pptp_codec.hpp"

#include <algorithm>

#include "src/proto/netbios/netbios_codec.hpp"

namespace legacyscan::pptp {

namespace {

constexpr std::uint16_t kControlMessage = 1;
constexpr std::uint16_t kSccrq = 1, kSccrp = 2;
constexpr std::size_t kNameField = 64;

void name_field(Writer& w, std::string_view s) {
  const std::size_t n = std::min(s.size(), kNameField - 1);
  w.bytes(s.substr(0, n));
  w.zeros(kNameField - n);
}

std::string text_field(ByteView v) {
  std::size_t n = 0;
  while (n < v.size() && v[n] != 0) ++n;
  // The field may hold any byte: printable ASCII is kept, the rest shown as \xNN.
  return netbios::printable(std::string_view(reinterpret_cast<const char*>(v.data()), n));
}

std::string bits(std::uint32_t v, const char* first, const char* second) {
  std::string out;
  if (v & 1) out = first;
  if (v & 2) out += std::string(out.empty() ? "" : "+") + second;
  return out.empty() ? "none" : out;
}

}  // namespace

Bytes encode_sccrq(std::string_view host_name) {
  Writer w;
  auto len = w.reserve_u16be();
  w.u16be(kControlMessage);
  w.u32be(kMagicCookie);
  w.u16be(kSccrq);
  w.u16be(0);       // reserved0
  w.u16be(0x0100);  // protocol version 1.0
  w.u16be(0);       // reserved1
  w.u32be(3);       // framing: asynchronous | synchronous
  w.u32be(3);       // bearer: analog | digital
  w.u16be(0);       // maximum channels (a PAC sets it; a PNS sends 0)
  w.u16be(0x0a28);  // firmware revision: Windows sends its build number here
  name_field(w, host_name);
  name_field(w, "Microsoft");
  w.patch(len, w.size());
  return w.take();
}

std::size_t message_length(ByteView data) {
  if (data.size() < 2) return 0;
  return static_cast<std::size_t>(data[0]) << 8 | data[1];
}

Decoded<StartControlConnectionReply> decode_sccrp(ByteView message) {
  using D = Decoded<StartControlConnectionReply>;
  Reader r(message);
  std::uint16_t length = 0, type = 0, control = 0, reserved = 0;
  std::uint32_t cookie = 0;
  if (!r.u16be(length) || !r.u16be(type) || !r.u32be(cookie) || !r.u16be(control) || !r.u16be(reserved))
    return D::fail("PPTP control message: " + std::to_string(message.size()) + " bytes, header needs 12");
  if (cookie != kMagicCookie) return D::fail("PPTP control message: magic cookie " + to_hex(message.subspan(4, 4)));
  if (type != kControlMessage) return D::fail("PPTP message type " + std::to_string(type) + " is not control (1)");
  if (control != kSccrp)
    return D::fail("PPTP control message type " + std::to_string(control) + " is not Start-Control-Connection-Reply");
  if (length != kControlMessageSize)
    return D::fail("PPTP Start-Control-Connection-Reply: length " + std::to_string(length) + ", must be 156");
  if (message.size() < kControlMessageSize)
    return D::fail("PPTP Start-Control-Connection-Reply: " + std::to_string(message.size()) + " of 156 bytes");
  StartControlConnectionReply out;
  ByteView host, vendor;
  if (!r.u16be(out.protocol_version) || !r.u8(out.result_code) || !r.u8(out.error_code) ||
      !r.u32be(out.framing_capabilities) || !r.u32be(out.bearer_capabilities) || !r.u16be(out.maximum_channels) ||
      !r.u16be(out.firmware_revision) || !r.bytes(kNameField, host) || !r.bytes(kNameField, vendor))
    return D::fail("PPTP Start-Control-Connection-Reply: truncated");
  out.host_name = text_field(host);
  out.vendor = text_field(vendor);
  return D::ok(std::move(out));
}

std::string result_code_name(std::uint8_t code) {
  switch (code) {
    case 1: return "successful channel establishment";
    case 2: return "general error";
    case 3: return "command channel already exists";
    case 4: return "requester is not authorized";
    case 5: return "protocol version not supported";
    default: return "result code " + std::to_string(code);
  }
}

std::string framing_names(std::uint32_t v) { return bits(v, "async", "sync"); }
std::string bearer_names(std::uint32_t v) { return bits(v, "analog", "digital"); }

}  // namespace legacyscan::pptp
