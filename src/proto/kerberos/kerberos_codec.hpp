// SPDX-License-Identifier: Apache-2.0
// Kerberos V5 messages the probe sends and reads (RFC 4120, ASN.1 DER via legacyscan::ber):
// the AS-REQ encoder (5.4.1), and decoders for KRB-ERROR (5.9.1), the outer KDC-REP (5.4.2, AS-REP or
// TGS-REP: only the clear-text fields; the encrypted part is never kept), METHOD-DATA (5.2.7),
// PA-ETYPE-INFO2 (5.2.7.5) and the TCP record mark (7.2.2). Pure: spans in, typed structs or an error
// out; no sockets. The KDC-REQ decoder (what clients send, for passive mode) is kerberos_kdc_req.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::kerberos {

// RFC 4120 7.5.7 message types.
inline constexpr std::int64_t KRB_AS_REQ = 10;
inline constexpr std::int64_t KRB_AS_REP = 11;
inline constexpr std::int64_t KRB_TGS_REQ = 12;
inline constexpr std::int64_t KRB_TGS_REP = 13;
inline constexpr std::int64_t KRB_ERROR = 30;

// RFC 4120 7.5.8 name types.
inline constexpr std::int32_t KRB_NT_PRINCIPAL = 1;
inline constexpr std::int32_t KRB_NT_SRV_INST = 2;
inline constexpr std::int32_t KRB_NT_ENTERPRISE = 10;  // RFC 6806 5

// RFC 4120 7.5.2 / RFC 6113 / [MS-KILE] 2.2 pre-authentication data types.
inline constexpr std::int32_t PA_ENC_TIMESTAMP = 2;
inline constexpr std::int32_t PA_ETYPE_INFO = 11;
inline constexpr std::int32_t PA_ETYPE_INFO2 = 19;
inline constexpr std::int32_t PA_PAC_REQUEST = 128;

// RFC 4120 7.5.9 error codes the probe interprets.
inline constexpr std::int32_t KDC_ERR_C_PRINCIPAL_UNKNOWN = 6;
inline constexpr std::int32_t KDC_ERR_ETYPE_NOSUPP = 14;
inline constexpr std::int32_t KDC_ERR_PREAUTH_REQUIRED = 25;
inline constexpr std::int32_t KRB_ERR_RESPONSE_TOO_BIG = 52;

// Caps: nothing a peer sends can make us keep more than this.
inline constexpr std::size_t kMaxKdcMessage = 64 * 1024;  // a TCP record we accept
inline constexpr std::size_t kMaxPaData = 64;             // entries in METHOD-DATA / padata
inline constexpr std::size_t kMaxEtypeInfo2 = 64;         // entries in ETYPE-INFO2
inline constexpr std::size_t kMaxNameComponents = 16;     // PrincipalName.name-string

// RFC 4120 5.2.2 PrincipalName.
struct PrincipalName {
  std::int32_t name_type = KRB_NT_PRINCIPAL;
  std::vector<std::string> name_string;

  [[nodiscard]] std::string to_string() const;  // "krbtgt/REALM"
  friend bool operator==(const PrincipalName&, const PrincipalName&) = default;
};

// RFC 4120 5.2.7 PA-DATA.
struct PaData {
  std::int32_t padata_type = 0;
  Bytes padata_value;
};

// RFC 4120 5.4.1 KDCOptions bits (bit 0 is the most significant bit of the first octet).
inline constexpr std::uint32_t KDC_OPT_FORWARDABLE = 0x40000000;
inline constexpr std::uint32_t KDC_OPT_RENEWABLE = 0x00800000;
inline constexpr std::uint32_t KDC_OPT_CANONICALIZE = 0x00010000;
inline constexpr std::uint32_t KDC_OPT_RENEWABLE_OK = 0x00000010;

// What goes into one AS-REQ (RFC 4120 5.4.1 KDC-REQ / KDC-REQ-BODY).
struct AsReqOptions {
  std::string realm;                   // KDC-REQ-BODY.realm
  PrincipalName cname;                 // KDC-REQ-BODY.cname
  std::optional<PrincipalName> sname;  // default krbtgt/<realm>
  std::vector<std::int32_t> etype;     // KDC-REQ-BODY.etype, in preference order
  std::uint32_t nonce = 0;
  std::uint32_t kdc_options = KDC_OPT_FORWARDABLE | KDC_OPT_RENEWABLE | KDC_OPT_CANONICALIZE | KDC_OPT_RENEWABLE_OK;
  std::string till = "20370913024805Z";  // KerberosTime, as Windows sends it
  std::optional<bool> pac_request;       // [MS-KILE] 2.2.3 KERB-PA-PAC-REQUEST in padata when set
  std::vector<PaData> padata;            // further PA-DATA, after the PAC request
};
Decoded<Bytes> encode_as_req(const AsReqOptions& opts);

