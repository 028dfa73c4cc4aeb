// SPDX-License-Identifier: Apache-2.0
#include "src/proto/crypto/crypto_primitives.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <utility>

namespace legacyscan::crypto {

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
             static_cast<std::uint32_t>(msg[off + 4 * i + 2]) << 16 |
             static_cast<std::uint32_t>(msg[off + 4 * i + 3]) << 24;
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

Bytes md5(ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (!EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_md5(), nullptr)) return {};
  out.resize(len);
  return out;
}

}  // namespace legacyscan::crypto
