// SPDX-License-Identifier: Apache-2.0
#include "src/proto/kerberos/kerberos_etypes.hpp"

#include <array>

namespace legacyscan::kerberos {

namespace {

// Names as MIT krb5 and the IANA registry spell them; the negative numbers are Microsoft's
// pre-standard RC4 variants, never registered, named as Heimdal/Wireshark name them.
constexpr std::array<EtypeInfo, 17> kEtypes{{
    {1, "des-cbc-crc", "RFC 3961 6.2.3", true},
    {3, "des-cbc-md5", "RFC 3961 6.2.1", true},
    {16, "des3-cbc-sha1", "RFC 3961 6.3", true},
    {17, "aes128-cts-hmac-sha1-96", "RFC 3962", true},
    {18, "aes256-cts-hmac-sha1-96", "RFC 3962", true},
    {19, "aes128-cts-hmac-sha256-128", "RFC 8009", true},
    {20, "aes256-cts-hmac-sha384-192", "RFC 8009", true},
    {23, "rc4-hmac", "RFC 4757", true},
    {24, "rc4-hmac-exp", "RFC 4757", true},
    {25, "camellia128-cts-cmac", "RFC 6803", true},
    {26, "camellia256-cts-cmac", "RFC 6803", true},
    {2, "des-cbc-md4", "RFC 3961 6.2.2", false},
    {-128, "rc4-md4", "Microsoft, unregistered", false},
    {-129, "rc4-plain2", "Microsoft, unregistered", false},
    {-133, "rc4-hmac-old", "Microsoft, unregistered", false},
    {-135, "rc4-hmac-old-exp", "Microsoft, unregistered", false},
    {-140, "rc4-plain-old-exp", "Microsoft, unregistered", false},
}};

// Windows XP SP3's etype list, as the Windows XP / Server 2003 SP1 Kerberos client sends it:
//   23 rc4-hmac, -133 rc4-hmac-old, -128 rc4-md4, 3 des-cbc-md5, 1 des-cbc-crc, 24 rc4-hmac-exp,
//   -135 rc4-hmac-old-exp.
// Source: a krb5kdc.log line of a request from a Windows client of that generation, published by a
// Microsoft engineer: Alex Tch, "How to interpret encryption types definitions in krb5kdc.log on UNIX KDC,
// during configuration of trust relationship between MIT V5 Realm and Active Directory", MSDN blogs,
// 2006-07-18 (now learn.microsoft.com/archive/blogs/alextch/...): "TGS_REQ (7 etypes {23 -133 -128 3 1 24
// -135})". The line is a TGS-REQ; the Windows Kerberos client of XP/2003 sends one default list for AS and
// TGS requests (AES came with Windows Vista / Server 2008). RFC 4757 defines 23 and 24; the
// negative numbers are Microsoft's unregistered RC4 variants.
constexpr std::array<std::int32_t, 7> kXpEtypes{23, -133, -128, 3, 1, 24, -135};
const ClientOffer kXpOffer{"windows-xp-sp3",
                           "Windows XP/2003 SP1 client etype list {23 -133 -128 3 1 24 -135} as logged by an MIT KDC in "
                           "A. Tch, 'How to interpret encryption types definitions in krb5kdc.log on UNIX KDC...', "
                           "MSDN blogs, 2006-07-18",
                           kXpEtypes};

}  // namespace

std::span<const EtypeInfo> known_etypes() { return kEtypes; }
std::span<const EtypeInfo> enumerated_etypes() { return std::span<const EtypeInfo>(kEtypes).first(11); }

const EtypeInfo* find_etype(std::int32_t number) {
  for (const auto& e : kEtypes)
    if (e.number == number) return &e;
  return nullptr;
}

const EtypeInfo* find_etype(std::string_view name) {
  for (const auto& e : kEtypes)
    if (e.name == name) return &e;
  return nullptr;
}

std::string etype_name(std::int32_t number) {
  if (const auto* e = find_etype(number)) return std::string(e->name);
  return "etype-" + std::to_string(number);
}

const ClientOffer& windows_xp_offer() { return kXpOffer; }

}  // namespace legacyscan::kerberos
