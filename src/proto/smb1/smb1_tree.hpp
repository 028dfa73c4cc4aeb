// SPDX-License-Identifier: Apache-2.0
// SMB_COM_TREE_CONNECT_ANDX ([MS-CIFS] 2.2.4.55, extended response [MS-SMB] 2.2.4.7): the SMB1 tree
// connect, to learn whether an SMB1 session reaches a share (IPC$ for a null session). Pure codecs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "legacyscan/bytes.hpp"
#include "src/proto/smb1/smb1_codec.hpp"

namespace legacyscan::smb {

inline constexpr std::uint8_t SMB_COM_TREE_CONNECT_ANDX = 0x75;
inline constexpr std::uint16_t TREE_CONNECT_ANDX_EXTENDED_RESPONSE = 0x0008;

struct Smb1TreeConnectRequestOptions {
  Smb1Header header;  // UID from the session setup; Command forced to SMB_COM_TREE_CONNECT_ANDX
  std::uint16_t Flags = TREE_CONNECT_ANDX_EXTENDED_RESPONSE;
  std::string Path;               // "\\127.0.0.1\IPC$" (Unicode when header.Flags2 says so)
  std::string Service = "?????";  // any type of share
};
// Password: one zero byte (user-level security: the session authenticated already).
Decoded<Bytes> encode_smb1_tree_connect_request(const Smb1TreeConnectRequestOptions& options);

struct Smb1TreeConnectResponse {
  Smb1Header header;           // header.Status says why when refused, header.TID names the tree
  std::uint8_t WordCount = 0;  // 7 extended, 3 basic, 0 an error
  std::uint16_t OptionalSupport = 0;
  std::optional<std::uint32_t> MaximalShareAccessRights;  // extended response only
  std::optional<std::uint32_t> GuestMaximalShareAccessRights;
  std::string Service;  // "IPC", "A:" (disk), "LPT1:", "COMM"
  std::string NativeFileSystem;
  [[nodiscard]] bool is_error() const { return WordCount == 0; }
};
Decoded<Smb1TreeConnectResponse> decode_smb1_tree_connect_response(ByteView message);

}  // namespace legacyscan::smb
