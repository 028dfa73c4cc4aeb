// SPDX-License-Identifier: Apache-2.0
#include "src/proto/kerberos/kerberos_etypes.hpp"

#include <array>
#include <cctype>
#include <string>

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
const ClientOffer kXpOffer{
    "windows-xp-sp3",
    "Windows XP/2003 SP1 client etype list {23 -133 -128 3 1 24 -135} as logged by an MIT KDC in "
    "A. Tch, 'How to interpret encryption types definitions in krb5kdc.log on UNIX KDC...', "
    "MSDN blogs, 2006-07-18",
    kXpEtypes};

// MIT krb5.conf(5) "Encryption types": the other names of each etype, and the families.
struct EtypeAlias {
  std::string_view name;
  std::int32_t number;
};
constexpr std::array<EtypeAlias, 15> kAliases{{
    {"des3-cbc-sha1-kd", 16},
    {"des3-hmac-sha1", 16},
    {"aes128-cts", 17},
    {"aes128-sha1", 17},
    {"aes256-cts", 18},
    {"aes256-sha1", 18},
    {"aes128-sha2", 19},
    {"aes256-sha2", 20},
    {"arcfour-hmac", 23},
    {"arcfour-hmac-md5", 23},
    {"rc4-hmac-md5", 23},
    {"arcfour-hmac-exp", 24},
    {"arcfour-hmac-md5-exp", 24},
    {"camellia128-cts", 25},
    {"camellia256-cts", 26},
}};
struct EtypeFamily {
  std::string_view name;
  std::array<std::int32_t, 7> numbers;  // 0-terminated (no etype is numbered 0)
};
constexpr std::array<EtypeFamily, 5> kFamilies{{
    {"des", {1, 2, 3}},
    {"des3", {16}},
    {"rc4", {23, 24, -128, -129, -133, -135, -140}},
    {"aes", {17, 18, 19, 20}},
    {"camellia", {25, 26}},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::vector<std::int32_t> etypes_named(std::string_view name) {
  const std::string n = lower(name);
  for (const auto& f : kFamilies)
    if (f.name == n) {
      std::vector<std::int32_t> out;
      for (auto e : f.numbers)
        if (e != 0) out.push_back(e);
      return out;
    }
  for (const auto& e : kEtypes)
    if (e.name == n || std::to_string(e.number) == n) return {e.number};
  for (const auto& a : kAliases)
    if (a.name == n) return {a.number};
  return {};
}

std::vector<std::string> etype_names_accepted() {
  std::vector<std::string> out;
  for (const auto& f : kFamilies) out.emplace_back(f.name);
  for (const auto& e : kEtypes) out.emplace_back(e.name);
  for (const auto& a : kAliases) out.emplace_back(a.name);
  return out;
}

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
