// SPDX-License-Identifier: Apache-2.0
#include "src/proto/kerberos/kerberos_crypto.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "src/proto/ber/ber.hpp"
#include "src/proto/crypto/crypto_primitives.hpp"
#include "src/proto/kerberos/kerberos_aes.hpp"
#include "src/proto/kerberos/kerberos_der.hpp"

namespace legacyscan::kerberos {

using crypto::hmac_md5;
using crypto::md4;
using crypto::rc4;

constexpr std::size_t kMaxSessionKey = 64;
constexpr std::int32_t kEtypeRc4 = 23;

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

bool etype_supported(std::int32_t etype) {
  return etype == kEtypeRc4 || etype == kEtypeAes128 || etype == kEtypeAes256;
}

Bytes encrypt(std::int32_t etype, ByteView key, std::uint32_t usage, ByteView confounder16, ByteView plaintext) {
  if (etype == kEtypeRc4) {
    if (key.size() != 16 || confounder16.size() < 8) return {};
    return rc4_hmac_encrypt(key, usage, confounder16.first(8), plaintext);
  }
  if (aes_key_length(etype) == 0 || key.size() != aes_key_length(etype)) return {};
  return aes_encrypt(key, usage, confounder16, plaintext);
}

std::optional<Bytes> decrypt(std::int32_t etype, ByteView key, std::uint32_t usage, ByteView ciphertext) {
  if (etype == kEtypeRc4) return key.size() == 16 ? rc4_hmac_decrypt(key, usage, ciphertext) : std::nullopt;
  if (aes_key_length(etype) == 0 || key.size() != aes_key_length(etype)) return std::nullopt;
  return aes_decrypt(key, usage, ciphertext);
}

Decoded<Bytes> string_to_key(std::int32_t etype, std::string_view password, std::string_view salt,
                             const std::optional<Bytes>& s2kparams) {
  using R = Decoded<Bytes>;
  if (etype == kEtypeRc4) return R::ok(rc4_hmac_string_to_key(password));
  if (aes_key_length(etype) == 0) return R::fail("no string-to-key for " + std::to_string(etype));
  auto n = aes_iterations(s2kparams);
  if (!n) return R::fail(n.error);
  Bytes key =
      aes_string_to_key(etype, password, ByteView(reinterpret_cast<const std::uint8_t*>(salt.data()), salt.size()), *n);
  if (key.empty()) return R::fail("PBKDF2 failed");
  return R::ok(std::move(key));
}

Decoded<Bytes> encode_pa_enc_timestamp(std::int32_t etype, ByteView key, std::string_view kerberos_time,
                                       std::uint32_t usec, ByteView confounder16) {
  ber::Writer ts;
  ts.sequence([&](ber::Writer& s) {
    s.context(0, [&](ber::Writer& c) { c.string(kerberos_time, ber::universal_tag(ber::universal::GeneralizedTime)); });
    s.context(1, [&](ber::Writer& c) { c.integer(usec); });
  });
  if (!ts.ok()) return Decoded<Bytes>::fail("PA-ENC-TS-ENC: " + ts.error());
  const Bytes cipher = encrypt(etype, key, 1, confounder16, ts.view());
  if (cipher.empty()) return Decoded<Bytes>::fail("PA-ENC-TS-ENC: cannot encrypt with etype " + std::to_string(etype));
  ber::Writer ed;
  ed.sequence([&](ber::Writer& s) {
    s.context(0, [&](ber::Writer& c) { c.integer(etype); });
    s.context(2, [&](ber::Writer& c) { c.octet_string(cipher); });
  });
  if (!ed.ok()) return Decoded<Bytes>::fail("EncryptedData: " + ed.error());
  return Decoded<Bytes>::ok(ed.take());
}

Decoded<Bytes> encode_pa_enc_timestamp_rc4(ByteView key, std::string_view kerberos_time, std::uint32_t usec,
                                           ByteView confounder8) {
  return encode_pa_enc_timestamp(kEtypeRc4, key, kerberos_time, usec, confounder8);
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

}  // namespace legacyscan::kerberos
