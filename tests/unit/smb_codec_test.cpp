// SPDX-License-Identifier: Apache-2.0
// SMB1 and SMB2 codecs against golden bytes captured from the lab's Samba 4.17 AD DCs (ls-legacy with
// SMB1 allowed, ls-hardened with SMB3 only and mandatory signing, ls-stock) talking to smbclient,
// see tests/data/smb/*.hex. Every encoder is checked byte for byte against what smbclient sent, every
// decoder on the real replies, on every truncation of them and on targeted corruptions.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb2/smb2_codec.hpp"
#include "tests/unit/smb_golden.hpp"

namespace legacyscan::smb {
namespace {

void put_u16le(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v & 0xff);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
void put_u32le(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>((v >> (8 * i)) & 0xff);
}

const std::vector<std::string> kSmb2NegotiateResponses{
    "hardened_smb2_negotiate_response_311",    "legacy_smb2_negotiate_response_311",
    "stock_smb2_negotiate_response_311",       "legacy_smb2_negotiate_response_0202",
    "stock_smb2_negotiate_response_0210",      "hardened_smb2_negotiate_response_wildcard",
    "legacy_smb2_negotiate_response_wildcard", "hardened_smb2_negotiate_response_not_supported"};
const std::vector<std::string> kSmb2SessionSetupResponses{
    "hardened_smb2_session_setup_response_challenge", "legacy_smb2_session_setup_response_challenge",
    "stock_smb2_session_setup_response_challenge", "hardened_smb2_session_setup_response_logon_failure"};
const std::vector<std::string> kSmb1NegotiateResponses{
    "legacy_smb1_negotiate_response_extsec",         "legacy_smb1_negotiate_response_noext",
    "legacy_smb1_negotiate_response_refused_lanman", "legacy_smb1_negotiate_response_refused_core",
    "hardened_smb1_negotiate_response_refused",      "stock_smb1_negotiate_response_refused",
    "files_nas_smb1_negotiate_response_lanman21",    "files_nas_smb1_negotiate_response_lanman10"};
const std::vector<std::string> kSmb1SessionSetupResponses{"legacy_smb1_session_setup_response_challenge",
                                                          "legacy_smb1_session_setup_response_logon_failure",
                                                          "legacy_smb1_session_setup_response_success"};

// ---- shared -----------------------------------------------------------------------------------

TEST(SmbProtocolSniff, TellsSmb1FromSmb2) {
  EXPECT_EQ(detect_smb_protocol(golden("legacy_smb1_negotiate_response_extsec")), SmbProtocol::Smb1);
  EXPECT_EQ(detect_smb_protocol(golden("hardened_smb2_negotiate_response_wildcard")), SmbProtocol::Smb2);
  EXPECT_EQ(detect_smb_protocol(H("fd534d42")), SmbProtocol::Smb2Transform);
  EXPECT_EQ(detect_smb_protocol(H("fc534d42")), SmbProtocol::Smb2Compressed);
  EXPECT_EQ(detect_smb_protocol(H("fe534d")), SmbProtocol::Unknown);
  EXPECT_EQ(detect_smb_protocol(H("485454502f312e31")), SmbProtocol::Unknown);
}

TEST(NtStatus, NamesCommonCodes) {
  EXPECT_EQ(ntstatus_name(0), "STATUS_SUCCESS");
  EXPECT_EQ(ntstatus_name(0xC0000016), "STATUS_MORE_PROCESSING_REQUIRED");
  EXPECT_EQ(ntstatus_name(0xC00000BB), "STATUS_NOT_SUPPORTED");
  EXPECT_EQ(ntstatus_name(0xC0000022), "STATUS_ACCESS_DENIED");
  EXPECT_EQ(ntstatus_name(0xC000006D), "STATUS_LOGON_FAILURE");
  EXPECT_EQ(ntstatus_name(0xC0000203), "STATUS_USER_SESSION_DELETED");
  EXPECT_EQ(ntstatus_name(0x12345678), "");
  EXPECT_EQ(ntstatus_string(0xC00000BB), "STATUS_NOT_SUPPORTED (0xc00000bb)");
  EXPECT_EQ(ntstatus_string(0x12345678), "0x12345678");
}

// ---- SMB2 header ------------------------------------------------------------------------------

TEST(Smb2Header, RoundTripsSyncAndAsync) {
  Smb2Header h;
  h.CreditCharge = 1;
  h.Status = STATUS_PENDING;
  h.Command = 5;
  h.CreditRequest = 31;
  h.Flags = SMB2_FLAGS_SERVER_TO_REDIR;
  h.MessageId = 0x0102030405060708ull;
  h.Reserved = 0xFEFF;
  h.TreeId = 7;
  h.SessionId = 0x1122334455667788ull;
  h.Signature[15] = 0xAA;
  Writer w;
  encode_smb2_header(w, h);
  ASSERT_EQ(w.size(), kSmb2HeaderSize);
  EXPECT_EQ(to_hex(w.view()).substr(0, 16), "fe534d4240000100");
  auto d = decode_smb2_header(w.view());
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(*d, h);

  h.Flags |= SMB2_FLAGS_ASYNC_COMMAND;
  h.Reserved = 0;
  h.TreeId = 0;
  h.AsyncId = 0xDEADBEEFCAFEF00Dull;
  Writer a;
  encode_smb2_header(a, h);
  auto da = decode_smb2_header(a.view());
  ASSERT_TRUE(da) << da.error;
  EXPECT_EQ(*da, h);
  EXPECT_TRUE(da->is_async());
}

TEST(Smb2Header, RejectsOtherProtocolsAndBadSizes) {
  Bytes msg = golden("hardened_smb2_negotiate_response_311");
  Bytes bad = msg;
  put_u16le(bad, 4, 65);
  EXPECT_NE(decode_smb2_header(bad).error.find("StructureSize 65"), std::string::npos);
  bad = msg;
  bad[0] = 0xFD;
  EXPECT_NE(decode_smb2_header(bad).error.find("TRANSFORM"), std::string::npos);
  EXPECT_NE(decode_smb2_header(golden("legacy_smb1_negotiate_response_extsec")).error.find("SMB1"), std::string::npos);
  EXPECT_FALSE(decode_smb2_header(ByteView(msg).first(63)));
}

// ---- SMB2 NEGOTIATE request -------------------------------------------------------------------

Smb2NegotiateRequestOptions options_from(const Smb2NegotiateRequest& r) {
  Smb2NegotiateRequestOptions o;
  o.header = r.header;
  o.Dialects = r.Dialects;
  o.SecurityMode = r.SecurityMode;
  o.Capabilities = r.Capabilities;
  o.ClientGuid = r.ClientGuid;
  o.ClientStartTime = r.ClientStartTime;
  const auto& c = r.contexts;
  for (const auto& ctx : c.all) {
    switch (ctx.ContextType) {
      case SMB2_PREAUTH_INTEGRITY_CAPABILITIES:
        o.preauth_integrity = Smb2NegotiateRequestOptions::PreauthIntegrity{c.HashAlgorithms, c.Salt};
        break;
      case SMB2_ENCRYPTION_CAPABILITIES: o.encryption_ciphers = c.Ciphers; break;
      case SMB2_SIGNING_CAPABILITIES: o.signing_algorithms = c.SigningAlgorithms; break;
      case SMB2_NETNAME_NEGOTIATE_CONTEXT_ID: o.netname = c.NetName; break;
      case SMB2_COMPRESSION_CAPABILITIES:
        o.compression = Smb2NegotiateRequestOptions::Compression{*c.CompressionFlags, c.CompressionAlgorithms};
        break;
      default: break;
    }
  }
  return o;
}

TEST(Smb2NegotiateRequest, EncoderReproducesSmbclient311Request) {
  const Bytes real = golden("hardened_smb2_negotiate_request_311");
  auto d = decode_smb2_negotiate_request(real);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->Dialects, (std::vector<std::uint16_t>{0x0202, 0x0210, 0x0300, 0x0302, 0x0311}));
  EXPECT_EQ(d->NegotiateContextCount, 4);
  EXPECT_EQ(d->NegotiateContextOffset, 0x70u);
  EXPECT_EQ(d->contexts.HashAlgorithms, std::vector<std::uint16_t>{SMB2_PREAUTH_INTEGRITY_SHA512});
  EXPECT_EQ(d->contexts.Salt.size(), 32u);
  EXPECT_EQ(d->contexts.Ciphers, (std::vector<std::uint16_t>{2, 1, 4, 3}));
  EXPECT_EQ(d->contexts.SigningAlgorithms, (std::vector<std::uint16_t>{2, 1, 0}));
  EXPECT_EQ(d->contexts.NetName, "127.0.0.1");

