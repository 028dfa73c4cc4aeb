// SPDX-License-Identifier: Apache-2.0
#include "src/proto/kerberos/kerberos_aes.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <memory>
#include <numeric>

namespace legacyscan::kerberos {

namespace {

constexpr std::size_t kBlock = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

// One AES-ECB pass over whole blocks (the building block of CBC-CTS and DK); empty on failure.
Bytes aes_ecb(ByteView key, ByteView blocks, bool encrypt) {
  const EVP_CIPHER* cipher = key.size() == 16 ? EVP_aes_128_ecb() : key.size() == 32 ? EVP_aes_256_ecb() : nullptr;
  if (!cipher || blocks.empty() || blocks.size() % kBlock != 0) return {};
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(), nullptr, encrypt ? 1 : 0) != 1) return {};
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  Bytes out(blocks.size() + kBlock);
  int len = 0, tail = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len, blocks.data(), static_cast<int>(blocks.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + len, &tail) != 1)
    return {};
  out.resize(static_cast<std::size_t>(len + tail));
  return out;
}

Bytes block_op(ByteView key, const std::uint8_t* in, bool encrypt) {
  return aes_ecb(key, ByteView(in, kBlock), encrypt);
}

void xor_into(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dst[i] ^= src[i];
}

Bytes hmac_sha1(ByteView key, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (!HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len))
    return {};
  out.resize(len);
  return out;
}

// RFC 3961 5.3: the usage number big-endian and one byte saying which key (0x99 Kc, 0xAA Ke, 0x55 Ki).
Bytes usage_key(ByteView key, std::uint32_t usage, std::uint8_t which) {
  const std::uint8_t c[5] = {static_cast<std::uint8_t>(usage >> 24), static_cast<std::uint8_t>(usage >> 16),
                             static_cast<std::uint8_t>(usage >> 8), static_cast<std::uint8_t>(usage), which};
  return aes_derive_key(key, ByteView(c, 5));
}

void wipe(Bytes& b) { OPENSSL_cleanse(b.data(), b.size()); }

}  // namespace

std::size_t aes_key_length(std::int32_t etype) { return etype == kEtypeAes128 ? 16 : etype == kEtypeAes256 ? 32 : 0; }

Bytes nfold(ByteView in, std::size_t out_bytes) {
  // The input repeated lcm/len times, copy k rotated right by 13*k bits, cut into out_bytes pieces
  // added together in one's-complement arithmetic (end-around carry).
  Bytes out(out_bytes, 0);
  if (in.empty() || out_bytes == 0) return out;
  const std::size_t lcm = std::lcm(in.size(), out_bytes);
  const std::size_t in_bits = in.size() * 8;
  auto bit = [&](std::size_t i) { return (in[i / 8] >> (7 - i % 8)) & 1; };
  Bytes big(lcm, 0);
  for (std::size_t k = 0; k < lcm / in.size(); ++k) {
    const std::size_t rot = (13 * k) % in_bits;
    for (std::size_t j = 0; j < in_bits; ++j) {
      const std::size_t src = (j + in_bits - rot) % in_bits;
      if (bit(src)) big[k * in.size() + j / 8] |= static_cast<std::uint8_t>(0x80 >> (j % 8));
    }
  }
  for (std::size_t chunk = 0; chunk < lcm; chunk += out_bytes) {
    unsigned carry = 0;
    for (std::size_t i = out_bytes; i-- > 0;) {
      carry += out[i] + big[chunk + i];
      out[i] = static_cast<std::uint8_t>(carry);
      carry >>= 8;
    }
    for (std::size_t i = out_bytes; carry && i-- > 0;) {
      carry += out[i];
      out[i] = static_cast<std::uint8_t>(carry);
      carry >>= 8;
    }
  }
  return out;
}

