// SPDX-License-Identifier: Apache-2.0
// The account audit's typed result (docs/accounts.md): per principal what the KDC answered to three
// AS-REQs without pre-authentication (AES only, RC4 only, DES only), the keys that shows, and the
// verdict for the removal of RC4 (ok, breaks, rc4-exception, des, unknown) with its reason and remedy;
// per DC the posture. JSON key names are a contract; each struct lists them once in fields().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/probe.hpp"

namespace legacyscan::accounts {

// In order of severity: the table lists the worst first.
enum class AccountVerdict { breaks, des, rc4_exception, unknown, ok };
std::string_view to_string(AccountVerdict v);
bool from_string(std::string_view s, AccountVerdict& out);
inline constexpr AccountVerdict kAllVerdicts[] = {AccountVerdict::breaks, AccountVerdict::des,
                                                  AccountVerdict::rc4_exception, AccountVerdict::unknown,
                                                  AccountVerdict::ok};

// What one AS-REQ without pre-authentication got back.
enum class AsAnswer {
  preauth_required,   // KDC_ERR_PREAUTH_REQUIRED: the account has a key of an offered etype
  as_rep,             // an AS-REP: no pre-authentication required (AS-REP roastable)
  etype_nosupp,       // KDC_ERR_ETYPE_NOSUPP: no key of the offered etypes
  principal_unknown,  // KDC_ERR_C_PRINCIPAL_UNKNOWN
  client_revoked,     // KDC_ERR_CLIENT_REVOKED: disabled, locked out or expired
  other_error,        // another KRB-ERROR: see error
  no_answer,          // no answer within the deadline (after the retries): see detail
  protocol_error,     // an answer that is not a KDC reply: see detail
  not_tested,
};
std::string_view to_string(AsAnswer a);
bool from_string(std::string_view s, AsAnswer& out);

// One AS-REQ: its answer, the KRB-ERROR's name, and the etypes the KDC named for the client's key
// (ETYPE-INFO2 entries of a PREAUTH_REQUIRED, or the enc-part etype of an AS-REP).
struct AsRequest {
  AsAnswer answer = AsAnswer::not_tested;
  std::string error;              // "KDC_ERR_PREAUTH_REQUIRED"; "" when no KRB-ERROR came back
  std::vector<std::string> keys;  // etype names
  std::string detail;             // e-text, transport reason

  template <class V>
  void fields(V& v) {
    v("answer", answer);
    v.optional("error", error);
    v("keys", keys);
    v.optional("detail", detail);
  }
};

// The msDS-SupportedEncryptionTypes value and its bits by name ([MS-KILE] 2.2.7); null without LDAP.
struct SupportedEtypes {
  std::optional<std::uint32_t> raw;
  std::vector<std::string> names;

  template <class V>
  void fields(V& v) {
    v("raw", raw);
    v("names", names);
  }
};

// The etype of the service ticket for each TGS-REQ offer (etype names, or the KRB-ERROR's name); null
// when not asked.
struct Tickets {
  std::optional<std::string> default_offer;  // AES and RC4 offered
  std::optional<std::string> rc4_only;
  std::optional<std::string> aes_only;

  template <class V>
  void fields(V& v) {
    v("default", default_offer);
    v("rc4_only", rc4_only);
    v("aes_only", aes_only);
  }
};

// The etypes of the TGT the audit got for the --user account, as `klist -e` shows them: the ticket's
// (Ticket.enc-part.etype, the krbtgt key, in the clear) and its session key's (the one the KDC chose
// from the AS-REQ's offer). Only on that account's row.
struct TgtEtypes {
  std::string ticket;
  std::string session_key;

  template <class V>
  void fields(V& v) {
    v("ticket", ticket);
    v("session_key", session_key);
  }
};

// A trusted domain object ([MS-ADTS] 6.1.6.7): the partner and how the trust is set up.
struct TrustInfo {
  std::string partner;                  // trustPartner
  std::string direction;                // trustDirection: inbound | outbound | bidirectional | disabled
  std::string type;                     // trustType: downlevel | uplevel | mit | dce
  std::vector<std::string> attributes;  // trustAttributes bits by name
  // The cross-realm referral principal asked for (krbtgt/PARTNER@REALM); null when not asked.
  std::optional<std::string> referral;

  template <class V>
  void fields(V& v) {
    v("partner", partner);
    v("direction", direction);
    v("type", type);
    v("attributes", attributes);
    v("referral", referral);
  }
};

struct AccountResult {
  std::string name;
  std::string kind = "unknown";  // user | computer | service | krbtgt | trust | unknown
  std::vector<std::string> spns;
  SupportedEtypes supported_etypes;
  std::vector<std::string> keys;  // etype names the KDC showed for the account's own keys
  std::optional<std::string> salt;
  Tickets tickets;
  Tickets session_keys;          // the session key etype of each ticket
  std::optional<TgtEtypes> tgt;  // the row of the --user account, when its TGT was obtained
  std::optional<std::string> pwd_last_set;
  // Whether the password was last set before the domain could make AES keys (then no AES key is
  // expected); null without the directory, when never set, or in the same second as that date.
  std::optional<bool> pwd_before_aes;
  std::optional<TrustInfo> trust;  // trusted domain objects only
  AccountVerdict verdict = AccountVerdict::unknown;
  std::string reason;
  std::string remedy;
  bool exists = false;
  bool preauth_required = true;  // false: an AS-REP came back without pre-authentication
  AsRequest aes, rc4, des;
  std::vector<std::string> account_control;  // userAccountControl flags named (directory)
  std::string when_created;                  // whenCreated (directory)

