// SPDX-License-Identifier: Apache-2.0
// The Windows XP logon with the user's credentials (--user with --password, --password-env,
// --password-file or --keytab): the rc4-hmac key and the AS exchange with PA-ENC-TIMESTAMP.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
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

// Makes the logon of `creds` (whose user is set) and records it in result.xp_logon.
boost::asio::awaitable<void> credentialed_logon(Scan& s, const Credentials& creds, KerberosResult& result);

}  // namespace legacyscan::kerberos
