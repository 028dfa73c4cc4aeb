// SPDX-License-Identifier: Apache-2.0
#include "src/proto/kerberos/kerberos_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstring>
#include <limits>

#include "src/proto/ber/ber.hpp"

namespace legacyscan::kerberos {

namespace {

std::uint32_t rotl(std::uint32_t x, int s) { return (x << s) | (x >> (32 - s)); }

}  // namespace

Bytes md4(ByteView data) {
  std::uint32_t a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
  Bytes msg(data.begin(), data.end());
  const std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
  msg.push_back(0x80);
  while (msg.size() % 64 != 56) msg.push_back(0);
  for (int i = 0; i < 8; ++i) msg.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
  for (std::size_t off = 0; off < msg.size(); off += 64) {
    std::uint32_t x[16];
    for (int i = 0; i < 16; ++i)
      x[i] = static_cast<std::uint32_t>(msg[off + 4 * i]) | static_cast<std::uint32_t>(msg[off + 4 * i + 1]) << 8 |
             static_cast<std::uint32_t>(msg[off + 4 * i + 2]) << 16 | static_cast<std::uint32_t>(msg[off + 4 * i + 3]) << 24;
    std::uint32_t a = a0, b = b0, c = c0, d = d0;
    auto f = [](std::uint32_t x1, std::uint32_t y, std::uint32_t z) { return (x1 & y) | (~x1 & z); };
    auto g = [](std::uint32_t x1, std::uint32_t y, std::uint32_t z) { return (x1 & y) | (x1 & z) | (y & z); };
    auto h = [](std::uint32_t x1, std::uint32_t y, std::uint32_t z) { return x1 ^ y ^ z; };
    // RFC 1320 3.4, rounds 1-3.
    static constexpr int r1[4] = {3, 7, 11, 19};
    for (int i = 0; i < 16; ++i) {
      const std::uint32_t t = rotl(a + f(b, c, d) + x[i], r1[i % 4]);
      a = d, d = c, c = b, b = t;
    }
    static constexpr int r2[4] = {3, 5, 9, 13};
    static constexpr int o2[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
    for (int i = 0; i < 16; ++i) {
      const std::uint32_t t = rotl(a + g(b, c, d) + x[o2[i]] + 0x5a827999u, r2[i % 4]);
      a = d, d = c, c = b, b = t;
    }
    static constexpr int r3[4] = {3, 9, 11, 15};
    static constexpr int o3[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    for (int i = 0; i < 16; ++i) {
      const std::uint32_t t = rotl(a + h(b, c, d) + x[o3[i]] + 0x6ed9eba1u, r3[i % 4]);
      a = d, d = c, c = b, b = t;
    }
    a0 += a, b0 += b, c0 += c, d0 += d;
  }
  Bytes out;
  for (std::uint32_t v : {a0, b0, c0, d0})
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return out;
}

Bytes rc4(ByteView key, ByteView data) {
  std::array<std::uint8_t, 256> s{};
  for (int i = 0; i < 256; ++i) s[i] = static_cast<std::uint8_t>(i);
  if (!key.empty()) {
    std::uint8_t j = 0;
    for (int i = 0; i < 256; ++i) {
      j = static_cast<std::uint8_t>(j + s[i] + key[i % key.size()]);
      std::swap(s[i], s[j]);
    }
  }
  Bytes out(data.size());
  std::uint8_t i = 0, j = 0;
  for (std::size_t n = 0; n < data.size(); ++n) {
    i = static_cast<std::uint8_t>(i + 1);
    j = static_cast<std::uint8_t>(j + s[i]);
    std::swap(s[i], s[j]);
    out[n] = data[n] ^ s[static_cast<std::uint8_t>(s[i] + s[j])];
  }
  return out;
}

Bytes hmac_md5(ByteView key, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (!HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len)) return {};
  out.resize(len);
  return out;
}

Bytes rc4_hmac_string_to_key(std::string_view password) { return md4(utf8_to_utf16le(password)); }

namespace {

Bytes usage_bytes(std::uint32_t usage) {
  // RFC 4757 3: the usage as 4 bytes little-endian, with Microsoft's mapping of a few numbers
  // (3, the AS-REP encrypted part, becomes 8; 9 becomes 8; 23 becomes 13).
  if (usage == 3 || usage == 9) usage = 8;
  else if (usage == 23) usage = 13;
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
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max()) return R::fail("EncryptionKey.keytype out of range");
  return R::ok(static_cast<std::int32_t>(v));
}

}  // namespace legacyscan::kerberos
