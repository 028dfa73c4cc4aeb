// SPDX-License-Identifier: Apache-2.0
#include "src/proto/smb2/smb2_codec.hpp"
#include "src/proto/smb2/smb_names.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace legacyscan::smb {

namespace {

using names::bit_names;
using names::hex;

constexpr std::uint8_t kSmb2ProtocolId[4] = {0xFE, 'S', 'M', 'B'};
constexpr std::uint16_t kNegotiateRequestStructureSize = 36;
constexpr std::uint16_t kNegotiateResponseStructureSize = 65;
constexpr std::uint16_t kSessionSetupRequestStructureSize = 25;
constexpr std::uint16_t kSessionSetupResponseStructureSize = 9;
constexpr std::uint16_t kErrorResponseStructureSize = 9;
// Fixed parts of the bodies (the StructureSize counts one byte of the variable buffer as well).
constexpr std::size_t kNegotiateResponseFixed = 64;
constexpr std::size_t kSessionSetupRequestFixed = 24;
constexpr std::size_t kSessionSetupResponseFixed = 8;

// The message a header describes: NextCommand bounds the first message of a compound chain.
bool first_message(ByteView message, const Smb2Header& h, ByteView& out, std::string& error) {
  if (h.NextCommand == 0) {
    out = message;
    return true;
  }
  if (h.NextCommand < kSmb2HeaderSize || h.NextCommand > message.size()) {
    error = "NextCommand " + hex(h.NextCommand, 8) + " outside the " + std::to_string(message.size()) + "-byte message";
    return false;
  }
  out = message.first(h.NextCommand);
  return true;
}

// A u16 list preceded (somewhere) by its count: reads `count` values, capped.
bool read_u16_list(Reader& r, std::size_t count, std::vector<std::uint16_t>& out, const char* what,
                   std::string& error) {
  if (count > kMaxContextListEntries) {
    error = std::string(what) + " count " + std::to_string(count) + " exceeds the cap of " +
            std::to_string(kMaxContextListEntries);
    return false;
  }
  out.clear();
  for (std::size_t i = 0; i < count; ++i) {
    std::uint16_t v = 0;
    if (!r.u16le(v)) {
      error = std::string(what) + " list truncated after " + std::to_string(i) + " of " + std::to_string(count) +
              " entries";
      return false;
    }
    out.push_back(v);
  }
  return true;
}

// Decodes the data of one known context into `into` (2.2.3.1.x / 2.2.4.1.x).
bool decode_context_data(std::uint16_t type, ByteView data, Smb2NegotiateContexts& into, std::string& error) {
  Reader r(data);
  const std::string name = smb2_context_type_name(type);
  auto truncated = [&]() {
    error = name + " context truncated (DataLength " + std::to_string(data.size()) + ")";
    return false;
  };
  switch (type) {
    case SMB2_PREAUTH_INTEGRITY_CAPABILITIES: {
      std::uint16_t count = 0, salt_len = 0;
      if (!r.u16le(count) || !r.u16le(salt_len)) return truncated();
      if (!read_u16_list(r, count, into.HashAlgorithms, "HashAlgorithm", error)) return false;
      if (!r.copy(salt_len, into.Salt)) {
        error = name + ": SaltLength " + std::to_string(salt_len) + " past the end of the context";
        return false;
      }
      break;
    }
    case SMB2_ENCRYPTION_CAPABILITIES: {
      std::uint16_t count = 0;
      if (!r.u16le(count)) return truncated();
      if (!read_u16_list(r, count, into.Ciphers, "Cipher", error)) return false;
      break;
    }
    case SMB2_COMPRESSION_CAPABILITIES: {
      std::uint16_t count = 0, padding = 0;
      std::uint32_t flags = 0;
      if (!r.u16le(count) || !r.u16le(padding) || !r.u32le(flags)) return truncated();
      into.CompressionFlags = flags;
      if (!read_u16_list(r, count, into.CompressionAlgorithms, "CompressionAlgorithm", error)) return false;
      break;
    }
    case SMB2_NETNAME_NEGOTIATE_CONTEXT_ID: {
      if (data.size() % 2 != 0) {
        error = name + ": odd DataLength " + std::to_string(data.size()) + " for a UTF-16 name";
        return false;
      }
      into.NetName = utf16le_to_utf8(data);
      return true;
    }
    case SMB2_TRANSPORT_CAPABILITIES: {
      std::uint32_t flags = 0;
      if (!r.u32le(flags)) return truncated();
      into.TransportFlags = flags;
      break;
    }
    case SMB2_RDMA_TRANSFORM_CAPABILITIES: {
      std::uint16_t count = 0, reserved1 = 0;
      std::uint32_t reserved2 = 0;
      if (!r.u16le(count) || !r.u16le(reserved1) || !r.u32le(reserved2)) return truncated();
      if (!read_u16_list(r, count, into.RdmaTransformIds, "RDMATransformId", error)) return false;
      break;
    }
    case SMB2_SIGNING_CAPABILITIES: {
      std::uint16_t count = 0;
      if (!r.u16le(count)) return truncated();
      if (!read_u16_list(r, count, into.SigningAlgorithms, "SigningAlgorithm", error)) return false;
      break;
    }
    default: return true;  // unknown: kept raw only
  }
  if (!r.empty()) {
    error = name + ": " + std::to_string(r.remaining()) + " trailing bytes inside the context";
    return false;
  }
  return true;
}

// Reads `count` contexts starting at `offset` of `message`; each after the first starts at the
// next 8-byte boundary from the start of the SMB2 header (2.2.3.1, 2.2.4).
bool decode_context_list(ByteView message, std::uint32_t offset, std::size_t count, Smb2NegotiateContexts& out,
                         std::string& error) {
  if (count > kMaxNegotiateContexts) {
    error = "NegotiateContextCount " + std::to_string(count) + " exceeds the cap of " +
            std::to_string(kMaxNegotiateContexts);
    return false;
  }
  if (count == 0) return true;
  if (offset < kSmb2HeaderSize || offset > message.size()) {
    error =
        "NegotiateContextOffset " + hex(offset, 8) + " outside the " + std::to_string(message.size()) + "-byte message";
    return false;
  }
  std::size_t pos = offset;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) pos = (pos + 7) / 8 * 8;
    if (pos > message.size()) {
      error = "negotiate context " + std::to_string(i) + " starts past the end of the message";
      return false;
    }
    Reader r(message.subspan(pos));
    Smb2NegotiateContext ctx;
    std::uint32_t reserved = 0;
    if (!r.u16le(ctx.ContextType) || !r.u16le(ctx.DataLength) || !r.u32le(reserved)) {
      error = "negotiate context " + std::to_string(i) + " header truncated at offset " + hex(pos, 4);
      return false;
    }
    if (!r.copy(ctx.DataLength, ctx.Data)) {
      error = "negotiate context " + std::to_string(i) + " (" + smb2_context_type_name(ctx.ContextType) +
              "): DataLength " + std::to_string(ctx.DataLength) + " past the end of the message";
      return false;
    }
    if (!decode_context_data(ctx.ContextType, ctx.Data, out, error)) {
      error = "negotiate context " + std::to_string(i) + ": " + error;
      return false;
    }
    pos += 8 + ctx.DataLength;
    out.all.push_back(std::move(ctx));
  }
  return true;
}

