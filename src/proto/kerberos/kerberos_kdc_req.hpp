// SPDX-License-Identifier: Apache-2.0
// KDC-REQ (RFC 4120 5.4.1): what a Kerberos client asks a KDC, AS-REQ or TGS-REQ, as passive mode reads
// it from captures. The AS-REQ the probe sends is built by encode_as_req (kerberos_codec.hpp); replies
// are decoded there too (decode_kdc_rep, decode_krb_error). Only the clear-text fields are kept:
// pre-authentication data is reduced to its types, no timestamp or cipher text is copied.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::kerberos {

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

// KRB_AP_REQ (RFC 4120 5.5.1) as a client presents it to a service (SMB SESSION_SETUP, LDAP SASL
// binds, HTTP Negotiate, DCE-RPC): the clear-text parts only. The service ticket's enc-part etype is
// the key of the service account, the authenticator's the session key.
struct ApReq {
  std::string realm;  // Ticket.realm
  std::string sname;  // Ticket.sname: "cifs/dc1.example.test"
  std::int32_t ticket_etype = 0;
  std::int32_t authenticator_etype = 0;
};
// [APPLICATION 14] AP-REQ.
Decoded<ApReq> decode_ap_req(ByteView msg);
// The RFC 2743 3.1 InitialContextToken of the Kerberos mechanism (RFC 4121 4.1: OID
// 1.2.840.113554.1.2.2, or Microsoft's 1.2.840.48018.1.2.2, then TOK_ID 01 00 and the AP-REQ).
Decoded<ApReq> decode_gss_krb5_ap_req(ByteView token);

}  // namespace legacyscan::kerberos
