// SPDX-License-Identifier: Apache-2.0
// Hand-built TLS/SSL hellos and strict decoders of what a server sends back, independent of what the
// local OpenSSL is willing to negotiate. No I/O here: bytes in, typed structs or an error out.
//
// References: RFC 5246 (TLS 1.2) 6.2.1 record layer, 7.2 alerts, 7.4.1.2 ClientHello, 7.4.1.3
// ServerHello, 7.4.2 Certificate, 7.4.3 ServerKeyExchange; RFC 8446 (TLS 1.3) 4.1.2-4.1.4, 4.2.1
// supported_versions, 4.2.8 key_share; RFC 6101 (SSL 3.0) 5.6.1; draft-hickman-netscape-ssl-00 (SSL 2.0)
// appendix A/B; RFC 6066 3 server_name; RFC 8422 5.1/5.4 EC groups; RFC 5746 renegotiation_info;
// RFC 7507 TLS_FALLBACK_SCSV.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::tls {

// ProtocolVersion values on the wire.
inline constexpr std::uint16_t SSL2_VERSION = 0x0002;
inline constexpr std::uint16_t SSL3_VERSION = 0x0300;
inline constexpr std::uint16_t TLS1_VERSION = 0x0301;
inline constexpr std::uint16_t TLS1_1_VERSION = 0x0302;
inline constexpr std::uint16_t TLS1_2_VERSION = 0x0303;
inline constexpr std::uint16_t TLS1_3_VERSION = 0x0304;

// ContentType (RFC 5246 6.2.1).
inline constexpr std::uint8_t CHANGE_CIPHER_SPEC = 20;
inline constexpr std::uint8_t ALERT = 21;
inline constexpr std::uint8_t HANDSHAKE = 22;
inline constexpr std::uint8_t APPLICATION_DATA = 23;

// HandshakeType (RFC 5246 7.4, RFC 8446 4).
inline constexpr std::uint8_t CLIENT_HELLO = 1;
inline constexpr std::uint8_t SERVER_HELLO = 2;
inline constexpr std::uint8_t CERTIFICATE = 11;
inline constexpr std::uint8_t SERVER_KEY_EXCHANGE = 12;
inline constexpr std::uint8_t CERTIFICATE_REQUEST = 13;
inline constexpr std::uint8_t SERVER_HELLO_DONE = 14;

// ExtensionType values this code writes or reads.
inline constexpr std::uint16_t EXT_SERVER_NAME = 0;
inline constexpr std::uint16_t EXT_SUPPORTED_GROUPS = 10;
inline constexpr std::uint16_t EXT_EC_POINT_FORMATS = 11;
inline constexpr std::uint16_t EXT_SIGNATURE_ALGORITHMS = 13;
inline constexpr std::uint16_t EXT_EXTENDED_MASTER_SECRET = 23;
inline constexpr std::uint16_t EXT_SUPPORTED_VERSIONS = 43;
inline constexpr std::uint16_t EXT_PSK_KEY_EXCHANGE_MODES = 45;
inline constexpr std::uint16_t EXT_KEY_SHARE = 51;
inline constexpr std::uint16_t EXT_RENEGOTIATION_INFO = 0xFF01;

// Signalling cipher suite values.
inline constexpr std::uint16_t TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF;
inline constexpr std::uint16_t TLS_FALLBACK_SCSV = 0x5600;

// NamedGroup values (RFC 8422 5.1.1, RFC 7919, RFC 8446 4.2.7, draft-ietf-tls-ecdhe-mlkem).
inline constexpr std::uint16_t GROUP_SECP256R1 = 0x0017;
inline constexpr std::uint16_t GROUP_SECP384R1 = 0x0018;
inline constexpr std::uint16_t GROUP_SECP521R1 = 0x0019;
inline constexpr std::uint16_t GROUP_X25519 = 0x001D;
inline constexpr std::uint16_t GROUP_X448 = 0x001E;
inline constexpr std::uint16_t GROUP_FFDHE2048 = 0x0100;
inline constexpr std::uint16_t GROUP_X25519MLKEM768 = 0x11EC;

// "TLS 1.2", "SSL 3.0", "0x7f1c" for unknown values.
std::string version_name(std::uint16_t v);
// The JSON key of a version: "ssl2", "ssl3", "tls1.0" ... "tls1.3".
std::string version_key(std::uint16_t v);
// "secp256r1", "x25519", "0x1234".
std::string group_name(std::uint16_t g);
// Key exchange strength of a named group in bits as testssl/openssl report it (x25519: 253).
int group_bits(std::uint16_t g);
// Every NamedGroup we know, for broad offers (EC curves of RFC 4492 included).
const std::vector<std::uint16_t>& all_groups();
// AlertDescription name ("handshake_failure") or the number.
std::string alert_name(std::uint8_t description);

// ---- ClientHello ----------------------------------------------------------------------------------

struct KeyShareEntry {
  std::uint16_t group = 0;
  Bytes key_exchange;
};