// One context: ContextType, DataLength (filled from what body writes), Reserved, Data.
template <class F>
void write_context(Writer& w, std::uint16_t type, F&& body) {
  w.u16le(type);
  const Writer::Slot data_length = w.reserve_u16le();
  w.u32le(0);  // Reserved
  const std::size_t start = w.size();
  body(w);
  w.patch(data_length, w.size() - start);
}

bool fits_u16(std::size_t n) { return n <= 0xffff; }

bool write_u16_list(Writer& w, const std::vector<std::uint16_t>& list) {
  for (std::uint16_t v : list) w.u16le(v);
  return fits_u16(list.size());
}

// Checks the header of a response to `command` and returns the message it bounds.
bool check_response_header(ByteView message, Smb2Command command, const char* what, Smb2Header& h, ByteView& msg,
                           std::string& error) {
  auto header = decode_smb2_header(message);
  if (!header) {
    error = std::string(what) + ": " + header.error;
    return false;
  }
  h = *header;
  if (!h.is_response()) {
    error = std::string(what) + ": SMB2_FLAGS_SERVER_TO_REDIR not set (not a response)";
    return false;
  }
  if (h.Command != static_cast<std::uint16_t>(command)) {
    error = std::string(what) + ": Command " + hex(h.Command, 4) + " (want " +
            hex(static_cast<std::uint16_t>(command), 4) + ")";
    return false;
  }
  if (!first_message(message, h, msg, error)) {
    error = std::string(what) + ": " + error;
    return false;
  }
  return true;
}

bool decode_error_body(ByteView msg, Smb2ErrorResponse& out, std::string& error) {
  Reader r(msg.subspan(kSmb2HeaderSize));
  std::uint8_t reserved = 0;
  if (!r.u16le(out.StructureSize) || !r.u8(out.ErrorContextCount) || !r.u8(reserved) || !r.u32le(out.ByteCount)) {
    error = "ERROR response body truncated (" + std::to_string(msg.size() - kSmb2HeaderSize) + " bytes)";
    return false;
  }
  if (out.StructureSize != kErrorResponseStructureSize) {
    error = "ERROR response StructureSize " + std::to_string(out.StructureSize) + " (want 9)";
    return false;
  }
  if (out.ByteCount > kMaxSecurityBuffer) {
    error = "ERROR response ByteCount " + std::to_string(out.ByteCount) + " exceeds the cap";
    return false;
  }
  if (!r.copy(out.ByteCount, out.ErrorData)) {
    error = "ERROR response ByteCount " + std::to_string(out.ByteCount) + " past the end of the message";
    return false;
  }
  // 2.2.2: with ByteCount 0 the server still supplies one byte of ErrorData (StructureSize 9).
  if (out.ByteCount == 0 && r.empty()) {
    error = "ERROR response without its 1-byte ErrorData";
    return false;
  }
  return true;
}

