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

constexpr std::int32_t kRc4 = 23;

void wipe(Bytes& b) { std::fill(b.begin(), b.end(), 0); }

Bytes confounder() {
  std::random_device rd;
  Bytes c(8);
  for (auto& b : c) b = static_cast<std::uint8_t>(rd());
  return c;
}

// One request and its reply, decoded: the KRB-ERROR's name in `error`, or the KDC-REP.
struct Reply {
  Outcome outcome;
  Bytes raw;
  std::optional<KdcRep> rep;
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
  } else {
    r.rep = std::get<KdcRep>(*reply);
  }
  if (r.rep) r.raw = std::move(raw.message);
  co_return r;
}

// The session key of a KDC-REP's enc-part, decrypted with `key` (usage 3 for an AS-REP, 8 for a TGS-REP).
Decoded<SessionKey> session_key(ByteView raw, ByteView key, std::uint32_t usage) {
  auto cipher = decode_as_rep_cipher(raw);
  if (!cipher) return Decoded<SessionKey>::fail(cipher.error);
  auto plain = rc4_hmac_decrypt(key, usage, *cipher);
  if (!plain) return Decoded<SessionKey>::fail("the enc-part does not decrypt with the rc4-hmac key");
  auto k = decode_enc_kdc_rep_part_key(*plain);
  wipe(*plain);
  return k;
}

std::string ticket_text(const Reply& r) {
  if (!r.outcome.ok()) return "no answer: " + r.outcome.reason;
  if (!r.error.empty()) return r.error;
  return etype_name(r.rep->ticket_enc_part.etype);
}

}  // namespace

Tgt::~Tgt() {
  wipe(session_key);
  wipe(ticket);
}

asio::awaitable<void> get_tgt(Scan& s, Transport t, const Credentials& creds, Tgt& out) {
  // The Kerberos probe's own key of --user: the password's, or the keytab's rc4-hmac entry.
  auto user = rc4_user_key(creds, s.realm);
  out.cname = user.cname;
  out.crealm = user.realm;
  Bytes key = std::move(user.key);
  if (key.empty()) {
    out.outcome = user.x.outcome;
    co_return;
  }
  const auto [now, usec] = kerberos_now();
  const Bytes c = confounder();
  auto pa = encode_pa_enc_timestamp_rc4(key, now, usec, c);
  AsReqOptions o;
  o.realm = out.crealm;
  o.cname = out.cname;
  o.etype = {kRc4};
  o.nonce = (s.nonce_base + 0x7000u) & 0x7fffffffu;
  o.pac_request = true;
  if (pa) o.padata.push_back(PaData{PA_ENC_TIMESTAMP, std::move(*pa.value)});
  auto req = encode_as_req(o);
  if (!req || !pa) {
    wipe(key);
    out.outcome = Outcome::failure(Status::error, req ? pa.error : req.error);
    co_return;
  }
  auto r = co_await send(s, t, *req.value);
  if (r.outcome.ok() && !r.error.empty())
    r.outcome = Outcome::failure(Status::refused, "the KDC refused the TGT of " + creds.user + ": " + r.error);
  if (r.outcome.ok()) {
    auto k = session_key(r.raw, key, 3);
    auto ticket = decode_kdc_rep_ticket(r.raw);
    if (!k || !ticket) {
      r.outcome = Outcome::failure(Status::protocol_error, "TGT: " + (k ? ticket.error : k.error));
    } else if (k->keytype != kRc4) {
      r.outcome = Outcome::failure(Status::error, "the TGT's session key is " + etype_name(k->keytype) +
                                                      "; only rc4-hmac session keys are used here");
      wipe(k->value);
    } else {
      out.session_key = std::move(k->value);
      out.ticket.assign(ticket->begin(), ticket->end());
    }
  }
  wipe(key);
  wipe(r.raw);
  out.outcome = r.outcome;
}

asio::awaitable<void> ask_tickets(Scan& s, Transport t, const Tgt& tgt, const std::string& spn, AccountResult& out) {
  const std::vector<std::int32_t> offers[] = {{18, 17, kRc4}, {kRc4}, {18, 17}};
  std::optional<std::string>* tickets[] = {&out.tickets.default_offer, &out.tickets.rc4_only, &out.tickets.aes_only};
  std::optional<std::string>* keys[] = {&out.session_keys.default_offer, &out.session_keys.rc4_only,
                                        &out.session_keys.aes_only};
  PrincipalName sname = parse_principal(spn);
  if (sname.name_string.size() > 1) sname.name_type = KRB_NT_SRV_INST;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto [now, usec] = kerberos_now();
    const Bytes c = confounder();
    TgsReqRc4 o;
    o.realm = s.realm;
    o.sname = sname;
    o.etype = offers[i];
    o.nonce = (s.nonce_base + s.next_nonce++) & 0x7fffffffu;
    o.ticket = tgt.ticket;
    o.session_key = tgt.session_key;
    o.crealm = tgt.crealm;
    o.cname = tgt.cname;
    o.ctime = now;
    o.cusec = usec;
    o.confounder8 = c;
    auto req = encode_tgs_req_rc4(o);
    if (!req) {
      *tickets[i] = "not asked: " + req.error;
      continue;
    }
    auto r = co_await send(s, t, *req.value);
    *tickets[i] = ticket_text(r);
    if (r.rep) {
      auto k = session_key(r.raw, tgt.session_key, 8);
      *keys[i] = k ? etype_name(k->keytype) : "unreadable: " + k.error;
      if (k) wipe(k->value);
      wipe(r.raw);
    }
  }
}

}  // namespace legacyscan::accounts
