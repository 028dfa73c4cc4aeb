// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: DTLS datagrams as a server answers a ClientHello (RFC 6347 4.1, 4.2.1, 4.2.2):
// records, handshake fragments, HelloVerifyRequest, DTLS ServerHello, and the reassembly of a
// fragmented Certificate (RFC 6347 4.2.3) from the input cut into datagrams.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "src/proto/tls/dtls_codec.hpp"
#include "src/proto/tls/dtls_reassembly.hpp"

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
  // The input as up to four datagrams, cut at the lengths its first bytes name.
  DtlsMessageAssembler certificate(CERTIFICATE, 4096);
  ByteView rest = in;
  for (int i = 0; i < 4 && !rest.empty(); ++i) {
    const std::size_t n = std::min<std::size_t>(rest.size(), 1 + rest[0] * 8u);
    if (auto done = certificate.put(rest.first(n)); done && *done) check(certificate.body().size() <= 4096);
    rest = rest.subspan(n);
  }
  return 0;
}
