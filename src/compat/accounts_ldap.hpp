// SPDX-License-Identifier: Apache-2.0
// The directory side of the account audit (with --user and a password): every user, computer, managed
// service account, krbtgt and trust account of the domain from a paged LDAP search (RFC 2696) over
// LDAPS after a simple bind, with the attributes that say which keys an account should have. The
// KDC's answers still decide the verdict; these attributes explain it and name the fix.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"

namespace legacyscan::accounts {

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
  std::optional<std::string> pwd_last_set;  // RFC 3339; nullopt when never set
  std::string when_created;
};

struct Directory {
  Outcome outcome;  // ok, or why the directory could not be read (bind refused, no LDAPS...)
  std::vector<DirectoryAccount> accounts;
};

// The kind of an account from its object classes, userAccountControl and SPNs.
std::string kind_of(const std::vector<std::string>& object_classes, std::uint32_t uac, const std::string& sam,
                    bool has_spn);
// msDS-SupportedEncryptionTypes bit by bit ([MS-KILE] 2.2.7), e.g. 0x24 -> {"rc4-hmac", "aes256-sk"}.
std::vector<std::string> supported_etype_names(std::uint32_t bits);
// The userAccountControl flags the audit names: "ACCOUNTDISABLE", "USE_DES_KEY_ONLY", "DONT_REQ_PREAUTH".
std::vector<std::string> account_control_names(std::uint32_t uac);

boost::asio::awaitable<Directory> read_directory(ProbeContext& ctx, const Credentials& creds, const std::string& realm);

}  // namespace legacyscan::accounts
