// SPDX-License-Identifier: Apache-2.0
// One handshake message of a DTLS server's flight put back together from its fragments (RFC 6347
// 4.2.3): a message longer than a datagram (a Certificate chain over the path MTU) arrives as
// fragments, each with the message's whole length, its message_seq and its own offset, in any order
// and possibly repeated (retransmissions). Bounded: a message longer than the caller's limit is an
// error, never a buffer of the size a peer names. No I/O here.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::tls {

class DtlsMessageAssembler {
 public:
  DtlsMessageAssembler(std::uint8_t msg_type, std::size_t max_length) : type_(msg_type), max_(max_length) {}
  // Takes the epoch-0 handshake fragments of one datagram. true: the message is complete. An error
  // when the datagram is not DTLS, or a fragment of the message is over the limit or disagrees with
  // the first one on the message's length.
  Decoded<bool> put(ByteView datagram);
  [[nodiscard]] bool complete() const { return seq_.has_value() && have_count_ == length_; }
  // The message body (without its 12-byte header), once complete.
  [[nodiscard]] ByteView body() const { return body_; }
  // A fragment of this handshake type was in some datagram (ServerHelloDone: the flight is over).
  [[nodiscard]] bool seen(std::uint8_t msg_type) const { return msg_type < 32 && (seen_types_ >> msg_type & 1); }

 private:
  std::uint8_t type_;
  std::size_t max_;
  std::optional<std::uint16_t> seq_;  // the message_seq of the first fragment of the message
  std::size_t length_ = 0;
  Bytes body_;
  std::vector<bool> have_;  // which bytes of the body have arrived
  std::size_t have_count_ = 0;
  std::uint32_t seen_types_ = 0;
};

}  // namespace legacyscan::tls
