// SPDX-License-Identifier: Apache-2.0
#include "src/compat/accounts_tickets.hpp"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "probes/kerberos/kerberos_identity.hpp"
#include "probes/kerberos/kerberos_logon.hpp"
#include "src/proto/kerberos/kerberos_crypto.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"

namespace legacyscan::accounts {

namespace asio = boost::asio;
using namespace legacyscan::kerberos;

namespace {

// What the TGT's AS-REQ offers, strongest first: the KDC picks the reply key and the session key from it.
constexpr std::int32_t kOffer[] = {18, 17, 23};

void wipe(Bytes& b) { std::fill(b.begin(), b.end(), 0); }

// One random device per thread: opening one per request cost the audit 7% of its CPU at 10,000 SPNs.
Bytes confounder() {
  thread_local std::random_device rd;
  Bytes c(16);
  for (auto& b : c) b = static_cast<std::uint8_t>(rd());
  return c;
}

// One request and its reply, decoded: the KRB-ERROR (and its name in `error`), or the KDC-REP.
struct Reply {
  Outcome outcome;
  Bytes raw;
  std::optional<KdcRep> rep;
  std::optional<KrbError> krb_error;
  std::string error;
};

asio::awaitable<Reply> send(Scan& s, Transport t, ByteView request) {
  Reply r;
  auto raw = co_await exchange(s, t, request);
  if (t == Transport::udp && raw.outcome.ok()) {
    auto e = decode_krb_error(raw.message);
    if (e && e->error_code == KRB_ERR_RESPONSE_TOO_BIG) raw = co_await exchange(s, Transport::tcp, request);
  }
  r.outcome = raw.outcome;
  if (!r.outcome.ok()) co_return r;
  auto reply = decode_kdc_reply(raw.message);
  if (!reply && raw.message.size() > 0 && raw.message[0] == 0x6d) {
    // decode_kdc_reply takes AS answers only; a TGS-REP is read as such.
    auto rep = decode_kdc_rep(raw.message);
    if (rep) r.rep = std::move(*rep.value);
  } else if (!reply) {
    r.outcome = Outcome::failure(Status::protocol_error, reply.error);
  } else if (const auto* e = std::get_if<KrbError>(&*reply)) {
    r.error = error_name(e->error_code);
    r.krb_error = *e;
  } else {
    r.rep = std::get<KdcRep>(*reply);
  }
  if (r.rep) r.raw = std::move(raw.message);
  co_return r;
}

// The session key of a KDC-REP's enc-part, decrypted with `key` of `etype` (usage 3 for an AS-REP,
// 8 for a TGS-REP).
Decoded<SessionKey> session_key(ByteView raw, std::int32_t etype, ByteView key, std::uint32_t usage) {
  auto cipher = decode_as_rep_cipher(raw);
  if (!cipher) return Decoded<SessionKey>::fail(cipher.error);
  auto plain = decrypt(etype, key, usage, *cipher);
  if (!plain) return Decoded<SessionKey>::fail("the enc-part does not decrypt with the " + etype_name(etype) + " key");
  auto k = decode_enc_kdc_rep_part_key(*plain);
  wipe(*plain);
  return k;
}

std::string ticket_text(const Reply& r) {
  if (!r.outcome.ok()) return "no answer: " + r.outcome.reason;
  if (!r.error.empty()) return r.error;
  return etype_name(r.rep->ticket_enc_part.etype);
}

// The ETYPE-INFO2 of a PREAUTH_REQUIRED error's METHOD-DATA or of an AS-REP's padata: the salt and
// s2kparams of each etype the KDC holds a key of, in its order of preference.
std::vector<EtypeInfo2Entry> etype_info2(const std::vector<PaData>& padata) {
  for (const auto& pa : padata)
    if (pa.padata_type == PA_ETYPE_INFO2)
      if (auto info = decode_etype_info2(pa.padata_value)) return std::move(*info.value);
  return {};
}

std::vector<EtypeInfo2Entry> etype_info2(const KrbError& e) {
  if (!e.e_data) return {};
  auto md = decode_method_data(*e.e_data);
  return md ? etype_info2(*md) : std::vector<EtypeInfo2Entry>{};
}

// The user's long-term key of `etype`: the keytab's, or made from the password with the KDC's salt
// for that etype (RFC 4120 4: the realm and the name's components when the KDC names none).
Decoded<Bytes> long_term_key(const UserKeys& user, const Credentials& creds, std::int32_t etype,
                             const std::vector<EtypeInfo2Entry>& info) {
  if (!user.from_password) {
    for (const auto& [e, k] : user.keys)
      if (e == etype) return Decoded<Bytes>::ok(k);
    return Decoded<Bytes>::fail("no " + etype_name(etype) + " key in the keytab");
  }
  std::string salt = user.realm;
  for (const auto& part : user.cname.name_string) salt += part;
  std::optional<Bytes> params;
  for (const auto& i : info)
    if (i.etype == etype) {
      if (i.salt) salt = *i.salt;
      params = i.s2kparams;
    }
  return string_to_key(etype, creds.password, salt, params);
}

// Whether a key of `etype` can be had: any etype of the offer from a password, the keytab's own.
bool has_key(const UserKeys& user, std::int32_t etype) {
  if (user.from_password) return std::find(std::begin(kOffer), std::end(kOffer), etype) != std::end(kOffer);
  return std::any_of(user.keys.begin(), user.keys.end(), [&](const auto& k) { return k.first == etype; });
}

// A TGS-REQ for `spn` offering `etypes`, authenticated with the TGT.
Decoded<Bytes> tgs_req(Scan& s, const Tgt& tgt, const std::string& spn, const std::vector<std::int32_t>& etypes) {
  PrincipalName sname = parse_principal(spn);
  if (sname.name_string.size() > 1) sname.name_type = KRB_NT_SRV_INST;
  const auto [now, usec] = kerberos_now();
  const Bytes c = confounder();
  TgsReq o;
  o.realm = s.realm;
  o.sname = sname;
  o.etype = etypes;
  o.nonce = (s.nonce_base + s.next_nonce++) & 0x7fffffffu;
  o.ticket = tgt.ticket;
  o.session_etype = tgt.session_etype;
  o.session_key = tgt.session_key;
  o.crealm = tgt.crealm;
  o.cname = tgt.cname;
  o.ctime = now;
  o.cusec = usec;
  o.confounder = c;
  return encode_tgs_req(o);
}

}  // namespace

ServiceTicket::~ServiceTicket() {
  wipe(session_key);
  wipe(ticket);
}

asio::awaitable<void> get_service_ticket(Scan& s, Transport t, const Tgt& tgt, const std::string& spn,
                                         ServiceTicket& out) {
  out.cname = tgt.cname;
  out.crealm = tgt.crealm;
  const std::vector<std::int32_t> aes{18, 17};
  auto req = tgs_req(s, tgt, spn, aes);
  if (!req) {
    out.outcome = Outcome::failure(Status::error, req.error);
    co_return;
  }
  auto r = co_await send(s, t, *req.value);
  out.outcome = r.outcome;
  if (!r.outcome.ok()) co_return;
  if (!r.rep) {
    out.outcome = Outcome::failure(Status::refused, "no ticket for " + spn + ": " + r.error);
    co_return;
  }
  auto k = session_key(r.raw, r.rep->enc_part.etype, tgt.session_key, 8);
  auto ticket = decode_kdc_rep_ticket(r.raw);
  if (!k || !ticket) {
    out.outcome = Outcome::failure(Status::protocol_error, "ticket for " + spn + ": " + (k ? ticket.error : k.error));
  } else {
    out.session_etype = k->keytype;
    out.session_key = std::move(k->value);
    out.ticket.assign(ticket->begin(), ticket->end());
  }
  wipe(r.raw);
}

Tgt::~Tgt() {
  wipe(session_key);
  wipe(ticket);
}

asio::awaitable<void> get_tgt(Scan& s, Transport t, const Credentials& creds, Tgt& out) {
  const UserKeys user = user_keys(creds, s.realm);
  out.cname = user.cname;
  out.crealm = user.realm;
  if (!user.from_password && user.keys.empty()) {
    out.outcome = user.x.outcome;
    co_return;
  }
  AsReqOptions o;
  o.realm = out.crealm;
  o.cname = out.cname;
  if (user.from_password) {
    o.etype.assign(std::begin(kOffer), std::end(kOffer));
  } else {
    for (const auto& [e, k] : user.keys) o.etype.push_back(e);
  }
  o.nonce = (s.nonce_base + 0x7000u) & 0x7fffffffu;
  o.pac_request = true;
  // First without pre-authentication: the KDC's PREAUTH_REQUIRED names the etype it wants the
  // timestamp in and that etype's salt (ETYPE-INFO2), as MIT's and Windows' clients do.
  auto first_req = encode_as_req(o);
  if (!first_req) {
    out.outcome = Outcome::failure(Status::error, first_req.error);
    co_return;
  }
  auto r = co_await send(s, t, *first_req.value);
  std::vector<EtypeInfo2Entry> info;
  if (r.outcome.ok() && r.krb_error && r.krb_error->error_code == KDC_ERR_PREAUTH_REQUIRED) {
    info = etype_info2(*r.krb_error);
    std::optional<std::int32_t> chosen;
    for (const auto& i : info)
      if (!chosen && has_key(user, i.etype)) chosen = i.etype;
    if (!chosen) {
      std::string kdc;
      for (const auto& i : info) kdc += (kdc.empty() ? "" : ", ") + etype_name(i.etype);
      out.outcome =
          Outcome::failure(Status::refused, "the KDC wants pre-authentication of " + user.x.user + " in " +
                                                (kdc.empty() ? "no etype" : kdc) + ", for which there is no key here");
      co_return;
    }
    auto key = long_term_key(user, creds, *chosen, info);
    const auto [now, usec] = kerberos_now();
    auto pa = key ? encode_pa_enc_timestamp(*chosen, *key, now, usec, confounder()) : Decoded<Bytes>::fail(key.error);
    if (key) wipe(*key);
    if (!pa) {
      out.outcome = Outcome::failure(Status::error, pa.error);
      co_return;
    }
    o.padata.push_back(PaData{PA_ENC_TIMESTAMP, std::move(*pa.value)});
    o.nonce = (o.nonce + 1) & 0x7fffffffu;
    auto req = encode_as_req(o);
    if (!req) {
      out.outcome = Outcome::failure(Status::error, req.error);
      co_return;
    }
    r = co_await send(s, t, *req.value);
  }
  if (r.outcome.ok() && !r.rep)
    r.outcome = Outcome::failure(
        Status::refused, "the KDC refused the TGT of " + creds.user + ": " + (r.error.empty() ? "no AS-REP" : r.error));
  if (r.outcome.ok()) {
    // The reply key is the etype of the AS-REP's enc-part; its salt may come with the AS-REP itself.
    const std::int32_t etype = r.rep->enc_part.etype;
    if (auto more = etype_info2(r.rep->padata); !more.empty()) info = std::move(more);
    auto key = long_term_key(user, creds, etype, info);
    auto k = key ? session_key(r.raw, etype, *key, 3) : Decoded<SessionKey>::fail(key.error);
    if (key) wipe(*key);
    auto ticket = decode_kdc_rep_ticket(r.raw);
    if (!k || !ticket) {
      r.outcome = Outcome::failure(Status::protocol_error, "TGT: " + (k ? ticket.error : k.error));
    } else if (!etype_supported(k->keytype)) {
      r.outcome = Outcome::failure(Status::error, "the TGT's session key is " + etype_name(k->keytype) +
                                                      "; only aes256, aes128 and rc4-hmac session keys are used here");
      wipe(k->value);
    } else {
      out.reply_etype = etype;
      out.session_etype = k->keytype;
      out.ticket_etype = r.rep->ticket_enc_part.etype;
      out.session_key = std::move(k->value);
      out.ticket.assign(ticket->begin(), ticket->end());
    }
  }
  wipe(r.raw);
  out.outcome = r.outcome;
}

std::string tgt_principal(const Tgt& tgt, const std::string& dc_realm) {
  std::string name;
  for (const auto& part : tgt.cname.name_string) name += (name.empty() ? "" : "/") + part;
  return upper(tgt.crealm) == upper(dc_realm) ? name : name + "@" + tgt.crealm;
}

std::optional<TgtEtypes> tgt_etypes_of(const Tgt& tgt, const std::string& principal, const std::string& dc_realm) {
  if (!tgt.outcome.ok() || tgt.session_etype == 0) return std::nullopt;
  const auto at = principal.rfind('@');
  const std::string realm = at == std::string::npos ? dc_realm : principal.substr(at + 1);
  const std::string name = principal.substr(0, at);
  const std::string own = tgt_principal(tgt, tgt.crealm);
  if (upper(realm) != upper(tgt.crealm) || upper(name) != upper(own)) return std::nullopt;
  return TgtEtypes{etype_name(tgt.ticket_etype), etype_name(tgt.session_etype)};
}

asio::awaitable<void> ask_tickets(Scan& s, Transport t, const Tgt& tgt, const std::string& spn, AccountResult& out) {
  const std::vector<std::int32_t> offers[] = {{18, 17, 23}, {23}, {18, 17}};
  std::optional<std::string>* tickets[] = {&out.tickets.default_offer, &out.tickets.rc4_only, &out.tickets.aes_only};
  std::optional<std::string>* keys[] = {&out.session_keys.default_offer, &out.session_keys.rc4_only,
                                        &out.session_keys.aes_only};
  for (std::size_t i = 0; i < 3; ++i) {
    auto req = tgs_req(s, tgt, spn, offers[i]);
    if (!req) {
      *tickets[i] = "not asked: " + req.error;
      continue;
    }
    auto r = co_await send(s, t, *req.value);
    *tickets[i] = ticket_text(r);
    if (r.rep) {
      // RFC 4120 5.4.2: the TGS-REP's enc-part is in the TGT's session key (no subkey is sent).
      auto k = session_key(r.raw, r.rep->enc_part.etype, tgt.session_key, 8);
      *keys[i] = k ? etype_name(k->keytype) : "unreadable: " + k.error;
      if (k) wipe(k->value);
      wipe(r.raw);
    }
  }
}

}  // namespace legacyscan::accounts
