// SPDX-License-Identifier: Apache-2.0
// Request-side decoders for passive mode: what a client sends, which the probes (which only send
// requests) never had to read. Pure functions over the shared Reader / BER reader; nothing here
// keeps a password, a hash or a challenge response, only lengths and the clear-text fields.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::passive {

// ---- link, network and transport layers ------------------------------------------------------

// libpcap link types handled (https://www.tcpdump.org/linktypes.html).
inline constexpr int kLinkNull = 0;        // BSD loopback: 4-byte address family, host order
inline constexpr int kLinkEthernet = 1;    // IEEE 802.3 (also Linux "lo"), 802.1Q tags skipped
inline constexpr int kLinkRaw = 101;       // raw IPv4/IPv6 (DLT_RAW)
inline constexpr int kLinkLoop = 108;      // OpenBSD loopback: 4-byte address family, network order
inline constexpr int kLinkLinuxSll = 113;  // Linux "any" cooked capture v1
inline constexpr int kLinkIpv4 = 228;
inline constexpr int kLinkIpv6 = 229;
inline constexpr int kLinkLinuxSll2 = 276;  // Linux "any" cooked capture v2

enum class Transport : std::uint8_t { tcp, udp };

// One IPv4/IPv6 packet carrying TCP or UDP, as far as passive mode needs it.
struct Packet {
  std::array<std::uint8_t, 16> src{};  // IPv4 in the first 4 bytes when !ipv6
  std::array<std::uint8_t, 16> dst{};
  bool ipv6 = false;
  Transport transport = Transport::tcp;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  // TCP only.
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t tcp_flags = 0;  // FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10
  bool fragment = false;       // an IPv4/IPv6 fragment: payload not usable
  ByteView payload;            // view into the frame
};
inline constexpr std::uint8_t kTcpFin = 0x01;
inline constexpr std::uint8_t kTcpSyn = 0x02;
inline constexpr std::uint8_t kTcpRst = 0x04;
inline constexpr std::uint8_t kTcpAck = 0x10;

// Decodes one captured frame of the given link type down to the TCP/UDP payload. Fails for other
// protocols (ARP, ICMP...) with a reason; the payload is truncated to what was captured.
Decoded<Packet> decode_packet(int link_type, ByteView frame);
// "10.0.0.5" or "fd00::5".
std::string address_string(const std::array<std::uint8_t, 16>& addr, bool ipv6);

// ---- TLS ClientHello (RFC 5246 7.4.1.2, RFC 8446 4.1.2) ---------------------------------------

struct ClientHello {
  std::uint16_t legacy_version = 0;  // ClientHello.client_version
  std::vector<std::uint16_t> cipher_suites;
  std::optional<std::vector<std::uint16_t>> supported_versions;  // RFC 8446 4.2.1, GREASE removed
  std::optional<std::string> server_name;                        // RFC 6066 3 host_name
  std::vector<std::uint16_t> extensions;                         // types in wire order
  bool ssl2_format = false;                                      // an SSL 2.0-compatible CLIENT-HELLO
  // The versions the client can speak as it told the server: supported_versions when present,
  // otherwise legacy_version alone.
  [[nodiscard]] std::vector<std::uint16_t> offered_versions() const;
};
// The body of a ClientHello handshake message (after the 4-byte handshake header).
Decoded<ClientHello> decode_client_hello(ByteView body);
// An SSL 2.0-compatible CLIENT-HELLO record (RFC 5246 E.2): 2-byte header with the high bit set,
// msg_type 1, version, cipher specs (3 bytes each; those of the form 0x00XXXX are TLS suites).
Decoded<ClientHello> decode_ssl2_client_hello(ByteView record);

// ---- Kerberos KDC-REQ / KDC-REP (RFC 4120 5.4.1, 5.4.2) ----------------------------------------

inline constexpr std::int64_t kKrbAsReq = 10;
inline constexpr std::int64_t kKrbAsRep = 11;
inline constexpr std::int64_t kKrbTgsReq = 12;
inline constexpr std::int64_t kKrbTgsRep = 13;
inline constexpr std::int64_t kKrbError = 30;

struct KdcReq {
  std::int64_t msg_type = 0;               // 10 AS-REQ, 12 TGS-REQ
  std::vector<std::int32_t> padata_types;  // PA-DATA types in order (2 = PA-ENC-TIMESTAMP, 1 = PA-TGS-REQ)
  std::string realm;
  std::string cname;                           // "user" or "" (TGS-REQ carries none)
  std::string sname;                           // "krbtgt/REALM", "ldap/dc1.example.test"
  std::vector<std::int32_t> etypes;            // KDC-REQ-BODY.etype in the client's order
  std::vector<std::string> netbios_addresses;  // HostAddresses of type 20 (NetBIOS), trailing spaces removed
};
// AS-REQ ([APPLICATION 10]) or TGS-REQ ([APPLICATION 12]).
Decoded<KdcReq> decode_kdc_req(ByteView msg);

struct KdcRep {
  std::int64_t msg_type = 0;  // 11 AS-REP, 13 TGS-REP
  std::string crealm;
  std::string cname;
  std::string sname;                // the ticket's service
  std::int32_t ticket_etype = 0;    // Ticket.enc-part.etype: the service's long-term key
  std::int32_t enc_part_etype = 0;  // AS-REP: the client's key; TGS-REP: the TGT session key (or subkey)
};
// AS-REP ([APPLICATION 11]) or TGS-REP ([APPLICATION 13]); cipher texts are skipped, never copied.
Decoded<KdcRep> decode_kdc_rep(ByteView msg);

// ---- LDAP requests (RFC 4511 4.2, 4.5.1, 4.12) -------------------------------------------------

struct LdapRequest {
  enum class Op { bind, search, extended, unbind, other };
  std::int64_t messageID = 0;
  Op op = Op::other;
  std::uint32_t protocolOp = 0;  // the [APPLICATION n] number
  // bind
  std::int64_t version = 0;
  std::string bind_dn;
  bool simple = false;
  bool simple_password_empty = true;  // the password itself is never kept
  std::string sasl_mechanism;
  std::optional<Bytes> sasl_credentials;  // e.g. an NTLMSSP or SPNEGO token (no secret in clear)
  // search
  std::string base;
  std::vector<std::string> attributes;
  std::optional<std::uint32_t> ntver;  // the NtVer equality value of an LDAP ping ([MS-ADTS] 6.3.3)
  std::string dns_domain;              // DnsDomain of an LDAP ping
  std::string host;                    // Host of an LDAP ping (the client's NetBIOS name)
  // extended
  std::string request_name;  // e.g. "1.3.6.1.4.1.1466.20037" (StartTLS)
};
// Exactly one whole LDAPMessage carrying a request.
Decoded<LdapRequest> decode_ldap_request(ByteView message);

// ---- SMB1 SESSION_SETUP_ANDX without extended security ([MS-CIFS] 2.2.4.53.1) ----------------

struct Smb1LegacySessionSetup {
  std::uint16_t oem_password_length = 0;      // 24: LM or LMv2 response; other: plain text password
  std::uint16_t unicode_password_length = 0;  // 24: NTLMv1 response; > 24: NTLMv2
  std::string account;
  std::string domain;
  std::string native_os;
  // "NTLMv2", "NTLMv1", "LM", "plaintext", "anonymous".
  [[nodiscard]] std::string version() const;
};
// One SMB1 message (from 0xFF 'SMB') whose command is SESSION_SETUP_ANDX with WordCount 13.
Decoded<Smb1LegacySessionSetup> decode_smb1_legacy_session_setup(ByteView message);

}  // namespace legacyscan::passive
