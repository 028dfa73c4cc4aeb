// SPDX-License-Identifier: Apache-2.0
// Kerberos encryption types (IANA "Kerberos Encryption Type Numbers"; RFC 3961 8, RFC 3962, RFC 4757,
// RFC 6803, RFC 8009) and the client offers the probe replays. Data only: no I/O, no JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace legacyscan::kerberos {

struct EtypeInfo {
  std::int32_t number;
  std::string_view name;  // the JSON key: IANA/MIT name, e.g. "aes256-cts-hmac-sha1-96"
  std::string_view spec;  // where it is defined
  bool enumerated;        // tried one by one by the probe (the etypes the probe enumerates)
};

// Every etype the probe knows a name for, in the order the probe reports them.
std::span<const EtypeInfo> known_etypes();
// The eleven etypes the probe enumerates ("alone" and "with AES companion").
std::span<const EtypeInfo> enumerated_etypes();
const EtypeInfo* find_etype(std::int32_t number);
const EtypeInfo* find_etype(std::string_view name);
// "rc4-hmac", or "etype-<n>" for a number without a name.
std::string etype_name(std::int32_t number);

// The etypes a name written by a person stands for, case-insensitive: an IANA/MIT name
// ("rc4-hmac"), one of MIT krb5.conf's aliases ("arcfour-hmac", "aes256-cts", "des3-hmac-sha1"), a
// number ("23", "-133"), or a family as krb5.conf spells them ("des", "des3", "rc4", "aes", "camellia";
// "rc4" also covers Microsoft's unregistered RC4 variants). Empty when the name is unknown.
std::vector<std::int32_t> etypes_named(std::string_view name);
// Every name etypes_named() accepts, for help texts and error messages.
std::vector<std::string> etype_names_accepted();

inline constexpr std::int32_t kEtypeAes256CtsHmacSha196 = 18;  // the companion in "with AES" mode

// A client's AS-REQ etype list, exactly as the client sends it.
struct ClientOffer {
  std::string_view name;    // "windows-xp-sp3"
  std::string_view source;  // where the list was taken from
  std::span<const std::int32_t> etypes;
};
const ClientOffer& windows_xp_offer();

}  // namespace legacyscan::kerberos