// The security buffer named by offset/length, checked against the whole message and required to
// start after the fixed part of the body.
bool security_buffer(ByteView msg, std::size_t offset, std::size_t length, std::size_t min_offset, Bytes& out,
                     std::string& error) {
  if (length == 0) return true;
  if (length > kMaxSecurityBuffer) {
    error = "SecurityBufferLength " + std::to_string(length) + " exceeds the cap";
    return false;
  }
  if (offset < min_offset) {
    error = "SecurityBufferOffset " + hex(offset, 4) + " overlaps the fixed part of the message (min " +
            hex(min_offset, 4) + ")";
    return false;
  }
  ByteView v;
  if (!Reader::range(msg, offset, length, v)) {
    error = "SecurityBufferOffset " + hex(offset, 4) + " + SecurityBufferLength " + std::to_string(length) +
            " past end of " + std::to_string(msg.size()) + "-byte message";
    return false;
  }
  out.assign(v.begin(), v.end());
  return true;
}

}  // namespace

// ---- NTSTATUS ---------------------------------------------------------------------------------

std::string_view ntstatus_name(std::uint32_t status) {
  switch (status) {
    case 0x00000000: return "STATUS_SUCCESS";
    case 0x00000103: return "STATUS_PENDING";
    case 0x80000005: return "STATUS_BUFFER_OVERFLOW";
    case 0xC0000002: return "STATUS_NOT_IMPLEMENTED";
    case 0xC000000D: return "STATUS_INVALID_PARAMETER";
    case 0xC0000016: return "STATUS_MORE_PROCESSING_REQUIRED";
    case 0xC0000022: return "STATUS_ACCESS_DENIED";
    case 0xC0000034: return "STATUS_OBJECT_NAME_NOT_FOUND";
    case 0xC000005E: return "STATUS_NO_LOGON_SERVERS";
    case 0xC0000064: return "STATUS_NO_SUCH_USER";
    case 0xC000006A: return "STATUS_WRONG_PASSWORD";
    case 0xC000006D: return "STATUS_LOGON_FAILURE";
    case 0xC000006E: return "STATUS_ACCOUNT_RESTRICTION";
    case 0xC000006F: return "STATUS_INVALID_LOGON_HOURS";
    case 0xC0000070: return "STATUS_INVALID_WORKSTATION";
    case 0xC0000071: return "STATUS_PASSWORD_EXPIRED";
    case 0xC0000072: return "STATUS_ACCOUNT_DISABLED";
    case 0xC000009A: return "STATUS_INSUFFICIENT_RESOURCES";
    case 0xC00000B5: return "STATUS_IO_TIMEOUT";
    case 0xC00000BB: return "STATUS_NOT_SUPPORTED";
    case 0xC00000C3: return "STATUS_INVALID_NETWORK_RESPONSE";
    case 0xC00000CA: return "STATUS_NETWORK_ACCESS_DENIED";
    case 0xC00000CC: return "STATUS_BAD_NETWORK_NAME";
    case 0xC00000D0: return "STATUS_REQUEST_NOT_ACCEPTED";
    case 0xC00000E5: return "STATUS_INTERNAL_ERROR";
    case 0xC0000133: return "STATUS_TIME_DIFFERENCE_AT_DC";
    case 0xC0000203: return "STATUS_USER_SESSION_DELETED";
    case 0xC0000224: return "STATUS_PASSWORD_MUST_CHANGE";
    case 0xC0000225: return "STATUS_NOT_FOUND";
    case 0xC0000234: return "STATUS_ACCOUNT_LOCKED_OUT";
    case 0xC000035C: return "STATUS_NETWORK_SESSION_EXPIRED";
    case 0xC0000388: return "STATUS_DOWNGRADE_DETECTED";
    case 0xC0000418: return "STATUS_NTLM_BLOCKED";  // [MS-ERREF] 2.3.1: NTLM is disabled on the server
    default: return {};
  }
}

std::string ntstatus_string(std::uint32_t status) {
  const std::string_view name = ntstatus_name(status);
  if (name.empty()) return hex(status, 8);
  return std::string(name) + " (" + hex(status, 8) + ")";
}

// ---- protocol sniff ---------------------------------------------------------------------------

SmbProtocol detect_smb_protocol(ByteView message) {
  if (message.size() < 4 || message[1] != 'S' || message[2] != 'M' || message[3] != 'B') return SmbProtocol::Unknown;
  switch (message[0]) {
    case 0xFF: return SmbProtocol::Smb1;
    case 0xFE: return SmbProtocol::Smb2;
    case 0xFD: return SmbProtocol::Smb2Transform;
    case 0xFC: return SmbProtocol::Smb2Compressed;
    default: return SmbProtocol::Unknown;
  }
}

std::string_view smb_protocol_name(SmbProtocol p) {
  switch (p) {
    case SmbProtocol::Smb1: return "SMB1";
    case SmbProtocol::Smb2: return "SMB2";
    case SmbProtocol::Smb2Transform: return "SMB2 TRANSFORM (encrypted)";
    case SmbProtocol::Smb2Compressed: return "SMB2 COMPRESSION_TRANSFORM";
    case SmbProtocol::Unknown: break;
  }
  return "unknown";
}

