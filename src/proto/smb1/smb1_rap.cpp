// SPDX-License-Identifier: Apache-2.0
#include "src/proto/smb1/smb1_rap.hpp"

#include <string_view>

#include "src/proto/smb1/smb1_body.hpp"

namespace legacyscan::smb {

namespace {

// RAPShareInfo1: NetworkName (13 bytes), Pad (1), Type (2), RemarkOffsetLow (2), RemarkOffsetHigh (2).
constexpr std::size_t kShareInfo1Size = 20;
constexpr std::size_t kNetworkNameSize = 13;

// A NUL-terminated OEM string within `data` from `offset`; runs to the end when it has no NUL.
std::string oem_string(ByteView data, std::size_t offset) {
  if (offset >= data.size()) return {};
  ByteView rest = data.subspan(offset);
  std::size_t n = 0;
  while (n < rest.size() && rest[n] != 0) ++n;
  return smb1_body::latin1_to_utf8(rest.first(n));
}

}  // namespace

Bytes encode_rap_net_share_enum_request(std::uint16_t level, std::uint16_t receive_buffer_size) {
  Writer w;
  w.u16le(RAP_NET_SHARE_ENUM);
  // ParamDesc: level, receive buffer and its size; entries returned and available. DataDesc: the
  // share info structure of level 0 or 1.
  for (std::string_view desc : {std::string_view("WrLeh"), std::string_view(level == 0 ? "B13" : "B13BWz")}) {
    w.bytes(desc);
    w.u8(0);
  }
  w.u16le(level);
  w.u16le(receive_buffer_size);
  return w.take();
}

Decoded<RapNetShareEnumResponse> decode_rap_net_share_enum_response(ByteView parameters, ByteView data) {
  using R = Decoded<RapNetShareEnumResponse>;
  RapNetShareEnumResponse out;
  Reader p(parameters);
  if (!p.u16le(out.status)) return R::fail("RAP NetShareEnum response: no status");
  if (!out.listed()) {
    // A refusal may stop after the status; what follows, when present, is read for completeness.
    if (p.u16le(out.converter) && p.u16le(out.entries_returned)) (void)p.u16le(out.entries_available);
    out.entries_returned = 0;
    return R::ok(std::move(out));
  }
  if (!p.u16le(out.converter) || !p.u16le(out.entries_returned) || !p.u16le(out.entries_available))
    return R::fail("RAP NetShareEnum response: parameters truncated (" + std::to_string(parameters.size()) +
                   " bytes, want 8)");
  if (static_cast<std::size_t>(out.entries_returned) * kShareInfo1Size > data.size())
    return R::fail("RAP NetShareEnum response: " + std::to_string(out.entries_returned) + " entries but " +
                   std::to_string(data.size()) + " bytes of data");
  Reader d(data);
  out.shares.reserve(out.entries_returned);
  for (std::uint16_t i = 0; i < out.entries_returned; ++i) {
    ByteView name;
    std::uint16_t low = 0, high = 0;
    RapShare s;
    if (!d.bytes(kNetworkNameSize, name) || !d.skip(1) || !d.u16le(s.type) || !d.u16le(low) || !d.u16le(high))
      return R::fail("RAP NetShareEnum response: entry " + std::to_string(i) + " truncated");
    s.name = oem_string(name, 0);
    // The remark pointer's low word less the Converter is its offset in the data; the high word is
    // meaningless to the client ([MS-RAP] 2.5.6.2).
    const auto offset = static_cast<std::uint16_t>(low - out.converter);
    s.comment = oem_string(data, offset);
    out.shares.push_back(std::move(s));
  }
  return R::ok(std::move(out));
}

std::string rap_share_type_name(std::uint16_t type) {
  switch (type) {
    case 0: return "disk";
    case 1: return "print";
    case 2: return "device";
    case 3: return "ipc";
    default: return std::to_string(type);
  }
}

}  // namespace legacyscan::smb
