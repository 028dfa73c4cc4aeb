// SPDX-License-Identifier: Apache-2.0
// The directory's SASL GSSAPI bind (RFC 4752) with a service ticket from the user's TGT: the
// InitialContextToken, the acceptor's AP-REP (mutual authentication), then the security-layer
// exchange (RFC 4752 3.1: the server's wrapped offer, the client's wrapped choice). Confidentiality
// is chosen when offered, else integrity; Samba's default `ldap server require strong auth = yes`
// refuses a Kerberos bind without either, even over LDAPS, so the bind runs on the plain port and
// every later message travels in Wrap tokens (RFC 4121 4.2.6.2).
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <random>

#include "probes/kerberos/kerberos_logon.hpp"
#include "probes/ldap/ldap_connection.hpp"
#include "src/compat/accounts_ldap.hpp"
#include "src/compat/accounts_tickets.hpp"
#include "src/proto/kerberos/kerberos_aes.hpp"
#include "src/proto/kerberos/kerberos_gss.hpp"

namespace legacyscan::accounts {

namespace asio = boost::asio;
using namespace legacyscan::ldap;
namespace krb = legacyscan::kerberos;

namespace {

constexpr std::uint8_t kLayerNone = 1, kLayerIntegrity = 2, kLayerConfidentiality = 4;  // RFC 4752 3.3
constexpr std::uint32_t kMaxReceive = 0xffffff;  // the largest buffer the 3-byte field can name

Bytes random_bytes(std::size_t n) {
  std::random_device rd;
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rd());
  return b;
}

// The security context once established: the Wrap key and the initiator's next sequence number.
struct Context {
  krb::WrapKey key;
  std::uint64_t send_seq = 0;
  bool seal = false;
  ~Context() { std::fill(key.key.begin(), key.key.end(), 0); }
};

// One step of the bind: `creds` sent, the server's BindResponse read.
asio::awaitable<Outcome> step(LdapConnection& conn, std::int32_t& id, Bytes creds, BindResponse& out) {
  BindRequest b;
  b.sasl_mechanism = "GSSAPI";
  b.sasl_credentials = std::move(creds);
  const Bytes request = encode_bind_request(++id, b);
  auto o = co_await conn.send(request);
  for (;;) {
    if (!o.ok()) co_return o;
    LDAPMessage m;
    o = co_await conn.next(m);
    if (!o.ok()) co_return o;
    if (m.messageID != id) continue;
    if (!m.bindResponse) co_return Outcome::failure(Status::protocol_error, "no BindResponse to the SASL bind");
    out = std::move(*m.bindResponse);
    co_return Outcome::success();
  }
}

Outcome refused(const BindResponse& r, const std::string& stage) {
  return Outcome::failure(Status::refused,
                          "SASL GSSAPI bind refused at " + stage + ": " + result_code_name(r.result.resultCode) +
                              (r.result.diagnosticMessage.empty() ? "" : " " + r.result.diagnosticMessage));
}

}  // namespace

