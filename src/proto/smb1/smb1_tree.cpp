// SPDX-License-Identifier: Apache-2.0
#include "src/proto/smb1/smb1_tree.hpp"

#include "src/proto/smb1/smb1_body.hpp"

namespace legacyscan::smb {

using namespace smb1_body;

Decoded<Bytes> encode_smb1_tree_connect_request(const Smb1TreeConnectRequestOptions& o) {
  if (o.Path.size() > kMaxSmb1StringUnits || o.Service.size() > 8)
    return Decoded<Bytes>::fail("SMB1 TREE_CONNECT_ANDX request: path or service too long");
  Smb1Header h = o.header;
  h.Command = SMB_COM_TREE_CONNECT_ANDX;
  const bool unicode = h.unicode();
  Writer w;
  encode_smb1_header(w, h);
  write_words(w, [&](Writer& p) {
    write_no_andx(p);
    p.u16le(o.Flags);
    p.u16le(1);  // PasswordLength
  });
  w.u16le_prefixed([&](Writer& b) {
    b.u8(0);                   // Password
    if (unicode) b.pad_to(2);  // Unicode strings start on an even offset from the SMB header
    write_string(b, unicode, o.Path);
    write_string(b, false, o.Service);  // always OEM ([MS-CIFS] 2.2.4.55.1)
  });
  return Decoded<Bytes>::ok(w.take());
}

Decoded<Smb1TreeConnectResponse> decode_smb1_tree_connect_response(ByteView message) {
  using R = Decoded<Smb1TreeConnectResponse>;
  const std::string what = "SMB1 TREE_CONNECT_ANDX response";
  Smb1TreeConnectResponse out;
  std::string error;
  if (!check_header(message, SMB_COM_TREE_CONNECT_ANDX, true, what, out.header, error)) return R::fail(error);
  Body body;
  if (!parse_body(message, body, error)) return R::fail(what + ": " + error);
  out.WordCount = body.WordCount;
  if (body.WordCount == 0) {
    if (out.header.Status == 0) return R::fail(what + ": WordCount 0 with a success status");
    return R::ok(std::move(out));
  }
  if (body.WordCount != 3 && body.WordCount != 7)
    return R::fail(what + ": WordCount " + std::to_string(body.WordCount) + " (want 3 or 7)");
  std::uint32_t max = 0, guest = 0;
  if (!body.words.skip(4) || !body.words.u16le(out.OptionalSupport)) return R::fail(what + ": words truncated");
  if (body.WordCount == 7) {
    if (!body.words.u32le(max) || !body.words.u32le(guest)) return R::fail(what + ": words truncated");
    out.MaximalShareAccessRights = max;
    out.GuestMaximalShareAccessRights = guest;
  }
  Reader b(body.bytes);
  if (!read_string(b, false, out.Service, "Service", error)) return R::fail(what + ": " + error);
  const bool unicode = out.header.unicode();
  skip_unicode_pad(b, body.bytes_offset + (body.bytes.size() - b.remaining()), unicode);
  if (!read_string(b, unicode, out.NativeFileSystem, "NativeFileSystem", error)) return R::fail(what + ": " + error);
  return R::ok(std::move(out));
}

}  // namespace legacyscan::smb