// ---- header -----------------------------------------------------------------------------------

void encode_smb2_header(Writer& w, const Smb2Header& h) {
  w.bytes(ByteView(kSmb2ProtocolId, 4));
  w.u16le(64);  // StructureSize
  w.u16le(h.CreditCharge);
  w.u32le(h.Status);
  w.u16le(h.Command);
  w.u16le(h.CreditRequest);
  w.u32le(h.Flags);
  w.u32le(h.NextCommand);
  w.u64le(h.MessageId);
  if (h.is_async()) {
    w.u64le(h.AsyncId);
  } else {
    w.u32le(h.Reserved);
    w.u32le(h.TreeId);
  }
  w.u64le(h.SessionId);
  w.bytes(ByteView(h.Signature.data(), h.Signature.size()));
}

Decoded<Smb2Header> decode_smb2_header(ByteView message) {
  using R = Decoded<Smb2Header>;
  const SmbProtocol proto = detect_smb_protocol(message);
  if (proto != SmbProtocol::Smb2) {
    if (proto == SmbProtocol::Unknown) return R::fail("SMB2 header: ProtocolId is not 0xFE 'SMB'");
    return R::fail("SMB2 header: message is " + std::string(smb_protocol_name(proto)) + ", not a plain SMB2 message");
  }
  if (message.size() < kSmb2HeaderSize) {
    return R::fail("SMB2 header truncated (" + std::to_string(message.size()) + " of 64 bytes)");
  }
  Reader r(message);
  Smb2Header h;
  ByteView sig;
  if (!r.skip(4) || !r.u16le(h.StructureSize) || !r.u16le(h.CreditCharge) || !r.u32le(h.Status) ||
      !r.u16le(h.Command) || !r.u16le(h.CreditRequest) || !r.u32le(h.Flags) || !r.u32le(h.NextCommand) ||
      !r.u64le(h.MessageId)) {
    return R::fail("SMB2 header truncated");
  }
  if (h.is_async()) {
    if (!r.u64le(h.AsyncId)) return R::fail("SMB2 header truncated");
  } else {
    if (!r.u32le(h.Reserved) || !r.u32le(h.TreeId)) return R::fail("SMB2 header truncated");
  }
  if (!r.u64le(h.SessionId) || !r.bytes(16, sig)) return R::fail("SMB2 header truncated");
  std::copy(sig.begin(), sig.end(), h.Signature.begin());
  if (h.StructureSize != 64) {
    return R::fail("SMB2 header StructureSize " + std::to_string(h.StructureSize) + " (want 64)");
  }
  return R::ok(h);
}

// ---- names ------------------------------------------------------------------------------------

std::string smb2_dialect_name(std::uint16_t dialect) {
  switch (dialect) {
    case 0x0202: return "2.0.2";
    case 0x0210: return "2.1";
    case 0x0222: return "2.2.2";
    case 0x0224: return "2.2.4";
    case 0x0300: return "3.0";
    case 0x0302: return "3.0.2";
    case 0x0310: return "3.1";
    case 0x0311: return "3.1.1";
    case 0x02FF: return "2.???";
    default: return hex(dialect, 4);
  }
}

std::vector<std::string> smb2_security_mode_names(std::uint16_t mode) {
  return bit_names(
      mode,
      {{SMB2_NEGOTIATE_SIGNING_ENABLED, "SIGNING_ENABLED"}, {SMB2_NEGOTIATE_SIGNING_REQUIRED, "SIGNING_REQUIRED"}}, 4);
}

std::vector<std::string> smb2_capability_names(std::uint32_t caps) {
  return bit_names(caps,
                   {{SMB2_GLOBAL_CAP_DFS, "DFS"},
                    {SMB2_GLOBAL_CAP_LEASING, "LEASING"},
                    {SMB2_GLOBAL_CAP_LARGE_MTU, "LARGE_MTU"},
                    {SMB2_GLOBAL_CAP_MULTI_CHANNEL, "MULTI_CHANNEL"},
                    {SMB2_GLOBAL_CAP_PERSISTENT_HANDLES, "PERSISTENT_HANDLES"},
                    {SMB2_GLOBAL_CAP_DIRECTORY_LEASING, "DIRECTORY_LEASING"},
                    {SMB2_GLOBAL_CAP_ENCRYPTION, "ENCRYPTION"},
                    {SMB2_GLOBAL_CAP_NOTIFICATIONS, "NOTIFICATIONS"}},
                   8);
}

std::vector<std::string> smb2_session_flag_names(std::uint16_t flags) {
  return bit_names(flags,
                   {{SMB2_SESSION_FLAG_IS_GUEST, "IS_GUEST"},
                    {SMB2_SESSION_FLAG_IS_NULL, "IS_NULL"},
                    {SMB2_SESSION_FLAG_ENCRYPT_DATA, "ENCRYPT_DATA"}},
                   4);
}

