// SPDX-License-Identifier: Apache-2.0
// The domain's own facts for the account audit: when the domain could first make AES keys (the
// functional level, when it was last written, and whenCreated of the "Read-only Domain Controllers"
// group), and the trusted domain objects, whose referral tickets RC4's removal also breaks.
#include "src/compat/accounts_ldap.hpp"  // first: <utility> before Boost's awaitable.hpp

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <ctime>

#include "probes/ldap/ldap_connection.hpp"

namespace legacyscan::accounts {

namespace asio = boost::asio;
using namespace legacyscan::ldap;

namespace {

constexpr std::uint32_t kRidReadOnlyDomainControllers = 521;  // [MS-DTYP] 2.4.2.4
constexpr std::int64_t kLevel2008 = 3;                        // [MS-ADTS] 6.1.4.3 DS_BEHAVIOR_WIN2008
constexpr std::size_t kMaxTrusts = 10'000;

template <class T>
std::optional<T> number(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

ByteView first_value(const SearchResultEntry& e, std::string_view name) {
  const auto* a = e.find(name);
  if (!a || a->vals.empty()) return {};
  return a->vals.front();
}

std::string functional_level_name(std::int64_t level) {
  static const char* names[] = {"2000", "2003 interim", "2003", "2008", "2008 R2", "2012", "2012 R2", "2016"};
  if (level >= 0 && level < 8) return names[level];
  return level == 10 ? "2025" : "level " + std::to_string(level);
}

}  // namespace

std::optional<AttributeChange> attribute_change(ByteView blob, std::uint32_t attid) {
  Reader r(blob);
  std::uint32_t version = 0, reserved = 0, count = 0;
  if (!r.u32le(version) || version != 1 || !r.u32le(reserved) || !r.u32le(count) || !r.u32le(reserved))
    return std::nullopt;
  constexpr std::size_t kEntry = 48;  // attid 4, version 4, time 8, invocation id 16, two USNs 8 + 8
  if (count > r.remaining() / kEntry) return std::nullopt;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t id = 0, v = 0;
    std::uint64_t time = 0;
    if (!r.u32le(id) || !r.u32le(v) || !r.u64le(time) || !r.skip(32)) return std::nullopt;
    if (id == attid && time < (1ULL << 62)) return AttributeChange{v, static_cast<std::int64_t>(time)};
  }
  return std::nullopt;
}

std::optional<std::int64_t> generalized_time_seconds(std::string_view t) {
  if (t.size() < 15) return std::nullopt;
  auto part = [&](std::size_t at, std::size_t n) { return number<int>(t.substr(at, n)); };
  const auto y = part(0, 4), mo = part(4, 2), d = part(6, 2), h = part(8, 2), mi = part(10, 2), s = part(12, 2);
  if (!y || !mo || !d || !h || !mi || !s || *y < 1601 || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
      *mi > 59 || *s > 60 || t.back() != 'Z')
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mo - 1;
  tm.tm_mday = *d;
  tm.tm_hour = *h;
  tm.tm_min = *mi;
  tm.tm_sec = *s;
  constexpr std::int64_t k1601To1970 = 11644473600;  // seconds from 1601-01-01 to 1970-01-01
  return static_cast<std::int64_t>(timegm(&tm)) + k1601To1970;
}

std::string seconds_to_rfc3339(std::int64_t s) {
  return s < 0 ? std::string() : filetime_to_rfc3339(static_cast<std::uint64_t>(s) * 10'000'000ULL);
}

std::optional<std::int64_t> aes_keys_since(std::optional<std::int64_t> level, std::optional<AttributeChange> change,
                                           std::optional<std::int64_t> domain_created_s,
                                           std::optional<std::int64_t> rodc_created_s, AesKeysSince& out) {
  out = AesKeysSince{};
  out.functional_level = level;
  if (rodc_created_s) out.rodc_group_created = seconds_to_rfc3339(*rodc_created_s);
  // Written more than once: raised since the domain was made; else set when the domain was created.
  std::optional<std::int64_t> level_set =
      change && change->version > 1 ? std::optional(change->time_s) : domain_created_s;
  if (level_set) out.functional_level_changed = seconds_to_rfc3339(*level_set);
  if (!level) {
    out.evidence = "the domain's msDS-Behavior-Version was not readable";
    return std::nullopt;
  }
  if (*level < kLevel2008) {
    out.evidence = "domain functional level " + functional_level_name(*level) + ": the DCs make no AES keys yet";
    return std::nullopt;
  }
  // The later of both: the RID 521 group can predate the raise (Samba creates it at provisioning
  // whatever the level), and the level's last write can be a later raise (2012 after 2008).
  std::optional<std::int64_t> date = level_set;
  if (rodc_created_s && (!date || *rodc_created_s > *date)) date = rodc_created_s;
  if (!date) {
    out.evidence = "neither the level's change time nor the RID 521 group was readable";
    return std::nullopt;
  }
  out.date = seconds_to_rfc3339(*date);
  out.evidence = "domain functional level " + functional_level_name(*level) +
                 (change && change->version > 1 ? ", last raised " : ", since the domain was created ") +
                 out.functional_level_changed.value_or("?") +
                 (rodc_created_s ? "; Read-only Domain Controllers group created " + *out.rodc_group_created : "");
  return date;
}

std::string trust_direction_name(std::uint32_t v) {
  switch (v) {
    case 0: return "disabled";
    case 1: return "inbound";
    case 2: return "outbound";
    case 3: return "bidirectional";
    default: return "direction-" + std::to_string(v);
  }
}

std::string trust_type_name(std::uint32_t v) {
  switch (v) {
    case 1: return "downlevel";
    case 2: return "uplevel";
    case 3: return "mit";
    case 4: return "dce";
    default: return "type-" + std::to_string(v);
  }
}

std::vector<std::string> trust_attribute_names(std::uint32_t v) {
  static const std::pair<std::uint32_t, const char*> names[] = {
      {0x1, "NON_TRANSITIVE"},
      {0x2, "UPLEVEL_ONLY"},
      {0x4, "QUARANTINED_DOMAIN"},
      {0x8, "FOREST_TRANSITIVE"},
      {0x10, "CROSS_ORGANIZATION"},
      {0x20, "WITHIN_FOREST"},
      {0x40, "TREAT_AS_EXTERNAL"},
      {0x80, "USES_RC4_ENCRYPTION"},
      {0x200, "CROSS_ORGANIZATION_NO_TGT_DELEGATION"},
      {0x400, "PIM_TRUST"},
      {0x800, "CROSS_ORGANIZATION_ENABLE_TGT_DELEGATION"},
      {0x1000, "DISABLE_AUTH_TARGET_VALIDATION"},
  };
  return bit_names(v, names);
}

Bytes sid_with_rid(ByteView sid, std::uint32_t rid) {
  // Revision 1, the sub-authority count, a 6-byte authority, then the sub-authorities (LE).
  if (sid.size() < 8 || sid[0] != 1 || sid[1] >= 15 || sid.size() != 8 + 4u * sid[1]) return {};
  Bytes out(sid.begin(), sid.end());
  ++out[1];
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(rid >> (8 * i)));
  return out;
}