  template <class V>
  void fields(V& v) {
    v("name", name);
    v("kind", kind);
    v("spns", spns);
    v("supported_etypes", supported_etypes);
    v("keys", keys);
    v.optional("salt", salt);
    v("tickets", tickets);
    v("session_keys", session_keys);
    v.optional("tgt", tgt);
    v("pwd_last_set", pwd_last_set);
    v("pwd_before_aes", pwd_before_aes);
    v.optional("trust", trust);
    v("verdict", verdict);
    v("reason", reason);
    v("remedy", remedy);
    v("exists", exists);
    v("preauth_required", preauth_required);
    v.nested("as_req", [&](auto& n) {
      n("aes", aes);
      n("rc4", rc4);
      n("des", des);
    });
    v.optional("account_control", account_control);
    v.optional("when_created", when_created);
  }
};

// When the domain could first make AES keys: the later of the functional level's raise to 2008 (the
// time msDS-Behavior-Version was last written, from the replication metadata) and whenCreated of the
// "Read-only Domain Controllers" group (RID 521, the usual marker). Times are RFC 3339.
struct AesKeysSince {
  std::optional<std::string> date;                      // null: unknown, or the level is below 2008 (no AES keys yet)
  std::optional<std::int64_t> functional_level;         // msDS-Behavior-Version of the domain
  std::optional<std::string> functional_level_changed;  // when msDS-Behavior-Version was last written
  std::optional<std::string> rodc_group_created;        // whenCreated of RID 521
  std::string evidence;

  template <class V>
  void fields(V& v) {
    v("date", date);
    v("functional_level", functional_level);
    v("functional_level_changed", functional_level_changed);
    v("rodc_group_created", rodc_group_created);
    v.optional("evidence", evidence);
  }
};

// Whether the directory was read (with --user) and how many accounts and trusts it named.
struct DirectoryStatus {
  Status status = Status::skipped;
  std::string reason = "no --user: the principals given only";
  std::size_t accounts = 0;
  std::size_t trusts = 0;
  AesKeysSince aes_keys_since;

  template <class V>
  void fields(V& v) {
    v.outcome(status, reason);
    v("accounts", accounts);
    v("trusts", trusts);
    v("aes_keys_since", aes_keys_since);
  }
};

// The etypes each AS-REQ offers: AES (18, 17), RC4 (23), DES (3, 1).
const std::vector<std::int32_t>& aes_offer();
const std::vector<std::int32_t>& rc4_offer();
const std::vector<std::int32_t>& des_offer();

// Fills keys, exists, preauth_required, verdict, reason and remedy from the three AS-REQs (and the
// LDAP attributes and tickets when they were read). Pure.
void decide(AccountResult& a);

// The verdict of a trusted domain object (accounts_trust.cpp): from the referral tickets the KDC
// issued for krbtgt/PARTNER (a.tickets, when asked), else from msDS-SupportedEncryptionTypes. Pure.
void decide_trust(AccountResult& a, std::optional<std::uint32_t> supported_etypes);

// "krbtgt", "name$" (computer), "service/host" (service), else user: the kind a name stands for when
// no directory says better.
std::string kind_from_name(std::string_view name);

// What a DC's behaviour says about the RC4 removal.
struct Posture {
  // Whether the KDC hands out an RC4 key (ETYPE-INFO2 or AS-REP) to an RC4-only AS-REQ of an account
  // that also has AES keys: "allowed", "refused", or "unknown" (no such account audited).
  std::string rc4_as_exchange = "unknown";
  // Whether it issues RC4 service tickets to accounts without msDS-SupportedEncryptionTypes: "issued",
  // "refused", or "not-tested" (needs --user).
  std::string rc4_service_tickets = "not-tested";
  std::string evidence;

  template <class V>
  void fields(V& v) {
    v("rc4_as_exchange", rc4_as_exchange);
    v("rc4_service_tickets", rc4_service_tickets);
    v.optional("evidence", evidence);
  }
};

// The audit of one DC: its realm, the transport used, the posture and every principal.
struct AccountsResult final : ProbeResult {
  std::uint16_t port = 88;
  std::string realm;
  std::string transport;  // "udp" or "tcp": the one the principals were asked over
  Posture posture;
  DirectoryStatus directory;
  std::vector<AccountResult> accounts;  // in input order

  template <class V>
  void fields(V& v) {
    v.outcome(status, reason);
    v("port", port);
    v("realm", realm);
    v("transport", transport);
    v("posture", posture);
    v("directory", directory);
    v("accounts", accounts);
  }
  [[nodiscard]] nlohmann::json to_json() const override;
  void findings(std::vector<Finding>& out) const override;
};

// Sets the posture from the audited accounts.
void derive_posture(AccountsResult& r);

}  // namespace legacyscan::accounts