  auto encoded = encode_smb2_negotiate_request(options_from(*d));
  ASSERT_TRUE(encoded) << encoded.error;
  EXPECT_EQ(to_hex(*encoded), to_hex(real));
}

TEST(Smb2NegotiateRequest, EncoderReproducesSmbclient202Request) {
  const Bytes real = golden("hardened_smb2_negotiate_request_0202");
  auto d = decode_smb2_negotiate_request(real);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->Dialects, std::vector<std::uint16_t>{0x0202});
  EXPECT_TRUE(d->contexts.all.empty());
  auto encoded = encode_smb2_negotiate_request(options_from(*d));
  ASSERT_TRUE(encoded) << encoded.error;
  EXPECT_EQ(to_hex(*encoded), to_hex(real));
}

TEST(Smb2NegotiateRequest, EveryContextIsAlignedAndRoundTrips) {
  Smb2NegotiateRequestOptions o;
  o.header.MessageId = 3;
  o.ClientGuid[0] = 0x42;
  o.preauth_integrity = Smb2NegotiateRequestOptions::PreauthIntegrity{{SMB2_PREAUTH_INTEGRITY_SHA512}, Bytes(32, 0x5a)};
  o.encryption_ciphers = std::vector<std::uint16_t>{SMB2_ENCRYPTION_AES256_GCM};
  o.signing_algorithms = std::vector<std::uint16_t>{SMB2_SIGNING_AES_GMAC, SMB2_SIGNING_AES_CMAC};
  o.compression = Smb2NegotiateRequestOptions::Compression{SMB2_COMPRESSION_CAPABILITIES_FLAG_CHAINED,
                                                           {SMB2_COMPRESSION_LZ77, SMB2_COMPRESSION_PATTERN_V1}};
  o.netname = "dc1.legacy.test";
  o.transport_flags = SMB2_ACCEPT_TRANSPORT_LEVEL_SECURITY;
  o.rdma_transform_ids = std::vector<std::uint16_t>{1};
  auto encoded = encode_smb2_negotiate_request(o);
  ASSERT_TRUE(encoded) << encoded.error;
  auto d = decode_smb2_negotiate_request(*encoded);
  ASSERT_TRUE(d) << d.error;
  ASSERT_EQ(d->contexts.all.size(), 7u);
  EXPECT_EQ(d->NegotiateContextOffset % 8, 0u);
  std::vector<std::uint16_t> order;
  for (const auto& c : d->contexts.all) order.push_back(c.ContextType);
  EXPECT_EQ(order, (std::vector<std::uint16_t>{1, 2, 8, 3, 5, 6, 7}));
  EXPECT_EQ(d->contexts.Ciphers, *o.encryption_ciphers);
  EXPECT_EQ(d->contexts.SigningAlgorithms, *o.signing_algorithms);
  EXPECT_EQ(d->contexts.CompressionFlags, SMB2_COMPRESSION_CAPABILITIES_FLAG_CHAINED);
  EXPECT_EQ(d->contexts.CompressionAlgorithms, o.compression->CompressionAlgorithms);
  EXPECT_EQ(d->contexts.NetName, "dc1.legacy.test");
  EXPECT_EQ(d->contexts.TransportFlags, SMB2_ACCEPT_TRANSPORT_LEVEL_SECURITY);
  EXPECT_EQ(d->contexts.RdmaTransformIds, std::vector<std::uint16_t>{1});
  // Each context header sits on an 8-byte boundary from the start of the SMB2 header.
  std::size_t pos = d->NegotiateContextOffset;
  for (const auto& c : d->contexts.all) {
    EXPECT_EQ(pos % 8, 0u);
    EXPECT_EQ((*encoded)[pos], c.ContextType & 0xff);
    pos = (pos + 8 + c.DataLength + 7) / 8 * 8;
  }
  // The compression context's bytes ([MS-SMB2] 2.2.3.1.3).
  EXPECT_EQ(to_hex(d->contexts.all[3].Data),
            "02000000"
            "01000000"
            "02000400");
}

TEST(Smb2NegotiateRequest, WithoutSmb311NoContextsAreWritten) {
  Smb2NegotiateRequestOptions o;
  o.Dialects = {SMB2_DIALECT_210};
  o.ClientStartTime = 0x1122334455667788ull;
  o.encryption_ciphers = std::vector<std::uint16_t>{1};  // ignored: contexts need 0x0311
  auto encoded = encode_smb2_negotiate_request(o);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(encoded->size(), 64u + 36u + 2u);
  auto d = decode_smb2_negotiate_request(*encoded);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->ClientStartTime, 0x1122334455667788ull);
  EXPECT_TRUE(d->contexts.all.empty());
}

