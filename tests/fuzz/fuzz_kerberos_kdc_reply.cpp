// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the UDP answer test (kdc_reply_datagram), decode_kdc_reply and the verdict on top of it
// (classify_message), as the probe reads a reply.
#include <cstddef>
#include <cstdint>

#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::kerberos;
  const ByteView in(data, size);
  (void)kdc_reply_datagram(in);
  (void)decode_kdc_reply(in);
  // The probe's whole read path for one answer: decode, then the verdict in both modes.
  (void)classify_message(in, 23, std::nullopt);
  (void)classify_message(in, 23, 18);
  return 0;
}
