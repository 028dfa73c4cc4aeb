// SPDX-License-Identifier: Apache-2.0
// The verdict of a trusted domain object. What crosses a trust is the referral ticket: a TGS-REQ
// for krbtgt/PARTNER in this realm gets a ticket encrypted in the trust's key (RFC 4120 1.2), whose
// etype is in the clear (Ticket.enc-part.etype). So the KDC's answers to the three offers (AES and
// RC4, RC4 only, AES only) say which keys the trust really uses, as for a service account; the
// trusted domain object's msDS-SupportedEncryptionTypes ([MS-KILE] 2.2.7, 3.3.5.7) only explains
// them, and decides alone when no ticket could be asked (no TGT, an inbound-only trust).
#include <cctype>
#include <charconv>
#include <iterator>

#include "src/compat/accounts_result.hpp"

namespace legacyscan::accounts {

namespace {

// "0x1C": msDS-SupportedEncryptionTypes as the admin tools show it.
std::string hex(std::uint32_t v) {
  char digits[8];
  const auto end = std::to_chars(std::begin(digits), std::end(digits), v, 16).ptr;
  std::string out = "0x";
  for (const char* c = digits; c != end; ++c) out += static_cast<char>(std::toupper(static_cast<unsigned char>(*c)));
  return out;
}

void set(AccountResult& a, AccountVerdict v, std::string reason, std::string remedy) {
  a.verdict = v;
  a.reason = std::move(reason);
  a.remedy = std::move(remedy);
}

bool is_aes(const std::optional<std::string>& t) { return t && t->rfind("aes", 0) == 0; }
bool is_rc4(const std::optional<std::string>& t) { return t && t->rfind("rc4", 0) == 0; }

// The fix named with the partner, as the commands take it.
std::string aes_remedy(const AccountResult& a) {
  const std::string partner = a.trust && !a.trust->partner.empty() ? a.trust->partner : "PARTNER";
  return "make the trust use AES on both sides: Samba `samba-tool domain trust modify " + partner +
         " --use-aes-keys`; Windows: tick \"The other domain supports Kerberos AES Encryption\" in the trust's "
         "properties (msDS-SupportedEncryptionTypes 0x18 on the trusted domain object; ksetup /setenctypeattr for a "
         "realm trust), then reset the trust password (netdom trust /resetOneSide) so AES keys exist";
}

// From the attribute alone (no referral ticket asked).
void decide_from_attribute(AccountResult& a, std::optional<std::uint32_t> supported_etypes, const std::string& value) {
  const std::uint32_t bits = supported_etypes.value_or(0);
  const bool aes = (bits & 0x18u) != 0;
  if (!aes) {
    set(a, AccountVerdict::breaks,
        value + ": the trust's referral tickets are RC4; after RC4 is removed, Kerberos across it fails",
        aes_remedy(a));
  } else if ((bits & 0x4u) != 0) {
    set(a, AccountVerdict::rc4_exception, value + ": AES and RC4 allowed; keeps RC4 after the update",
        "once both sides use AES across the trust, set msDS-SupportedEncryptionTypes to 0x18");
  } else {
    set(a, AccountVerdict::ok, value + ": AES across the trust", "nothing");
  }
}

}  // namespace

void decide_trust(AccountResult& a, std::optional<std::uint32_t> supported_etypes) {
  a.kind = "trust";
  a.exists = true;
  const std::string type = a.trust ? a.trust->type : std::string();
  if (type == "downlevel") {
    set(a, AccountVerdict::unknown, "a downlevel (NT 4) trust: NTLM only, Kerberos does not cross it",
        "nothing for RC4; replace it with a forest or external trust to an AD domain when it is still used");
    return;
  }
  const std::string value =
      supported_etypes ? "msDS-SupportedEncryptionTypes " + hex(*supported_etypes) : "no msDS-SupportedEncryptionTypes";
  const auto& t = a.tickets;
  const bool asked = a.trust && a.trust->referral && t.default_offer;
  const bool issued = is_aes(t.default_offer) || is_rc4(t.default_offer) || is_aes(t.aes_only) || is_rc4(t.rc4_only);
  if (!asked || !issued) {
    decide_from_attribute(a, supported_etypes, value);
    if (asked)
      a.reason += "; no referral ticket for " + *a.trust->referral + " (" + t.default_offer.value_or("") +
                  "): the verdict is the attribute's";
    return;
  }
  const std::string referral = "referral tickets for " + *a.trust->referral + ": ";
  const std::string seen = "AES+RC4 offer " + t.default_offer.value_or("-") + ", RC4 only " + t.rc4_only.value_or("-") +
                           ", AES only " + t.aes_only.value_or("-");
  const bool rc4_allowed = supported_etypes && (*supported_etypes & 0x4u) != 0;
  if (!is_aes(t.aes_only) && !is_aes(t.default_offer)) {
    // Only RC4 crosses: the KDC has no AES key of the trust, or the attribute forbids AES.
    set(a, AccountVerdict::breaks,
        referral + "RC4 only (" + seen + "); " + value + ": after RC4 is removed, Kerberos across the trust fails",
        aes_remedy(a));
  } else if (is_rc4(t.default_offer) && rc4_allowed) {
    set(a, AccountVerdict::rc4_exception,
        referral + "RC4 preferred although AES works (" + seen + "); " + value +
            " allows RC4: keeps RC4 after the update",
        "once both sides use AES across the trust, set msDS-SupportedEncryptionTypes to 0x18");
  } else if (is_rc4(t.default_offer)) {
    // No attribute: RC4 today, AES once the 2026 default (0x18) applies; the partner must take it.
    set(a, AccountVerdict::ok,
        referral + "RC4 today (" + seen + "), " + value +
            "; AES keys exist, so the referrals become AES after the update",
        "set msDS-SupportedEncryptionTypes 0x18 on the trusted domain object (samba-tool domain trust modify " +
            a.trust->partner +
            " --use-aes-keys; Windows: \"The other domain supports Kerberos AES Encryption\") "
            "to use AES now");
  } else if (is_rc4(t.rc4_only) && rc4_allowed) {
    set(a, AccountVerdict::rc4_exception,
        referral + "AES, but an RC4-only client still gets RC4 (" + seen + "); " + value + " allows RC4",
        "once both sides use AES across the trust, set msDS-SupportedEncryptionTypes to 0x18");
  } else {
    set(a, AccountVerdict::ok, referral + "AES (" + seen + "); " + value, "nothing");
  }
  // Where the attribute and the KDC disagree, both are shown.
  if (supported_etypes && (*supported_etypes & 0x18u) != 0 && !is_aes(t.aes_only) && !is_aes(t.default_offer))
    a.reason += "; the attribute asks for AES, but the KDC issues no AES referral";
}

}  // namespace legacyscan::accounts
