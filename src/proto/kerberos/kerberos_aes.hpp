// SPDX-License-Identifier: Apache-2.0
// aes128-cts-hmac-sha1-96 (etype 17) and aes256-cts-hmac-sha1-96 (etype 18): RFC 3962 on top of the
// RFC 3961 simplified profile. n-fold (RFC 3961 5.1), the key derivation DK (5.1), string-to-key
// (PBKDF2-HMAC-SHA1 then DK with "kerberos", RFC 3962 4), AES in CBC mode with ciphertext stealing and
// a zero IV (RFC 3962 5), the encryption with a confounder and HMAC-SHA1-96 over it (RFC 3961 5.3),
// and the keyed checksum hmac-sha1-96-aes128/256 (types 15 and 16). AES, PBKDF2 and HMAC come from
// OpenSSL 3's default provider. Pure: randomness (the confounder) is the caller's.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "legacyscan/bytes.hpp"

namespace legacyscan::kerberos {

inline constexpr std::int32_t kEtypeAes128 = 17;
inline constexpr std::int32_t kEtypeAes256 = 18;
inline constexpr std::uint32_t kAesDefaultIterations = 4096;  // RFC 3962 4: s2kparams absent
// More PBKDF2 iterations than this in a KDC's s2kparams are refused: the count comes from the network.
inline constexpr std::uint32_t kAesMaxIterations = 1u << 20;
inline constexpr std::size_t kAesConfounder = 16;
inline constexpr std::size_t kAesMac = 12;

// Key length of etype 17 (16) or 18 (32); 0 for any other etype.
std::size_t aes_key_length(std::int32_t etype);

// RFC 3961 5.1 n-fold of `in` to `out_bytes` bytes.
Bytes nfold(ByteView in, std::size_t out_bytes);

// RFC 3962 5: AES-CBC with ciphertext stealing (the last two blocks swapped), IV zero. `key` is 16
// or 32 bytes; the data at least one block. Empty / nullopt on a bad key or length.
Bytes aes_cts_encrypt(ByteView key, ByteView plain);
std::optional<Bytes> aes_cts_decrypt(ByteView key, ByteView cipher);

// RFC 3961 5.1 DK(base, constant) with random-to-key the identity (RFC 3962 4).
Bytes aes_derive_key(ByteView base, ByteView constant);

// RFC 3962 4 string-to-key: DK(PBKDF2-HMAC-SHA1(password, salt, iterations, keylength), "kerberos").
// Empty for an etype other than 17/18 or an iteration count of 0 or above kAesMaxIterations.
Bytes aes_string_to_key(std::int32_t etype, std::string_view password, ByteView salt,
                        std::uint32_t iterations = kAesDefaultIterations);
// RFC 3962 4 s2kparams: the iteration count, 4 bytes big-endian; 4096 when absent.
Decoded<std::uint32_t> aes_iterations(const std::optional<Bytes>& s2kparams);

// RFC 3961 5.3 with RFC 3962's parameters: Ke = DK(key, usage | 0xAA), Ki = DK(key, usage | 0x55);
// AES-CTS(Ke, confounder | plaintext) | HMAC-SHA1(Ki, confounder | plaintext)[0..12].
Bytes aes_encrypt(ByteView key, std::uint32_t usage, ByteView confounder16, ByteView plaintext);
// The plaintext without the confounder; nullopt when the HMAC does not match (wrong key or usage) or
// the cipher text is too short.
std::optional<Bytes> aes_decrypt(ByteView key, std::uint32_t usage, ByteView ciphertext);

// RFC 3962 7 hmac-sha1-96-aes128 (15) / -aes256 (16): HMAC-SHA1(DK(key, usage | 0x99), data)[0..12].
Bytes aes_checksum(ByteView key, std::uint32_t usage, ByteView data);

}  // namespace legacyscan::kerberos