struct Extension {
  std::uint16_t type = 0;
  Bytes data;
};

// A structured offer: what a ClientHello says. Extensions are written in the order of the fields
// below, then `extra`. Empty optional = extension not sent.
struct ClientHelloOffer {
  std::uint16_t record_version = TLS1_VERSION;    // TLSPlaintext.version of the record carrying the hello
  std::uint16_t legacy_version = TLS1_2_VERSION;  // ClientHello.client_version
  std::array<std::uint8_t, 32> random{};
  Bytes session_id;
  std::vector<std::uint16_t> cipher_suites;
  std::vector<std::uint8_t> compression_methods{0};
  bool send_extensions = true;  // false: no extensions block at all (SSL 3.0 style)
  std::optional<std::string> server_name;
  std::optional<std::vector<std::uint16_t>> supported_groups;
  bool ec_point_formats = false;
  std::optional<std::vector<std::uint16_t>> signature_algorithms;
  bool renegotiation_info = false;  // the empty extension (RFC 5746 3.4)
  bool extended_master_secret = false;
  std::optional<std::vector<std::uint16_t>> supported_versions;
  std::optional<std::vector<KeyShareEntry>> key_shares;
  bool psk_dhe_ke = false;  // psk_key_exchange_modes [psk_dhe_ke]
  std::vector<Extension> extra;
};

// The record (type 22) carrying one ClientHello handshake message. Fails only on sizes no encoding
// can hold (more than 2^14 bytes of hello, 2^15 suites...).
Decoded<Bytes> encode_client_hello(const ClientHelloOffer& offer);

// SSL 2.0 CLIENT-HELLO (draft-hickman appendix B.1; 2-byte record header, no padding).
struct Ssl2ClientHelloOffer {
  std::uint16_t version = SSL2_VERSION;
  std::vector<std::uint32_t> cipher_specs;  // 3-byte CIPHER-KIND values
  Bytes session_id;
  Bytes challenge;  // 16..32 bytes
};
Decoded<Bytes> encode_ssl2_client_hello(const Ssl2ClientHelloOffer& offer);

// Sensible defaults for a probe: a broad offer for one version, with the extensions a real client of
// that version sends (none for SSL 3.0, supported_versions + key_share for TLS 1.3).
ClientHelloOffer default_offer(std::uint16_t version, std::vector<std::uint16_t> suites,
                               const std::optional<std::string>& sni);
// Some servers drop ClientHellos of 256 to 511 bytes (the F5 BIG-IP bug; RFC 7685 1). compact_offer
// cuts an offer to a record of at most kCompactHelloMax bytes: three groups (x25519, secp256r1,
// secp384r1 when offered), seven signature schemes, and as many of the suites, in order, as fit. The
// signalling suites (renegotiation and fallback SCSV) are kept.
inline constexpr std::size_t kCompactHelloMax = 255;
ClientHelloOffer compact_offer(ClientHelloOffer offer);
// The common suites of a version, most used first: what the compact hello's version check offers.
std::vector<std::uint16_t> common_suites(std::uint16_t version);
// The x25519 public value used in key_share offers. A fixed, valid point: the scan only needs the
// server's answer, never the shared secret.
Bytes x25519_public_value();

// ---- Records -------------------------------------------------------------------------------------

struct TlsRecord {
  std::uint8_t type = 0;
  std::uint16_t version = 0;
  ByteView fragment;  // points into the decoded buffer
};

// How the first bytes of a server's reply look.
enum class Framing {
  need_more,   // fewer than 5 (or 3 for SSLv2) bytes: cannot tell yet
  tls_record,  // a plausible TLS record header
  ssl2,        // a plausible SSL 2.0 record header (high bit set, SERVER-HELLO or ERROR type)
  not_tls,     // something else (plain text, another protocol)
};
Framing classify_reply(ByteView data);

// Reads one TLSPlaintext record from the front of data. need_more is true (and value empty) when the
// record is not complete yet; a malformed header is an error.
struct RecordRead {
  std::optional<TlsRecord> record;
  std::size_t consumed = 0;
  bool need_more = false;
};
Decoded<RecordRead> read_record(ByteView data);

// ---- Handshake messages --------------------------------------------------------------------------

struct HandshakeMessage {
  std::uint8_t msg_type = 0;
  Bytes body;
};
// Splits the concatenated handshake-record payload into messages. need_more when the last message is
// incomplete (its bytes stay unconsumed: `consumed` tells how many bytes were used).
struct HandshakeSplit {
  std::vector<HandshakeMessage> messages;
  std::size_t consumed = 0;
};
Decoded<HandshakeSplit> split_handshake(ByteView payload);

// RFC 8446 4.1.3: the random of a HelloRetryRequest.
bool is_hello_retry_random(ByteView random);