TEST(Smb2NegotiateRequest, RejectsListsTooLongForTheirCounts) {
  Smb2NegotiateRequestOptions o;
  o.encryption_ciphers = std::vector<std::uint16_t>(70000, 1);
  EXPECT_FALSE(encode_smb2_negotiate_request(o));
  Smb2NegotiateRequestOptions many;
  many.Dialects.assign(300, SMB2_DIALECT_202);
  EXPECT_FALSE(encode_smb2_negotiate_request(many));
}

// ---- SMB2 NEGOTIATE response ------------------------------------------------------------------

TEST(Smb2NegotiateResponse, Hardened311) {
  auto r = decode_smb2_negotiate_response(golden("hardened_smb2_negotiate_response_311"));
  ASSERT_TRUE(r) << r.error;
  ASSERT_FALSE(r->is_error());
  ASSERT_TRUE(r->response);
  const auto& n = *r->response;
  EXPECT_EQ(n.StructureSize, 65);
  EXPECT_EQ(n.DialectRevision, SMB2_DIALECT_311);
  EXPECT_EQ(smb2_dialect_name(n.DialectRevision), "3.1.1");
  EXPECT_EQ(smb2_security_mode_names(n.SecurityMode),
            (std::vector<std::string>{"SIGNING_ENABLED", "SIGNING_REQUIRED"}));
  EXPECT_EQ(smb2_capability_names(n.Capabilities),
            (std::vector<std::string>{"DFS", "LEASING", "LARGE_MTU", "MULTI_CHANNEL"}));
  EXPECT_EQ(n.MaxTransactSize, 8388608u);
  EXPECT_EQ(n.MaxReadSize, 8388608u);
  EXPECT_EQ(n.MaxWriteSize, 8388608u);
  EXPECT_EQ(n.ServerStartTime, 0u);
  EXPECT_EQ(filetime_to_rfc3339(n.SystemTime).size(), 20u);
  EXPECT_EQ(n.SecurityBufferOffset, 0x80);
  EXPECT_EQ(n.SecurityBufferLength, 96);
  ASSERT_EQ(n.SecurityBuffer.size(), 96u);
  EXPECT_EQ(n.SecurityBuffer[0], 0x60) << "GSS InitialContextToken";
  EXPECT_EQ(n.ServerGuid[0], 'd');  // Samba derives the GUID from the NetBIOS name
  EXPECT_EQ(n.NegotiateContextCount, 3);
  EXPECT_EQ(n.contexts.HashAlgorithms, std::vector<std::uint16_t>{SMB2_PREAUTH_INTEGRITY_SHA512});
  EXPECT_EQ(smb2_hash_algorithm_name(n.contexts.HashAlgorithms[0]), "SHA-512");
  EXPECT_EQ(n.contexts.Salt.size(), 32u);
  ASSERT_EQ(n.contexts.Ciphers.size(), 1u);
  EXPECT_EQ(smb2_cipher_name(n.contexts.Ciphers[0]), "AES-128-GCM");
  ASSERT_EQ(n.contexts.SigningAlgorithms.size(), 1u);
  EXPECT_EQ(smb2_signing_algorithm_name(n.contexts.SigningAlgorithms[0]), "AES-GMAC");
  EXPECT_TRUE(n.contexts.CompressionAlgorithms.empty());
}

TEST(Smb2NegotiateResponse, OtherDialectsFromTheLab) {
  auto legacy311 = decode_smb2_negotiate_response(golden("legacy_smb2_negotiate_response_311"));
  ASSERT_TRUE(legacy311) << legacy311.error;
  EXPECT_EQ(legacy311->response->SecurityMode, SMB2_NEGOTIATE_SIGNING_ENABLED) << "ls-legacy does not require signing";

  auto legacy202 = decode_smb2_negotiate_response(golden("legacy_smb2_negotiate_response_0202"));
  ASSERT_TRUE(legacy202) << legacy202.error;
  EXPECT_EQ(smb2_dialect_name(legacy202->response->DialectRevision), "2.0.2");
  EXPECT_EQ(legacy202->response->MaxTransactSize, 65536u);
  EXPECT_EQ(smb2_capability_names(legacy202->response->Capabilities), std::vector<std::string>{"DFS"});
  EXPECT_TRUE(legacy202->response->contexts.all.empty());

  auto stock210 = decode_smb2_negotiate_response(golden("stock_smb2_negotiate_response_0210"));
  ASSERT_TRUE(stock210) << stock210.error;
  EXPECT_EQ(smb2_dialect_name(stock210->response->DialectRevision), "2.1");
  EXPECT_EQ(stock210->response->SecurityMode, 3) << "a stock DC requires signing";

  for (const char* name : {"hardened_smb2_negotiate_response_wildcard", "legacy_smb2_negotiate_response_wildcard"}) {
    auto w = decode_smb2_negotiate_response(golden(name));
    ASSERT_TRUE(w) << w.error;
    EXPECT_EQ(w->response->DialectRevision, SMB2_DIALECT_WILDCARD);
    EXPECT_EQ(smb2_dialect_name(w->response->DialectRevision), "2.???");
  }
}

TEST(Smb2NegotiateResponse, NotSupportedIsAnErrorResponseWithItsStatus) {
  auto r = decode_smb2_negotiate_response(golden("hardened_smb2_negotiate_response_not_supported"));
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->is_error());
  EXPECT_FALSE(r->response);
  EXPECT_EQ(r->status(), STATUS_NOT_SUPPORTED);
  EXPECT_EQ(r->status_string(), "status STATUS_NOT_SUPPORTED (0xc00000bb)");
  EXPECT_EQ(r->error->StructureSize, 9);
  EXPECT_EQ(r->error->ByteCount, 0u);

  auto e = decode_smb2_error_response(golden("hardened_smb2_negotiate_response_not_supported"));
  ASSERT_TRUE(e) << e.error;
  EXPECT_EQ(e->header.Status, STATUS_NOT_SUPPORTED);
}

TEST(Smb2NegotiateResponse, EncoderReproducesEveryCapturedResponse) {
  for (const auto& name : kSmb2NegotiateResponses) {
    const Bytes real = golden(name);
    auto r = decode_smb2_negotiate_response(real);
    ASSERT_TRUE(r) << name << ": " << r.error;
    if (!r->response) continue;
    auto encoded = encode_smb2_negotiate_response(r->header, *r->response);
    ASSERT_TRUE(encoded) << encoded.error;
    EXPECT_EQ(to_hex(*encoded), to_hex(real)) << name;
  }
}

