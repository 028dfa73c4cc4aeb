// SPDX-License-Identifier: Apache-2.0
// A named pipe on IPC$ over SMB2: CREATE to open it ([MS-SMB2] 2.2.13/2.2.14), IOCTL
// FSCTL_PIPE_TRANSCEIVE to write a DCE-RPC PDU and read the answer in one exchange (2.2.31/2.2.32,
// [MS-FSCC] 2.3.49) and READ for what did not fit (2.2.19/2.2.20). Pure codecs.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "legacyscan/bytes.hpp"
#include "src/proto/smb2/smb2_codec.hpp"

namespace legacyscan::smb {

inline constexpr std::uint16_t SMB2_COMMAND_READ = 0x0008;
inline constexpr std::uint32_t FSCTL_PIPE_TRANSCEIVE = 0x0011C017;

using Smb2FileId = std::array<std::uint8_t, 16>;  // Persistent then Volatile, as on the wire

// Opens `name` ("srvsvc") for read and write, as a client opens a pipe: impersonation level
// Impersonation, share read/write, FILE_OPEN, FILE_NON_DIRECTORY_FILE.
Decoded<Bytes> encode_smb2_create_pipe_request(const Smb2Header& header, const std::string& name);

struct Smb2CreateResponse {
  std::uint32_t CreateAction = 0;
  Smb2FileId FileId{};
};
Decoded<Smb2Reply<Smb2CreateResponse>> decode_smb2_create_response(ByteView message);

// FSCTL_PIPE_TRANSCEIVE with `input`, accepting up to `max_output` bytes of answer.
Decoded<Bytes> encode_smb2_pipe_transceive_request(const Smb2Header& header, const Smb2FileId& file, ByteView input,
                                                   std::uint32_t max_output);
// A READ of up to `length` bytes.
Decoded<Bytes> encode_smb2_read_request(const Smb2Header& header, const Smb2FileId& file, std::uint32_t length);

// The data of an IOCTL or READ answer: Status STATUS_SUCCESS, or STATUS_BUFFER_OVERFLOW when the
// pipe message is longer (the rest comes with READ); any other Status an ERROR response.
struct Smb2DataResponse {
  Bytes Data;
  [[nodiscard]] bool more(const Smb2Header& h) const { return h.Status == STATUS_BUFFER_OVERFLOW; }
};
Decoded<Smb2Reply<Smb2DataResponse>> decode_smb2_ioctl_response(ByteView message);
Decoded<Smb2Reply<Smb2DataResponse>> decode_smb2_read_response(ByteView message);

// True for an interim response ([MS-SMB2] 3.3.4.2): the final one follows with the same MessageId.
bool smb2_is_interim(ByteView message);

}  // namespace legacyscan::smb
