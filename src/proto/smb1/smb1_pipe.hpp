// SPDX-License-Identifier: Apache-2.0
// A named pipe over SMB1, for DCE/RPC on IPC$: SMB_COM_NT_CREATE_ANDX opens it ([MS-CIFS] 2.2.4.64),
// SMB_COM_TRANSACTION with the TransactNmPipe subcommand writes a PDU and reads the answer in one
// exchange ([MS-CIFS] 2.2.4.33, 2.2.5.6), SMB_COM_READ_ANDX reads what did not fit ([MS-CIFS]
// 2.2.4.42). Pure codecs.
#pragma once

#include <cstdint>
#include <string>

#include "legacyscan/bytes.hpp"
#include "src/proto/smb1/smb1_codec.hpp"

namespace legacyscan::smb {

inline constexpr std::uint8_t SMB_COM_TRANSACTION = 0x25;
inline constexpr std::uint8_t SMB_COM_READ_ANDX = 0x2E;
inline constexpr std::uint8_t SMB_COM_NT_CREATE_ANDX = 0xA2;
inline constexpr std::uint16_t TRANS_TRANSACT_NMPIPE = 0x0026;
// The pipe had more to give than the answer carries ([MS-CIFS] 3.3.5.58.6).
inline constexpr std::uint32_t STATUS_BUFFER_OVERFLOW_SMB1 = 0x80000005;

// NT_CREATE_ANDX for a pipe on IPC$: `pipe` without the \PIPE\ prefix ("srvsvc"), opened for read and
// write as smbclient opens it (DesiredAccess 0x0002019f, FILE_OPEN, impersonation).
Decoded<Bytes> encode_smb1_nt_create_pipe_request(const Smb1Header& header, std::string_view pipe);

struct Smb1NtCreateResponse {
  Smb1Header header;           // header.Status says why when refused
  std::uint8_t WordCount = 0;  // 34, 42 for the extended response ([MS-SMB] 2.2.4.9.2), 0 an error
  std::uint16_t FID = 0;
  std::uint16_t ResourceType = 0;  // 2: FileTypeMessageModePipe
  [[nodiscard]] bool is_error() const { return WordCount == 0; }
};
Decoded<Smb1NtCreateResponse> decode_smb1_nt_create_response(ByteView message);

// TRANSACTION to "\PIPE\" with Setup {TransactNmPipe, fid} and `data` (one DCE/RPC PDU); the answer
// may carry up to `max_data` bytes.
Decoded<Bytes> encode_smb1_transact_nmpipe_request(const Smb1Header& header, std::uint16_t fid, ByteView data,
                                                   std::uint16_t max_data);

// TRANSACTION to "\PIPE\LANMAN" (a RAP call, [MS-RAP] 3.1.4): no setup, the call in `parameters`,
// no data; the answer may carry up to `max_parameters` and `max_data` bytes.
Decoded<Bytes> encode_smb1_lanman_request(const Smb1Header& header, ByteView parameters, std::uint16_t max_parameters,
                                          std::uint16_t max_data);

struct Smb1TransactionResponse {
  Smb1Header header;
  std::uint8_t WordCount = 0;  // 0 an error
  std::uint16_t TotalParameterCount = 0;
  std::uint16_t ParameterDisplacement = 0;
  std::uint16_t TotalDataCount = 0;
  std::uint16_t DataDisplacement = 0;
  Bytes Parameters;  // this message's part of the answer's parameters (RAP puts its status there)
  Bytes Data;        // this message's part of the answer's data
  [[nodiscard]] bool is_error() const { return WordCount == 0; }
};
Decoded<Smb1TransactionResponse> decode_smb1_transaction_response(ByteView message);

// READ_ANDX of up to `max_count` bytes from a pipe (offset 0: pipes have none).
Decoded<Bytes> encode_smb1_read_andx_request(const Smb1Header& header, std::uint16_t fid, std::uint16_t max_count);

struct Smb1ReadAndxResponse {
  Smb1Header header;
  std::uint8_t WordCount = 0;  // 12 or more, 0 an error
  Bytes Data;
  [[nodiscard]] bool is_error() const { return WordCount == 0; }
};
Decoded<Smb1ReadAndxResponse> decode_smb1_read_andx_response(ByteView message);

}  // namespace legacyscan::smb
