// SPDX-License-Identifier: Apache-2.0
// Client profiles: what each legacy (and modern) client really offers, per protocol, with a source for
// each fact. The data lives in src/compat/profiles/*.json, embedded into the binary at build time.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::matrix {

struct SmbOffer {
  std::vector<std::string> smb1_dialects;  // SMB1 NEGOTIATE dialect strings, in order (may include "SMB 2.002")
  std::vector<std::string> smb2_dialects;  // "2.0.2" ... "3.1.1"
  std::string signing;                     // "disabled", "enabled" (can sign), "required"
  bool multiprotocol_negotiate = false;    // starts with an SMB1 NEGOTIATE that lists SMB2 strings
  std::vector<std::string> encryption_ciphers;
  // Whether the client encrypts a session or share the server flags ENCRYPT_DATA ([MS-SMB2] 3.2.5.3.1,
  // 3.2.5.5): SMB 3.x clients can, SMB 2.0.2/2.1 and SMB1 cannot.
  bool encryption = false;
  std::string encryption_source;
  std::string source;
};

struct KerberosOffer {
  std::vector<std::int32_t> etypes;  // KDC-REQ-BODY.etype in the client's order
  std::string starts_on;             // "udp" or "tcp"
  std::string source;
};

// A real capture of this stack's ClientHello that the profile's offer is compared with (a unit test
// reads the capture at test time): SSL Labs' client hellos, as Debian's testssl.sh package ships them
// in /etc/testssl/client-simulation.txt, by their "names" entry.
struct TlsCapture {
  std::string client;  // the capture's name ("IE 8-10 Win 7")
  std::string source;
  // What the profile deliberately offers otherwise ("versions", "cipher_suites", "groups",
  // "ssl2_cipher_kinds"), each with why.
  std::map<std::string, std::string> differs;
};

struct TlsStack {
  std::string stack;
  // The services this stack is the client of ("ldaps", "https", ...; "any" for a system TLS that every
  // application uses): a browser's settings say nothing about how the same machine speaks LDAPS.
  std::vector<std::string> services;
  std::string services_source;
  [[nodiscard]] bool serves(std::string_view service) const;
  std::vector<std::string> versions;  // "ssl2" "ssl3" "tls1.0" "tls1.1" "tls1.2" "tls1.3"
  std::vector<std::uint16_t> cipher_suites;
  std::vector<std::string> groups;
  bool sslv2_hello = false;  // sends its hello in SSL 2.0 format (draft-hickman B.1, RFC 5246 E.2)
  // SSL 2.0 CIPHER-KINDs in that hello: needed to speak SSL 2.0, also sent by some that cannot (Java 6).
  std::vector<std::uint32_t> ssl2_cipher_kinds;
  std::optional<TlsCapture> capture;
  std::string source;
};

struct LdapUse {
  bool ldap_ping = false;
  bool cleartext_bind = false;
  std::string source;
};

// How the client authenticates an SMB session or an LDAP bind: its paths in its own order (Kerberos with
// the profile's etypes when it is a domain member that names the server, then the NTLM responses its
// LmCompatibilityLevel-equivalent sends, or a guest logon).
struct AuthUse {
  bool kerberos = false;
  std::vector<std::string> ntlm;  // the responses one AUTHENTICATE carries: "ntlmv2", "ntlmv1", "lm"
  bool guest = false;             // signs in as guest, with no account
  std::optional<int> lm_compatibility_level;
  std::string source;
  // What the client does when the server grants its logon as guest (IS_GUEST, `map to guest = bad
  // user`): "allowed" or "refused" (Windows' AllowInsecureGuestAuth off); empty for a client without SMB.
  std::string insecure_guest;
  std::string insecure_guest_source;
  // Copied from the profile for the cells' reasons: its name, and whether its SMB client requires signing
  // (a guest session has no key to sign with).
  std::string client_name;
  bool requires_signing = false;
};

struct NetbiosUse {
  bool sam_logon = false;
  std::string source;
};

// The built-in Remote Desktop client: what its X.224 Connection Request asks for ([MS-RDPBCGR]
// 2.2.1.1.1 requestedProtocols) and whether it connects with Standard RDP Security when the server
// offers nothing else (answers PROTOCOL_RDP, or refuses TLS with SSL_NOT_ALLOWED_BY_SERVER).
struct RdpUse {
  std::vector<std::string> requested_protocols;  // "PROTOCOL_SSL", "PROTOCOL_HYBRID", ...; empty: PROTOCOL_RDP only
  std::uint32_t requested = 0;                   // the same as flags
  bool standard_security = false;
  std::string source;
};