std::string smb2_context_type_name(std::uint16_t type) {
  switch (type) {
    case SMB2_PREAUTH_INTEGRITY_CAPABILITIES: return "PREAUTH_INTEGRITY_CAPABILITIES";
    case SMB2_ENCRYPTION_CAPABILITIES: return "ENCRYPTION_CAPABILITIES";
    case SMB2_COMPRESSION_CAPABILITIES: return "COMPRESSION_CAPABILITIES";
    case SMB2_NETNAME_NEGOTIATE_CONTEXT_ID: return "NETNAME_NEGOTIATE_CONTEXT_ID";
    case SMB2_TRANSPORT_CAPABILITIES: return "TRANSPORT_CAPABILITIES";
    case SMB2_RDMA_TRANSFORM_CAPABILITIES: return "RDMA_TRANSFORM_CAPABILITIES";
    case SMB2_SIGNING_CAPABILITIES: return "SIGNING_CAPABILITIES";
    default: return "context " + hex(type, 4);
  }
}

std::string smb2_hash_algorithm_name(std::uint16_t id) { return id == 1 ? "SHA-512" : hex(id, 4); }

std::string smb2_cipher_name(std::uint16_t id) {
  switch (id) {
    case 0: return "none";
    case 1: return "AES-128-CCM";
    case 2: return "AES-128-GCM";
    case 3: return "AES-256-CCM";
    case 4: return "AES-256-GCM";
    default: return hex(id, 4);
  }
}

std::string smb2_signing_algorithm_name(std::uint16_t id) {
  switch (id) {
    case 0: return "HMAC-SHA256";
    case 1: return "AES-CMAC";
    case 2: return "AES-GMAC";
    default: return hex(id, 4);
  }
}

std::string smb2_compression_algorithm_name(std::uint16_t id) {
  switch (id) {
    case 0: return "NONE";
    case 1: return "LZNT1";
    case 2: return "LZ77";
    case 3: return "LZ77+Huffman";
    case 4: return "Pattern_V1";
    case 5: return "LZ4";
    default: return hex(id, 4);
  }
}

// ---- NEGOTIATE request ------------------------------------------------------------------------

Decoded<Bytes> encode_smb2_negotiate_request(const Smb2NegotiateRequestOptions& o) {
  using R = Decoded<Bytes>;
  if (o.Dialects.size() > kMaxDialects) return R::fail("SMB2 NEGOTIATE request: too many dialects");
  const bool offers_311 = std::find(o.Dialects.begin(), o.Dialects.end(), SMB2_DIALECT_311) != o.Dialects.end();
  Smb2Header h = o.header;
  h.Command = static_cast<std::uint16_t>(Smb2Command::NEGOTIATE);
  Writer w;
  encode_smb2_header(w, h);
  w.u16le(kNegotiateRequestStructureSize);
  w.u16le(static_cast<std::uint16_t>(o.Dialects.size()));  // DialectCount
  w.u16le(o.SecurityMode);
  w.u16le(0);  // Reserved
  w.u32le(o.Capabilities);
  w.bytes(ByteView(o.ClientGuid.data(), o.ClientGuid.size()));
  Writer::Slot context_offset{};
  Writer::Slot context_count{};
  if (offers_311) {
    context_offset = w.reserve_u32le();
    context_count = w.reserve_u16le();
    w.u16le(0);  // Reserved2
  } else {
    w.u64le(o.ClientStartTime);
  }
  for (std::uint16_t d : o.Dialects) w.u16le(d);
  if (!offers_311) return R::ok(w.take());

  bool fits = true;
  std::size_t count = 0;
  // Each context starts 8-byte aligned from the start of the SMB2 header (2.2.3). Order: preauth,
  // encryption, signing, compression, netname, transport, RDMA (smbclient's order for the first four).
  auto next = [&]() {
    w.pad_to(8);
    if (count == 0) w.patch(context_offset, w.size());
    ++count;
  };
  if (o.preauth_integrity) {
    next();
    const auto& p = *o.preauth_integrity;
    write_context(w, SMB2_PREAUTH_INTEGRITY_CAPABILITIES, [&](Writer& c) {
      c.u16le(static_cast<std::uint16_t>(p.HashAlgorithms.size()));
      const Writer::Slot salt_length = c.reserve_u16le();
      fits &= write_u16_list(c, p.HashAlgorithms);
      const std::size_t salt_start = c.size();
      c.bytes(p.Salt);
      c.patch(salt_length, c.size() - salt_start);
      fits &= fits_u16(p.Salt.size());
    });
  }
  if (o.encryption_ciphers) {
    next();
    write_context(w, SMB2_ENCRYPTION_CAPABILITIES, [&](Writer& c) {
      c.u16le(static_cast<std::uint16_t>(o.encryption_ciphers->size()));
      fits &= write_u16_list(c, *o.encryption_ciphers);
    });
  }
  if (o.signing_algorithms) {
    next();
    write_context(w, SMB2_SIGNING_CAPABILITIES, [&](Writer& c) {
      c.u16le(static_cast<std::uint16_t>(o.signing_algorithms->size()));
      fits &= write_u16_list(c, *o.signing_algorithms);
    });
  }
  if (o.compression) {
    next();
    write_context(w, SMB2_COMPRESSION_CAPABILITIES, [&](Writer& c) {
      c.u16le(static_cast<std::uint16_t>(o.compression->CompressionAlgorithms.size()));
      c.u16le(0);  // Padding
      c.u32le(o.compression->Flags);
      fits &= write_u16_list(c, o.compression->CompressionAlgorithms);
    });
  }
  if (o.netname) {
    next();
    const Bytes name = utf8_to_utf16le(*o.netname);
    fits &= fits_u16(name.size());
    write_context(w, SMB2_NETNAME_NEGOTIATE_CONTEXT_ID, [&](Writer& c) { c.bytes(name); });
  }
  if (o.transport_flags) {
    next();
    write_context(w, SMB2_TRANSPORT_CAPABILITIES, [&](Writer& c) { c.u32le(*o.transport_flags); });
  }
  if (o.rdma_transform_ids) {
    next();
    write_context(w, SMB2_RDMA_TRANSFORM_CAPABILITIES, [&](Writer& c) {
      c.u16le(static_cast<std::uint16_t>(o.rdma_transform_ids->size()));
      c.u16le(0);  // Reserved1
      c.u32le(0);  // Reserved2
      fits &= write_u16_list(c, *o.rdma_transform_ids);
    });
  }
  if (!fits) return R::fail("SMB2 NEGOTIATE request: a negotiate context list is too long for its count field");
  w.patch(context_count, count);
  return R::ok(w.take());
}