struct ServerHello {
  std::uint16_t legacy_version = 0;  // ServerHello.server_version
  std::array<std::uint8_t, 32> random{};
  Bytes session_id;
  std::uint16_t cipher_suite = 0;
  std::uint8_t compression_method = 0;
  bool has_extensions = false;
  std::vector<Extension> extensions;
  // Derived:
  bool hello_retry_request = false;               // RFC 8446 4.1.3
  std::optional<std::uint16_t> selected_version;  // supported_versions extension
  std::optional<std::uint16_t> key_share_group;   // key_share (HRR: selected_group)
  bool renegotiation_info = false;                // RFC 5746 extension present
  bool renegotiation_info_empty = false;          // ... with an empty renegotiated_connection
  bool extended_master_secret = false;

  // The version the server chose: supported_versions when present, else legacy_version.
  [[nodiscard]] std::uint16_t version() const { return selected_version.value_or(legacy_version); }
};
// The body of a ServerHello handshake message (without the 4-byte handshake header).
Decoded<ServerHello> decode_server_hello(ByteView body);

struct Alert {
  std::uint8_t level = 0;  // 1 warning, 2 fatal
  std::uint8_t description = 0;
};
// The fragment of an alert record: exactly two bytes.
Decoded<Alert> decode_alert(ByteView fragment);

// TLS <= 1.2 Certificate (RFC 5246 7.4.2): the DER certificates in the order sent.
Decoded<std::vector<Bytes>> decode_certificate(ByteView body);

// What a ServerKeyExchange tells about key exchange strength (RFC 5246 7.4.3, RFC 8422 5.4).
struct ServerKeyExchangeInfo {
  std::string kind;                          // "ECDH", "DH", "RSA" (export RSA)
  std::optional<std::uint16_t> named_group;  // ECDH named curve
  int bits = 0;                              // DH p size, RSA modulus size, curve strength
};
enum class KexKind { ecdhe, dhe, rsa_export };
// Parses the parameters at the front of the body (the signature that follows is not checked).
Decoded<ServerKeyExchangeInfo> decode_server_key_exchange(ByteView body, KexKind kind);

// SSL 2.0 SERVER-HELLO (draft-hickman appendix B.2). The whole record, header included.
struct Ssl2ServerHello {
  std::uint8_t session_id_hit = 0;
  std::uint8_t certificate_type = 0;
  std::uint16_t server_version = 0;
  Bytes certificate;
  std::vector<std::uint32_t> cipher_specs;
  Bytes connection_id;
};
// consumed/need_more as in read_record.
struct Ssl2Read {
  std::optional<Ssl2ServerHello> hello;
  std::optional<std::uint16_t> error_code;  // an SSL 2.0 ERROR message instead
  std::size_t consumed = 0;
  bool need_more = false;
};
Decoded<Ssl2Read> read_ssl2_server_hello(ByteView data);

// SSL 2.0 CIPHER-KIND names ("SSL_CK_RC4_128_WITH_MD5") and the full list.
std::string ssl2_cipher_name(std::uint32_t kind);
const std::vector<std::uint32_t>& ssl2_cipher_kinds();

// ---- What one hello drew: the reusable "send this ClientHello and read the answer" result --------

enum class ReplyKind {
  server_hello,  // a ServerHello (or HelloRetryRequest)
  ssl2_server_hello,
  ssl2_error,
  alert,
  closed,     // the server closed without a word
  not_tls,    // it answered, but not in TLS (plain text: HTTP, an SMTP banner...)
  malformed,  // TLS framing, but a decoding error
};

// Everything learned from the server's first flight.
struct ServerFlight {
  ReplyKind kind = ReplyKind::closed;
  std::optional<ServerHello> server_hello;
  std::optional<Ssl2ServerHello> ssl2;
  std::optional<Alert> alert;       // the first alert (alone, or after a ServerHello)
  std::vector<Bytes> certificates;  // TLS <= 1.2 Certificate message
  std::optional<ServerKeyExchangeInfo> key_exchange;
  bool server_hello_done = false;
  std::string detail;  // decoding error, or a printable excerpt of a non-TLS answer
};

// Incremental reader of a server's first flight. put() takes every byte read so far and says
// whether more are needed; it never blocks and never reads past what it was given.
class FlightReader {
 public:
  explicit FlightReader(bool ssl2 = false) : ssl2_(ssl2) {}
  // true: done (flight() is final); false: give more bytes.
  bool put(ByteView all_bytes_so_far);
  // Call when the peer closed after sending bytes_seen bytes: finishes with what has been seen.
  void finish_closed(std::size_t bytes_seen);
  [[nodiscard]] const ServerFlight& flight() const { return flight_; }

 private:
  bool handle_handshake(const HandshakeMessage& m);
  bool ssl2_;
  std::size_t record_pos_ = 0;
  Bytes handshake_payload_;
  std::size_t handshake_pos_ = 0;
  ServerFlight flight_;
  bool started_ = false;
};

// Printable excerpt of bytes that are not TLS, for reasons ("HTTP/1.0 400 Bad request").
std::string printable_excerpt(ByteView data, std::size_t max = 60);

}  // namespace legacyscan::tls
