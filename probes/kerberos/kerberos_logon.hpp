// SPDX-License-Identifier: Apache-2.0
// The Windows XP logon with the user's credentials (--user with --password, --password-env,
// --password-file or --keytab): the rc4-hmac key and the AS exchange with PA-ENC-TIMESTAMP.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <vector>
#include "legacyscan/engine/probe.hpp"
#include "probes/kerberos/kerberos_exchange.hpp"
#include "probes/kerberos/kerberos_result.hpp"

namespace legacyscan::kerberos {

// Our clock as KerberosTime ("YYYYMMDDHHMMSSZ") and the microseconds, for PA-ENC-TIMESTAMP and
// authenticators.
std::pair<std::string, std::uint32_t> kerberos_now();

// The rc4-hmac key of --user: MD4 of the password, or the keytab's entry of etype 23 for the principal.
// x holds the user ("name@REALM") and key source; when `key` is empty, x.outcome says why.
struct UserKey {
  XpLogon x;
  PrincipalName cname;
  std::string realm;
  Bytes key;
};
UserKey rc4_user_key(const Credentials& creds, const std::string& scan_realm);

// Every key of --user the account audit's exchanges can use. With a password, from_password is set
// and the keys are made once the KDC names the salt (ETYPE-INFO2); with --keytab, the keytab's
// entries of the principal by etype (aes256, aes128, rc4-hmac; highest kvno). When neither gives a
// key, x.outcome says why. The keys are wiped on destruction.
struct UserKeys {
  XpLogon x;
  PrincipalName cname;
  std::string realm;
  bool from_password = false;
  std::vector<std::pair<std::int32_t, Bytes>> keys;
  std::string keytab_held;  // what the keytab holds, per principal (for error messages)
  UserKeys() = default;
  UserKeys(const UserKeys&) = delete;
  UserKeys& operator=(const UserKeys&) = delete;
  UserKeys(UserKeys&&) = default;
  UserKeys& operator=(UserKeys&&) = default;
  ~UserKeys();
};
UserKeys user_keys(const Credentials& creds, const std::string& scan_realm);

// Makes the logon of `creds` (whose user is set) and records it in result.xp_logon.
boost::asio::awaitable<void> credentialed_logon(Scan& s, const Credentials& creds, KerberosResult& result);

}  // namespace legacyscan::kerberos