asio::awaitable<Outcome> sasl_gssapi_bind(LdapConnection& conn, std::int32_t& id, const ServiceTicket& st) {
  if (!st.outcome.ok()) co_return st.outcome;
  if (st.session_etype != krb::kEtypeAes128 && st.session_etype != krb::kEtypeAes256)
    co_return Outcome::failure(
        Status::error, "the LDAP service ticket's session key is " + std::to_string(st.session_etype) + ", not AES");
  auto ctx = std::make_shared<Context>();
  std::random_device rd;
  const std::uint32_t first_seq = rd() & 0x3fffffffu;
  const auto [now, usec] = krb::kerberos_now();
  const Bytes confounder = random_bytes(krb::kAesConfounder);
  const krb::GssApReqOptions o{.ticket = st.ticket,
                               .etype = st.session_etype,
                               .key = st.session_key,
                               .crealm = st.crealm,
                               .cname = st.cname,
                               .ctime = now,
                               .cusec = usec,
                               .seq_number = first_seq,
                               .flags = krb::kGssMutual | krb::kGssInteg | krb::kGssConf,
                               .confounder = confounder};
  auto token = krb::encode_gss_ap_req(o);
  if (!token) co_return Outcome::failure(Status::error, token.error);
  BindResponse r;
  auto out = co_await step(conn, id, std::move(*token.value), r);
  if (!out.ok()) co_return out;
  if (r.result.resultCode != LDAP_SASL_BIND_IN_PROGRESS || !r.serverSaslCreds) co_return refused(r, "the AP-REQ");
  auto rep = krb::decode_gss_ap_rep(*r.serverSaslCreds, st.session_etype, st.session_key);
  if (!rep) co_return Outcome::failure(Status::protocol_error, "the server's AP-REP: " + rep.error);
  if (rep->subkey) {
    ctx->key = krb::WrapKey{rep->subkey->keytype, std::move(rep->subkey->value), true};
  } else {
    ctx->key = krb::WrapKey{st.session_etype, st.session_key, false};
  }
  ctx->send_seq = first_seq;

  // RFC 4752 3.1: an empty response; the server answers its wrapped offer of layers and buffer size.
  out = co_await step(conn, id, Bytes{}, r);
  if (!out.ok()) co_return out;
  if (r.result.resultCode != LDAP_SASL_BIND_IN_PROGRESS || !r.serverSaslCreds)
    co_return refused(r, "the security layer offer");
  auto offer = krb::decode_wrap_token(ctx->key, *r.serverSaslCreds);
  if (!offer) co_return Outcome::failure(Status::protocol_error, "the server's security layer offer: " + offer.error);
  if (offer->data.size() != 4)
    co_return Outcome::failure(Status::protocol_error, "the server's security layer offer is not 4 bytes");
  const std::uint8_t layers = offer->data[0];
  const std::uint8_t chosen = (layers & kLayerConfidentiality) ? kLayerConfidentiality
                              : (layers & kLayerIntegrity)     ? kLayerIntegrity
                                                               : kLayerNone;
  if (!(layers & chosen)) co_return Outcome::failure(Status::refused, "the server offers no security layer");
  // The choice and our receive buffer size, without an authorization identity.
  const Bytes choice{chosen, static_cast<std::uint8_t>(kMaxReceive >> 16), static_cast<std::uint8_t>(kMaxReceive >> 8),
                     static_cast<std::uint8_t>(kMaxReceive)};
  Bytes reply = krb::encode_wrap_token(ctx->key, false, ctx->send_seq++, choice, random_bytes(krb::kAesConfounder));
  if (reply.empty()) co_return Outcome::failure(Status::error, "the security layer choice could not be wrapped");
  out = co_await step(conn, id, std::move(reply), r);
  if (!out.ok()) co_return out;
  if (r.result.resultCode != LDAP_SUCCESS) co_return refused(r, "the security layer choice");
  if (chosen == kLayerNone) co_return Outcome::success();
  ctx->seal = chosen == kLayerConfidentiality;
  conn.set_sasl_layer(
      [ctx](ByteView message) {
        Bytes t =
            krb::encode_wrap_token(ctx->key, ctx->seal, ctx->send_seq++, message, random_bytes(krb::kAesConfounder));
        return t.empty() ? Decoded<Bytes>::fail("cannot wrap") : Decoded<Bytes>::ok(std::move(t));
      },
      [ctx](ByteView buffer) {
        auto u = krb::decode_wrap_token(ctx->key, buffer);
        if (!u) return Decoded<Bytes>::fail(u.error);
        if (ctx->seal && !u->sealed) return Decoded<Bytes>::fail("a message without confidentiality");
        return Decoded<Bytes>::ok(std::move(u->data));
      });
  co_return Outcome::success();
}

}  // namespace legacyscan::accounts
