// SPDX-License-Identifier: Apache-2.0
#include "src/proto/smb1/smb1_pipe.hpp"

#include <vector>

#include "src/proto/smb1/smb1_body.hpp"

namespace legacyscan::smb {

using namespace smb1_body;

namespace {

// Offsets in the answers count from the start of the SMB header ([MS-CIFS] 2.2.4.33.2); the data
// named must lie within the message.
bool data_at(ByteView message, std::size_t offset, std::size_t count, Bytes& out) {
  if (offset > message.size() || count > message.size() - offset) return false;
  out.assign(message.begin() + static_cast<std::ptrdiff_t>(offset),
             message.begin() + static_cast<std::ptrdiff_t>(offset + count));
  return true;
}

// The header and blocks of an answer to `command`, with at least `min_words` words unless it is an
// error answer (`done`: no words, which must carry a status). `error` says what is wrong.
struct Answer {
  Body body;
  std::string what;
  std::string error;
  bool done = false;
};

template <class T>
Answer open_answer(ByteView message, std::uint8_t command, std::string what, std::uint8_t min_words, T& out) {
  Answer a;
  a.what = std::move(what);
  if (!check_header(message, command, true, a.what, out.header, a.error)) return a;
  if (!parse_body(message, a.body, a.error)) {
    a.error = a.what + ": " + a.error;
    return a;
  }
  a.done = a.body.WordCount == 0;
  if (a.done && out.header.Status == 0) a.error = a.what + ": WordCount 0 with a success status";
  if (!a.done && a.body.WordCount < min_words)
    a.error = a.what + ": WordCount " + std::to_string(a.body.WordCount) + " (want " + std::to_string(min_words) +
              " or more)";
  out.WordCount = a.body.WordCount;
  return a;
}

}  // namespace

Decoded<Bytes> encode_smb1_nt_create_pipe_request(const Smb1Header& header, std::string_view pipe) {
  if (pipe.empty() || pipe.size() > 64) return Decoded<Bytes>::fail("SMB1 NT_CREATE_ANDX request: bad pipe name");
  Smb1Header h = header;
  h.Command = SMB_COM_NT_CREATE_ANDX;
  const bool unicode = h.unicode();
  const std::string name = "\\" + std::string(pipe);
  Writer w;
  encode_smb1_header(w, h);
  write_words(w, [&](Writer& p) {
    write_no_andx(p);
    p.u8(0);                                                                                 // Reserved
    p.u16le(static_cast<std::uint16_t>(unicode ? 2 * (name.size() + 1) : name.size() + 1));  // NameLength
    p.u32le(0);                                                                              // Flags
    p.u32le(0);                                                                              // RootDirectoryFID
    p.u32le(0x0002019F);  // DesiredAccess: read, write, append, EAs, attributes, READ_CONTROL
    p.u64le(0);           // AllocationSize
    p.u32le(0);           // ExtFileAttributes
    p.u32le(3);           // ShareAccess: FILE_SHARE_READ | FILE_SHARE_WRITE
    p.u32le(1);           // CreateDisposition: FILE_OPEN
    p.u32le(0);           // CreateOptions
    p.u32le(2);           // ImpersonationLevel: SEC_IMPERSONATE
    p.u8(0);              // SecurityFlags
  });
  w.u16le_prefixed([&](Writer& b) {
    if (unicode) b.pad_to(2);
    write_string(b, unicode, name);
  });
  return Decoded<Bytes>::ok(w.take());
}

Decoded<Smb1NtCreateResponse> decode_smb1_nt_create_response(ByteView message) {
  using R = Decoded<Smb1NtCreateResponse>;
  Smb1NtCreateResponse out;
  // [MS-SMB] 2.2.4.9.2: Samba and Windows send WordCount 42 for the extended response but count 50
  // words' worth of fields; only the fields of the basic response (34 words) are read.
  Answer a = open_answer(message, SMB_COM_NT_CREATE_ANDX, "SMB1 NT_CREATE_ANDX response", 34, out);
  if (!a.error.empty()) return R::fail(a.error);
  if (a.done) return R::ok(std::move(out));
  // AndX (4), OplockLevel (1), FID (2), CreateDisposition (4), four times (32), ExtFileAttributes (4),
  // AllocationSize (8), EndOfFile (8), ResourceType (2).
  Reader& w = a.body.words;
  if (!w.skip(5) || !w.u16le(out.FID) || !w.skip(4 + 32 + 4 + 16) || !w.u16le(out.ResourceType))
    return R::fail(a.what + ": words truncated");
  return R::ok(std::move(out));
}

namespace {

// A TRANSACTION request ([MS-CIFS] 2.2.4.33.1) to the named pipe `name` with `setup` words, the
// parameters, then the data on a 4-byte boundary.
Decoded<Bytes> transaction_request(const Smb1Header& header, std::string_view name,
                                   const std::vector<std::uint16_t>& setup, ByteView parameters, ByteView data,
                                   std::uint16_t max_parameters, std::uint16_t max_data) {
  if (data.size() > 0xFFFF || parameters.size() > 0xFFFF)
    return Decoded<Bytes>::fail("SMB1 TRANSACTION request: parameters or data over 64 KiB");
  Smb1Header h = header;
  h.Command = SMB_COM_TRANSACTION;
  const bool unicode = h.unicode();
  // SMB header (32), WordCount (1), 14 words and the setup words, ByteCount (2), then the name
  // (Unicode on an even offset) and its terminator.
  std::size_t offset = kSmb1HeaderSize + 1 + 2 * (14 + setup.size()) + 2;
  if (unicode && offset % 2 != 0) ++offset;
  offset += (unicode ? 2 : 1) * (name.size() + 1);
  // Parameters and data each start on a 4-byte boundary; no data (a RAP call) needs no padding.
  const std::size_t parameter_offset = (offset + 3) / 4 * 4;
  std::size_t data_offset = parameter_offset + parameters.size();
  if (!data.empty()) data_offset = (data_offset + 3) / 4 * 4;
  const auto pcount = static_cast<std::uint16_t>(parameters.size());
  const auto dcount = static_cast<std::uint16_t>(data.size());
  Writer w;
  encode_smb1_header(w, h);
  write_words(w, [&](Writer& p) {
    p.u16le(pcount);  // TotalParameterCount
    p.u16le(dcount);  // TotalDataCount
    p.u16le(max_parameters);
    p.u16le(max_data);
    p.u8(0);     // MaxSetupCount
    p.u8(0);     // Reserved1
    p.u16le(0);  // Flags
    p.u32le(0);  // Timeout
    p.u16le(0);  // Reserved2
    p.u16le(pcount);
    p.u16le(static_cast<std::uint16_t>(parameter_offset));
    p.u16le(dcount);
    p.u16le(static_cast<std::uint16_t>(data_offset));
    p.u8(static_cast<std::uint8_t>(setup.size()));
    p.u8(0);  // Reserved3
    for (std::uint16_t word : setup) p.u16le(word);
  });
  w.u16le_prefixed([&](Writer& b) {
    if (unicode) b.pad_to(2);
    write_string(b, unicode, name);
    b.pad_to(4);
    b.bytes(parameters);
    if (!data.empty()) b.pad_to(4);
    b.bytes(data);
  });
  return Decoded<Bytes>::ok(w.take());
}

}  // namespace

Decoded<Bytes> encode_smb1_transact_nmpipe_request(const Smb1Header& header, std::uint16_t fid, ByteView data,
                                                   std::uint16_t max_data) {
  return transaction_request(header, "\\PIPE\\", {TRANS_TRANSACT_NMPIPE, fid}, {}, data, 0, max_data);
}

Decoded<Bytes> encode_smb1_lanman_request(const Smb1Header& header, ByteView parameters, std::uint16_t max_parameters,
                                          std::uint16_t max_data) {
  return transaction_request(header, "\\PIPE\\LANMAN", {}, parameters, {}, max_parameters, max_data);
}

Decoded<Smb1TransactionResponse> decode_smb1_transaction_response(ByteView message) {
  using R = Decoded<Smb1TransactionResponse>;
  Smb1TransactionResponse out;
  Answer a = open_answer(message, SMB_COM_TRANSACTION, "SMB1 TRANSACTION response", 10, out);
  if (!a.error.empty()) return R::fail(a.error);
  if (a.done) return R::ok(std::move(out));
  std::uint16_t parameter_count = 0, parameter_offset = 0, data_count = 0, data_offset = 0;
  // TotalParameterCount, TotalDataCount, Reserved1, ParameterCount, ParameterOffset,
  // ParameterDisplacement, DataCount, DataOffset, DataDisplacement.
  Reader& w = a.body.words;
  if (!w.u16le(out.TotalParameterCount) || !w.u16le(out.TotalDataCount) || !w.skip(2) || !w.u16le(parameter_count) ||
      !w.u16le(parameter_offset) || !w.u16le(out.ParameterDisplacement) || !w.u16le(data_count) ||
      !w.u16le(data_offset) || !w.u16le(out.DataDisplacement))
    return R::fail(a.what + ": words truncated");
  if (!data_at(message, parameter_offset, parameter_count, out.Parameters))
    return R::fail(a.what + ": ParameterOffset " + std::to_string(parameter_offset) + " and ParameterCount " +
                   std::to_string(parameter_count) + " beyond the message (" + std::to_string(message.size()) +
                   " bytes)");
  if (!data_at(message, data_offset, data_count, out.Data))
    return R::fail(a.what + ": DataOffset " + std::to_string(data_offset) + " and DataCount " +
                   std::to_string(data_count) + " beyond the message (" + std::to_string(message.size()) + " bytes)");
  return R::ok(std::move(out));
}

Decoded<Bytes> encode_smb1_read_andx_request(const Smb1Header& header, std::uint16_t fid, std::uint16_t max_count) {
  Smb1Header h = header;
  h.Command = SMB_COM_READ_ANDX;
  Writer w;
  encode_smb1_header(w, h);
  write_words(w, [&](Writer& p) {
    write_no_andx(p);
    p.u16le(fid);
    p.u32le(0);  // Offset
    p.u16le(max_count);
    p.u16le(max_count);  // MinCountOfBytesToReturn
    p.u32le(0);          // Timeout / MaxCountHigh
    p.u16le(0);          // Remaining
    p.u32le(0);          // OffsetHigh
  });
  w.u16le(0);  // ByteCount
  return Decoded<Bytes>::ok(w.take());
}

Decoded<Smb1ReadAndxResponse> decode_smb1_read_andx_response(ByteView message) {
  using R = Decoded<Smb1ReadAndxResponse>;
  Smb1ReadAndxResponse out;
  Answer a = open_answer(message, SMB_COM_READ_ANDX, "SMB1 READ_ANDX response", 12, out);
  if (!a.error.empty()) return R::fail(a.error);
  if (a.done) return R::ok(std::move(out));
  std::uint16_t length = 0, offset = 0, length_high = 0;
  // AndX (4), Available, DataCompactionMode, Reserved1, DataLength, DataOffset, DataLengthHigh.
  Reader& w = a.body.words;
  if (!w.skip(10) || !w.u16le(length) || !w.u16le(offset) || !w.u16le(length_high))
    return R::fail(a.what + ": words truncated");
  const std::size_t count = length | (static_cast<std::size_t>(length_high) << 16);
  if (!data_at(message, offset, count, out.Data))
    return R::fail(a.what + ": DataOffset " + std::to_string(offset) + " and DataLength " + std::to_string(count) +
                   " beyond the message");
  return R::ok(std::move(out));
}

}  // namespace legacyscan::smb
