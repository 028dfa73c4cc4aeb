// SPDX-License-Identifier: Apache-2.0
// The service tickets of the account audit (with --user and a password or a keytab): one TGT of the
// user from an AS exchange offering aes256, aes128 and rc4-hmac, with PA-ENC-TIMESTAMP in the etype
// and salt the KDC's PREAUTH_REQUIRED names (ETYPE-INFO2), so a user the KDC refuses RC4 for still
// gets one; then per account with an SPN three TGS-REQs (AES and RC4 offered, RC4 only, AES only),
// authenticated with the TGT's session key whatever its etype, each answer read for the ticket's
// etype (Ticket.enc-part.etype, in the clear) and the session key's etype (the TGS-REP's enc-part,
// decrypted with the TGT's session key and dropped). Keys live in memory only for the exchanges and
// are wiped; nothing of a ticket is kept.
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
  Outcome outcome;  // ok, or why there is no TGT (no password, refused, no key of an etype the KDC takes)
  Bytes ticket;
  std::int32_t reply_etype = 0;    // the AS-REP's enc-part: the user's key that was used
  std::int32_t session_etype = 0;  // the TGT's session key: what the TGS-REQs are authenticated with
  std::int32_t ticket_etype = 0;   // the TGT's own enc-part (the krbtgt key the KDC chose)
  Bytes session_key;
  kerberos::PrincipalName cname;
  std::string crealm;
  ~Tgt();
};

boost::asio::awaitable<void> get_tgt(kerberos::Scan& s, kerberos::Transport t, const Credentials& creds, Tgt& out);

// The TGT's etypes when `principal` ("name" or "name@REALM", the realm `dc_realm` when none) names the
// account the TGT was obtained for (case-insensitively, as the KDC compares sAMAccountName); else null.
std::optional<TgtEtypes> tgt_etypes_of(const Tgt& tgt, const std::string& principal, const std::string& dc_realm);

// The TGT's account as a principal: "name", with "@REALM" when that is not `dc_realm`.
std::string tgt_principal(const Tgt& tgt, const std::string& dc_realm);

// A service ticket of the TGT's user with its session key, for the directory's SASL GSSAPI bind. Only
// AES is offered: the GSS per-message tokens made here are RFC 4121's. Wiped when destroyed.
struct ServiceTicket {
  Outcome outcome;
  Bytes ticket;
  std::int32_t session_etype = 0;
  Bytes session_key;
  kerberos::PrincipalName cname;
  std::string crealm;
  ~ServiceTicket();
};
boost::asio::awaitable<void> get_service_ticket(kerberos::Scan& s, kerberos::Transport t, const Tgt& tgt,
                                                const std::string& spn, ServiceTicket& out);

// The tickets (and session keys) of the three offers for `spn`, into out.tickets / out.session_keys.
boost::asio::awaitable<void> ask_tickets(kerberos::Scan& s, kerberos::Transport t, const Tgt& tgt,
                                         const std::string& spn, AccountResult& out);

}  // namespace legacyscan::accounts
