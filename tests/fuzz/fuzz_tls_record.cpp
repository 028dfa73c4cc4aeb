// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: TLS record framing (RFC 5246 6.2.1) and handshake message splitting.
#include <cstdint>
#include <cstdlib>

#include "src/proto/tls/tls_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::tls;
  const ByteView in(data, size);
  std::size_t pos = 0;
  Bytes payload;
  while (pos < size) {
    auto r = read_record(in.subspan(pos));
    if (!r) {
      check(!r.error.empty());
      break;
    }
    if (r->need_more) break;
    check(r->consumed > 0 && r->consumed <= size - pos && r->record->fragment.size() + 5 == r->consumed);
    payload.insert(payload.end(), r->record->fragment.begin(), r->record->fragment.end());
    pos += r->consumed;
  }
  auto split = split_handshake(payload);
  if (split) {
    check(split->consumed <= payload.size());
    std::size_t sum = 0;
    for (const auto& m : split->messages) sum += 4 + m.body.size();
    check(sum == split->consumed);
  }
  (void)classify_reply(in);
  return 0;
}
