// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SMTP, FTP, IMAP and POP3 STARTTLS replies, split next to every line break of the input.
#include <cstdint>
#include <cstdlib>

#include "src/proto/tls/tls_starttls.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::tls;
  const ByteView in(data, size);
  for (auto p : {StartTlsProto::smtp, StartTlsProto::ftp, StartTlsProto::imap, StartTlsProto::pop3})
    for (const auto& step : text_prelude(p)) {
      const auto whole = step.parse(in);
      if (whole.ok) check(whole.complete);
      // A decision never changes when more bytes arrive after it: checked on the prefixes that end
      // next to a line break (where a line parser decides) and one byte short of the whole.
      for (std::size_t n = 0; n < size && n < 256; ++n) {
        const bool at_break = n + 1 == size || data[n] == '\n' || data[n] == '\r' ||
                              (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'));
        if (!at_break) continue;
        const auto part = step.parse(in.first(n));
        if (part.complete) check(whole.complete);
      }
    }
  return 0;
}
