// SPDX-License-Identifier: Apache-2.0
#include "src/compat/accounts_audit.hpp"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <random>
#include <set>

#include <spdlog/spdlog.h>

#include "legacyscan/engine/async.hpp"
#include "legacyscan/engine/engine.hpp"
#include "probes/kerberos/kerberos_exchange.hpp"
#include "probes/kerberos/kerberos_identity.hpp"
#include "src/compat/accounts_ldap.hpp"
#include "src/compat/accounts_result.hpp"
#include "src/compat/accounts_tickets.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"

namespace legacyscan::accounts {

namespace asio = boost::asio;
using kerberos::Scan;
using kerberos::Transport;

namespace {

constexpr std::int32_t kClientRevoked = 18;  // RFC 4120 7.5.9 KDC_ERR_CLIENT_REVOKED
constexpr std::size_t kMaxWorkers = 64;

// One exchange's answer in the audit's words (the Kerberos probe's classification is per etype; here
// what matters is which error came back and which keys the KDC named).
AsRequest to_request(const kerberos::EtypeAnswer& e, std::optional<std::string>& salt) {
  AsRequest r;
  r.detail = e.detail;
  if (e.as_rep && e.chosen) {
    r.answer = AsAnswer::as_rep;
    r.keys.push_back(kerberos::etype_name(*e.chosen));
    return r;
  }
  if (!e.error_code) {
    r.answer = e.verdict == kerberos::EtypeVerdict::no_answer ? AsAnswer::no_answer : AsAnswer::protocol_error;
    return r;
  }
  r.error = kerberos::error_name(*e.error_code);
  switch (*e.error_code) {
    case kerberos::KDC_ERR_PREAUTH_REQUIRED: r.answer = AsAnswer::preauth_required; break;
    case kerberos::KDC_ERR_ETYPE_NOSUPP: r.answer = AsAnswer::etype_nosupp; break;
    case kerberos::KDC_ERR_C_PRINCIPAL_UNKNOWN: r.answer = AsAnswer::principal_unknown; break;
    case kClientRevoked: r.answer = AsAnswer::client_revoked; break;
    default: r.answer = AsAnswer::other_error; break;
  }
  if (e.verdict == kerberos::EtypeVerdict::protocol_error) r.answer = AsAnswer::protocol_error;
  for (const auto& entry : e.etype_info2) {
    r.keys.push_back(kerberos::etype_name(entry.etype));
    if (entry.salt && !salt) salt = *entry.salt;
  }
  return r;
}

// "name@REALM" -> the name and its realm (the DC's when none is written).
std::pair<std::string, std::string> split_realm(const std::string& principal, const std::string& realm) {
  const auto at = principal.rfind('@');
  if (at == std::string::npos) return {principal, realm};
  return {principal.substr(0, at), kerberos::upper(principal.substr(at + 1))};
}

asio::awaitable<AsRequest> ask(Scan& s, Transport t, const std::vector<std::int32_t>& offer,
                               std::optional<std::string>& salt) {
  auto answer = co_await kerberos::check(s, t, offer, std::nullopt);
  // A reply too big for a datagram is asked again over TCP (RFC 4120 7.2.1).
  if (t == Transport::udp && answer.error_code == kerberos::KRB_ERR_RESPONSE_TOO_BIG)
    answer = co_await kerberos::check(s, Transport::tcp, offer, std::nullopt);
  co_return to_request(answer, salt);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The directory's key of a principal: its sAMAccountName, compared case-insensitively as the KDC does.
std::string account_key(const std::string& principal) { return lower(principal.substr(0, principal.rfind('@'))); }

// What `scan --audit-accounts` audits: the service and client principals the scan names, else the DC's
// own account (the one the kerberos probe and the matrix ask for).
std::vector<std::string> scan_principals(const ProbeContext& ctx, const kerberos::Identity& id) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const char* flag : {"kerberos-service", "kerberos-principal"})
    if (auto name = ctx.settings.option(flag); name && !name->empty() && seen.insert(account_key(*name)).second)
      out.push_back(*name);
  if (out.empty() && !id.principal.empty()) out.push_back(id.principal);
  return out;
}

// What the directory says of the account, beside what the KDC will answer.
void fill_from_directory(const DirectoryAccount& d, std::optional<std::int64_t> aes_since, bool level_known,
                         AccountResult& out) {
  out.kind = d.kind;
  out.spns = d.spns;
  out.supported_etypes.raw = d.supported_etypes;
  if (d.supported_etypes) out.supported_etypes.names = supported_etype_names(*d.supported_etypes);
  out.pwd_last_set = d.pwd_last_set;
  out.account_control = account_control_names(d.uac);
  out.when_created = d.when_created;
  // Seconds decide; a password set in the very second of the date says nothing either way.
  if (d.pwd_last_set_s && aes_since && *d.pwd_last_set_s != *aes_since)
    out.pwd_before_aes = *d.pwd_last_set_s < *aes_since;
  else if (d.pwd_last_set_s && !aes_since && level_known)
    out.pwd_before_aes = true;  // the level is below 2008: no DC of the domain makes AES keys yet
}

// A trusted domain object's row: with a TGT, the KDC's referral tickets to the partner's realm
// (krbtgt/PARTNER in this realm; Ticket.enc-part.etype is the trust key's) for the three offers.
asio::awaitable<AccountResult> trust_row(Scan& s, Transport t, const DirectoryTrust& tr, const Tgt* tgt) {
  AccountResult a;
  a.name = tr.info.partner;
  a.trust = tr.info;
  a.supported_etypes.raw = tr.supported_etypes;
  if (tr.supported_etypes) a.supported_etypes.names = supported_etype_names(*tr.supported_etypes);
  a.when_created = tr.when_created;
  // An uplevel trust's partner is its DNS name, whose realm is the same in capitals; an MIT realm
  // is written as it is.
  const std::string realm = tr.info.type == "mit" ? tr.info.partner : kerberos::upper(tr.info.partner);
  if (tgt && tgt->outcome.ok() && !realm.empty() && tr.info.direction != "disabled" && tr.info.type != "downlevel") {
    const std::string spn = "krbtgt/" + realm;
    a.trust->referral = spn + "@" + s.realm;
    co_await ask_tickets(s, t, *tgt, spn, a);
  }
  decide_trust(a, tr.supported_etypes);
  co_return a;
}

// What the directory says of the domain, for every account of it.
struct DomainDates {
  std::optional<std::int64_t> aes_since;
  bool level_known = false;
};

asio::awaitable<void> audit_one(Scan& s, Transport t, const std::string& principal, const DirectoryAccount* d,
                                const DomainDates& dates, const Tgt* tgt, AccountResult& out) {
  const std::string dc_realm = s.realm;
  auto [name, realm] = split_realm(principal, dc_realm);
  s.realm = realm;
  s.cname = kerberos::parse_principal(name);
  out.name = principal;
  out.kind = kind_from_name(principal);
  if (d) fill_from_directory(*d, dates.aes_since, dates.level_known, out);
  out.aes = co_await ask(s, t, aes_offer(), out.salt);
  out.rc4 = co_await ask(s, t, rc4_offer(), out.salt);
  out.des = co_await ask(s, t, des_offer(), out.salt);
  s.realm = dc_realm;
  if (tgt) out.tgt = tgt_etypes_of(*tgt, principal, dc_realm);
  if (tgt && tgt->outcome.ok() && (!out.spns.empty() || name.find('/') != std::string::npos))
    co_await ask_tickets(s, t, *tgt, out.spns.empty() ? name : out.spns.front(), out);
  decide(out);
}

class AccountsProbe final : public Probe {
 public:
  AccountsProbe(std::shared_ptr<const std::vector<std::string>> principals, bool named_by_scan)
      : principals_(std::move(principals)), named_by_scan_(named_by_scan) {}
  std::string_view name() const override { return "accounts"; }
  std::string_view description() const override {
    return "Per account: the keys the KDC has (AS-REQs without pre-authentication, AES/RC4/DES), the RC4 verdict";
  }
  std::vector<std::uint16_t> default_ports() const override { return {88}; }
  std::vector<std::string_view> transports() const override { return {"udp", "tcp"}; }
  // In a scan: the realm and the DC's machine account that smb and ldap learned, as the kerberos probe.
  std::vector<std::string_view> depends_on() const override { return {"smb", "ldap"}; }