asio::awaitable<Outcome> read_domain_facts(LdapConnection& conn, std::int32_t& id, const std::string& base_dn,
                                           Directory& d) {
  SearchRequest domain;
  domain.baseObject = base_dn;
  domain.attributes = {"objectSid", "msDS-Behavior-Version", "replPropertyMetaData", "whenCreated"};
  std::optional<SearchResultEntry> head;
  auto o = co_await search_entries(conn, id, domain, [&](const SearchResultEntry& e) {
    head = e;
    return true;
  });
  if (!o.ok()) co_return o;
  if (!head) co_return Outcome::failure(Status::protocol_error, "no domain object at " + base_dn);

  std::optional<std::int64_t> rodc_created;
  if (const Bytes sid = sid_with_rid(first_value(*head, "objectSid"), kRidReadOnlyDomainControllers); !sid.empty()) {
    SearchRequest rodc;
    rodc.baseObject = base_dn;
    rodc.scope = 2;
    rodc.and_equality = {{"objectSid", sid}};
    rodc.attributes = {"whenCreated"};
    o = co_await search_entries(conn, id, rodc, [&](const SearchResultEntry& e) {
      rodc_created = generalized_time_seconds(e.first("whenCreated"));
      return true;
    });
    if (!o.ok()) co_return o;
  }
  d.aes_keys_since_s =
      aes_keys_since(number<std::int64_t>(head->first("msDS-Behavior-Version")),
                     attribute_change(first_value(*head, "replPropertyMetaData"), kAttidBehaviorVersion),
                     generalized_time_seconds(head->first("whenCreated")), rodc_created, d.aes_keys_since);

  SearchRequest trusts;
  trusts.baseObject = base_dn;
  trusts.scope = 2;
  trusts.and_equality = {{"objectClass", Bytes{'t', 'r', 'u', 's', 't', 'e', 'd', 'D', 'o', 'm', 'a', 'i', 'n'}}};
  trusts.attributes = {
      "trustPartner", "trustDirection", "trustType", "trustAttributes", "msDS-SupportedEncryptionTypes", "whenCreated"};
  trusts.paged = PagedResults{500, {}};
  co_return co_await search_entries(conn, id, trusts, [&](const SearchResultEntry& e) {
    if (d.trusts.size() >= kMaxTrusts) return false;
    DirectoryTrust t;
    t.info.partner = e.first("trustPartner");
    if (t.info.partner.empty()) return true;
    t.info.direction = trust_direction_name(number<std::uint32_t>(e.first("trustDirection")).value_or(0));
    t.info.type = trust_type_name(number<std::uint32_t>(e.first("trustType")).value_or(0));
    // trustAttributes and msDS-SupportedEncryptionTypes are signed 32-bit integers in LDAP.
    if (auto v = number<std::int64_t>(e.first("trustAttributes")))
      t.info.attributes = trust_attribute_names(static_cast<std::uint32_t>(*v));
    if (auto v = number<std::int64_t>(e.first("msDS-SupportedEncryptionTypes")))
      t.supported_etypes = static_cast<std::uint32_t>(*v);
    t.when_created = e.first("whenCreated");
    d.trusts.push_back(std::move(t));
    return true;
  });
}

}  // namespace legacyscan::accounts