// One IKEv1 Main Mode transform a client offers (RFC 2409 Appendix A values).
struct IkeV1Offer {
  std::uint16_t enc = 0, key_length = 0, hash = 0, group = 0;
};
// One IKEv2 proposal (RFC 7296 3.3.2 transform ids; key lengths for AES).
struct IkeV2Offer {
  struct Transform {
    std::uint8_t type = 0;
    std::uint16_t id = 0, key_length = 0;
  };
  std::vector<Transform> transforms;
  std::vector<std::uint16_t> groups;  // in the client's order; its KE payload is for the first
};

// The built-in VPN client: PPTP, L2TP/IPsec (IKEv1 Main Mode) and IKEv2, each with its source.
struct VpnUse {
  bool pptp = false;
  std::string pptp_source;
  std::vector<IkeV1Offer> ikev1;               // empty: no L2TP/IPsec
  std::vector<std::string> ikev1_auth;         // "RSA-sig", "PSK": tried in this order
  std::optional<bool> ikev1_nat_t_behind_nat;  // reaches an L2TP/IPsec server behind NAT by default
  std::string ikev1_source;
  std::vector<IkeV2Offer> ikev2;  // empty: no IKEv2
  std::string ikev2_source;
  // The client speaks the protocol but no firm source gives its proposals: why ("no source: ..."). Its
  // cell is then unknown with this reason, never judged on guessed proposals.
  std::string ikev1_no_source, ikev2_no_source;
  // The sections name every VPN protocol the client speaks: a server that speaks none of them fails
  // it. Otherwise the client may speak one the profile does not describe, and that cell is unknown.
  bool complete = false;
};

// Which real client checks a protocol's cells against the lab in the tests ("smbclient ..."), or
// "cell by offer replay only" when no Debian client can be configured to send this client's offer.
struct Verification {
  std::string client;
  std::string source;
  // SMB and Kerberos: where the offer itself comes from. kNoPublicCapture, or a text starting with
  // kPublicCapture that names the kept capture(s) under tests/data/public a unit test compares the
  // offer with; offer_differs says, per aspect, why the profile deliberately offers otherwise.
  std::string offer;
  std::map<std::string, std::string> offer_differs;
};
inline constexpr const char* kReplayOnly = "cell by offer replay only";
inline constexpr const char* kNoPublicCapture = "offer from documentation, no public capture";
inline constexpr const char* kPublicCapture = "held to public capture";

struct ClientProfile {
  std::string id;
  std::string name;
  std::string family;
  std::vector<std::string> protocols;
  std::optional<SmbOffer> smb;
  std::optional<KerberosOffer> kerberos;
  std::vector<TlsStack> tls;
  std::optional<LdapUse> ldap;
  std::optional<NetbiosUse> netbios;
  std::optional<RdpUse> rdp;
  std::optional<VpnUse> vpn;
  std::optional<AuthUse> auth;                      // required when the profile speaks SMB or LDAP
  std::map<std::string, Verification> verified_by;  // one per protocol the profile lists
  nlohmann::json raw;                               // the profile as written, for `legacyscan profiles show`
};

// The TLS service of an endpoint, by its STARTTLS protocol or else its port: "ldaps" (636, 3269, LDAP
// StartTLS), "https" (443, 8443), "rdp", "smtp", "imap", "pop3", "ftp", "postgresql", "sql-server";
// "" when the port says nothing (then every stack of a client applies).
std::string tls_service(std::uint16_t port, std::string_view starttls);
// The stacks of a client that talk to that service, in the profile's order.
std::vector<const TlsStack*> stacks_for_service(const ClientProfile& profile, std::string_view service);

// A NamedGroup's code by its name ("secp256r1" -> 0x0017); 0 for a name the tls codec does not know.
std::uint16_t tls_group_code(const std::string& name);

// Checks and converts one profile document; the error names the profile and the field.
Decoded<ClientProfile> parse_profile(const nlohmann::json& doc);

// Every embedded profile, parsed once (a bad embedded file is a build defect: tests catch it).
const std::vector<ClientProfile>& all_profiles();
const ClientProfile* find_profile(std::string_view id);

// The embedded files as (file name, text), generated by CMake from src/compat/profiles/*.json.
const std::vector<std::pair<std::string, std::string>>& embedded_profile_files();

}  // namespace legacyscan::matrix
