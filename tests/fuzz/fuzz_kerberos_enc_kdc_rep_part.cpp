// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode_enc_kdc_rep_part_keytype and decode_enc_kdc_rep_part_key (RFC 4120 5.4.2
// EncASRepPart / EncTGSRepPart after decryption),
// decode_as_rep_cipher, and the rc4-hmac decryption that sits between them (RFC 4757 3).
#include <cstddef>
#include <cstdint>

#include "src/proto/kerberos/kerberos_codec.hpp"
#include "src/proto/kerberos/kerberos_crypto.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::kerberos;
  const ByteView in(data, size);
  (void)decode_enc_kdc_rep_part_keytype(in);
  (void)decode_enc_kdc_rep_part_key(in);
  if (auto c = decode_as_rep_cipher(in)) {
    const std::uint8_t key[16] = {};
    if (auto p = rc4_hmac_decrypt(ByteView(key, 16), 3, *c)) (void)decode_enc_kdc_rep_part_keytype(*p);
  }
  (void)rc4_hmac_decrypt(in.first(size < 16 ? size : 16), 3, in);
  return 0;
}
