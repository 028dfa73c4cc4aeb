// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the incremental first-flight reader, fed in two pieces and whole, as TLS and as SSL 2.0.
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
  for (bool ssl2 : {false, true}) {
    FlightReader whole(ssl2);
    const bool done = whole.put(in);
    if (!done) whole.finish_closed(size);
    const auto& f = whole.flight();
    if (f.kind == ReplyKind::server_hello) check(f.server_hello.has_value());
    if (f.kind == ReplyKind::alert) check(f.alert.has_value());
    if (f.kind == ReplyKind::ssl2_server_hello) check(f.ssl2.has_value());
    // The same bytes in two reads: the same decision.
    FlightReader split(ssl2);
    const std::size_t half = size / 2;
    bool split_done = split.put(in.first(half));
    if (!split_done) split_done = split.put(in);
    if (!split_done) split.finish_closed(size);
    if (done && split_done) check(split.flight().kind == f.kind);
  }
  return 0;
}
