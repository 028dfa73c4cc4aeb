// SPDX-License-Identifier: Apache-2.0
// The service tickets of the account audit (with --user and a password or a keytab with an rc4-hmac
// key): one TGT of the user from an rc4-hmac AS exchange with PA-ENC-TIMESTAMP, then per account with an SPN three
// TGS-REQs (AES and RC4 offered, RC4 only, AES only), each answer read for the ticket's etype (Ticket.enc-part.etype,
// in the clear) and the session key's etype (the TGS-REP's enc-part, decrypted with the TGT's session key and dropped).
// Keys live in memory only for the exchanges and are wiped; nothing of a ticket is kept.
#pragma once

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "probes/kerberos/kerberos_exchange.hpp"
#include "src/compat/accounts_result.hpp"

namespace legacyscan::accounts {

struct Tgt {
  Outcome outcome;  // ok, or why there is no TGT (no password, refused, the KDC will not use RC4)
  Bytes ticket;
  Bytes session_key;
  kerberos::PrincipalName cname;
  std::string crealm;
  ~Tgt();
};

boost::asio::awaitable<void> get_tgt(kerberos::Scan& s, kerberos::Transport t, const Credentials& creds, Tgt& out);

// The tickets (and session keys) of the three offers for `spn`, into out.tickets / out.session_keys.
boost::asio::awaitable<void> ask_tickets(kerberos::Scan& s, kerberos::Transport t, const Tgt& tgt,
                                         const std::string& spn, AccountResult& out);

}  // namespace legacyscan::accounts