// RFC 4120 5.9.1 KRB-ERROR.
struct KrbError {
  std::int64_t pvno = 0;
  std::int64_t msg_type = 0;
  std::optional<std::string> ctime;
  std::optional<std::int64_t> cusec;
  std::string stime;  // KerberosTime "YYYYMMDDHHMMSSZ"
  std::int64_t susec = 0;
  std::int32_t error_code = 0;
  std::optional<std::string> crealm;
  std::optional<PrincipalName> cname;
  std::string realm;
  PrincipalName sname;
  std::optional<std::string> e_text;
  std::optional<Bytes> e_data;
};
Decoded<KrbError> decode_krb_error(ByteView msg);

// RFC 4120 5.2.9 EncryptedData without the cipher text: which key encrypts it.
struct EncryptedDataInfo {
  std::int32_t etype = 0;
  std::optional<std::int64_t> kvno;
  std::size_t cipher_length = 0;
};

// RFC 4120 5.4.2 KDC-REP (AS-REP or TGS-REP): the clear-text fields only. enc-part's cipher text is
// skipped, never copied.
struct KdcRep {
  std::int64_t pvno = 0;
  std::int64_t msg_type = 0;  // KRB_AS_REP or KRB_TGS_REP
  std::vector<PaData> padata;
  std::string crealm;
  PrincipalName cname;
  // Ticket ([APPLICATION 1]).
  std::int64_t tkt_vno = 0;
  std::string ticket_realm;
  PrincipalName ticket_sname;
  EncryptedDataInfo ticket_enc_part;  // encrypted in the service's (krbtgt's) key
  // AS-REP: encrypted in the client's reply key; TGS-REP: in the TGT's session key (or a subkey).
  EncryptedDataInfo enc_part;
};
// AS-REP ([APPLICATION 11]) or TGS-REP ([APPLICATION 13]); errors name the message ("AS-REP: ...").
Decoded<KdcRep> decode_kdc_rep(ByteView msg);
// The cipher text of an AS-REP's (or TGS-REP's) enc-part, as a view into `msg` (for the credentialed
// exchanges only, which decrypt it to read the session key and then drop it).
Decoded<ByteView> decode_as_rep_cipher(ByteView msg);
// The Ticket of an AS-REP or TGS-REP as its whole DER ([APPLICATION 1]), a view into `msg`: what a
// TGS-REQ's AP-REQ carries back to the KDC unchanged (RFC 4120 5.5.1).
Decoded<ByteView> decode_kdc_rep_ticket(ByteView msg);

// RFC 4120 5.2.7 METHOD-DATA (SEQUENCE OF PA-DATA), as carried in KRB-ERROR e-data.
Decoded<std::vector<PaData>> decode_method_data(ByteView der);

// RFC 4120 5.2.7.5 ETYPE-INFO2-ENTRY. An empty ETYPE-INFO2 (which the ASN.1 forbids) is accepted and
// returned as an empty list: Samba sends one for an account without a usable key.
struct EtypeInfo2Entry {
  std::int32_t etype = 0;
  std::optional<std::string> salt;
  std::optional<Bytes> s2kparams;
};
Decoded<std::vector<EtypeInfo2Entry>> decode_etype_info2(ByteView der);

// Any message a KDC may send back to an AS-REQ: a KRB-ERROR or an AS-REP (a TGS-REP is not an answer
// to an AS-REQ and is refused).
using KdcReply = std::variant<KrbError, KdcRep>;
Decoded<KdcReply> decode_kdc_reply(ByteView msg);

// Whether one UDP datagram is a KDC's reply (RFC 4120 7.2.1), the test a UDP exchange uses to tell the
// answer from junk: exactly one DER element filling the datagram, tagged [APPLICATION 30] (KRB-ERROR),
// [APPLICATION 11] (AS-REP) or [APPLICATION 13] (TGS-REP), whose content is one SEQUENCE in which every
// constructed element parses (definite lengths, each inside its parent). Returns the application tag
// number, or why the datagram is not a reply. The fields are not checked: a well-formed reply with wrong
// fields is the KDC's answer, reported as a protocol error by decode_kdc_reply.
Decoded<std::uint32_t> kdc_reply_datagram(ByteView datagram);

// RFC 4120 7.2.2: TCP messages carry a 4-byte big-endian length whose high bit is reserved (0).
Bytes frame_tcp(ByteView msg);
// Reads the record mark: the length of the message that follows, or an error (reserved bit set,
// length above kMaxKdcMessage, fewer than 4 bytes).
Decoded<std::uint32_t> decode_record_mark(ByteView four);

// RFC 4120 5.2.3 KerberosTime "YYYYMMDDHHMMSSZ" -> seconds since 1970-01-01 UTC.
std::optional<std::int64_t> kerberos_time_to_unix(std::string_view t);

// RFC 4120 7.5.9 / [MS-KILE] error names ("KDC_ERR_PREAUTH_REQUIRED"); "KRB_ERROR_<n>" when unknown.
std::string error_name(std::int32_t code);
// RFC 4120 7.5.2, RFC 6113, RFC 4556, [MS-KILE] PA-DATA type names ("PA-ENC-TIMESTAMP"); "PA-<n>".
std::string padata_name(std::int32_t type);

}  // namespace legacyscan::kerberos
