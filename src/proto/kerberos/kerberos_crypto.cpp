// SPDX-License-Identifier: Apache-2.0
#include "src/proto/kerberos/kerberos_crypto.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "src/proto/ber/ber.hpp"
#include "src/proto/crypto/crypto_primitives.hpp"
#include "src/proto/kerberos/kerberos_der.hpp"

namespace legacyscan::kerberos {

using crypto::hmac_md5;
using crypto::md4;
using crypto::rc4;

constexpr std::size_t kMaxSessionKey = 64;

Bytes rc4_hmac_string_to_key(std::string_view password) { return md4(utf8_to_utf16le(password)); }

namespace {

Bytes usage_bytes(std::uint32_t usage) {
  // RFC 4757 3: the usage as 4 bytes little-endian, with Microsoft's mapping of a few numbers
  // (3, the AS-REP encrypted part, becomes 8; 9 becomes 8; 23 becomes 13).
  if (usage == 3 || usage == 9)
    usage = 8;
  else if (usage == 23)
    usage = 13;
  Writer w;
  w.u32le(usage);
  return w.take();
}

}  // namespace

Bytes rc4_hmac_encrypt(ByteView key, std::uint32_t usage, ByteView confounder8, ByteView plaintext) {
  const Bytes k1 = hmac_md5(key, usage_bytes(usage));
  Bytes data(confounder8.begin(), confounder8.end());
  data.insert(data.end(), plaintext.begin(), plaintext.end());
  const Bytes checksum = hmac_md5(k1, data);
  const Bytes k3 = hmac_md5(k1, checksum);
  Bytes out = checksum;
  const Bytes enc = rc4(k3, data);
  out.insert(out.end(), enc.begin(), enc.end());
  return out;
}

std::optional<Bytes> rc4_hmac_decrypt(ByteView key, std::uint32_t usage, ByteView ciphertext) {
  if (ciphertext.size() < 16 + 8) return std::nullopt;
  const Bytes k1 = hmac_md5(key, usage_bytes(usage));
  const ByteView checksum = ciphertext.first(16);
  const Bytes k3 = hmac_md5(k1, checksum);
  Bytes data = rc4(k3, ciphertext.subspan(16));
  const Bytes want = hmac_md5(k1, data);
  if (want.size() != 16 || std::memcmp(want.data(), checksum.data(), 16) != 0) return std::nullopt;
  return Bytes(data.begin() + 8, data.end());
}

Decoded<Bytes> encode_pa_enc_timestamp_rc4(ByteView key, std::string_view kerberos_time, std::uint32_t usec,
                                           ByteView confounder8) {
  ber::Writer ts;
  ts.sequence([&](ber::Writer& s) {
    s.context(0, [&](ber::Writer& c) { c.string(kerberos_time, ber::universal_tag(ber::universal::GeneralizedTime)); });
    s.context(1, [&](ber::Writer& c) { c.integer(usec); });
  });
  if (!ts.ok()) return Decoded<Bytes>::fail("PA-ENC-TS-ENC: " + ts.error());
  const Bytes cipher = rc4_hmac_encrypt(key, 1, confounder8, ts.view());
  ber::Writer ed;
  ed.sequence([&](ber::Writer& s) {
    s.context(0, [&](ber::Writer& c) { c.integer(23); });
    s.context(2, [&](ber::Writer& c) { c.octet_string(cipher); });
  });
  if (!ed.ok()) return Decoded<Bytes>::fail("EncryptedData: " + ed.error());
  return Decoded<Bytes>::ok(ed.take());
}

Decoded<std::int32_t> decode_enc_kdc_rep_part_keytype(ByteView plaintext) {
  auto k = decode_enc_kdc_rep_part_key(plaintext);
  if (!k) return Decoded<std::int32_t>::fail(k.error);
  std::fill(k->value.begin(), k->value.end(), 0);
  return Decoded<std::int32_t>::ok(k->keytype);
}

Decoded<SessionKey> decode_enc_kdc_rep_part_key(ByteView plaintext) {
  using R = Decoded<SessionKey>;
  ber::Reader top(plaintext), app, seq, key_ctx, key, kt_ctx;
  ber::Tlv t;
  if (!top.peek(t)) return R::fail("EncASRepPart: not BER");
  if (t.tag.cls != ber::Class::Application || (t.tag.number != 25 && t.tag.number != 26))
    return R::fail("EncASRepPart: expected [APPLICATION 25] or [APPLICATION 26], found " + ber::describe(t.tag));
  if (!top.enter(ber::application_tag(t.tag.number), app)) return R::fail("EncASRepPart: " + top.error());
  // RFC 4757 3: rc4-hmac plaintext may carry no padding, but other etypes pad; ignore what follows.
  if (!app.enter_sequence(seq)) return R::fail("EncASRepPart: " + app.error());
  if (!seq.enter_context(0, key_ctx)) return R::fail("EncASRepPart.key: " + seq.error());
  if (!key_ctx.enter_sequence(key)) return R::fail("EncASRepPart.key: " + key_ctx.error());
  if (!key.enter_context(0, kt_ctx)) return R::fail("EncryptionKey.keytype: " + key.error());
  std::int64_t v = 0;
  if (!kt_ctx.read_integer(v)) return R::fail("EncryptionKey.keytype: " + kt_ctx.error());
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    return R::fail("EncryptionKey.keytype out of range");
  ber::Reader kv_ctx;
  ByteView value;
  if (!key.enter_context(1, kv_ctx) || !kv_ctx.read_octet_string(value))
    return R::fail("EncryptionKey.keyvalue: " + (key.error().empty() ? kv_ctx.error() : key.error()));
  if (value.size() > kMaxSessionKey) return R::fail("EncryptionKey.keyvalue longer than 64 bytes");
  return R::ok(SessionKey{static_cast<std::int32_t>(v), Bytes(value.begin(), value.end())});
}

namespace {

// RFC 4757 4: the keyed checksum HMAC-MD5 (-138): Ksign = HMAC(K, "signaturekey\0"),
// HMAC(Ksign, MD5(usage LE32 | data)).
Bytes hmac_md5_checksum(ByteView key, std::uint32_t usage, ByteView data) {
  static const char kSign[] = "signaturekey";
  const Bytes ksign = hmac_md5(key, ByteView(reinterpret_cast<const std::uint8_t*>(kSign), sizeof kSign));
  Writer w;
  w.u32le(usage);
  Bytes input = w.take();
  input.insert(input.end(), data.begin(), data.end());
  return hmac_md5(ksign, crypto::md5(input));
}

}  // namespace

Decoded<Bytes> encode_tgs_req_rc4(const TgsReqRc4& o) {
  using R = Decoded<Bytes>;
  if (o.session_key.size() != 16) return R::fail("TGS-REQ: the rc4-hmac session key is not 16 bytes");
  if (o.confounder8.size() != 8) return R::fail("TGS-REQ: confounder is not 8 bytes");
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
  ber::Writer auth;  // Authenticator ::= [APPLICATION 2] SEQUENCE
  auth.application(2, [&](ber::Writer& app) {
    app.sequence([&](ber::Writer& a) {
      der::put_int(a, 0, 5);
      der::put_string(a, 1, o.crealm);
      der::put_principal(a, 2, o.cname);
      a.context(3, [&](ber::Writer& c) {
        c.sequence([&](ber::Writer& ck) {
          der::put_int(ck, 0, -138);
          ck.context(1, [&](ber::Writer& v) { v.octet_string(hmac_md5_checksum(o.session_key, 6, body_der)); });
        });
      });
      der::put_int(a, 4, o.cusec);
      a.context(5, [&](ber::Writer& t) { t.string(o.ctime, der::kGeneralizedTime); });
    });
  });
  if (!auth.ok()) return R::fail("Authenticator: " + auth.error());
  const Bytes sealed = rc4_hmac_encrypt(o.session_key, 7, o.confounder8, auth.view());
  ber::Writer ap;  // AP-REQ ::= [APPLICATION 14] SEQUENCE
  ap.application(14, [&](ber::Writer& app) {
    app.sequence([&](ber::Writer& a) {
      der::put_int(a, 0, 5);
      der::put_int(a, 1, 14);
      der::put_flags(a, 2, 0);
      a.context(3, [&](ber::Writer& t) { t.raw(o.ticket); });
      a.context(4, [&](ber::Writer& e) {
        e.sequence([&](ber::Writer& ed) {
          der::put_int(ed, 0, 23);
          ed.context(2, [&](ber::Writer& c) { c.octet_string(sealed); });
        });
      });
    });
  });
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