Decoded<Smb2NegotiateRequest> decode_smb2_negotiate_request(ByteView message) {
  using R = Decoded<Smb2NegotiateRequest>;
  const std::string what = "SMB2 NEGOTIATE request";
  auto header = decode_smb2_header(message);
  if (!header) return R::fail(what + ": " + header.error);
  Smb2NegotiateRequest out;
  out.header = *header;
  if (out.header.is_response()) return R::fail(what + ": SMB2_FLAGS_SERVER_TO_REDIR set (a response)");
  if (out.header.Command != static_cast<std::uint16_t>(Smb2Command::NEGOTIATE)) {
    return R::fail(what + ": Command " + hex(out.header.Command, 4) + " (want 0x0000)");
  }
  ByteView msg;
  std::string error;
  if (!first_message(message, out.header, msg, error)) return R::fail(what + ": " + error);
  Reader r(msg.subspan(kSmb2HeaderSize));
  std::uint16_t reserved = 0;
  ByteView guid;
  if (!r.u16le(out.StructureSize) || !r.u16le(out.DialectCount) || !r.u16le(out.SecurityMode) || !r.u16le(reserved) ||
      !r.u32le(out.Capabilities) || !r.bytes(16, guid)) {
    return R::fail(what + ": body truncated");
  }
  std::copy(guid.begin(), guid.end(), out.ClientGuid.begin());
  if (out.StructureSize != kNegotiateRequestStructureSize) {
    return R::fail(what + ": StructureSize " + std::to_string(out.StructureSize) + " (want 36)");
  }
  Reader after_guid = r;
  std::uint64_t start_time = 0;
  if (!r.u64le(start_time)) return R::fail(what + ": body truncated");
  if (out.DialectCount > kMaxDialects) {
    return R::fail(what + ": DialectCount " + std::to_string(out.DialectCount) + " exceeds the cap of " +
                   std::to_string(kMaxDialects));
  }
  for (std::size_t i = 0; i < out.DialectCount; ++i) {
    std::uint16_t d = 0;
    if (!r.u16le(d)) return R::fail(what + ": Dialects truncated after " + std::to_string(i) + " entries");
    out.Dialects.push_back(d);
  }
  const bool offers_311 = std::find(out.Dialects.begin(), out.Dialects.end(), SMB2_DIALECT_311) != out.Dialects.end();
  if (!offers_311) {
    out.ClientStartTime = start_time;
    return R::ok(std::move(out));
  }
  std::uint16_t reserved2 = 0;
  if (!after_guid.u32le(out.NegotiateContextOffset) || !after_guid.u16le(out.NegotiateContextCount) ||
      !after_guid.u16le(reserved2)) {
    return R::fail(what + ": body truncated");
  }
  if (!decode_context_list(msg, out.NegotiateContextOffset, out.NegotiateContextCount, out.contexts, error)) {
    return R::fail(what + ": " + error);
  }
  return R::ok(std::move(out));
}

// ---- ERROR response ---------------------------------------------------------------------------

Decoded<Smb2Reply<Smb2ErrorResponse>> decode_smb2_error_response(ByteView message) {
  using R = Decoded<Smb2Reply<Smb2ErrorResponse>>;
  auto header = decode_smb2_header(message);
  if (!header) return R::fail("SMB2 ERROR response: " + header.error);
  Smb2Reply<Smb2ErrorResponse> out;
  out.header = *header;
  ByteView msg;
  std::string error;
  if (!first_message(message, out.header, msg, error)) return R::fail("SMB2 ERROR response: " + error);
  Smb2ErrorResponse body;
  if (!decode_error_body(msg, body, error)) {
    return R::fail("SMB2 " + ntstatus_string(out.header.Status) + ": " + error);
  }
  out.error = std::move(body);
  return R::ok(std::move(out));
}

