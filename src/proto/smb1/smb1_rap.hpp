// SPDX-License-Identifier: Apache-2.0
// The Remote Administration Protocol's NetShareEnum ([MS-RAP] 2.5.6), the share list of LAN
// Manager-era servers, Windows 9x and appliances that have no srvsvc DCE/RPC service: the call's
// parameters go in an SMB1 TRANSACTION to \PIPE\LANMAN (encode_smb1_lanman_request), the answer
// comes back in the TRANSACTION response's parameters and data. Pure codecs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::smb {

inline constexpr std::uint16_t RAP_NET_SHARE_ENUM = 0x0000;  // [MS-RAP] 2.5.1 RAPOpcode
inline constexpr std::uint16_t NERR_SUCCESS = 0;
inline constexpr std::uint16_t RAP_ERROR_MORE_DATA = 234;  // the receive buffer held only part of the list

// The NetShareEnum request's parameters ([MS-RAP] 2.5.6.1): the opcode, the descriptors "WrLeh"
// and, for `level` 1, "B13BWz" (level 0: "B13"), the level and the receive buffer size.
Bytes encode_rap_net_share_enum_request(std::uint16_t level, std::uint16_t receive_buffer_size);

// One share at level 1 ([MS-RAP] 2.5.6.2, share_info_1): the name (at most 12 OEM
// characters) and comment are in the server's OEM code page, shown as Latin-1 like every SMB1 OEM
// string here.
struct RapShare {
  std::string name;
  std::uint16_t type = 0;  // 0 disk, 1 print queue, 2 device, 3 IPC
  std::string comment;
};

struct RapNetShareEnumResponse {
  std::uint16_t status = 0;  // Win32ErrorCode: NERR_SUCCESS, RAP_ERROR_MORE_DATA, or a refusal
  std::uint16_t converter = 0;
  std::uint16_t entries_returned = 0;
  std::uint16_t entries_available = 0;
  std::vector<RapShare> shares;
  [[nodiscard]] bool listed() const { return status == NERR_SUCCESS || status == RAP_ERROR_MORE_DATA; }
};

// `parameters` and `data` of the TRANSACTION answer to a level 1 request. A refusal (status other
// than success or more data) needs only the status; a comment pointer outside the data gives an
// empty comment, as Samba's client takes it.
Decoded<RapNetShareEnumResponse> decode_rap_net_share_enum_response(ByteView parameters, ByteView data);

// "disk", "print", "device", "ipc" or the number.
std::string rap_share_type_name(std::uint16_t type);

}  // namespace legacyscan::smb