TEST(Smb2NegotiateResponse, EveryTruncationFails) {
  for (const auto& name : kSmb2NegotiateResponses) {
    expect_every_truncation_fails(golden(name), decode_smb2_negotiate_response, name);
  }
}

TEST(Smb2NegotiateResponse, CorruptionsAreNamed) {
  const Bytes real = golden("hardened_smb2_negotiate_response_311");
  auto error_of = [](const Bytes& b) {
    auto r = decode_smb2_negotiate_response(b);
    EXPECT_FALSE(r);
    return r.error;
  };
  Bytes b = real;
  put_u16le(b, 64 + 56, 0x1234);  // SecurityBufferOffset
  EXPECT_NE(error_of(b).find("SecurityBufferOffset 0x1234 + SecurityBufferLength 96 past end of 300-byte message"),
            std::string::npos)
      << error_of(b);
  b = real;
  put_u16le(b, 64 + 56, 0x40);
  EXPECT_NE(error_of(b).find("overlaps the fixed part"), std::string::npos);
  b = real;
  put_u16le(b, 64 + 6, 65);  // NegotiateContextCount
  EXPECT_NE(error_of(b).find("NegotiateContextCount 65 exceeds the cap of 64"), std::string::npos);
  b = real;
  put_u16le(b, 64 + 6, 4);  // one context more than present
  EXPECT_NE(error_of(b).find("negotiate context 3"), std::string::npos) << error_of(b);
  b = real;
  put_u32le(b, 64 + 60, 0x10000);  // NegotiateContextOffset
  EXPECT_NE(error_of(b).find("NegotiateContextOffset 0x00010000 outside"), std::string::npos);
  b = real;
  put_u16le(b, 224 + 2, 0xFFFF);  // DataLength of the first context
  EXPECT_NE(error_of(b).find("DataLength 65535 past the end"), std::string::npos) << error_of(b);
  b = real;
  put_u16le(b, 224 + 8, 0x7FFF);  // HashAlgorithmCount
  EXPECT_NE(error_of(b).find("HashAlgorithm count 32767 exceeds the cap"), std::string::npos) << error_of(b);
  b = real;
  put_u16le(b, 224 + 10, 200);  // SaltLength
  EXPECT_NE(error_of(b).find("SaltLength 200"), std::string::npos) << error_of(b);
  b = real;
  put_u16le(b, 64, 64);  // body StructureSize
  EXPECT_NE(error_of(b).find("StructureSize 64 (want 65)"), std::string::npos);
  b = real;
  put_u32le(b, 16, 0);  // Flags: not a response
  EXPECT_NE(error_of(b).find("not a response"), std::string::npos);
  b = real;
  put_u16le(b, 12, 1);  // Command SESSION_SETUP
  EXPECT_NE(error_of(b).find("Command 0x0001 (want 0x0000)"), std::string::npos);
  b = real;
  put_u32le(b, 20, 100);  // NextCommand inside the message: bounds the first message
  EXPECT_FALSE(decode_smb2_negotiate_response(b));
  b = real;
  put_u32le(b, 20, 4000);
  EXPECT_NE(error_of(b).find("NextCommand"), std::string::npos);
}

TEST(Smb2NegotiateResponse, UnknownContextsAreKeptRaw) {
  auto r = decode_smb2_negotiate_response(golden("hardened_smb2_negotiate_response_311"));
  ASSERT_TRUE(r);
  Smb2NegotiateResponse n = *r->response;
  n.contexts.all.push_back({0x0100, 3, H("010203")});
  auto encoded = encode_smb2_negotiate_response(r->header, n);
  ASSERT_TRUE(encoded);
  auto again = decode_smb2_negotiate_response(*encoded);
  ASSERT_TRUE(again) << again.error;
  ASSERT_EQ(again->response->contexts.all.size(), 4u);
  EXPECT_EQ(again->response->contexts.all[3].ContextType, 0x0100);
  EXPECT_EQ(to_hex(again->response->contexts.all[3].Data), "010203");
  EXPECT_EQ(smb2_context_type_name(0x0100), "context 0x0100");
}

TEST(Smb2ErrorResponse, NeedsItsErrorDataByte) {
  Bytes b = golden("hardened_smb2_negotiate_response_not_supported");
  b.pop_back();
  auto r = decode_smb2_error_response(b);
  EXPECT_FALSE(r);
  EXPECT_NE(r.error.find("STATUS_NOT_SUPPORTED"), std::string::npos) << "the status survives in the error";
  Bytes big = golden("hardened_smb2_negotiate_response_not_supported");
  put_u32le(big, 64 + 4, 0xFFFFFFFF);
  EXPECT_FALSE(decode_smb2_error_response(big));
}

TEST(Smb2Names, DialectsCiphersSigningCompression) {
  EXPECT_EQ(smb2_dialect_name(0x0202), "2.0.2");
  EXPECT_EQ(smb2_dialect_name(0x0210), "2.1");
  EXPECT_EQ(smb2_dialect_name(0x0300), "3.0");
  EXPECT_EQ(smb2_dialect_name(0x0302), "3.0.2");
  EXPECT_EQ(smb2_dialect_name(0x0311), "3.1.1");
  EXPECT_EQ(smb2_dialect_name(0x02FF), "2.???");
  EXPECT_EQ(smb2_dialect_name(0x0abc), "0x0abc");
  EXPECT_EQ(smb2_cipher_name(1), "AES-128-CCM");
  EXPECT_EQ(smb2_cipher_name(2), "AES-128-GCM");
  EXPECT_EQ(smb2_cipher_name(3), "AES-256-CCM");
  EXPECT_EQ(smb2_cipher_name(4), "AES-256-GCM");
  EXPECT_EQ(smb2_signing_algorithm_name(0), "HMAC-SHA256");
  EXPECT_EQ(smb2_signing_algorithm_name(1), "AES-CMAC");
  EXPECT_EQ(smb2_signing_algorithm_name(2), "AES-GMAC");
  EXPECT_EQ(smb2_compression_algorithm_name(0), "NONE");
  EXPECT_EQ(smb2_compression_algorithm_name(3), "LZ77+Huffman");
  EXPECT_EQ(smb2_compression_algorithm_name(4), "Pattern_V1");
  EXPECT_EQ(smb2_compression_algorithm_name(5), "LZ4");
  EXPECT_EQ(smb2_capability_names(0x000000FF).size(), 8u);
  EXPECT_EQ(smb2_capability_names(0x00000100), std::vector<std::string>{"0x00000100"});
}

// ---- SMB2 SESSION_SETUP -----------------------------------------------------------------------

