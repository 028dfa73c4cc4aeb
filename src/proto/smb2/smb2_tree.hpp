// SPDX-License-Identifier: Apache-2.0
// SMB2 TREE_CONNECT ([MS-SMB2] 2.2.9 request, 2.2.10 response): what a session may reach of one
// share, and how the server wants it reached (ShareType, ShareFlags such as ENCRYPT_DATA and DFS,
// Capabilities, MaximalAccess). Pure codecs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"
#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::smb {

// 2.2.10 ShareType.
inline constexpr std::uint8_t SMB2_SHARE_TYPE_DISK = 0x01;
inline constexpr std::uint8_t SMB2_SHARE_TYPE_PIPE = 0x02;
inline constexpr std::uint8_t SMB2_SHARE_TYPE_PRINT = 0x03;
std::string smb2_share_type_name(std::uint8_t type);  // "disk", "pipe", "print", "0x07"

// 2.2.10 ShareFlags (the caching policy is a 2-bit field at 0x30).
inline constexpr std::uint32_t SMB2_SHAREFLAG_DFS = 0x00000001;
inline constexpr std::uint32_t SMB2_SHAREFLAG_DFS_ROOT = 0x00000002;
inline constexpr std::uint32_t SMB2_SHAREFLAG_CACHING_MASK = 0x00000030;
inline constexpr std::uint32_t SMB2_SHAREFLAG_RESTRICT_EXCLUSIVE_OPENS = 0x00000100;
inline constexpr std::uint32_t SMB2_SHAREFLAG_FORCE_SHARED_DELETE = 0x00000200;
inline constexpr std::uint32_t SMB2_SHAREFLAG_ALLOW_NAMESPACE_CACHING = 0x00000400;
inline constexpr std::uint32_t SMB2_SHAREFLAG_ACCESS_BASED_DIRECTORY_ENUM = 0x00000800;
inline constexpr std::uint32_t SMB2_SHAREFLAG_FORCE_LEVELII_OPLOCK = 0x00001000;
inline constexpr std::uint32_t SMB2_SHAREFLAG_ENABLE_HASH_V1 = 0x00002000;
inline constexpr std::uint32_t SMB2_SHAREFLAG_ENABLE_HASH_V2 = 0x00004000;
inline constexpr std::uint32_t SMB2_SHAREFLAG_ENCRYPT_DATA = 0x00008000;
inline constexpr std::uint32_t SMB2_SHAREFLAG_IDENTITY_REMOTING = 0x00040000;
inline constexpr std::uint32_t SMB2_SHAREFLAG_COMPRESS_DATA = 0x00100000;
inline constexpr std::uint32_t SMB2_SHAREFLAG_ISOLATED_TRANSPORT = 0x00200000;
// "DFS", "ENCRYPT_DATA", ..., the caching policy as "CACHING_MANUAL" / "CACHING_AUTO" /
// "CACHING_VDO" / "CACHING_NONE", and "0x..." for bits not in the table.
std::vector<std::string> smb2_share_flag_names(std::uint32_t flags);

// 2.2.10 Capabilities.
inline constexpr std::uint32_t SMB2_SHARE_CAP_DFS = 0x00000008;
inline constexpr std::uint32_t SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY = 0x00000010;
inline constexpr std::uint32_t SMB2_SHARE_CAP_SCALEOUT = 0x00000020;
inline constexpr std::uint32_t SMB2_SHARE_CAP_CLUSTER = 0x00000040;
inline constexpr std::uint32_t SMB2_SHARE_CAP_ASYMMETRIC = 0x00000080;

// The longest share path written: a UNC name "\\server\share" well within the 16-bit PathLength.
inline constexpr std::size_t kMaxTreePathChars = 1024;

struct Smb2TreeConnectRequestOptions {
  Smb2Header header;  // MessageId, SessionId from the session setup
  std::uint16_t Flags = 0;
  std::string Path;  // UTF-8, written as UTF-16LE: "\\127.0.0.1\IPC$"
};
Decoded<Bytes> encode_smb2_tree_connect_request(const Smb2TreeConnectRequestOptions& options);

struct Smb2TreeConnectRequest {
  Smb2Header header;
  std::uint16_t Flags = 0;
  std::string Path;  // UTF-8
  friend bool operator==(const Smb2TreeConnectRequest&, const Smb2TreeConnectRequest&) = default;
};
Decoded<Smb2TreeConnectRequest> decode_smb2_tree_connect_request(ByteView message);

struct Smb2TreeConnectResponse {
  std::uint8_t ShareType = 0;
  std::uint32_t ShareFlags = 0;
  std::uint32_t Capabilities = 0;
  std::uint32_t MaximalAccess = 0;  // an ACCESS_MASK ([MS-SMB2] 2.2.13.1)
  friend bool operator==(const Smb2TreeConnectResponse&, const Smb2TreeConnectResponse&) = default;
};
// STATUS_SUCCESS carries a TREE_CONNECT response (header.TreeId names the tree); any other Status
// an ERROR response (STATUS_ACCESS_DENIED, STATUS_BAD_NETWORK_NAME, ...).
Decoded<Smb2Reply<Smb2TreeConnectResponse>> decode_smb2_tree_connect_response(ByteView message);
Decoded<Bytes> encode_smb2_tree_connect_response(const Smb2Header& header, const Smb2TreeConnectResponse& response);

// "read", "write", "read, write", "none" from a MaximalAccess: what a tree connect grants.
std::string smb2_access_summary(std::uint32_t maximal_access);

}  // namespace legacyscan::smb
