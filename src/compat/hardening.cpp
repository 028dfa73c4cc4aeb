// SPDX-License-Identifier: Apache-2.0
#include "src/compat/hardening.hpp"

#include <array>
#include <cctype>

namespace legacyscan::compat {

namespace {

constexpr std::array<HardeningTerm, 22> kTerms{{
    {"smb1", TermKind::disable, "SMB1, every dialect", "smb1=off", true, true},
    {"smb2.0.2", TermKind::disable, "SMB 2.0.2 (Windows Vista / Server 2008)", "smb.min=2.1", true, true},
    {"smb2.1", TermKind::disable, "SMB 2.1 (Windows 7 / Server 2008 R2)", "smb.min=3.0", true, true},
    {"rc4", TermKind::disable, "Kerberos RC4 (rc4-hmac and its variants)", "kerberos.rc4=off", true, true},
    {"des", TermKind::disable, "Kerberos DES", "kerberos.des=off", true, true},
    {"ssl3", TermKind::disable, "SSL 3.0 (and SSL 2.0)", "tls.min=1.0", true, true},
    {"tls1.0", TermKind::disable, "TLS 1.0 and older", "tls.min=1.1", true, true},
    {"tls1.1", TermKind::disable, "TLS 1.1 and older", "tls.min=1.2", true, true},
    {"netbios", TermKind::disable, "NetBIOS name and datagram services (and the mailslot SAM LOGON)",
     "netbios.samlogon=off", true, true},
    {"cldap", TermKind::disable, "the LDAP ping over UDP (CLDAP)", "", true, true},
    {"ntlmv1", TermKind::disable, "NTLMv1 and LM responses", "ntlm.v1=off", true, true},
    {"ntlm", TermKind::disable, "NTLM altogether", "", true, true},
    {"pptp", TermKind::disable, "PPTP (1723/tcp)", "vpn.pptp=off", true, false},
    {"ikev1", TermKind::disable, "IKEv1 Main Mode (L2TP/IPsec)", "ike.v1=off", true, false},
    {"ike-3des", TermKind::disable, "3DES in IKE (IKEv1 transforms, IKEv2 proposals)", "ike.3des=off", true, false},
    {"rdp-standard-security", TermKind::disable, "Standard RDP Security (PROTOCOL_RDP, RC4)",
     "rdp.standard-security=off", true, false},
    {"guest", TermKind::disable, "guest logons (an unknown user mapped to guest)", "smb.guest=off", true, false},
    {"smb-signing", TermKind::require, "SMB signing required by the server", "smb.signing=required", true, true},
    {"ldap-signing", TermKind::require, "LDAP signing required (no cleartext or unsigned SASL bind)",
     "ldap.signing=required", true, true},
    // A capture shows dialects but not whether a client would encrypt: over scans only.
    {"smb-encryption", TermKind::require, "SMB encryption required (refuses SMB 2.1, SMB1)", "smb.encryption=required",
     true, false},
    {"ike-dh14", TermKind::require, "IKE DH groups of 2048 bits or more (group 14, ECP, Curve25519)",
     "ike.min-group=14", true, false},
    {"rdp-nla", TermKind::require, "Network Level Authentication (CredSSP) required by the RDP server",
     "rdp.nla=required", true, false},
}};

bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

std::span<const HardeningTerm> hardening_terms() { return kTerms; }

const HardeningTerm* find_hardening_term(std::string_view id, TermKind kind) {
  for (const auto& t : kTerms)
    if (t.kind == kind && same_text(t.id, id)) return &t;
  return nullptr;
}

std::string hardening_term_list(TermKind kind, bool capture) {
  std::string out;
  for (const auto& t : kTerms)
    if (t.kind == kind && (capture ? t.capture_whatif : t.scan_whatif))
      out += (out.empty() ? "" : ", ") + std::string(t.id);
  return out;
}

}  // namespace legacyscan::compat
