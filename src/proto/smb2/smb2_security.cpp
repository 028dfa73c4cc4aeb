// SPDX-License-Identifier: Apache-2.0
#include "src/proto/smb2/smb2_security.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <memory>
#include <string_view>

namespace legacyscan {

namespace {

constexpr std::size_t kHeaderLength = 64;
constexpr std::size_t kSignatureOffset = 48;
constexpr std::uint32_t kFlagsServerToRedir = 0x00000001;
constexpr std::uint32_t kFlagsSigned = 0x00000008;
constexpr std::uint16_t kCommandCancel = 0x000C;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

ByteView label(std::string_view s) {  // with its terminating NUL
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size() + 1);
}

std::uint32_t le32(ByteView b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
         static_cast<std::uint32_t>(b[at + 2]) << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

Bytes hmac_sha256(ByteView key, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len))
    return {};
  out.resize(len);
  return out;
}

Bytes aes_cmac(ByteView key, ByteView data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
  if (!mac) return {};
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char cipher[] = "AES-128-CBC";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                               OSSL_PARAM_construct_end()};
  Bytes out(16);
  std::size_t len = 0;
  const bool ok = ctx && EVP_MAC_init(ctx, key.data(), key.size(), params) == 1 &&
                  EVP_MAC_update(ctx, data.data(), data.size()) == 1 &&
                  EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == 16;
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  return ok ? out : Bytes{};
}

bool is_gcm(std::uint16_t cipher) { return cipher == SMB2_CIPHER_AES_128_GCM || cipher == SMB2_CIPHER_AES_256_GCM; }

const EVP_CIPHER* evp_cipher(std::uint16_t cipher) {
  switch (cipher) {
    case SMB2_CIPHER_AES_128_CCM: return EVP_aes_128_ccm();
    case SMB2_CIPHER_AES_128_GCM: return EVP_aes_128_gcm();
    case SMB2_CIPHER_AES_256_CCM: return EVP_aes_256_ccm();
    case SMB2_CIPHER_AES_256_GCM: return EVP_aes_256_gcm();
    default: return nullptr;
  }
}

// One AEAD operation (RFC 4309 CCM, RFC 4106 GCM, 16-byte tag): encrypts `data` when `encrypt`
// (tag written), else decrypts it and checks `tag`. GMAC is GCM over `aad` with no data.
bool aead(std::uint16_t cipher, bool encrypt, ByteView key, ByteView nonce, ByteView aad, ByteView data, Bytes& out,
          std::uint8_t* tag) {
  const EVP_CIPHER* c = evp_cipher(cipher);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!c || !ctx || key.size() != static_cast<std::size_t>(EVP_CIPHER_get_key_length(c))) return false;
  const bool gcm = is_gcm(cipher);
  const int enc = encrypt ? 1 : 0;
  if (EVP_CipherInit_ex(ctx.get(), c, nullptr, nullptr, nullptr, enc) != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1)
    return false;
  // CCM takes the tag (its length when encrypting) before the key; GCM checks it at the end.
  if (!gcm && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, 16, encrypt ? nullptr : tag) != 1) return false;
  if (EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce.data(), enc) != 1) return false;
  int len = 0;
  if (!gcm && EVP_CipherUpdate(ctx.get(), nullptr, &len, nullptr, static_cast<int>(data.size())) != 1) return false;
  if (!aad.empty() && EVP_CipherUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
    return false;
  out.assign(data.size(), 0);
  // CCM runs its update even over no data, so that the tag is computed; GCM needs none then.
  if ((!data.empty() || !gcm) &&
      EVP_CipherUpdate(ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) != 1)
    return false;
  if (gcm && !encrypt && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, 16, tag) != 1) return false;
  std::uint8_t unused[16];
  if (gcm && EVP_CipherFinal_ex(ctx.get(), unused, &len) != 1) return false;
  if (encrypt && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, 16, tag) != 1) return false;
  return true;
}