Bytes aes_cts_encrypt(ByteView key, ByteView plain) {
  if ((key.size() != 16 && key.size() != 32) || plain.size() < kBlock) return {};
  const std::size_t n = (plain.size() + kBlock - 1) / kBlock;
  // Built from the input and then zero-padded (GCC 12 at -O2 misreads a copy into a presized buffer as
  // an overflow: -Wstringop-overflow).
  Bytes padded(plain.begin(), plain.end());
  padded.resize(n * kBlock, 0);
  Bytes cbc(n * kBlock);
  std::uint8_t prev[kBlock] = {};
  for (std::size_t b = 0; b < n; ++b) {
    xor_into(padded.data() + b * kBlock, prev, kBlock);
    const Bytes c = block_op(key, padded.data() + b * kBlock, true);
    if (c.size() != kBlock) return {};
    std::copy(c.begin(), c.end(), cbc.begin() + static_cast<std::ptrdiff_t>(b * kBlock));
    std::copy(c.begin(), c.end(), prev);
  }
  wipe(padded);
  if (n == 1) return cbc;
  // The last full block goes before the (cut) second-to-last one.
  const std::size_t m = plain.size() - (n - 1) * kBlock;
  Bytes out(cbc.begin(), cbc.begin() + static_cast<std::ptrdiff_t>((n - 2) * kBlock));
  out.insert(out.end(), cbc.begin() + static_cast<std::ptrdiff_t>((n - 1) * kBlock), cbc.end());
  out.insert(out.end(), cbc.begin() + static_cast<std::ptrdiff_t>((n - 2) * kBlock),
             cbc.begin() + static_cast<std::ptrdiff_t>((n - 2) * kBlock + m));
  return out;
}

std::optional<Bytes> aes_cts_decrypt(ByteView key, ByteView cipher) {
  if ((key.size() != 16 && key.size() != 32) || cipher.size() < kBlock) return std::nullopt;
  const std::size_t n = (cipher.size() + kBlock - 1) / kBlock;
  if (n == 1) {
    Bytes p = block_op(key, cipher.data(), false);
    if (p.size() != kBlock) return std::nullopt;
    return p;
  }
  Bytes out(cipher.size());
  std::uint8_t prev[kBlock] = {};
  for (std::size_t b = 0; b + 2 < n; ++b) {
    Bytes p = block_op(key, cipher.data() + b * kBlock, false);
    if (p.size() != kBlock) return std::nullopt;
    xor_into(p.data(), prev, kBlock);
    std::copy(p.begin(), p.end(), out.begin() + static_cast<std::ptrdiff_t>(b * kBlock));
    std::copy(cipher.data() + b * kBlock, cipher.data() + (b + 1) * kBlock, prev);
  }
  // X (a full block) is the CBC encryption of the padded last block; Y (m bytes) the start of the
  // second-to-last cipher block, whose rest is what decrypting X leaves after the zero padding.
  const std::size_t m = cipher.size() - (n - 1) * kBlock;
  const std::uint8_t* x = cipher.data() + (n - 2) * kBlock;
  const std::uint8_t* y = x + kBlock;
  Bytes d = block_op(key, x, false);
  if (d.size() != kBlock) return std::nullopt;
  std::uint8_t c_prev[kBlock];
  std::copy(y, y + m, c_prev);
  std::copy(d.begin() + static_cast<std::ptrdiff_t>(m), d.end(), c_prev + m);
  for (std::size_t i = 0; i < m; ++i) out[(n - 1) * kBlock + i] = static_cast<std::uint8_t>(d[i] ^ y[i]);
  Bytes p = block_op(key, c_prev, false);
  if (p.size() != kBlock) return std::nullopt;
  xor_into(p.data(), prev, kBlock);
  std::copy(p.begin(), p.end(), out.begin() + static_cast<std::ptrdiff_t>((n - 2) * kBlock));
  wipe(d);
  wipe(p);
  return out;
}

