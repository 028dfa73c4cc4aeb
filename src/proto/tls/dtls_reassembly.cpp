// SPDX-License-Identifier: Apache-2.0
#include "src/proto/tls/dtls_reassembly.hpp"

#include <string>

#include "src/proto/tls/dtls_codec.hpp"

namespace legacyscan::tls {

Decoded<bool> DtlsMessageAssembler::put(ByteView datagram) {
  using D = Decoded<bool>;
  auto records = decode_dtls_records(datagram);
  if (!records) return D::fail(records.error);
  for (const auto& rec : *records) {
    if (rec.epoch != 0 || rec.type != HANDSHAKE) continue;
    auto messages = decode_dtls_handshakes(rec.fragment);
    if (!messages) return D::fail(messages.error);
    for (const auto& m : *messages) {
      if (m.msg_type < 32) seen_types_ |= 1u << m.msg_type;
      if (m.msg_type != type_) continue;
      if (!seq_) {
        if (m.length > max_)
          return D::fail("DTLS: a handshake message of " + std::to_string(m.length) + " bytes (limit " +
                         std::to_string(max_) + ")");
        seq_ = m.message_seq;
        length_ = m.length;
        body_.assign(length_, 0);
        have_.assign(length_, false);
      }
      if (m.message_seq != *seq_) continue;  // a later message of the same type: not this one
      if (m.length != length_)
        return D::fail("DTLS: fragments of one handshake message say " + std::to_string(length_) + " and " +
                       std::to_string(m.length) + " bytes");
      // decode_dtls_handshakes checked offset + fragment size <= length.
      for (std::size_t i = 0; i < m.fragment.size(); ++i) {
        const std::size_t at = m.fragment_offset + i;
        body_[at] = m.fragment[i];
        if (!have_[at]) {
          have_[at] = true;
          ++have_count_;
        }
      }
    }
  }
  return D::ok(complete());
}

}  // namespace legacyscan::tls
