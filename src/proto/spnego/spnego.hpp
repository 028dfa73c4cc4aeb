// SPDX-License-Identifier: Apache-2.0
// SPNEGO (RFC 4178, [MS-SPNG]) tokens inside the GSS-API framing of RFC 2743 3.1, built on the BER
// module: the NegTokenInit a server advertises in its NEGOTIATE response (mechanism list, and
// Microsoft's negHints), the NegTokenInit a client sends with an NTLMSSP token, and the
// NegTokenResp that carries the NTLMSSP CHALLENGE back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::smb {

inline constexpr std::string_view kOidSpnego = "1.3.6.1.5.5.2";
inline constexpr std::string_view kOidKerberos5 = "1.2.840.113554.1.2.2";
inline constexpr std::string_view kOidMsKerberos5 = "1.2.840.48018.1.2.2";
inline constexpr std::string_view kOidKerberos5UserToUser = "1.2.840.113554.1.2.2.3";
inline constexpr std::string_view kOidNtlmssp = "1.3.6.1.4.1.311.2.2.10";
inline constexpr std::string_view kOidNegoex = "1.3.6.1.4.1.311.2.2.30";
// "Kerberos 5", "MS Kerberos 5", "Kerberos 5 user-to-user", "NTLMSSP", "NEGOEX"; "" when unknown.
std::string_view spnego_mech_name(std::string_view oid);

inline constexpr std::size_t kMaxMechTypes = 64;

struct SpnegoMech {
  std::string oid;
  std::string name;  // friendly name or ""
  friend bool operator==(const SpnegoMech&, const SpnegoMech&) = default;
};

// RFC 4178 4.2.1 NegTokenInit, plus [MS-SPNG] 2.2.1 NegTokenInit2's negHints.
struct NegTokenInit {
  std::vector<SpnegoMech> mechTypes;
  std::optional<Bytes> reqFlags;  // ContextFlags BIT STRING content, raw
  std::optional<Bytes> mechToken;
  std::optional<std::string> hintName;  // negHints.hintName, e.g. "not_defined_in_RFC4178@please_ignore"
  std::optional<Bytes> hintAddress;
  std::optional<Bytes> mechListMIC;
  friend bool operator==(const NegTokenInit&, const NegTokenInit&) = default;
};

// Decodes a GSS InitialContextToken (0x60, thisMech 1.3.6.1.5.5.2) holding [0] NegTokenInit; a bare
// [0] NegTokenInit (no GSS framing) is accepted too.
Decoded<NegTokenInit> decode_spnego_init(ByteView token);
// GSS-framed NegTokenInit with the given mechanisms and optional mechToken (DER). Fails on a bad OID.
Decoded<Bytes> encode_spnego_init(const std::vector<std::string>& mech_oids, std::optional<ByteView> mech_token);
// The token a client sends first: mechTypes = [NTLMSSP], mechToken = the NEGOTIATE_MESSAGE.
Bytes encode_spnego_init_ntlmssp(ByteView ntlmssp_negotiate);

// RFC 4178 4.2.2 NegTokenResp.
enum class NegState : std::int64_t { AcceptCompleted = 0, AcceptIncomplete = 1, Reject = 2, RequestMic = 3 };
std::string_view neg_state_name(std::int64_t state);  // "accept-completed", ...

struct NegTokenResp {
  std::optional<std::int64_t> negState;
  std::optional<std::string> supportedMech;  // OID
  std::optional<Bytes> responseToken;        // e.g. the NTLMSSP CHALLENGE_MESSAGE
  std::optional<Bytes> mechListMIC;
  friend bool operator==(const NegTokenResp&, const NegTokenResp&) = default;
};
// Decodes [1] NegTokenResp (as sent in SESSION_SETUP responses).
Decoded<NegTokenResp> decode_spnego_resp(ByteView token);
// [1] NegTokenResp with the present fields (e.g. the AUTHENTICATE_MESSAGE as responseToken).
Decoded<Bytes> encode_spnego_resp(const NegTokenResp& resp);

}  // namespace legacyscan::smb
