// SPDX-License-Identifier: Apache-2.0
// The TGS-REQ of the account audit (kerberos_crypto.hpp: encode_tgs_req).
#include "src/proto/crypto/crypto_primitives.hpp"
#include "src/proto/kerberos/kerberos_aes.hpp"
#include "src/proto/kerberos/kerberos_crypto.hpp"
#include "src/proto/kerberos/kerberos_der.hpp"

namespace legacyscan::kerberos {

namespace {

constexpr std::int32_t kEtypeRc4 = 23;

// RFC 4757 4: the keyed checksum HMAC-MD5 (-138): Ksign = HMAC(K, "signaturekey\0"),
// HMAC(Ksign, MD5(usage LE32 | data)).
Bytes hmac_md5_checksum(ByteView key, std::uint32_t usage, ByteView data) {
  static const char kSign[] = "signaturekey";
  const Bytes ksign = crypto::hmac_md5(key, ByteView(reinterpret_cast<const std::uint8_t*>(kSign), sizeof kSign));
  Writer w;
  w.u32le(usage);
  Bytes input = w.take();
  input.insert(input.end(), data.begin(), data.end());
  return crypto::hmac_md5(ksign, crypto::md5(input));
}

// The keyed checksum that goes with a session key of `etype` (RFC 3961 7, RFC 3962 7, RFC 4757 4):
// its cksumtype and value.
std::pair<std::int32_t, Bytes> keyed_checksum(std::int32_t etype, ByteView key, std::uint32_t usage, ByteView data) {
  if (etype == kEtypeRc4) return {-138, hmac_md5_checksum(key, usage, data)};
  return {etype == kEtypeAes128 ? 15 : 16, aes_checksum(key, usage, data)};
}

}  // namespace

Decoded<Bytes> encode_tgs_req(const TgsReq& o) {
  using R = Decoded<Bytes>;
  const std::size_t key_len = o.session_etype == kEtypeRc4 ? 16 : aes_key_length(o.session_etype);
  if (key_len == 0) return R::fail("TGS-REQ: no crypto for a session key of etype " + std::to_string(o.session_etype));
  if (o.session_key.size() != key_len)
    return R::fail("TGS-REQ: the session key is not " + std::to_string(key_len) + " bytes");
  if (o.confounder.size() != 16 && !(o.session_etype == kEtypeRc4 && o.confounder.size() == 8))
    return R::fail("TGS-REQ: confounder is not 16 bytes");
  if (o.etype.empty() || o.sname.name_string.empty()) return R::fail("TGS-REQ: no etype or no sname");
  ber::Writer body;  // KDC-REQ-BODY, checksummed as sent
  body.sequence([&](ber::Writer& b) {
    der::put_flags(b, 0, KDC_OPT_FORWARDABLE | KDC_OPT_RENEWABLE | KDC_OPT_CANONICALIZE);
    der::put_string(b, 2, o.realm);
    der::put_principal(b, 3, o.sname);
    b.context(5, [&](ber::Writer& t) { t.string("20370913024805Z", der::kGeneralizedTime); });
    der::put_int(b, 7, o.nonce);
    b.context(8, [&](ber::Writer& c) {
      c.sequence([&](ber::Writer& list) {
        for (auto e : o.etype) list.integer(e);
      });
    });
  });
  if (!body.ok()) return R::fail("KDC-REQ-BODY: " + body.error());
  const Bytes body_der = body.take();
  const auto [cksumtype, cksum] = keyed_checksum(o.session_etype, o.session_key, 6, body_der);
  if (cksum.empty()) return R::fail("TGS-REQ: checksum failed");
  std::string error;
  const Bytes auth = der::authenticator(o.crealm, o.cname, cksumtype, cksum, o.cusec, o.ctime, std::nullopt, error);
  if (!error.empty()) return R::fail(error);
  const Bytes sealed = encrypt(o.session_etype, o.session_key, 7, o.confounder, auth);
  if (sealed.empty()) return R::fail("Authenticator: encryption failed");
  ber::Writer ap;
  der::put_ap_req(ap, 0, o.ticket, o.session_etype, sealed);
  if (!ap.ok()) return R::fail("AP-REQ: " + ap.error());
  ber::Writer w;
  w.application(12, [&](ber::Writer& app) {
    app.sequence([&](ber::Writer& req) {
      der::put_int(req, 1, 5);
      der::put_int(req, 2, KRB_TGS_REQ);
      req.context(3, [&](ber::Writer& c) {
        c.sequence([&](ber::Writer& list) { der::put_padata(list, PaData{1, ap.take()}); });  // PA-TGS-REQ
      });
      req.context(4, [&](ber::Writer& c) { c.raw(body_der); });
    });
  });
  if (!w.ok()) return R::fail("TGS-REQ: " + w.error());
  return R::ok(w.take());
}

}  // namespace legacyscan::kerberos