TEST(Smb2SessionSetup, EncoderReproducesSmbclientRequest) {
  const Bytes real = golden("hardened_smb2_session_setup_request");
  auto d = decode_smb2_session_setup_request(real);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->SecurityBufferOffset, 0x58);
  EXPECT_EQ(d->SecurityBufferLength, 0x4a);
  Smb2SessionSetupRequestOptions o;
  o.header = d->header;
  o.Flags = d->Flags;
  o.SecurityMode = d->SecurityMode;
  o.Capabilities = d->Capabilities;
  o.Channel = d->Channel;
  o.PreviousSessionId = d->PreviousSessionId;
  o.SecurityBuffer = d->SecurityBuffer;
  auto encoded = encode_smb2_session_setup_request(o);
  ASSERT_TRUE(encoded) << encoded.error;
  EXPECT_EQ(to_hex(*encoded), to_hex(real));
  o.SecurityBuffer.assign(70000, 0);
  EXPECT_FALSE(encode_smb2_session_setup_request(o));
}

TEST(Smb2SessionSetup, ChallengeResponsesFromTheLab) {
  for (const char* name :
       {"hardened_smb2_session_setup_response_challenge", "legacy_smb2_session_setup_response_challenge",
        "stock_smb2_session_setup_response_challenge"}) {
    auto r = decode_smb2_session_setup_response(golden(name));
    ASSERT_TRUE(r) << name << ": " << r.error;
    EXPECT_FALSE(r->is_error());
    EXPECT_EQ(r->status(), STATUS_MORE_PROCESSING_REQUIRED);
    ASSERT_TRUE(r->response);
    EXPECT_EQ(r->response->SecurityBufferOffset, 72);
    EXPECT_EQ(r->response->SecurityBuffer.size(), r->response->SecurityBufferLength);
    EXPECT_EQ(r->response->SecurityBuffer[0], 0xA1) << "NegTokenResp";
    EXPECT_NE(r->header.SessionId, 0u);
  }
  auto failure = decode_smb2_session_setup_response(golden("hardened_smb2_session_setup_response_logon_failure"));
  ASSERT_TRUE(failure) << failure.error;
  EXPECT_TRUE(failure->is_error());
  EXPECT_EQ(failure->status(), STATUS_LOGON_FAILURE);
  EXPECT_EQ(failure->status_string(), "status STATUS_LOGON_FAILURE (0xc000006d)");
}

TEST(Smb2SessionSetup, EveryTruncationFailsAndCorruptionsAreNamed) {
  for (const auto& name : kSmb2SessionSetupResponses) {
    expect_every_truncation_fails(golden(name), decode_smb2_session_setup_response, name);
  }
  Bytes b = golden("hardened_smb2_session_setup_response_challenge");
  put_u16le(b, 64 + 6, 0xFFFF);  // SecurityBufferLength
  auto r = decode_smb2_session_setup_response(b);
  EXPECT_FALSE(r);
  EXPECT_NE(r.error.find("SecurityBufferLength 65535 past end"), std::string::npos) << r.error;
  EXPECT_FALSE(decode_smb2_session_setup_response(golden("hardened_smb2_negotiate_response_311")));
  expect_every_truncation_fails(golden("hardened_smb2_session_setup_request"), decode_smb2_session_setup_request,
                                "session setup request");
  expect_every_truncation_fails(golden("hardened_smb2_negotiate_request_311"), decode_smb2_negotiate_request,
                                "negotiate request");
}

TEST(Smb2SessionSetup, FlagNames) {
  EXPECT_EQ(smb2_session_flag_names(SMB2_SESSION_FLAG_IS_GUEST | SMB2_SESSION_FLAG_ENCRYPT_DATA),
            (std::vector<std::string>{"IS_GUEST", "ENCRYPT_DATA"}));
}

// ---- SMB1 header and NEGOTIATE request --------------------------------------------------------

TEST(Smb1Header, RoundTripsAndNamesStatuses) {
  Smb1Header h;
  h.Command = SMB_COM_SESSION_SETUP_ANDX;
  h.Status = STATUS_LOGON_FAILURE;
  h.UID = 0x0800;
  h.MID = 3;
  Writer w;
  encode_smb1_header(w, h);
  ASSERT_EQ(w.size(), kSmb1HeaderSize);
  auto d = decode_smb1_header(w.view());
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(*d, h);
  EXPECT_EQ(smb1_status_string(h), "STATUS_LOGON_FAILURE (0xc000006d)");
  h.Flags2 &= static_cast<std::uint16_t>(~SMB_FLAGS2_NT_STATUS);
  h.Status = 0x00020001;  // ERRDOS / ERRbadfunc-style pair: class 0x01, code 0x0002
  EXPECT_EQ(smb1_status_string(h), "DOS error class 0x01 code 0x0002");
  h.Status = 0;
  EXPECT_EQ(smb1_status_string(h), "SUCCESS");
  EXPECT_NE(decode_smb1_header(golden("hardened_smb2_negotiate_response_311")).error.find("SMB2"), std::string::npos);
  EXPECT_FALSE(decode_smb1_header(ByteView(w.view()).first(31)));
}

TEST(Smb1NegotiateRequest, EncoderReproducesSmbclientRequests) {
  for (const char* name : {"legacy_smb1_negotiate_request", "hardened_smb1_negotiate_request_multi",
                           "legacy_smb1_negotiate_request_lanman"}) {
    const Bytes real = golden(name);
    auto d = decode_smb1_negotiate_request(real);
    ASSERT_TRUE(d) << name << ": " << d.error;
    Smb1NegotiateRequestOptions o;
    o.header = d->header;
    o.Dialects = d->Dialects;
    auto encoded = encode_smb1_negotiate_request(o);
    ASSERT_TRUE(encoded) << encoded.error;
    EXPECT_EQ(to_hex(*encoded), to_hex(real)) << name;
    expect_every_truncation_fails(real, decode_smb1_negotiate_request, name);
  }
  auto multi = decode_smb1_negotiate_request(golden("hardened_smb1_negotiate_request_multi"));
  ASSERT_TRUE(multi);
  EXPECT_EQ(multi->Dialects, (std::vector<std::string>{"NT LANMAN 1.0", "NT LM 0.12", "SMB 2.002", "SMB 2.???"}));
}