// 3.1.4.1 AES-GMAC: the nonce is MessageId, then 4 bytes whose bit 0 says server-to-client and bit 1
// says CANCEL.
Bytes aes_gmac(ByteView key, ByteView message) {
  std::uint8_t nonce[12] = {};
  std::copy_n(message.begin() + 24, 8, nonce);
  const std::uint32_t flags = le32(message, 16);
  const auto command = static_cast<std::uint16_t>(message[12] | message[13] << 8);
  nonce[8] = static_cast<std::uint8_t>(((flags & kFlagsServerToRedir) ? 1 : 0) | (command == kCommandCancel ? 2 : 0));
  Bytes unused;
  Bytes tag(16);
  if (!aead(SMB2_CIPHER_AES_128_GCM, true, key, ByteView(nonce, 12), message, {}, unused, tag.data())) return {};
  return tag;
}

// The 16-byte signature of `message` whose Signature field is already zero.
Bytes signature_of(ByteView message, const Smb2SessionKeys& k) {
  if (k.signing.size() != 16) return {};
  Bytes mac;
  if (k.dialect < 0x0300)
    mac = hmac_sha256(k.signing, message);
  else if (k.dialect == 0x0311 && k.signing_algorithm == SMB2_SIGNING_AES_GMAC)
    mac = aes_gmac(k.signing, message);
  else
    mac = aes_cmac(k.signing, message);
  if (mac.size() < 16) return {};
  mac.resize(16);
  return mac;
}

}  // namespace

Bytes smb3_kdf(ByteView key, ByteView label_bytes, ByteView context, std::size_t bits) {
  Bytes out;
  for (std::uint32_t i = 1; out.size() * 8 < bits; ++i) {
    Writer w;
    w.u32be(i);
    w.bytes(label_bytes);
    w.u8(0);
    w.bytes(context);
    w.u32be(static_cast<std::uint32_t>(bits));
    const Bytes k = hmac_sha256(key, w.take());
    if (k.empty()) return {};
    out.insert(out.end(), k.begin(), k.end());
  }
  out.resize(bits / 8);
  return out;
}

Bytes smb311_preauth_update(ByteView previous, ByteView message) {
  Bytes in(previous.begin(), previous.end());
  if (in.empty()) in.assign(64, 0);
  in.insert(in.end(), message.begin(), message.end());
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (!EVP_Digest(in.data(), in.size(), out.data(), &len, EVP_sha512(), nullptr)) return {};
  out.resize(len);
  return out;
}

Smb2SessionKeys smb2_session_keys(std::uint16_t dialect, ByteView session_key, ByteView preauth_hash,
                                  std::uint16_t signing_algorithm, std::uint16_t cipher) {
  Smb2SessionKeys k;
  k.dialect = dialect;
  // Session.SessionKey is the first 16 bytes of the GSS key, zero-padded when shorter (3.2.5.3.1).
  Bytes key(session_key.begin(), session_key.end());
  key.resize(16, 0);
  if (dialect < 0x0300) {
    k.signing = key;
    return k;
  }
  if (dialect == 0x0311) {
    k.signing_algorithm = signing_algorithm == SMB2_SIGNING_AES_GMAC ? SMB2_SIGNING_AES_GMAC : SMB2_SIGNING_AES_CMAC;
    k.cipher = evp_cipher(cipher) ? cipher : 0;
    k.signing = smb3_kdf(key, label("SMBSigningKey"), preauth_hash);
    // The 256-bit ciphers take the whole GSS key and derive 256-bit keys.
    const bool wide = cipher == SMB2_CIPHER_AES_256_CCM || cipher == SMB2_CIPHER_AES_256_GCM;
    const ByteView full = wide ? session_key : ByteView(key);
    const std::size_t bits = wide ? 256 : 128;
    k.encryption = smb3_kdf(full, label("SMBC2SCipherKey"), preauth_hash, bits);
    k.decryption = smb3_kdf(full, label("SMBS2CCipherKey"), preauth_hash, bits);
    return k;
  }
  k.signing_algorithm = SMB2_SIGNING_AES_CMAC;
  k.cipher = SMB2_CIPHER_AES_128_CCM;
  k.signing = smb3_kdf(key, label("SMB2AESCMAC"), label("SmbSign"));
  k.encryption = smb3_kdf(key, label("SMB2AESCCM"), label("ServerIn "));
  k.decryption = smb3_kdf(key, label("SMB2AESCCM"), label("ServerOut"));
  return k;
}

