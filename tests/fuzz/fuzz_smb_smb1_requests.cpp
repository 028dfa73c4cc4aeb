// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the SMB1 requests the scanner sends (SMB_COM_NEGOTIATE, SESSION_SETUP_ANDX),
// decoded and re-encoded: encode(decode(x)) is a fixed point.
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb1/smb1_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  const ByteView in(data, size);
  if (auto n = decode_smb1_negotiate_request(in)) {
    Smb1NegotiateRequestOptions o;
    o.header = n->header;
    o.Dialects = n->Dialects;
    auto bytes = encode_smb1_negotiate_request(o);
    check(bytes.has_value());
    auto again = decode_smb1_negotiate_request(*bytes);
    check(again && again->Dialects == n->Dialects && again->header == n->header);
  }
  if (auto s = decode_smb1_session_setup_request(in)) {
    Smb1SessionSetupRequestOptions o;
    o.header = s->header;
    o.MaxBufferSize = s->MaxBufferSize;
    o.MaxMpxCount = s->MaxMpxCount;
    o.VcNumber = s->VcNumber;
    o.SessionKey = s->SessionKey;
    o.Capabilities = s->Capabilities;
    o.SecurityBlob = s->SecurityBlob;
    o.NativeOS = s->NativeOS;
    o.NativeLanMan = s->NativeLanMan;
    auto bytes1 = encode_smb1_session_setup_request(o);
    if (!bytes1) return 0;
    auto again = decode_smb1_session_setup_request(*bytes1);
    check(again && again->SecurityBlob == s->SecurityBlob && again->Capabilities == s->Capabilities);
    o.NativeOS = again->NativeOS;
    o.NativeLanMan = again->NativeLanMan;
    auto bytes2 = encode_smb1_session_setup_request(o);
    check(bytes2 && *bytes2 == *bytes1);
  }
  return 0;
}
