// SPDX-License-Identifier: Apache-2.0
#include "src/proto/kerberos/kerberos_crypto.hpp"

#include <cstring>
#include <limits>

#include "src/proto/ber/ber.hpp"
#include "src/proto/crypto/crypto_primitives.hpp"

namespace legacyscan::kerberos {

using crypto::hmac_md5;
using crypto::md4;
using crypto::rc4;

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
  using R = Decoded<std::int32_t>;
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
  return R::ok(static_cast<std::int32_t>(v));
}

}  // namespace legacyscan::kerberos