TEST(Smb1NegotiateRequest, WindowsDefaults) {
  Smb1NegotiateRequestOptions o;
  o.Dialects = kWindows7Dialects;
  auto encoded = encode_smb1_negotiate_request(o);
  ASSERT_TRUE(encoded) << encoded.error;
  // Header as [MS-SMB2] 4.2 shows it: Flags 0x18, Flags2 0xC853, TID 0xFFFF, PID 0xFEFF, UID 0, MID 0.
  EXPECT_EQ(to_hex(ByteView(*encoded).first(32)),
            "ff534d42"
            "72"
            "00000000"
            "18"
            "53c8"
            "0000"
            "0000000000000000"
            "0000"
            "ffff"
            "fffe"
            "0000"
            "0000");
  auto d = decode_smb1_negotiate_request(*encoded);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->header.Flags, 0x18);
  EXPECT_EQ(d->header.Flags2, 0xC853);
  EXPECT_EQ(d->header.TID, 0xFFFF);
  EXPECT_EQ(d->header.PIDLow, 0xFEFF);
  EXPECT_EQ(d->Dialects, kWindows7Dialects);
  EXPECT_EQ(to_hex(ByteView(*encoded).subspan(32, 5)),
            "00"
            "7800"
            "0250")
      << "WordCount 0, ByteCount 120";

  o.Dialects = {std::string("bad\0dialect", 11)};
  EXPECT_FALSE(encode_smb1_negotiate_request(o));
}

// ---- SMB1 NEGOTIATE response ------------------------------------------------------------------

TEST(Smb1NegotiateResponse, NtLmExtendedSecurityFromLegacy) {
  auto r = decode_smb1_negotiate_response(golden("legacy_smb1_negotiate_response_extsec"));
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->form, Smb1NegotiateResponse::Form::NtLm);
  EXPECT_EQ(r->WordCount, 17);
  EXPECT_EQ(r->DialectIndex, 0);
  EXPECT_EQ(smb1_chosen_dialect(*r, {"NT LANMAN 1.0", "NT LM 0.12"}), "NT LANMAN 1.0");
  ASSERT_TRUE(r->nt_lm);
  const auto& n = *r->nt_lm;
  EXPECT_EQ(smb1_security_mode_names(n.SecurityMode),
            (std::vector<std::string>{"NEGOTIATE_USER_SECURITY", "NEGOTIATE_ENCRYPT_PASSWORDS",
                                      "NEGOTIATE_SECURITY_SIGNATURES_ENABLED"}));
  EXPECT_EQ(n.MaxMpxCount, 50);
  EXPECT_EQ(n.MaxNumberVcs, 1);
  EXPECT_EQ(n.MaxBufferSize, 16644u);
  EXPECT_EQ(n.MaxRawSize, 65536u);
  EXPECT_EQ(n.Capabilities, 0x8080F3FCu);
  const auto caps = smb1_capability_names(n.Capabilities);
  for (const char* c : {"CAP_UNICODE", "CAP_LARGE_FILES", "CAP_NT_SMBS", "CAP_STATUS32", "CAP_EXTENDED_SECURITY",
                        "CAP_UNIX", "CAP_DFS", "CAP_LARGE_READX"}) {
    EXPECT_NE(std::find(caps.begin(), caps.end(), c), caps.end()) << c;
  }
  EXPECT_EQ(std::find(caps.begin(), caps.end(), "CAP_RAW_MODE"), caps.end());
  EXPECT_TRUE(n.extended_security);
  EXPECT_EQ(n.ChallengeLength, 0);
  EXPECT_EQ(n.ServerGUID[0], 'd');
  ASSERT_EQ(n.SecurityBlob.size(), 96u);
  EXPECT_EQ(n.SecurityBlob[0], 0x60);
  EXPECT_EQ(filetime_to_rfc3339(n.SystemTime).size(), 20u);
}

TEST(Smb1NegotiateResponse, NtLmWithoutExtendedSecurity) {
  auto r = decode_smb1_negotiate_response(golden("legacy_smb1_negotiate_response_noext"));
  ASSERT_TRUE(r) << r.error;
  ASSERT_TRUE(r->nt_lm);
  const auto& n = *r->nt_lm;
  EXPECT_FALSE(n.extended_security);
  EXPECT_EQ(n.ChallengeLength, 8);
  EXPECT_EQ(n.Challenge.size(), 8u);
  EXPECT_EQ(n.DomainName, "LEGACY");
  EXPECT_EQ(n.ServerName, "DC1");
  EXPECT_TRUE(n.SecurityBlob.empty());
}

TEST(Smb1NegotiateResponse, NoDialectChosenFromEveryDc) {
  for (const char* name :
       {"legacy_smb1_negotiate_response_refused_lanman", "legacy_smb1_negotiate_response_refused_core",
        "hardened_smb1_negotiate_response_refused", "stock_smb1_negotiate_response_refused"}) {
    auto r = decode_smb1_negotiate_response(golden(name));
    ASSERT_TRUE(r) << name << ": " << r.error;
    EXPECT_EQ(r->form, Smb1NegotiateResponse::Form::NoDialectChosen) << name;
    EXPECT_EQ(r->DialectIndex, kNoDialectAccepted);
    EXPECT_EQ(smb1_chosen_dialect(*r, {"NT LM 0.12"}), "");
    EXPECT_EQ(smb1_negotiate_form_name(r->form), "no dialect chosen");
  }
}

TEST(Smb1NegotiateResponse, ReplyToAnSmb1OfferMayBeSmb2) {
  auto two = decode_reply_to_smb1_negotiate(golden("hardened_smb2_negotiate_response_wildcard"));
  ASSERT_TRUE(two) << two.error;
  EXPECT_EQ(two->protocol, SmbProtocol::Smb2);
  ASSERT_TRUE(two->smb2);
  EXPECT_EQ(two->smb2->response->DialectRevision, SMB2_DIALECT_WILDCARD);
  EXPECT_FALSE(two->smb1);

  auto one = decode_reply_to_smb1_negotiate(golden("hardened_smb1_negotiate_response_refused"));
  ASSERT_TRUE(one) << one.error;
  EXPECT_EQ(one->protocol, SmbProtocol::Smb1);
  ASSERT_TRUE(one->smb1);
  EXPECT_EQ(one->smb1->form, Smb1NegotiateResponse::Form::NoDialectChosen);

  EXPECT_FALSE(decode_reply_to_smb1_negotiate(H("485454502f312e3120343030")));
  auto direct = decode_smb1_negotiate_response(golden("hardened_smb2_negotiate_response_wildcard"));
  EXPECT_FALSE(direct);
  EXPECT_NE(direct.error.find("SMB2"), std::string::npos) << direct.error;
}

