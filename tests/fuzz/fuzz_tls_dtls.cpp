// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: DTLS datagrams as a server answers a ClientHello (RFC 6347 4.1, 4.2.1, 4.2.2):
// records, handshake fragments, HelloVerifyRequest, DTLS ServerHello.
#include <cstdint>
#include <cstdlib>

#include "src/proto/tls/dtls_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::tls;
  const ByteView in(data, size);
  if (auto records = decode_dtls_records(in)) {
    check(!records->empty() && records->size() <= kMaxDtlsRecords);
    for (const auto& rec : *records)
      if (auto hs = decode_dtls_handshakes(rec.fragment))
        for (const auto& m : *hs) check(m.fragment_offset + m.fragment.size() <= m.length);
  }
  if (auto hvr = decode_hello_verify_request(in)) check(hvr->cookie.size() <= 255);
  (void)decode_dtls_server_hello(in);
  if (auto reply = decode_dtls_reply(in)) {
    check(reply->kind != DtlsReplyKind::hello_verify_request || reply->hello_verify.has_value());
    check(reply->kind != DtlsReplyKind::server_hello || reply->server_hello.has_value());
  }
  return 0;
}