// ---- NEGOTIATE response -----------------------------------------------------------------------

Decoded<Smb2Reply<Smb2NegotiateResponse>> decode_smb2_negotiate_response(ByteView message) {
  using R = Decoded<Smb2Reply<Smb2NegotiateResponse>>;
  const std::string what = "SMB2 NEGOTIATE response";
  Smb2Reply<Smb2NegotiateResponse> out;
  ByteView msg;
  std::string error;
  if (!check_response_header(message, Smb2Command::NEGOTIATE, what.c_str(), out.header, msg, error)) {
    return R::fail(error);
  }
  if (out.header.Status != STATUS_SUCCESS) {
    Smb2ErrorResponse body;
    if (!decode_error_body(msg, body, error)) {
      return R::fail(what + ": status " + ntstatus_string(out.header.Status) + ": " + error);
    }
    out.error = std::move(body);
    return R::ok(std::move(out));
  }
  Smb2NegotiateResponse n;
  Reader r(msg.subspan(kSmb2HeaderSize));
  ByteView guid;
  if (!r.u16le(n.StructureSize) || !r.u16le(n.SecurityMode) || !r.u16le(n.DialectRevision) ||
      !r.u16le(n.NegotiateContextCount) || !r.bytes(16, guid) || !r.u32le(n.Capabilities) ||
      !r.u32le(n.MaxTransactSize) || !r.u32le(n.MaxReadSize) || !r.u32le(n.MaxWriteSize) || !r.u64le(n.SystemTime) ||
      !r.u64le(n.ServerStartTime) || !r.u16le(n.SecurityBufferOffset) || !r.u16le(n.SecurityBufferLength) ||
      !r.u32le(n.NegotiateContextOffset)) {
    return R::fail(what + ": body truncated (" + std::to_string(msg.size() - kSmb2HeaderSize) + " of 64 bytes)");
  }
  std::copy(guid.begin(), guid.end(), n.ServerGuid.begin());
  if (n.StructureSize != kNegotiateResponseStructureSize) {
    return R::fail(what + ": StructureSize " + std::to_string(n.StructureSize) + " (want 65)");
  }
  if (!security_buffer(msg, n.SecurityBufferOffset, n.SecurityBufferLength, kSmb2HeaderSize + kNegotiateResponseFixed,
                       n.SecurityBuffer, error)) {
    return R::fail(what + ": " + error);
  }
  if (n.DialectRevision == SMB2_DIALECT_311) {
    if (!decode_context_list(msg, n.NegotiateContextOffset, n.NegotiateContextCount, n.contexts, error)) {
      return R::fail(what + ": " + error);
    }
  }
  out.response = std::move(n);
  return R::ok(std::move(out));
}

Decoded<Bytes> encode_smb2_negotiate_response(const Smb2Header& header, const Smb2NegotiateResponse& n) {
  using R = Decoded<Bytes>;
  if (n.SecurityBuffer.size() > kMaxSecurityBuffer - 1)
    return R::fail("SMB2 NEGOTIATE response: SecurityBuffer too long");
  const bool contexts = n.DialectRevision == SMB2_DIALECT_311;
  if (n.contexts.all.size() > kMaxNegotiateContexts) return R::fail("SMB2 NEGOTIATE response: too many contexts");
  Writer w;
  encode_smb2_header(w, header);
  w.u16le(kNegotiateResponseStructureSize);
  w.u16le(n.SecurityMode);
  w.u16le(n.DialectRevision);
  const Writer::Slot context_count = w.reserve_u16le();
  w.bytes(ByteView(n.ServerGuid.data(), n.ServerGuid.size()));
  w.u32le(n.Capabilities);
  w.u32le(n.MaxTransactSize);
  w.u32le(n.MaxReadSize);
  w.u32le(n.MaxWriteSize);
  w.u64le(n.SystemTime);
  w.u64le(n.ServerStartTime);
  const Writer::Slot sb_offset = w.reserve_u16le();
  const Writer::Slot sb_length = w.reserve_u16le();
  const Writer::Slot context_offset = w.reserve_u32le();
  if (!n.SecurityBuffer.empty()) {
    w.patch(sb_offset, w.size());
    const std::size_t start = w.size();
    w.bytes(n.SecurityBuffer);
    w.patch(sb_length, w.size() - start);
  }
  if (contexts && !n.contexts.all.empty()) {
    bool fits = true;
    for (std::size_t i = 0; i < n.contexts.all.size(); ++i) {
      w.pad_to(8);
      if (i == 0) w.patch(context_offset, w.size());
      const auto& c = n.contexts.all[i];
      fits &= fits_u16(c.Data.size());
      write_context(w, c.ContextType, [&](Writer& b) { b.bytes(c.Data); });
    }
    if (!fits) return R::fail("SMB2 NEGOTIATE response: context data too long");
    w.patch(context_count, n.contexts.all.size());
  }
  return R::ok(w.take());
}