bool smb2_sign(Bytes& message, const Smb2SessionKeys& keys) {
  if (message.size() < kHeaderLength) return false;
  message[16] |= static_cast<std::uint8_t>(kFlagsSigned);
  std::fill_n(message.begin() + kSignatureOffset, 16, 0);
  const Bytes sig = signature_of(message, keys);
  if (sig.size() != 16) return false;
  std::copy(sig.begin(), sig.end(), message.begin() + kSignatureOffset);
  return true;
}

Smb2Signature smb2_check_signature(ByteView message, const Smb2SessionKeys& keys) {
  if (message.size() < kHeaderLength || !(le32(message, 16) & kFlagsSigned)) return Smb2Signature::unsigned_message;
  Bytes copy(message.begin(), message.end());
  std::fill_n(copy.begin() + kSignatureOffset, 16, 0);
  const Bytes sig = signature_of(copy, keys);
  return sig.size() == 16 && std::equal(sig.begin(), sig.end(), message.begin() + kSignatureOffset)
             ? Smb2Signature::valid
             : Smb2Signature::bad;
}

std::string smb2_signature_name(Smb2Signature s) {
  switch (s) {
    case Smb2Signature::valid: return "valid";
    case Smb2Signature::bad: return "bad";
    default: return "unsigned";
  }
}

Bytes smb2_encrypt(ByteView message, std::uint64_t session_id, ByteView nonce, const Smb2SessionKeys& keys) {
  const std::size_t used = is_gcm(keys.cipher) ? 12 : 11;
  if (!keys.cipher || nonce.size() < used || nonce.size() > 16) return {};
  // 2.2.41: ProtocolId, Signature (the tag), Nonce (16, the AEAD nonce then zeros), OriginalMessageSize,
  // Reserved, Flags 0x0001 (encrypted), SessionId. The authenticated data is from Nonce to the end.
  Writer w;
  w.u8(0xFD);
  w.bytes(std::string_view("SMB"));
  w.zeros(16);
  w.bytes(nonce);
  w.zeros(16 - nonce.size());
  w.u32le(static_cast<std::uint32_t>(message.size()));
  w.u16le(0);
  w.u16le(0x0001);
  w.u64le(session_id);
  Bytes out = w.take();
  Bytes cipher_text;
  std::uint8_t tag[16];
  if (!aead(keys.cipher, true, keys.encryption, nonce.first(used), ByteView(out).subspan(20), message, cipher_text,
            tag))
    return {};
  std::copy_n(tag, 16, out.begin() + 4);
  out.insert(out.end(), cipher_text.begin(), cipher_text.end());
  return out;
}

Decoded<Bytes> decode_smb2_transform(ByteView transform, std::uint64_t session_id, const Smb2SessionKeys& keys) {
  using R = Decoded<Bytes>;
  Reader r(transform);
  std::uint32_t protocol = 0, size = 0;
  std::uint16_t reserved = 0, flags = 0;
  std::uint64_t sid = 0;
  ByteView signature, nonce;
  if (!r.u32be(protocol) || !r.bytes(16, signature) || !r.bytes(16, nonce) || !r.u32le(size) || !r.u16le(reserved) ||
      !r.u16le(flags) || !r.u64le(sid))
    return R::fail("TRANSFORM_HEADER: truncated (" + std::to_string(transform.size()) + " bytes)");
  if (protocol != 0xFD534D42) return R::fail("TRANSFORM_HEADER: ProtocolId is not 0xFD 'SMB'");
  if (flags != 0x0001) return R::fail("TRANSFORM_HEADER: Flags " + std::to_string(flags) + " (not 1, encrypted)");
  if (sid != session_id) return R::fail("TRANSFORM_HEADER: SessionId of another session");
  if (size != r.remaining())
    return R::fail("TRANSFORM_HEADER: OriginalMessageSize " + std::to_string(size) + " but " +
                   std::to_string(r.remaining()) + " bytes follow");
  if (!keys.cipher) return R::fail("TRANSFORM_HEADER in a session that cannot encrypt");
  std::uint8_t tag[16];
  std::copy(signature.begin(), signature.end(), tag);
  Bytes plain;
  const ByteView n = nonce.first(is_gcm(keys.cipher) ? 12 : 11);
  if (!aead(keys.cipher, false, keys.decryption, n, transform.subspan(20, 32), r.rest(), plain, tag))
    return R::fail("TRANSFORM_HEADER: the authentication tag does not match (not encrypted with this session's key)");
  return R::ok(std::move(plain));
}

}  // namespace legacyscan
