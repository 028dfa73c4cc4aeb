// SPDX-License-Identifier: Apache-2.0
// LDAP requests (RFC 4511 4.2 BindRequest, 4.5.1 SearchRequest, 4.12 ExtendedRequest) as a client
// sends them: passive mode reads them from captures. The requests the LDAP probe sends, and the
// server's answers, are ldap_codec.hpp. A simple bind's password is never kept, only whether it
// was empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::ldap {

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
  // A "Sicily" NTLM bind ([MS-ADTS] 5.1.1.1.3): the choice 9 (package discovery), 10 (NTLM
  // NEGOTIATE) or 11 (NTLM AUTHENTICATE, in sasl_credentials); sasl_mechanism is then "SICILY".
  std::uint8_t sicily = 0;
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

}  // namespace legacyscan::ldap