// ---- SESSION_SETUP ----------------------------------------------------------------------------

Decoded<Bytes> encode_smb2_session_setup_request(const Smb2SessionSetupRequestOptions& o) {
  using R = Decoded<Bytes>;
  if (o.SecurityBuffer.size() > kMaxSecurityBuffer - 1) {
    return R::fail("SMB2 SESSION_SETUP request: SecurityBuffer of " + std::to_string(o.SecurityBuffer.size()) +
                   " bytes too long");
  }
  Smb2Header h = o.header;
  h.Command = static_cast<std::uint16_t>(Smb2Command::SESSION_SETUP);
  Writer w;
  encode_smb2_header(w, h);
  w.u16le(kSessionSetupRequestStructureSize);
  w.u8(o.Flags);
  w.u8(o.SecurityMode);
  w.u32le(o.Capabilities);
  w.u32le(o.Channel);
  const Writer::Slot sb_offset = w.reserve_u16le();
  const Writer::Slot sb_length = w.reserve_u16le();
  w.u64le(o.PreviousSessionId);
  if (!o.SecurityBuffer.empty()) {
    w.patch(sb_offset, w.size());
    const std::size_t start = w.size();
    w.bytes(o.SecurityBuffer);
    w.patch(sb_length, w.size() - start);
  }
  return R::ok(w.take());
}

Decoded<Smb2SessionSetupRequest> decode_smb2_session_setup_request(ByteView message) {
  using R = Decoded<Smb2SessionSetupRequest>;
  const std::string what = "SMB2 SESSION_SETUP request";
  auto header = decode_smb2_header(message);
  if (!header) return R::fail(what + ": " + header.error);
  Smb2SessionSetupRequest out;
  out.header = *header;
  if (out.header.is_response()) return R::fail(what + ": SMB2_FLAGS_SERVER_TO_REDIR set (a response)");
  if (out.header.Command != static_cast<std::uint16_t>(Smb2Command::SESSION_SETUP)) {
    return R::fail(what + ": Command " + hex(out.header.Command, 4) + " (want 0x0001)");
  }
  ByteView msg;
  std::string error;
  if (!first_message(message, out.header, msg, error)) return R::fail(what + ": " + error);
  Reader r(msg.subspan(kSmb2HeaderSize));
  if (!r.u16le(out.StructureSize) || !r.u8(out.Flags) || !r.u8(out.SecurityMode) || !r.u32le(out.Capabilities) ||
      !r.u32le(out.Channel) || !r.u16le(out.SecurityBufferOffset) || !r.u16le(out.SecurityBufferLength) ||
      !r.u64le(out.PreviousSessionId)) {
    return R::fail(what + ": body truncated");
  }
  if (out.StructureSize != kSessionSetupRequestStructureSize) {
    return R::fail(what + ": StructureSize " + std::to_string(out.StructureSize) + " (want 25)");
  }
  if (!security_buffer(msg, out.SecurityBufferOffset, out.SecurityBufferLength,
                       kSmb2HeaderSize + kSessionSetupRequestFixed, out.SecurityBuffer, error)) {
    return R::fail(what + ": " + error);
  }
  return R::ok(std::move(out));
}

Decoded<Smb2Reply<Smb2SessionSetupResponse>> decode_smb2_session_setup_response(ByteView message) {
  using R = Decoded<Smb2Reply<Smb2SessionSetupResponse>>;
  const std::string what = "SMB2 SESSION_SETUP response";
  Smb2Reply<Smb2SessionSetupResponse> out;
  ByteView msg;
  std::string error;
  if (!check_response_header(message, Smb2Command::SESSION_SETUP, what.c_str(), out.header, msg, error)) {
    return R::fail(error);
  }
  if (out.header.Status != STATUS_SUCCESS && out.header.Status != STATUS_MORE_PROCESSING_REQUIRED) {
    Smb2ErrorResponse body;
    if (!decode_error_body(msg, body, error)) {
      return R::fail(what + ": status " + ntstatus_string(out.header.Status) + ": " + error);
    }
    out.error = std::move(body);
    return R::ok(std::move(out));
  }
  Smb2SessionSetupResponse s;
  Reader r(msg.subspan(kSmb2HeaderSize));
  if (!r.u16le(s.StructureSize) || !r.u16le(s.SessionFlags) || !r.u16le(s.SecurityBufferOffset) ||
      !r.u16le(s.SecurityBufferLength)) {
    return R::fail(what + ": body truncated (" + std::to_string(msg.size() - kSmb2HeaderSize) + " of 8 bytes)");
  }
  if (s.StructureSize != kSessionSetupResponseStructureSize) {
    return R::fail(what + ": StructureSize " + std::to_string(s.StructureSize) + " (want 9)");
  }
  if (!security_buffer(msg, s.SecurityBufferOffset, s.SecurityBufferLength,
                       kSmb2HeaderSize + kSessionSetupResponseFixed, s.SecurityBuffer, error)) {
    return R::fail(what + ": " + error);
  }
  out.response = std::move(s);
  return R::ok(std::move(out));
}

}  // namespace legacyscan::smb
