// SPDX-License-Identifier: Apache-2.0
// The directory side of the account audit (with --user and a password): every user, computer, managed
// service account, krbtgt and trust account of the domain from a paged LDAP search (RFC 2696) over
// LDAPS after a simple bind, with the attributes that say which keys an account should have. The
// KDC's answers still decide the verdict; these attributes explain it and name the fix.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "src/compat/accounts_result.hpp"
#include "src/proto/ldap/ldap_codec.hpp"

namespace legacyscan::ldap {
class LdapConnection;
}

namespace legacyscan::accounts {

struct ServiceTicket;

// [MS-ADTS] 2.2.16 userAccountControl bits the audit reads.
inline constexpr std::uint32_t kUfAccountDisable = 0x2;
inline constexpr std::uint32_t kUfInterdomainTrust = 0x800;
inline constexpr std::uint32_t kUfWorkstationTrust = 0x1000;
inline constexpr std::uint32_t kUfServerTrust = 0x2000;
inline constexpr std::uint32_t kUfUseDesKeyOnly = 0x200000;
inline constexpr std::uint32_t kUfDontRequirePreauth = 0x400000;

struct DirectoryAccount {
  std::string sam;  // sAMAccountName
  std::string kind;
  std::vector<std::string> spns;
  std::optional<std::uint32_t> supported_etypes;  // msDS-SupportedEncryptionTypes
  std::uint32_t uac = 0;
  std::optional<std::string> pwd_last_set;     // RFC 3339; nullopt when never set
  std::optional<std::int64_t> pwd_last_set_s;  // the same in seconds since 1601
  std::string when_created;
};

// A trusted domain object ([MS-ADTS] 6.1.6.7.*).
struct DirectoryTrust {
  TrustInfo info;
  std::optional<std::uint32_t> supported_etypes;  // msDS-SupportedEncryptionTypes
  std::string when_created;
};

struct Directory {
  Outcome outcome;  // ok, or why the directory could not be read (bind refused, no LDAPS...)
  std::vector<DirectoryAccount> accounts;
  std::vector<DirectoryTrust> trusts;
  AesKeysSince aes_keys_since;
  std::optional<std::int64_t> aes_keys_since_s;  // the date in seconds since 1601
};

// ---- the domain's own facts (accounts_ldap_domain.cpp) ----

// [MS-ADTS] 2.2.10 / Samba drsblobs.idl replPropertyMetaDataBlob: version 1, then per attribute
// attid, version, originating change time (seconds since 1601), invocation id, USNs. The change time
// and version of `attid`, or nullopt when the blob has no such entry or is malformed.
struct AttributeChange {
  std::uint32_t version = 0;
  std::int64_t time_s = 0;
};
std::optional<AttributeChange> attribute_change(ByteView repl_property_metadata, std::uint32_t attid);
inline constexpr std::uint32_t kAttidBehaviorVersion = 0x905B3;  // msDS-Behavior-Version
// "20261207143813.0Z" (GeneralizedTime, UTC) in seconds since 1601; nullopt when malformed.
std::optional<std::int64_t> generalized_time_seconds(std::string_view text);
std::string seconds_to_rfc3339(std::int64_t seconds_since_1601);
// The date the domain could make AES keys from its functional level, the time the level was written
// (nullopt: never changed since the domain was created at `domain_created_s`) and whenCreated of
// the RID 521 group. Fills `out` and returns the date in seconds (nullopt: level < 2008, or unknown).
std::optional<std::int64_t> aes_keys_since(std::optional<std::int64_t> level, std::optional<AttributeChange> change,
                                           std::optional<std::int64_t> domain_created_s,
                                           std::optional<std::int64_t> rodc_created_s, AesKeysSince& out);
// trustDirection, trustType and trustAttributes by name ([MS-ADTS] 6.1.6.7.12, .15, .9).
std::string trust_direction_name(std::uint32_t v);
std::string trust_type_name(std::uint32_t v);
std::vector<std::string> trust_attribute_names(std::uint32_t v);
// The account's SID with the RID appended (binary, [MS-DTYP] 2.4.2.2); empty when `domain_sid` is malformed.
Bytes sid_with_rid(ByteView domain_sid, std::uint32_t rid);

// Reads every entry of one (paged) search to `on_entry`; a refused search is a failure.
boost::asio::awaitable<Outcome> search_entries(ldap::LdapConnection& conn, std::int32_t& id, ldap::SearchRequest req,
                                               const std::function<bool(const ldap::SearchResultEntry&)>& on_entry);
// The domain object's level and metadata, the RID 521 group, the trusted domain objects.
boost::asio::awaitable<Outcome> read_domain_facts(ldap::LdapConnection& conn, std::int32_t& id,
                                                  const std::string& base_dn, Directory& d);

// The kind of an account from its object classes, userAccountControl and SPNs.
std::string kind_of(const std::vector<std::string>& object_classes, std::uint32_t uac, const std::string& sam,
                    bool has_spn);
// The names of the bits set in `bits`, in the table's order, then "bit-0x..." for those it lacks.
std::vector<std::string> bit_names(std::uint32_t bits, std::span<const std::pair<std::uint32_t, const char*>> names);
// msDS-SupportedEncryptionTypes bit by bit ([MS-KILE] 2.2.7), e.g. 0x24 -> {"rc4-hmac", "aes256-sk"}.
std::vector<std::string> supported_etype_names(std::uint32_t bits);
// The userAccountControl flags the audit names: "ACCOUNTDISABLE", "USE_DES_KEY_ONLY", "DONT_REQ_PREAUTH".
std::vector<std::string> account_control_names(std::uint32_t uac);

// The service ticket for `spn` from the user's TGT (its outcome says why there is none).
using TicketFor = std::function<boost::asio::awaitable<void>(const std::string& spn, ServiceTicket& out)>;

// With a password: LDAPS (636) and a simple bind. With a keytab only: the plain port (389), the
// rootDSE's dnsHostName, a ticket for ldap/<it> through `ticket_for`, and a SASL GSSAPI bind.
boost::asio::awaitable<Directory> read_directory(ProbeContext& ctx, const Credentials& creds, const std::string& realm,
                                                 const TicketFor& ticket_for);

// The SASL GSSAPI bind (RFC 4752) with `ticket` (accounts_ldap_sasl.cpp); on success the connection
// carries every later message in the security layer chosen.
boost::asio::awaitable<Outcome> sasl_gssapi_bind(ldap::LdapConnection& conn, std::int32_t& id,
                                                 const ServiceTicket& ticket);

}  // namespace legacyscan::accounts
