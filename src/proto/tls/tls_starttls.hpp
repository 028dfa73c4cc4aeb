// SPDX-License-Identifier: Apache-2.0
// STARTTLS preludes: the plain-text exchanges that turn a connection into one ready for a ClientHello.
// Pure codecs (requests and reply parsers); the probe does the I/O. Replies may arrive split across
// reads: every parser says "need more" until the final line (or PDU) is complete.
//
// LDAP: RFC 4511 4.14 (StartTLS extended operation 1.3.6.1.4.1.1466.20037). SMTP: RFC 3207, RFC 5321
// 4.2 (multi-line replies "250-..." end with "250 ..."). IMAP: RFC 3501 6.2.1. POP3: RFC 2595 4 (STLS).
// FTP: RFC 4217 4 (AUTH TLS, 234). PostgreSQL: protocol-flow "SSL Session Encryption" (SSLRequest
// 80877103, 'S'/'N'). RDP: [MS-RDPBCGR] 2.2.1.1 X.224 Connection Request with RDP_NEG_REQ, 2.2.1.2.
// TDS (SQL Server): [MS-TDS] 2.2.6.5 PRELOGIN; the TLS handshake then travels inside PRELOGIN packets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::tls {

enum class StartTlsProto { none, ldap, smtp, imap, pop3, ftp, postgres, rdp, tds };
std::optional<StartTlsProto> starttls_from_string(std::string_view s);
std::string_view to_string(StartTlsProto p);

// A reply parser's verdict on the bytes read so far.
struct PreludeReply {
  bool complete = false;  // false: read more
  bool ok = false;        // the server agreed (or the greeting was a greeting)
  std::string text;       // the final line or a description, for reasons
};

// Text protocols: one step = optional command to send, then a reply to read.
struct PreludeStep {
  std::string send;  // empty: just read (greeting)
  // Parses everything read since the command was sent.
  PreludeReply (*parse)(ByteView) = nullptr;
};
// The steps for a text protocol (SMTP, IMAP, POP3, FTP); empty for binary ones.
std::vector<PreludeStep> text_prelude(StartTlsProto p);

// SMTP/FTP-style reply (RFC 5321 4.2.1): complete when a line "NNN " (or "NNN" alone) ends with CRLF
// or LF; ok when the code of that final line starts with the expected digit(s).
PreludeReply parse_smtp_greeting(ByteView data);  // 220
PreludeReply parse_smtp_ehlo(ByteView data);      // 250, and STARTTLS among the lines
PreludeReply parse_smtp_starttls(ByteView data);  // 220
PreludeReply parse_ftp_greeting(ByteView data);   // 220
PreludeReply parse_ftp_auth_tls(ByteView data);   // 234
PreludeReply parse_imap_greeting(ByteView data);  // "* OK"
PreludeReply parse_imap_starttls(ByteView data);  // "a1 OK"
PreludeReply parse_pop3_greeting(ByteView data);  // "+OK"
PreludeReply parse_pop3_stls(ByteView data);      // "+OK"

// LDAP: the ExtendedRequest (messageID 1) and its ExtendedResponse resultCode.
Bytes ldap_starttls_request();
struct LdapExtendedResponse {
  int message_id = 0;
  int result_code = -1;  // 0 success, 2 protocolError, 52 unavailable...
  std::string diagnostic;
};
// need_more when the LDAPMessage is incomplete (value empty, error empty).
struct LdapRead {
  std::optional<LdapExtendedResponse> response;
  bool need_more = false;
};
Decoded<LdapRead> decode_ldap_extended_response(ByteView data);

// PostgreSQL SSLRequest; the answer is one byte.
Bytes postgres_ssl_request();

// RDP: X.224 Connection Request asking for PROTOCOL_SSL; the Connection Confirm's RDP_NEG_RSP.
Bytes rdp_x224_ssl_request();
struct RdpNegotiation {
  bool need_more = false;
  bool ssl_selected = false;
  std::uint32_t selected_protocol = 0;  // RDP_NEG_RSP ([MS-RDPBCGR] 2.2.1.2.1): 1 SSL, 2 HYBRID, 8 HYBRID_EX
  std::string text;                     // "RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER", "selected PROTOCOL_SSL"
};
Decoded<RdpNegotiation> decode_rdp_x224_confirm(ByteView data);

// TDS: a PRELOGIN request (packet type 0x12) asking for encryption; the server's PRELOGIN response
// (packet type 0x04, the same option table) says whether TLS follows: ENCRYPT_OFF (the login only),
// ENCRYPT_ON and ENCRYPT_REQ do, ENCRYPT_NOT_SUP does not ([MS-TDS] 2.2.6.5, 3.3.5.1). The handshake
// records then travel as the data of PRELOGIN packets (8-byte header each, [MS-TDS] 2.2.3.1).
inline constexpr std::uint8_t kTdsEncryptOff = 0x00;
inline constexpr std::uint8_t kTdsEncryptOn = 0x01;
inline constexpr std::uint8_t kTdsEncryptNotSup = 0x02;
inline constexpr std::uint8_t kTdsEncryptReq = 0x03;
Bytes tds_prelogin_request();
struct TdsPrelogin {
  bool need_more = false;  // the message (packets up to the end-of-message status) is incomplete
  std::uint8_t packet_type = 0;
  Bytes version;                           // VERSION option: 4-byte version, 2-byte sub-build
  std::optional<std::uint8_t> encryption;  // ENCRYPTION option
};
Decoded<TdsPrelogin> decode_tds_prelogin(ByteView data);
std::string tds_encryption_name(std::uint8_t e);
// Bytes (a ClientHello) as the data of PRELOGIN packets of at most 4096 bytes.
Bytes tds_wrap(ByteView payload);
// The data of the complete TDS packets at the front of data, concatenated (an incomplete last packet
// is left out until more arrives); an error when the bytes are not TDS packets.
Decoded<Bytes> decode_tds_packets(ByteView data);

}  // namespace legacyscan::tls
