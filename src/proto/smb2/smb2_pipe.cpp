// SPDX-License-Identifier: Apache-2.0
// SMB2 named pipe requests and answers (see smb2_pipe.hpp).
#include "src/proto/smb2/smb2_pipe.hpp"

#include <algorithm>

#include "src/proto/smb2/smb_names.hpp"

namespace legacyscan::smb {

using names::hex;

namespace {

constexpr std::uint16_t kCreate = static_cast<std::uint16_t>(Smb2Command::CREATE);
constexpr std::uint16_t kIoctl = static_cast<std::uint16_t>(Smb2Command::IOCTL);
constexpr std::size_t kRequestFixed = 56;  // CREATE and IOCTL: the body before the buffer

void begin(Writer& w, const Smb2Header& header, std::uint16_t command) {
  Smb2Header h = header;
  h.Command = command;
  encode_smb2_header(w, h);
}

// The header of an answer to `command`. With `body` the answer's own body follows (Status success
// or, for data, buffer overflow); otherwise it is an ERROR response, already in `out`.
template <class T>
Decoded<bool> answer(ByteView message, std::uint16_t command, const std::string& what, Smb2Reply<T>& out) {
  auto header = decode_smb2_header(message);
  if (!header) return Decoded<bool>::fail(what + ": " + header.error);
  if (!header->is_response()) return Decoded<bool>::fail(what + ": not a response");
  if (header->Command != command)
    return Decoded<bool>::fail(what + ": Command " + hex(header->Command, 4) + " (want " + hex(command, 4) + ")");
  out.header = *header;
  if (header->Status == STATUS_SUCCESS || (header->Status == STATUS_BUFFER_OVERFLOW && command != kCreate))
    return Decoded<bool>::ok(true);
  auto err = decode_smb2_error_response(message);
  if (!err) return Decoded<bool>::fail(what + ": " + err.error);
  out.error = std::move(err->error);
  return Decoded<bool>::ok(false);
}

Decoded<Smb2Reply<Smb2DataResponse>> data_response(ByteView message, std::uint16_t command) {
  using R = Decoded<Smb2Reply<Smb2DataResponse>>;
  const std::string what = command == kIoctl ? "SMB2 IOCTL response" : "SMB2 READ response";
  Smb2Reply<Smb2DataResponse> out;
  auto body = answer(message, command, what, out);
  if (!body) return R::fail(body.error);
  if (!*body) return R::ok(std::move(out));
  Reader r(message.subspan(kSmb2HeaderSize));
  std::uint16_t size = 0;
  std::uint32_t offset = 0, count = 0;
  if (command == kIoctl) {
    // 2.2.32: StructureSize 49, Reserved, CtlCode, FileId, InputOffset/Count, OutputOffset/Count.
    if (!r.u16le(size) || !r.skip(2 + 4 + 16 + 8) || !r.u32le(offset) || !r.u32le(count))
      return R::fail(what + ": body truncated");
    if (size != 49) return R::fail(what + ": StructureSize " + std::to_string(size) + " (want 49)");
  } else {
    // 2.2.20: StructureSize 17, DataOffset (one byte), Reserved, DataLength.
    std::uint8_t off8 = 0;
    if (!r.u16le(size) || !r.u8(off8) || !r.skip(1) || !r.u32le(count)) return R::fail(what + ": body truncated");
    if (size != 17) return R::fail(what + ": StructureSize " + std::to_string(size) + " (want 17)");
    offset = off8;
  }
  ByteView data;
  if (count != 0 && !Reader::range(message, offset, count, data))
    return R::fail(what + ": data offset " + hex(offset, 8) + " + " + std::to_string(count) + " outside the message");
  out.response = Smb2DataResponse{Bytes(data.begin(), data.end())};
  return R::ok(std::move(out));
}

}  // namespace

Decoded<Bytes> encode_smb2_create_pipe_request(const Smb2Header& header, const std::string& name) {
  const Bytes path = utf8_to_utf16le(name);
  if (path.empty() || path.size() > 0xFFFF) return Decoded<Bytes>::fail("SMB2 CREATE: bad pipe name");
  Writer w;
  begin(w, header, kCreate);
  w.u16le(57);                                                           // StructureSize
  w.u8(0);                                                               // SecurityFlags
  w.u8(0);                                                               // RequestedOplockLevel: none
  w.u32le(2);                                                            // ImpersonationLevel: Impersonation
  w.u64le(0);                                                            // SmbCreateFlags
  w.u64le(0);                                                            // Reserved
  w.u32le(0x0012019F);                                                   // DesiredAccess: generic read/write on a file
  w.u32le(0);                                                            // FileAttributes
  w.u32le(3);                                                            // ShareAccess: read | write
  w.u32le(1);                                                            // CreateDisposition: FILE_OPEN
  w.u32le(0x00000040);                                                   // CreateOptions: FILE_NON_DIRECTORY_FILE
  w.u16le(static_cast<std::uint16_t>(kSmb2HeaderSize + kRequestFixed));  // NameOffset
  w.u16le(static_cast<std::uint16_t>(path.size()));
  w.u32le(0);  // CreateContextsOffset
  w.u32le(0);  // CreateContextsLength
  w.bytes(path);
  return Decoded<Bytes>::ok(w.take());
}

Decoded<Smb2Reply<Smb2CreateResponse>> decode_smb2_create_response(ByteView message) {
  using R = Decoded<Smb2Reply<Smb2CreateResponse>>;
  const std::string what = "SMB2 CREATE response";
  Smb2Reply<Smb2CreateResponse> out;
  auto body = answer(message, kCreate, what, out);
  if (!body) return R::fail(body.error);
  if (!*body) return R::ok(std::move(out));
  // 2.2.14: StructureSize 89, OplockLevel, Flags, CreateAction, four times, two sizes, attributes,
  // Reserved2, FileId, then the create contexts' offset and length.
  Reader r(message.subspan(kSmb2HeaderSize));
  std::uint16_t size = 0;
  Smb2CreateResponse c;
  ByteView id;
  if (!r.u16le(size) || !r.skip(2) || !r.u32le(c.CreateAction) || !r.skip(4 * 8 + 2 * 8 + 4 + 4) || !r.bytes(16, id) ||
      !r.skip(8))
    return R::fail(what + ": body truncated");
  if (size != 89) return R::fail(what + ": StructureSize " + std::to_string(size) + " (want 89)");
  std::copy(id.begin(), id.end(), c.FileId.begin());
  out.response = c;
  return R::ok(std::move(out));
}

Decoded<Bytes> encode_smb2_pipe_transceive_request(const Smb2Header& header, const Smb2FileId& file, ByteView input,
                                                   std::uint32_t max_output) {
  if (input.size() > 0xFFFF) return Decoded<Bytes>::fail("SMB2 IOCTL: input too long");
  Writer w;
  begin(w, header, kIoctl);
  w.u16le(57);  // StructureSize
  w.u16le(0);   // Reserved
  w.u32le(FSCTL_PIPE_TRANSCEIVE);
  w.bytes(ByteView(file));
  w.u32le(static_cast<std::uint32_t>(kSmb2HeaderSize + kRequestFixed));  // InputOffset
  w.u32le(static_cast<std::uint32_t>(input.size()));
  w.u32le(0);  // MaxInputResponse
  w.u32le(0);  // OutputOffset
  w.u32le(0);  // OutputCount
  w.u32le(max_output);
  w.u32le(1);  // Flags: SMB2_0_IOCTL_IS_FSCTL
  w.u32le(0);  // Reserved2
  w.bytes(input);
  return Decoded<Bytes>::ok(w.take());
}

Decoded<Bytes> encode_smb2_read_request(const Smb2Header& header, const Smb2FileId& file, std::uint32_t length) {
  Writer w;
  begin(w, header, SMB2_COMMAND_READ);
  w.u16le(49);  // StructureSize
  w.u8(0x50);   // Padding: data right after the 80-byte response fixed part
  w.u8(0);      // Flags
  w.u32le(length);
  w.u64le(0);  // Offset: ignored for a pipe
  w.bytes(ByteView(file));
  w.u32le(1);  // MinimumCount
  w.u32le(0);  // Channel
  w.u32le(0);  // RemainingBytes
  w.u16le(0);  // ReadChannelInfoOffset
  w.u16le(0);  // ReadChannelInfoLength
  w.u8(0);     // the one byte of Buffer a request must carry
  return Decoded<Bytes>::ok(w.take());
}

Decoded<Smb2Reply<Smb2DataResponse>> decode_smb2_ioctl_response(ByteView message) {
  return data_response(message, kIoctl);
}

Decoded<Smb2Reply<Smb2DataResponse>> decode_smb2_read_response(ByteView message) {
  return data_response(message, SMB2_COMMAND_READ);
}

bool smb2_is_interim(ByteView message) {
  auto h = decode_smb2_header(message);
  return h && h->is_response() && h->is_async() && h->Status == STATUS_PENDING;
}

}  // namespace legacyscan::smb