TEST(Smb1NegotiateResponse, LanmanAndCoreForms) {
  // A LANMAN2.1 reply ([MS-CIFS] 2.2.4.52.2, WordCount 13), written out field by field.
  const Bytes lanman =
      H("ff534d4272000000008801c00000000000000000000000000000feff00000000"  // header (Flags2 0xC001)
        "0d"                                                                // WordCount 13
        "0400"
        "0300"
        "0411"
        "3200"
        "0100"
        "0300"
        "78563412"  // index 4, mode, sizes, raw, key
        "5b8c"
        "ce5a"
        "c4ff"
        "0800"
        "0000"  // time, date, tz -60, keylen 8
        "1200"
        "0102030405060708"
        "574f524b47524f555000");  // ByteCount 18, key, "WORKGROUP"
  auto r = decode_smb1_negotiate_response(lanman);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->form, Smb1NegotiateResponse::Form::Lanman);
  EXPECT_EQ(r->DialectIndex, 4);
  EXPECT_EQ(smb1_chosen_dialect(*r, kWindows7Dialects), "LANMAN2.1");
  ASSERT_TRUE(r->lanman);
  const auto& l = *r->lanman;
  EXPECT_EQ(l.SecurityMode, 3);
  EXPECT_EQ(l.MaxBufferSize, 0x1104);
  EXPECT_EQ(l.MaxMpxCount, 50);
  EXPECT_EQ(l.SessionKey, 0x12345678u);
  EXPECT_EQ(l.ServerTimeZone, -60);
  EXPECT_EQ(to_hex(l.Challenge), "0102030405060708");
  EXPECT_EQ(l.DomainName, "WORKGROUP");
  EXPECT_EQ(smb_date_time_string(l.ServerDate, l.ServerTime), "2025-06-14T17:34:54");
  auto encoded = encode_smb1_negotiate_response(*r);
  ASSERT_TRUE(encoded) << encoded.error;
  EXPECT_EQ(to_hex(*encoded), to_hex(lanman));
  expect_every_truncation_fails(lanman, decode_smb1_negotiate_response, "lanman");

  const Bytes core =
      H("ff534d4272000000008801c00000000000000000000000000000feff00000000"
        "01"
        "0000"
        "0000");
  auto c = decode_smb1_negotiate_response(core);
  ASSERT_TRUE(c) << c.error;
  EXPECT_EQ(c->form, Smb1NegotiateResponse::Form::Core);
  EXPECT_EQ(smb1_chosen_dialect(*c, kWindows7Dialects), "PC NETWORK PROGRAM 1.0");

  const Bytes error =
      H("ff534d4272020000c08801c00000000000000000000000000000feff00000000"
        "00"
        "0000");
  auto e = decode_smb1_negotiate_response(error);
  ASSERT_TRUE(e) << e.error;
  EXPECT_EQ(e->form, Smb1NegotiateResponse::Form::Error);
  EXPECT_EQ(smb1_status_string(e->header), "STATUS_NOT_IMPLEMENTED (0xc0000002)");
}

TEST(Smb1NegotiateResponse, RealLanmanRepliesFromAnSmb1OnlyServer) {
  // Samba's smbd with server min protocol = LANMAN1 (lab scenario "files", nas): the LANMAN form
  // ([MS-CIFS] 2.2.4.52.2) with an 8-byte challenge and no DomainName after it.
  const std::vector<std::string> offered{"PC NETWORK PROGRAM 1.0", "LANMAN1.0", "Windows for Workgroups 3.1a",
                                         "LM1.2X002", "LANMAN2.1"};
  for (const auto& [name, index, dialect] :
       {std::tuple<std::string, int, std::string>{"files_nas_smb1_negotiate_response_lanman21", 4, "LANMAN2.1"},
        {"files_nas_smb1_negotiate_response_lanman10", 1, "LANMAN1.0"}}) {
    SCOPED_TRACE(name);
    const Bytes real = golden(name);
    auto r = decode_smb1_negotiate_response(real);
    ASSERT_TRUE(r) << r.error;
    EXPECT_EQ(r->form, Smb1NegotiateResponse::Form::Lanman);
    EXPECT_EQ(r->WordCount, 13);
    EXPECT_EQ(r->DialectIndex, index);
    EXPECT_EQ(smb1_chosen_dialect(*r, offered), dialect);
    EXPECT_FALSE(r->nt_lm);
    ASSERT_TRUE(r->lanman);
    EXPECT_EQ(r->lanman->SecurityMode, 3);  // user-level security, challenge/response
    EXPECT_EQ(r->lanman->MaxBufferSize, 16644);
    EXPECT_EQ(r->lanman->MaxMpxCount, 50);
    EXPECT_EQ(r->lanman->ChallengeLength, 8);
    EXPECT_EQ(r->lanman->Challenge.size(), 8u);
    EXPECT_FALSE(r->lanman->DomainName);  // ByteCount 8: the challenge alone
    expect_every_truncation_fails(real, decode_smb1_negotiate_response, name);
  }
}

TEST(Smb1NegotiateResponse, EncoderReproducesEveryCapturedResponse) {
  for (const auto& name : kSmb1NegotiateResponses) {
    const Bytes real = golden(name);
    auto r = decode_smb1_negotiate_response(real);
    ASSERT_TRUE(r) << name << ": " << r.error;
    auto encoded = encode_smb1_negotiate_response(*r);
    ASSERT_TRUE(encoded) << encoded.error;
    EXPECT_EQ(to_hex(*encoded), to_hex(real)) << name;
  }
}

TEST(Smb1NegotiateResponse, EveryTruncationFailsAndCorruptionsAreNamed) {
  for (const auto& name : kSmb1NegotiateResponses) {
    expect_every_truncation_fails(golden(name), decode_smb1_negotiate_response, name);
  }
  const Bytes real = golden("legacy_smb1_negotiate_response_noext");
  auto error_of = [](const Bytes& b) {
    auto r = decode_smb1_negotiate_response(b);
    EXPECT_FALSE(r);
    return r.error;
  };
  Bytes b = real;
  b[32] = 5;  // WordCount
  EXPECT_NE(error_of(b).find("WordCount 5 is none of 0, 1, 13, 17"), std::string::npos) << error_of(b);
  b = real;
  b[32] = 100;
  EXPECT_NE(error_of(b).find("WordCount 100 but only"), std::string::npos) << error_of(b);
  b = real;
  b[32 + 34] = 200;  // ChallengeLength
  EXPECT_NE(error_of(b).find("ChallengeLength 200 exceeds ByteCount 30"), std::string::npos) << error_of(b);
  b = real;
  put_u16le(b, 32 + 35, 500);  // ByteCount
  EXPECT_NE(error_of(b).find("ByteCount 500 but only 30 bytes follow"), std::string::npos) << error_of(b);
  b = real;
  b[9] &= 0x7F;  // Flags: clear SMB_FLAGS_REPLY
  EXPECT_NE(error_of(b).find("SMB_FLAGS_REPLY not set"), std::string::npos);
  b = real;
  b[4] = SMB_COM_SESSION_SETUP_ANDX;
  EXPECT_NE(error_of(b).find("Command 0x73 (want 0x72)"), std::string::npos);
  Bytes ext = golden("legacy_smb1_negotiate_response_extsec");
  put_u16le(ext, 32 + 35, 10);
  ext.resize(32 + 37 + 10);
  EXPECT_NE(error_of(ext).find("too small for the ServerGUID"), std::string::npos) << error_of(ext);
}

