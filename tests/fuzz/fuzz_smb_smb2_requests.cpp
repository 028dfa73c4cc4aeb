// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the SMB2 requests the scanner sends (NEGOTIATE with contexts, SESSION_SETUP),
// decoded, turned back into encoder options, re-encoded and decoded again to the same fields.
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb2/smb2_codec.hpp"

namespace {

using namespace legacyscan;
using namespace legacyscan::smb;

void check(bool ok) {
  if (!ok) std::abort();
}

// The typed part of a context list (the raw list may hold unknown or duplicate contexts).
bool same_typed(const Smb2NegotiateContexts& a, const Smb2NegotiateContexts& b) {
  return a.HashAlgorithms == b.HashAlgorithms && a.Salt == b.Salt && a.Ciphers == b.Ciphers &&
         a.CompressionFlags == b.CompressionFlags && a.CompressionAlgorithms == b.CompressionAlgorithms &&
         a.NetName == b.NetName && a.TransportFlags == b.TransportFlags && a.RdmaTransformIds == b.RdmaTransformIds &&
         a.SigningAlgorithms == b.SigningAlgorithms;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  if (auto n = decode_smb2_negotiate_request(in)) {
    Smb2NegotiateRequestOptions o;
    o.header = n->header;
    o.header.NextCommand = 0;
    o.Dialects = n->Dialects;
    o.SecurityMode = n->SecurityMode;
    o.Capabilities = n->Capabilities;
    o.ClientGuid = n->ClientGuid;
    o.ClientStartTime = n->ClientStartTime;
    const auto& c = n->contexts;
    for (const auto& ctx : c.all) {
      switch (ctx.ContextType) {
        case SMB2_PREAUTH_INTEGRITY_CAPABILITIES:
          o.preauth_integrity = Smb2NegotiateRequestOptions::PreauthIntegrity{c.HashAlgorithms, c.Salt};
          break;
        case SMB2_ENCRYPTION_CAPABILITIES: o.encryption_ciphers = c.Ciphers; break;
        case SMB2_COMPRESSION_CAPABILITIES:
          o.compression =
              Smb2NegotiateRequestOptions::Compression{c.CompressionFlags.value_or(0), c.CompressionAlgorithms};
          break;
        case SMB2_NETNAME_NEGOTIATE_CONTEXT_ID: o.netname = c.NetName; break;
        case SMB2_TRANSPORT_CAPABILITIES: o.transport_flags = c.TransportFlags; break;
        case SMB2_RDMA_TRANSFORM_CAPABILITIES: o.rdma_transform_ids = c.RdmaTransformIds; break;
        case SMB2_SIGNING_CAPABILITIES: o.signing_algorithms = c.SigningAlgorithms; break;
        default: break;
      }
    }
    auto bytes = encode_smb2_negotiate_request(o);
    check(bytes.has_value());
    auto again = decode_smb2_negotiate_request(*bytes);
    check(again.has_value());
    check(again->Dialects == n->Dialects && again->ClientGuid == n->ClientGuid && same_typed(again->contexts, c));
  }
  if (auto s = decode_smb2_session_setup_request(in)) {
    Smb2SessionSetupRequestOptions o;
    o.header = s->header;
    o.header.NextCommand = 0;
    o.Flags = s->Flags;
    o.SecurityMode = s->SecurityMode;
    o.Capabilities = s->Capabilities;
    o.Channel = s->Channel;
    o.PreviousSessionId = s->PreviousSessionId;
    o.SecurityBuffer = s->SecurityBuffer;
    auto bytes = encode_smb2_session_setup_request(o);
    check(bytes.has_value());
    auto again = decode_smb2_session_setup_request(*bytes);
    check(again && again->SecurityBuffer == s->SecurityBuffer && again->Capabilities == s->Capabilities);
  }
  return 0;
}
