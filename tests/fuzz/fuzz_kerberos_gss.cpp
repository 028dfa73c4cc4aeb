// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the SASL GSSAPI bind's decoders (kerberos_gss.hpp): the acceptor's AP-REP token,
// a decrypted EncAPRepPart, and Wrap tokens (sealed, checksummed, rotated) under a fixed key.
#include <cstddef>
#include <cstdint>

#include "src/proto/kerberos/kerberos_gss.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::kerberos;
  const ByteView in(data, size);
  const std::uint8_t key[32] = {};
  (void)decode_gss_ap_rep(in, kEtypeAes256, ByteView(key, 32));
  (void)decode_enc_ap_rep_part(in);
  for (bool subkey : {false, true}) {
    WrapKey k{kEtypeAes256, Bytes(key, key + 32), subkey};
    (void)decode_wrap_token(k, in);
  }
  return 0;
}