  asio::awaitable<std::unique_ptr<ProbeResult>> run(ProbeContext& ctx) const override {
    auto result = std::make_unique<AccountsResult>();
    result->port = ctx.ports.empty() ? 88 : ctx.ports.front();
    kerberos::Identity id = kerberos::resolve_identity(ctx);
    std::random_device rd;
    Scan probe{ctx, result->port, id.realm, kerberos::parse_principal("krbtgt"), static_cast<std::uint32_t>(rd()), 0};

    // Which transport answers, and (when nothing named it) the realm from the KDC's first error.
    const std::string dns_realm = kerberos::realm_from_dns_name(ctx.host_name);
    const std::string ask_realm =
        !id.realm.empty() ? id.realm : (!dns_realm.empty() ? dns_realm : kerberos::kNoRealmRealm);
    std::optional<kerberos::KrbError> first_error;
    std::optional<Transport> used;
    std::string why;
    for (auto t : {Transport::udp, Transport::tcp}) {
      auto raw = co_await kerberos::exchange(probe, t, kerberos::as_req(probe, aes_offer(), ask_realm));
      auto reply = raw.outcome.ok() ? kerberos::decode_kdc_reply(raw.message) : Decoded<kerberos::KdcReply>{};
      if (raw.outcome.ok() && reply) {
        if (auto* e = std::get_if<kerberos::KrbError>(&*reply)) first_error = *e;
        used = t;
        break;
      }
      why += std::string(why.empty() ? "" : "; ") + (t == Transport::udp ? "udp: " : "tcp: ") +
             (raw.outcome.ok() ? reply.error : raw.outcome.reason);
      result->status = raw.outcome.ok() ? Status::protocol_error : raw.outcome.status;
    }
    if (!used) {
      result->reason = "no Kerberos answer: " + why;
      co_return result;
    }
    result->status = Status::ok;
    result->transport = *used == Transport::udp ? "udp" : "tcp";
    if (id.realm.empty() && !co_await kerberos::discover_realm(ctx, id, first_error, ask_realm, dns_realm)) {
      result->status = Status::skipped;
      result->reason = "realm unknown: give --realm or --domain, or scan the DC by its DNS name";
      co_return result;
    }
    result->realm = id.realm;
    probe.realm = id.realm;

    // With --user: every account of the directory too, after the principals given (in a scan, only the
    // attributes of the principals it names).
    std::vector<std::string> names = named_by_scan_ ? scan_principals(ctx, id) : *principals_;
    if (names.empty() && named_by_scan_) {
      result->status = Status::skipped;
      result->reason = "no principal to audit: give --kerberos-principal or --kerberos-service";
      co_return result;
    }
    std::map<std::string, DirectoryAccount> directory;
    std::vector<DirectoryTrust> trusts;
    DomainDates dates;
    // With --user: one TGT, for the service tickets of every account with an SPN and (keytab only)
    // the directory's Kerberos bind.
    Tgt tgt;
    const bool tickets = ctx.settings.credentials.has_user();
    if (tickets) {
      co_await get_tgt(probe, *used, ctx.settings.credentials, tgt);
      if (!tgt.outcome.ok()) {
        ctx.log.error("accounts: no TGT for the service tickets: {}", tgt.outcome.reason);
        result->posture.evidence = "no TGT for the service tickets: " + tgt.outcome.reason;
      }
    }
    if (tickets) {
      const Transport first = *used;
      const TicketFor ticket_for = [&](const std::string& spn, ServiceTicket& out) -> asio::awaitable<void> {
        if (!tgt.outcome.ok()) {
          out.outcome = Outcome::failure(Status::refused, "no TGT: " + tgt.outcome.reason);
          co_return;
        }
        co_await get_service_ticket(probe, first, tgt, spn, out);
      };
      auto d = co_await read_directory(ctx, ctx.settings.credentials, id.realm, ticket_for);
      result->directory.status = d.outcome.status;
      result->directory.reason = d.outcome.reason;
      result->directory.accounts = d.accounts.size();
      result->directory.trusts = d.trusts.size();
      result->directory.aes_keys_since = d.aes_keys_since;
      dates.aes_since = d.aes_keys_since_s;
      dates.level_known = d.aes_keys_since.functional_level.has_value();
      trusts = std::move(d.trusts);
      if (!d.outcome.ok()) ctx.log.error("accounts: directory of {}: {}", id.realm, d.outcome.reason);
      std::set<std::string> given;
      for (const auto& n : names) given.insert(account_key(n));
      for (auto& a : d.accounts) {
        const auto key = lower(a.sam);
        if (named_by_scan_) {
          // A service named by its SPN is audited as the account that holds it.
          for (auto& n : names)
            if (n.find('/') != std::string::npos &&
                std::any_of(a.spns.begin(), a.spns.end(),
                            [&](const std::string& spn) { return lower(spn) == lower(n); })) {
              n = a.sam;
              given.insert(key);
            }
          if (!given.contains(key)) continue;
        }
        if (given.insert(key).second) names.push_back(a.sam);
        directory.emplace(key, std::move(a));
      }
      if (named_by_scan_) trusts.clear();
    }
    // The user's own row carries its TGT's etypes, even when neither the list nor the directory named it.
    if (tickets && tgt.outcome.ok() && std::none_of(names.begin(), names.end(), [&](const std::string& n) {
          return tgt_etypes_of(tgt, n, id.realm).has_value();
        }))
      names.push_back(tgt_principal(tgt, id.realm));

    // A few workers take the next principal each; every exchange waits for the engine's caps.
    result->accounts.resize(names.size());
    std::size_t next = 0;
    const std::size_t workers =
        std::min({names.size(), kMaxWorkers, std::max<std::size_t>(1, ctx.engine.limits().per_host)});
    const Transport t = *used;
    const std::uint32_t base = static_cast<std::uint32_t>(rd());
    co_await all_of<bool>(workers, [&](std::size_t w) -> asio::awaitable<bool> {
      Scan s{ctx, result->port, id.realm, {}, base + static_cast<std::uint32_t>(w) * 0x10000u, 0};
      while (next < names.size()) {
        const std::size_t i = next++;
        const auto it = directory.find(account_key(names[i]));
        co_await audit_one(s, t, names[i], it == directory.end() ? nullptr : &it->second, dates,
                           tickets ? &tgt : nullptr, result->accounts[i]);
      }
      co_return true;
    });
    // Trusted domain objects: their own rows, from their referral tickets (or attributes).
    for (const auto& tr : trusts) {
      auto row = co_await trust_row(probe, t, tr, tickets ? &tgt : nullptr);
      result->accounts.push_back(std::move(row));
    }
    derive_posture(*result);
    co_return result;
  }

 private:
  std::shared_ptr<const std::vector<std::string>> principals_;
  bool named_by_scan_ = false;
};

}  // namespace

std::unique_ptr<Probe> make_accounts_probe(std::shared_ptr<const std::vector<std::string>> principals) {
  return std::make_unique<AccountsProbe>(std::move(principals), false);
}

std::unique_ptr<Probe> make_scan_accounts_probe() {
  return std::make_unique<AccountsProbe>(std::make_shared<const std::vector<std::string>>(), true);
}

}  // namespace legacyscan::accounts