TEST(Smb1NegotiateResponse, OverlongStringsAreCapped) {
  Smb1NegotiateResponse r;
  r.header.Flags = 0x88;
  r.header.Flags2 = 0xC001;
  r.form = Smb1NegotiateResponse::Form::NtLm;
  r.nt_lm = Smb1NtLmNegotiate{};
  r.nt_lm->DomainName = std::string(kMaxSmb1StringUnits + 1, 'D');
  auto encoded = encode_smb1_negotiate_response(r);
  ASSERT_TRUE(encoded) << encoded.error;
  auto d = decode_smb1_negotiate_response(*encoded);
  EXPECT_FALSE(d);
  EXPECT_NE(d.error.find("DomainName longer than 1024"), std::string::npos) << d.error;
  r.nt_lm->DomainName = std::string(kMaxSmb1StringUnits, 'D');
  encoded = encode_smb1_negotiate_response(r);
  ASSERT_TRUE(encoded);
  auto ok = decode_smb1_negotiate_response(*encoded);
  ASSERT_TRUE(ok) << ok.error;
  EXPECT_EQ(ok->nt_lm->DomainName.size(), kMaxSmb1StringUnits);
}

// ---- SMB1 SESSION_SETUP_ANDX ------------------------------------------------------------------

TEST(Smb1SessionSetup, EncoderReproducesSmbclientRequest) {
  const Bytes real = golden("legacy_smb1_session_setup_request_negotiate");
  auto d = decode_smb1_session_setup_request(real);
  ASSERT_TRUE(d) << d.error;
  EXPECT_EQ(d->WordCount, 12);
  EXPECT_EQ(d->MaxBufferSize, 0xFFFF);
  EXPECT_EQ(d->MaxMpxCount, 2);
  EXPECT_EQ(d->VcNumber, 1);
  EXPECT_EQ(d->Capabilities, 0x8000C054u);
  EXPECT_EQ(d->SecurityBlob.size(), 74u);
  EXPECT_EQ(d->NativeOS, "Unix");
  EXPECT_EQ(d->NativeLanMan, "Samba");
  Smb1SessionSetupRequestOptions o;
  o.header = d->header;
  o.MaxBufferSize = d->MaxBufferSize;
  o.MaxMpxCount = d->MaxMpxCount;
  o.VcNumber = d->VcNumber;
  o.SessionKey = d->SessionKey;
  o.Capabilities = d->Capabilities;
  o.SecurityBlob = d->SecurityBlob;
  o.NativeOS = d->NativeOS;
  o.NativeLanMan = d->NativeLanMan;
  auto encoded = encode_smb1_session_setup_request(o);
  ASSERT_TRUE(encoded) << encoded.error;
  EXPECT_EQ(to_hex(*encoded), to_hex(real)) << "including the Unicode pad byte after the odd-length blob";
  expect_every_truncation_fails(real, decode_smb1_session_setup_request, "smb1 session setup request");

  o.header.Flags2 &= static_cast<std::uint16_t>(~SMB_FLAGS2_UNICODE);
  auto oem = encode_smb1_session_setup_request(o);
  ASSERT_TRUE(oem);
  auto again = decode_smb1_session_setup_request(*oem);
  ASSERT_TRUE(again) << again.error;
  EXPECT_EQ(again->NativeOS, "Unix");
  EXPECT_EQ(again->NativeLanMan, "Samba");
  o.SecurityBlob.assign(70000, 0);
  EXPECT_FALSE(encode_smb1_session_setup_request(o));
}

TEST(Smb1SessionSetup, ResponsesFromLegacy) {
  auto c = decode_smb1_session_setup_response(golden("legacy_smb1_session_setup_response_challenge"));
  ASSERT_TRUE(c) << c.error;
  EXPECT_EQ(c->header.Status, STATUS_MORE_PROCESSING_REQUIRED);
  EXPECT_EQ(c->WordCount, 4);
  EXPECT_FALSE(c->is_error());
  EXPECT_EQ(c->SecurityBlob.size(), 201u);
  EXPECT_EQ(c->SecurityBlob[0], 0xA1);
  EXPECT_EQ(c->NativeOS, "Windows 6.1");
  EXPECT_EQ(c->NativeLanMan, "Samba 4.17.12-Debian");
  EXPECT_EQ(c->PrimaryDomain, "LEGACY");
  EXPECT_NE(c->header.UID, 0);

  auto f = decode_smb1_session_setup_response(golden("legacy_smb1_session_setup_response_logon_failure"));
  ASSERT_TRUE(f) << f.error;
  EXPECT_TRUE(f->is_error());
  EXPECT_EQ(smb1_status_string(f->header), "STATUS_LOGON_FAILURE (0xc000006d)");

  auto s = decode_smb1_session_setup_response(golden("legacy_smb1_session_setup_response_success"));
  ASSERT_TRUE(s) << s.error;
  EXPECT_EQ(s->header.Status, STATUS_SUCCESS);
  EXPECT_EQ(s->SecurityBlob.size(), 9u);
}

TEST(Smb1SessionSetup, EveryTruncationFailsAndCorruptionsAreNamed) {
  for (const auto& name : kSmb1SessionSetupResponses) {
    expect_every_truncation_fails(golden(name), decode_smb1_session_setup_response, name);
  }
  Bytes b = golden("legacy_smb1_session_setup_response_challenge");
  put_u16le(b, 32 + 7, 0x2000);  // SecurityBlobLength
  auto r = decode_smb1_session_setup_response(b);
  EXPECT_FALSE(r);
  EXPECT_NE(r.error.find("SecurityBlobLength 8192 exceeds ByteCount 281"), std::string::npos) << r.error;
  b = golden("legacy_smb1_session_setup_response_challenge");
  b[32] = 2;
  EXPECT_FALSE(decode_smb1_session_setup_response(b));
  EXPECT_FALSE(decode_smb1_session_setup_response(golden("legacy_smb1_negotiate_response_extsec")));
}

}  // namespace
}  // namespace legacyscan::smb
