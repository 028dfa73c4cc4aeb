// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: NBSS framing (both transports), session packets and SESSION REQUEST, with the
// encoder round trip.
#include <cstdint>
#include <cstdlib>

#include "src/proto/nbss/nbss.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  const ByteView in(data, size);
  for (auto transport : {Transport::DirectTcp445, Transport::NetbiosSession139}) {
    for (std::size_t max : {std::size_t{0}, std::size_t{64}, kMaxFramePayload}) {
      const FrameCheck f = check_frame(in, transport, max);
      if (f.kind == FrameCheck::Kind::Complete) {
        check(f.frame_length <= size && f.frame_length == kFrameHeaderLength + f.payload_length);
        check(f.payload_length <= max);
      } else if (f.kind == FrameCheck::Kind::NeedMore) {
        check(f.need > 0);
      } else {
        check(!f.error.empty());
      }
    }
  }
  // Framing what we got and checking the frame again.
  for (auto transport : {Transport::DirectTcp445, Transport::NetbiosSession139}) {
    auto framed = frame_message(in, transport);
    if (framed) {
      const FrameCheck f = check_frame(*framed, transport, 0xffffff);
      check(f.kind == FrameCheck::Kind::Complete && f.payload_length == size);
    }
  }
  auto packet = decode_session_packet(in);
  if (packet) check(packet->trailer.size() == packet->length);
  auto request = decode_session_request(in);
  if (request) {
    auto encoded = encode_session_request(request->called, request->calling);
    check(encoded && encoded->size() == size && std::equal(encoded->begin(), encoded->end(), data));
  }
  if (size >= 32) {
    auto name = netbios_first_level_decode(std::string_view(reinterpret_cast<const char*>(data), 32));
    if (name) {
      auto again = netbios_first_level_encode(*name);
      check(again.has_value());
    }
  }
  return 0;
}
