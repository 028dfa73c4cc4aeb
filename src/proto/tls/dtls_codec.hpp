// SPDX-License-Identifier: Apache-2.0
// DTLS framing over TLS's handshake bodies (RFC 6347 4.1 record layer, 4.2.2 handshake header, 4.2.1
// HelloVerifyRequest and the ClientHello cookie; RFC 4347 for DTLS 1.0). The ClientHello and
// ServerHello bodies are TLS's (tls_codec.hpp) but for the version numbers (RFC 6347 4.1: 0xFEFF is
// DTLS 1.0, 0xFEFD DTLS 1.2, the ones' complement of the TLS version they follow) and the cookie.
// No I/O here: bytes in, typed structs or an error out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::tls {

inline constexpr std::uint16_t DTLS1_VERSION = 0xFEFF;
inline constexpr std::uint16_t DTLS1_2_VERSION = 0xFEFD;
inline constexpr std::uint16_t DTLS1_3_VERSION = 0xFEFC;  // RFC 9147 5.3
inline constexpr std::uint8_t HELLO_VERIFY_REQUEST = 3;

// "DTLS 1.0", "DTLS 1.2", or version_name() of the value.
std::string dtls_version_name(std::uint16_t v);
// "dtls1.0", "dtls1.2", "dtls1.3", or "0xfeXX".
std::string dtls_version_key(std::uint16_t v);
// The TLS version whose suites and extensions a DTLS version uses: DTLS 1.0 is TLS 1.1 (RFC 4347
// 1), DTLS 1.2 is TLS 1.2. 0 for other values.
std::uint16_t dtls_tls_version(std::uint16_t v);
// A DTLS version is older (weaker) than another: the numbers count down.
inline bool dtls_older(std::uint16_t a, std::uint16_t b) { return a > b; }

// One DTLSPlaintext record (RFC 6347 4.1): 13-byte header, then the fragment.
struct DtlsRecord {
  std::uint8_t type = 0;
  std::uint16_t version = 0;
  std::uint16_t epoch = 0;
  std::uint64_t sequence = 0;  // 48 bits
  ByteView fragment;           // points into the datagram
};
// Every record of one datagram (at most kMaxDtlsRecords); a truncated or impossible record is an error.
inline constexpr std::size_t kMaxDtlsRecords = 64;
Decoded<std::vector<DtlsRecord>> decode_dtls_records(ByteView datagram);

// One handshake message or fragment (RFC 6347 4.2.2): 12-byte header, then fragment_length bytes.
struct DtlsHandshake {
  std::uint8_t msg_type = 0;
  std::uint32_t length = 0;  // of the whole message
  std::uint16_t message_seq = 0;
  std::uint32_t fragment_offset = 0;
  ByteView fragment;
  [[nodiscard]] bool complete() const { return fragment_offset == 0 && fragment.size() == length; }
};
// The handshake messages of one handshake record's fragment.
Decoded<std::vector<DtlsHandshake>> decode_dtls_handshakes(ByteView record_fragment);

// RFC 6347 4.2.1: server_version and a cookie of at most 255 bytes (DTLS 1.0: 32, RFC 4347 4.2.1).
struct HelloVerifyRequest {
  std::uint16_t server_version = 0;
  Bytes cookie;
};
Decoded<HelloVerifyRequest> decode_hello_verify_request(ByteView body);

// A ServerHello body with a DTLS server_version: read as TLS's, then given its DTLS version back.
Decoded<ServerHello> decode_dtls_server_hello(ByteView body);

// What one datagram answering a ClientHello says: the first HelloVerifyRequest, ServerHello (a
// complete first fragment) or alert of epoch 0 in it.
enum class DtlsReplyKind { hello_verify_request, server_hello, alert, other };
struct DtlsReply {
  DtlsReplyKind kind = DtlsReplyKind::other;
  std::uint16_t record_version = 0;
  std::optional<HelloVerifyRequest> hello_verify;
  std::optional<ServerHello> server_hello;
  std::optional<Alert> alert;
};
// An error when the datagram is not DTLS at all or its first useful message does not decode.
Decoded<DtlsReply> decode_dtls_reply(ByteView datagram);

// The datagram carrying one ClientHello: the offer's TLS body with its versions replaced by
// `version`, the cookie inserted after the session id (RFC 6347 4.2.1), in one unfragmented handshake
// message with this message_seq, in one record of epoch 0 with this sequence number. The record
// version is DTLS 1.0, as real clients send on the first flight.
Decoded<Bytes> encode_dtls_client_hello(ClientHelloOffer offer, std::uint16_t version, ByteView cookie,
                                        std::uint16_t message_seq, std::uint64_t record_sequence);
// A plaintext alert record of epoch 0 (ends the server's half-open handshake).
Bytes encode_dtls_alert(std::uint16_t version, std::uint8_t level, std::uint8_t description,
                        std::uint64_t record_sequence);

}  // namespace legacyscan::tls
