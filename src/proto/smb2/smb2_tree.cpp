// SPDX-License-Identifier: Apache-2.0
#include "src/proto/smb2/smb2_tree.hpp"

#include "src/proto/smb2/smb_names.hpp"

namespace legacyscan::smb {

using names::bit_names;
using names::hex;

namespace {

constexpr std::uint16_t kTreeConnectRequestStructureSize = 9;
constexpr std::uint16_t kTreeConnectResponseStructureSize = 16;
constexpr std::size_t kTreeConnectRequestFixed = 8;

}  // namespace

std::string smb2_share_type_name(std::uint8_t type) {
  switch (type) {
    case SMB2_SHARE_TYPE_DISK: return "disk";
    case SMB2_SHARE_TYPE_PIPE: return "pipe";
    case SMB2_SHARE_TYPE_PRINT: return "print";
    default: return hex(type, 2);
  }
}

std::vector<std::string> smb2_share_flag_names(std::uint32_t flags) {
  auto out = bit_names(flags & ~SMB2_SHAREFLAG_CACHING_MASK,
                       {{SMB2_SHAREFLAG_DFS, "DFS"},
                        {SMB2_SHAREFLAG_DFS_ROOT, "DFS_ROOT"},
                        {SMB2_SHAREFLAG_RESTRICT_EXCLUSIVE_OPENS, "RESTRICT_EXCLUSIVE_OPENS"},
                        {SMB2_SHAREFLAG_FORCE_SHARED_DELETE, "FORCE_SHARED_DELETE"},
                        {SMB2_SHAREFLAG_ALLOW_NAMESPACE_CACHING, "ALLOW_NAMESPACE_CACHING"},
                        {SMB2_SHAREFLAG_ACCESS_BASED_DIRECTORY_ENUM, "ACCESS_BASED_DIRECTORY_ENUM"},
                        {SMB2_SHAREFLAG_FORCE_LEVELII_OPLOCK, "FORCE_LEVELII_OPLOCK"},
                        {SMB2_SHAREFLAG_ENABLE_HASH_V1, "ENABLE_HASH_V1"},
                        {SMB2_SHAREFLAG_ENABLE_HASH_V2, "ENABLE_HASH_V2"},
                        {SMB2_SHAREFLAG_ENCRYPT_DATA, "ENCRYPT_DATA"},
                        {SMB2_SHAREFLAG_IDENTITY_REMOTING, "IDENTITY_REMOTING"},
                        {SMB2_SHAREFLAG_COMPRESS_DATA, "COMPRESS_DATA"},
                        {SMB2_SHAREFLAG_ISOLATED_TRANSPORT, "ISOLATED_TRANSPORT"}},
                       8);
  static const char* const kCaching[] = {"CACHING_MANUAL", "CACHING_AUTO", "CACHING_VDO", "CACHING_NONE"};
  out.emplace_back(kCaching[(flags & SMB2_SHAREFLAG_CACHING_MASK) >> 4]);
  return out;
}

std::string smb2_access_summary(std::uint32_t maximal_access) {
  // [MS-SMB2] 2.2.13.1.1: FILE_READ_DATA 0x1, FILE_WRITE_DATA 0x2, GENERIC_ALL 0x10000000,
  // GENERIC_WRITE 0x40000000, GENERIC_READ 0x80000000, MAXIMUM_ALLOWED 0x02000000.
  const bool all = (maximal_access & 0x10000000U) != 0;
  const bool read = all || (maximal_access & 0x80000001U) != 0;
  const bool write = all || (maximal_access & 0x40000002U) != 0;
  if (read && write) return "read, write";
  if (read) return "read";
  if (write) return "write";
  return "none";
}

Decoded<Bytes> encode_smb2_tree_connect_request(const Smb2TreeConnectRequestOptions& o) {
  using R = Decoded<Bytes>;
  if (o.Path.size() > kMaxTreePathChars) return R::fail("SMB2 TREE_CONNECT request: path too long");
  Smb2Header h = o.header;
  h.Command = static_cast<std::uint16_t>(Smb2Command::TREE_CONNECT);
  Writer w;
  encode_smb2_header(w, h);
  w.u16le(kTreeConnectRequestStructureSize);
  w.u16le(o.Flags);
  const Bytes path = utf8_to_utf16le(o.Path);
  w.u16le(static_cast<std::uint16_t>(kSmb2HeaderSize + kTreeConnectRequestFixed));  // PathOffset
  w.u16le(static_cast<std::uint16_t>(path.size()));
  w.bytes(path);
  return R::ok(w.take());
}

Decoded<Smb2TreeConnectRequest> decode_smb2_tree_connect_request(ByteView message) {
  using R = Decoded<Smb2TreeConnectRequest>;
  const std::string what = "SMB2 TREE_CONNECT request";
  auto header = decode_smb2_header(message);
  if (!header) return R::fail(what + ": " + header.error);
  if (header->is_response() || header->Command != static_cast<std::uint16_t>(Smb2Command::TREE_CONNECT))
    return R::fail(what + ": not a TREE_CONNECT request (Command " + hex(header->Command, 4) + ")");
  Smb2TreeConnectRequest out;
  out.header = *header;
  Reader r(message.subspan(kSmb2HeaderSize));
  std::uint16_t size = 0, offset = 0, length = 0;
  if (!r.u16le(size) || !r.u16le(out.Flags) || !r.u16le(offset) || !r.u16le(length))
    return R::fail(what + ": body truncated");
  if (size != kTreeConnectRequestStructureSize)
    return R::fail(what + ": StructureSize " + std::to_string(size) + " (want 9)");
  ByteView path;
  if (offset < kSmb2HeaderSize + kTreeConnectRequestFixed || !Reader::range(message, offset, length, path))
    return R::fail(what + ": PathOffset " + hex(offset, 4) + " + PathLength " + std::to_string(length) +
                   " outside the message");
  if (length % 2 != 0) return R::fail(what + ": PathLength " + std::to_string(length) + " is odd (UTF-16)");
  out.Path = utf16le_to_utf8(path);
  return R::ok(std::move(out));
}

Decoded<Smb2Reply<Smb2TreeConnectResponse>> decode_smb2_tree_connect_response(ByteView message) {
  using R = Decoded<Smb2Reply<Smb2TreeConnectResponse>>;
  const std::string what = "SMB2 TREE_CONNECT response";
  auto header = decode_smb2_header(message);
  if (!header) return R::fail(what + ": " + header.error);
  if (!header->is_response()) return R::fail(what + ": SMB2_FLAGS_SERVER_TO_REDIR not set (not a response)");
  if (header->Command != static_cast<std::uint16_t>(Smb2Command::TREE_CONNECT))
    return R::fail(what + ": Command " + hex(header->Command, 4) + " (want 0x0003)");
  if (header->Status != STATUS_SUCCESS) {
    auto err = decode_smb2_error_response(message);
    if (!err) return R::fail(what + ": " + err.error);
    Smb2Reply<Smb2TreeConnectResponse> out;
    out.header = err->header;
    out.error = std::move(err->error);
    return R::ok(std::move(out));
  }
  Smb2Reply<Smb2TreeConnectResponse> out;
  out.header = *header;
  Smb2TreeConnectResponse t;
  Reader r(message.subspan(kSmb2HeaderSize));
  std::uint16_t size = 0;
  std::uint8_t reserved = 0;
  if (!r.u16le(size) || !r.u8(t.ShareType) || !r.u8(reserved) || !r.u32le(t.ShareFlags) || !r.u32le(t.Capabilities) ||
      !r.u32le(t.MaximalAccess))
    return R::fail(what + ": body truncated (" + std::to_string(message.size() - kSmb2HeaderSize) + " of 16 bytes)");
  if (size != kTreeConnectResponseStructureSize)
    return R::fail(what + ": StructureSize " + std::to_string(size) + " (want 16)");
  out.response = t;
  return R::ok(std::move(out));
}

Decoded<Bytes> encode_smb2_tree_connect_response(const Smb2Header& header, const Smb2TreeConnectResponse& t) {
  Smb2Header h = header;
  h.Command = static_cast<std::uint16_t>(Smb2Command::TREE_CONNECT);
  h.Flags |= SMB2_FLAGS_SERVER_TO_REDIR;
  Writer w;
  encode_smb2_header(w, h);
  w.u16le(kTreeConnectResponseStructureSize);
  w.u8(t.ShareType);
  w.u8(0);
  w.u32le(t.ShareFlags);
  w.u32le(t.Capabilities);
  w.u32le(t.MaximalAccess);
  return Decoded<Bytes>::ok(w.take());
}

}  // namespace legacyscan::smb