Bytes aes_derive_key(ByteView base, ByteView constant) {
  if (base.size() != 16 && base.size() != 32) return {};
  // DR: E(base, n-fold(constant)), then E of the previous output, until there are enough bytes.
  Bytes block = nfold(constant, kBlock), out;
  while (out.size() < base.size()) {
    block = aes_ecb(base, block, true);
    if (block.size() != kBlock) return {};
    out.insert(out.end(), block.begin(), block.end());
  }
  out.resize(base.size());
  return out;
}

Bytes aes_string_to_key(std::int32_t etype, std::string_view password, ByteView salt, std::uint32_t iterations) {
  const std::size_t len = aes_key_length(etype);
  if (len == 0 || iterations == 0 || iterations > kAesMaxIterations) return {};
  Bytes tkey(len);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), EVP_sha1(), static_cast<int>(len), tkey.data()) != 1)
    return {};
  static constexpr std::uint8_t kKerberos[] = {'k', 'e', 'r', 'b', 'e', 'r', 'o', 's'};
  Bytes key = aes_derive_key(tkey, ByteView(kKerberos, sizeof kKerberos));
  wipe(tkey);
  return key;
}

Decoded<std::uint32_t> aes_iterations(const std::optional<Bytes>& s2kparams) {
  using R = Decoded<std::uint32_t>;
  if (!s2kparams) return R::ok(kAesDefaultIterations);
  if (s2kparams->size() != 4) return R::fail("s2kparams is not 4 bytes");
  const std::uint32_t n = static_cast<std::uint32_t>((*s2kparams)[0]) << 24 |
                          static_cast<std::uint32_t>((*s2kparams)[1]) << 16 |
                          static_cast<std::uint32_t>((*s2kparams)[2]) << 8 | (*s2kparams)[3];
  if (n == 0 || n > kAesMaxIterations)
    return R::fail("s2kparams asks for " + std::to_string(n) + " PBKDF2 iterations (refused: 1 to " +
                   std::to_string(kAesMaxIterations) + ")");
  return R::ok(n);
}

Bytes aes_encrypt(ByteView key, std::uint32_t usage, ByteView confounder16, ByteView plaintext) {
  if (confounder16.size() != kAesConfounder) return {};
  Bytes ke = usage_key(key, usage, 0xAA), ki = usage_key(key, usage, 0x55);
  Bytes data(confounder16.begin(), confounder16.end());
  data.insert(data.end(), plaintext.begin(), plaintext.end());
  Bytes out = aes_cts_encrypt(ke, data);
  const Bytes mac = hmac_sha1(ki, data);
  wipe(data);
  wipe(ke);
  wipe(ki);
  if (out.empty() || mac.size() < kAesMac) return {};
  out.insert(out.end(), mac.begin(), mac.begin() + kAesMac);
  return out;
}

std::optional<Bytes> aes_decrypt(ByteView key, std::uint32_t usage, ByteView ciphertext) {
  if (ciphertext.size() < kAesConfounder + kAesMac) return std::nullopt;
  Bytes ke = usage_key(key, usage, 0xAA), ki = usage_key(key, usage, 0x55);
  auto data = aes_cts_decrypt(ke, ciphertext.first(ciphertext.size() - kAesMac));
  wipe(ke);
  if (!data) {
    wipe(ki);
    return std::nullopt;
  }
  const Bytes mac = hmac_sha1(ki, *data);
  wipe(ki);
  if (mac.size() < kAesMac ||
      CRYPTO_memcmp(mac.data(), ciphertext.data() + ciphertext.size() - kAesMac, kAesMac) != 0) {
    wipe(*data);
    return std::nullopt;
  }
  Bytes plain(data->begin() + kAesConfounder, data->end());
  wipe(*data);
  return plain;
}

Bytes aes_checksum(ByteView key, std::uint32_t usage, ByteView data) {
  Bytes kc = usage_key(key, usage, 0x99);
  Bytes mac = hmac_sha1(kc, data);
  wipe(kc);
  if (mac.size() < kAesMac || kc.empty()) return {};
  mac.resize(kAesMac);
  return mac;
}

}  // namespace legacyscan::kerberos
