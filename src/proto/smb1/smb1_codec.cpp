// SPDX-License-Identifier: Apache-2.0
#include "src/proto/smb1/smb1_codec.hpp"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <utility>

#include "src/proto/smb1/smb1_body.hpp"
#include "src/proto/smb2/smb_names.hpp"

namespace legacyscan::smb {

namespace {

using names::bit_names;
using names::hex;
using namespace smb1_body;

constexpr std::uint8_t kSmb1ProtocolId[4] = {0xFF, 'S', 'M', 'B'};
constexpr std::uint8_t kDialectBufferFormat = 0x02;
constexpr std::size_t kMaxByteCount = 0xFFFF;

}  // namespace

std::vector<std::string> smb1_security_mode_names(std::uint16_t mode) {
  return bit_names(mode,
                   {{NEGOTIATE_USER_SECURITY, "NEGOTIATE_USER_SECURITY"},
                    {NEGOTIATE_ENCRYPT_PASSWORDS, "NEGOTIATE_ENCRYPT_PASSWORDS"},
                    {NEGOTIATE_SECURITY_SIGNATURES_ENABLED, "NEGOTIATE_SECURITY_SIGNATURES_ENABLED"},
                    {NEGOTIATE_SECURITY_SIGNATURES_REQUIRED, "NEGOTIATE_SECURITY_SIGNATURES_REQUIRED"}},
                   2);
}

std::vector<std::string> smb1_capability_names(std::uint32_t caps) {
  return bit_names(caps,
                   {{CAP_RAW_MODE, "CAP_RAW_MODE"},
                    {CAP_MPX_MODE, "CAP_MPX_MODE"},
                    {CAP_UNICODE, "CAP_UNICODE"},
                    {CAP_LARGE_FILES, "CAP_LARGE_FILES"},
                    {CAP_NT_SMBS, "CAP_NT_SMBS"},
                    {CAP_RPC_REMOTE_APIS, "CAP_RPC_REMOTE_APIS"},
                    {CAP_STATUS32, "CAP_STATUS32"},
                    {CAP_LEVEL_II_OPLOCKS, "CAP_LEVEL_II_OPLOCKS"},
                    {CAP_LOCK_AND_READ, "CAP_LOCK_AND_READ"},
                    {CAP_NT_FIND, "CAP_NT_FIND"},
                    {CAP_DFS, "CAP_DFS"},
                    {CAP_INFOLEVEL_PASSTHRU, "CAP_INFOLEVEL_PASSTHRU"},
                    {CAP_LARGE_READX, "CAP_LARGE_READX"},
                    {CAP_LARGE_WRITEX, "CAP_LARGE_WRITEX"},
                    {CAP_LWIO, "CAP_LWIO"},
                    {CAP_UNIX, "CAP_UNIX"},
                    {CAP_COMPRESSED_DATA, "CAP_COMPRESSED_DATA"},
                    {CAP_DYNAMIC_REAUTH, "CAP_DYNAMIC_REAUTH"},
                    {CAP_PERSISTENT_HANDLES, "CAP_PERSISTENT_HANDLES"},
                    {CAP_EXTENDED_SECURITY, "CAP_EXTENDED_SECURITY"}},
                   8);
}

// ---- header -----------------------------------------------------------------------------------

void encode_smb1_header(Writer& w, const Smb1Header& h) {
  w.bytes(ByteView(kSmb1ProtocolId, 4));
  w.u8(h.Command);
  w.u32le(h.Status);
  w.u8(h.Flags);
  w.u16le(h.Flags2);
  w.u16le(h.PIDHigh);
  w.bytes(ByteView(h.SecurityFeatures.data(), h.SecurityFeatures.size()));
  w.u16le(h.Reserved);
  w.u16le(h.TID);
  w.u16le(h.PIDLow);
  w.u16le(h.UID);
  w.u16le(h.MID);
}

Decoded<Smb1Header> decode_smb1_header(ByteView message) {
  using R = Decoded<Smb1Header>;
  const SmbProtocol proto = detect_smb_protocol(message);
  if (proto != SmbProtocol::Smb1) {
    if (proto == SmbProtocol::Unknown) return R::fail("SMB1 header: Protocol is not 0xFF 'SMB'");
    return R::fail("SMB1 header: message is " + std::string(smb_protocol_name(proto)) + " (0x" +
                   to_hex(message.first(1)) + " 'SMB'), not SMB1");
  }
  Reader r(message);
  Smb1Header h;
  ByteView security;
  if (!r.skip(4) || !r.u8(h.Command) || !r.u32le(h.Status) || !r.u8(h.Flags) || !r.u16le(h.Flags2) ||
      !r.u16le(h.PIDHigh) || !r.bytes(8, security) || !r.u16le(h.Reserved) || !r.u16le(h.TID) || !r.u16le(h.PIDLow) ||
      !r.u16le(h.UID) || !r.u16le(h.MID)) {
    return R::fail("SMB1 header truncated (" + std::to_string(message.size()) + " of 32 bytes)");
  }
  std::copy(security.begin(), security.end(), h.SecurityFeatures.begin());
  return R::ok(h);
}

std::string smb1_status_string(const Smb1Header& h) {
  if (h.nt_status()) return ntstatus_string(h.Status);
  // [MS-CIFS] 2.2.3.1 SMB_ERROR: ErrorClass (1), Reserved (1), ErrorCode (2).
  const unsigned error_class = h.Status & 0xFF;
  const unsigned error_code = (h.Status >> 16) & 0xFFFF;
  if (error_class == 0 && error_code == 0) return "SUCCESS";
  return "DOS error class " + hex(error_class, 2) + " code " + hex(error_code, 4);
}

// ---- SMB_COM_NEGOTIATE request ----------------------------------------------------------------

Decoded<Bytes> encode_smb1_negotiate_request(const Smb1NegotiateRequestOptions& o) {
  using R = Decoded<Bytes>;
  std::size_t total = 0;
  for (const auto& d : o.Dialects) {
    if (d.find('\0') != std::string::npos) return R::fail("SMB1 NEGOTIATE request: dialect string contains NUL");
    total += d.size() + 2;
  }
  if (total > kMaxByteCount || o.Dialects.size() > kMaxSmb1Dialects) {
    return R::fail("SMB1 NEGOTIATE request: dialect list too long");
  }
  Smb1Header h = o.header;
  h.Command = SMB_COM_NEGOTIATE;
  Writer w;
  encode_smb1_header(w, h);
  write_words(w, [](Writer&) {});  // WordCount 0
  w.u16le_prefixed([&](Writer& bytes) {
    for (const auto& d : o.Dialects) {
      bytes.u8(kDialectBufferFormat);
      bytes.bytes(d);
      bytes.u8(0);
    }
  });
  return R::ok(w.take());
}

Decoded<Smb1NegotiateRequest> decode_smb1_negotiate_request(ByteView message) {
  using R = Decoded<Smb1NegotiateRequest>;
  const std::string what = "SMB1 NEGOTIATE request";
  Smb1NegotiateRequest out;
  std::string error;
  if (!check_header(message, SMB_COM_NEGOTIATE, false, what, out.header, error)) return R::fail(error);
  Body body;
  if (!parse_body(message, body, error)) return R::fail(what + ": " + error);
  if (body.WordCount != 0) return R::fail(what + ": WordCount " + std::to_string(body.WordCount) + " (want 0)");
  Reader r(body.bytes);
  while (!r.empty()) {
    std::uint8_t format = 0;
    if (!r.u8(format) || format != kDialectBufferFormat) {
      return R::fail(what + ": dialect " + std::to_string(out.Dialects.size()) + " BufferFormat " + hex(format, 2) +
                     " (want 0x02)");
    }
    if (out.Dialects.size() >= kMaxSmb1Dialects) return R::fail(what + ": more than 256 dialects");
    std::string d;
    if (!r.cstring(d, 255)) {
      return R::fail(what + ": dialect " + std::to_string(out.Dialects.size()) + " not NUL-terminated");
    }
    out.Dialects.push_back(std::move(d));
  }
  return R::ok(std::move(out));
}

// ---- SMB_COM_NEGOTIATE response ---------------------------------------------------------------

std::string smb_date_time_string(std::uint16_t date, std::uint16_t time) {
  char buf[40];
  // SMB_DATE: Year (7 bits, from 1980), Month (4), Day (5); SMB_TIME: Hour (5), Minutes (6), Seconds/2 (5).
  const unsigned d = date;
  const unsigned t = time;
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02uT%02u:%02u:%02u", 1980u + (d >> 9), (d >> 5) & 0x0Fu, d & 0x1Fu,
                t >> 11, (t >> 5) & 0x3Fu, (t & 0x1Fu) * 2);
  return buf;
}

std::string_view smb1_negotiate_form_name(Smb1NegotiateResponse::Form form) {
  switch (form) {
    case Smb1NegotiateResponse::Form::Error: return "error";
    case Smb1NegotiateResponse::Form::NoDialectChosen: return "no dialect chosen";
    case Smb1NegotiateResponse::Form::Core: return "core";
    case Smb1NegotiateResponse::Form::Lanman: return "LAN Manager";
    case Smb1NegotiateResponse::Form::NtLm: return "NT LAN Manager";
  }
  return "unknown";
}

std::string smb1_chosen_dialect(const Smb1NegotiateResponse& response, const std::vector<std::string>& offered) {
  if (response.form == Smb1NegotiateResponse::Form::Error ||
      response.form == Smb1NegotiateResponse::Form::NoDialectChosen || response.DialectIndex >= offered.size()) {
    return {};
  }
  return offered[response.DialectIndex];
}

Decoded<Smb1NegotiateResponse> decode_smb1_negotiate_response(ByteView message) {
  using R = Decoded<Smb1NegotiateResponse>;
  const std::string what = "SMB1 NEGOTIATE response";
  Smb1NegotiateResponse out;
  std::string error;
  if (!check_header(message, SMB_COM_NEGOTIATE, true, what, out.header, error)) return R::fail(error);
  Body body;
  if (!parse_body(message, body, error)) return R::fail(what + ": " + error);
  out.WordCount = body.WordCount;
  Reader& p = body.words;
  if (body.WordCount == 0) {
    out.form = Smb1NegotiateResponse::Form::Error;
    return R::ok(std::move(out));
  }
  if (!p.u16le(out.DialectIndex)) return R::fail(what + ": DialectIndex missing");
  const bool unicode = out.header.unicode();
  switch (body.WordCount) {
    case 1:
      out.form = out.DialectIndex == kNoDialectAccepted ? Smb1NegotiateResponse::Form::NoDialectChosen
                                                        : Smb1NegotiateResponse::Form::Core;
      return R::ok(std::move(out));
    case 13: {
      Smb1LanmanNegotiate l;
      std::uint16_t tz = 0, reserved = 0;
      if (!p.u16le(l.SecurityMode) || !p.u16le(l.MaxBufferSize) || !p.u16le(l.MaxMpxCount) ||
          !p.u16le(l.MaxNumberVcs) || !p.u16le(l.RawMode) || !p.u32le(l.SessionKey) || !p.u16le(l.ServerTime) ||
          !p.u16le(l.ServerDate) || !p.u16le(tz) || !p.u16le(l.ChallengeLength) || !p.u16le(reserved)) {
        return R::fail(what + ": LAN Manager parameters truncated");
      }
      l.ServerTimeZone = static_cast<std::int16_t>(tz);
      Reader b(body.bytes);
      if (!b.copy(l.ChallengeLength, l.Challenge)) {
        return R::fail(what + ": ChallengeLength " + std::to_string(l.ChallengeLength) + " exceeds ByteCount " +
                       std::to_string(body.ByteCount));
      }
      if (!b.empty()) {
        l.DomainName.emplace();
        if (!read_string(b, false, *l.DomainName, "DomainName", error)) return R::fail(what + ": " + error);
      }
      out.form = Smb1NegotiateResponse::Form::Lanman;
      out.lanman = std::move(l);
      return R::ok(std::move(out));
    }
    case 17: {
      Smb1NtLmNegotiate n;
      std::uint16_t tz = 0;
      if (!p.u8(n.SecurityMode) || !p.u16le(n.MaxMpxCount) || !p.u16le(n.MaxNumberVcs) || !p.u32le(n.MaxBufferSize) ||
          !p.u32le(n.MaxRawSize) || !p.u32le(n.SessionKey) || !p.u32le(n.Capabilities) || !p.u64le(n.SystemTime) ||
          !p.u16le(tz) || !p.u8(n.ChallengeLength)) {
        return R::fail(what + ": NT LM parameters truncated");
      }
      n.ServerTimeZone = static_cast<std::int16_t>(tz);
      Reader b(body.bytes);
      n.extended_security = (n.Capabilities & CAP_EXTENDED_SECURITY) != 0;
      if (n.extended_security) {
        // [MS-SMB] 2.2.4.5.2: ServerGUID (16 bytes), then the SecurityBlob fills the rest.
        ByteView guid;
        if (!b.bytes(16, guid)) {
          return R::fail(what + ": ByteCount " + std::to_string(body.ByteCount) + " too small for the ServerGUID");
        }
        std::copy(guid.begin(), guid.end(), n.ServerGUID.begin());
        if (!b.copy(b.remaining(), n.SecurityBlob)) return R::fail(what + ": SecurityBlob truncated");
      } else {
        if (!b.copy(n.ChallengeLength, n.Challenge)) {
          return R::fail(what + ": ChallengeLength " + std::to_string(n.ChallengeLength) + " exceeds ByteCount " +
                         std::to_string(body.ByteCount));
        }
        // DomainName and ServerName follow without alignment padding (what Samba and Windows send).
        if (!read_string(b, unicode, n.DomainName, "DomainName", error) ||
            !read_string(b, unicode, n.ServerName, "ServerName", error)) {
          return R::fail(what + ": " + error);
        }
      }
      out.form = Smb1NegotiateResponse::Form::NtLm;
      out.nt_lm = std::move(n);
      return R::ok(std::move(out));
    }
    default: return R::fail(what + ": WordCount " + std::to_string(body.WordCount) + " is none of 0, 1, 13, 17");
  }
}

Decoded<Bytes> encode_smb1_negotiate_response(const Smb1NegotiateResponse& resp) {
  using R = Decoded<Bytes>;
  const std::string what = "SMB1 NEGOTIATE response";
  Smb1Header h = resp.header;
  h.Command = SMB_COM_NEGOTIATE;
  const bool unicode = h.unicode();
  Writer w;
  encode_smb1_header(w, h);
  std::size_t data_size = 0;
  switch (resp.form) {
    case Smb1NegotiateResponse::Form::Error:
      write_words(w, [](Writer&) {});
      w.u16le(0);
      break;
    case Smb1NegotiateResponse::Form::NoDialectChosen:
    case Smb1NegotiateResponse::Form::Core:
      write_words(w, [&](Writer& p) {
        p.u16le(resp.form == Smb1NegotiateResponse::Form::NoDialectChosen ? kNoDialectAccepted : resp.DialectIndex);
      });
      w.u16le(0);
      break;
    case Smb1NegotiateResponse::Form::Lanman: {
      if (!resp.lanman) return R::fail(what + ": LAN Manager form without parameters");
      const auto& l = *resp.lanman;
      data_size = l.Challenge.size() + (l.DomainName ? l.DomainName->size() + 1 : 0);
      if (data_size > kMaxByteCount) return R::fail(what + ": data too long");
      Writer::Slot challenge_length{};
      write_words(w, [&](Writer& p) {
        p.u16le(resp.DialectIndex);
        p.u16le(l.SecurityMode);
        p.u16le(l.MaxBufferSize);
        p.u16le(l.MaxMpxCount);
        p.u16le(l.MaxNumberVcs);
        p.u16le(l.RawMode);
        p.u32le(l.SessionKey);
        p.u16le(l.ServerTime);
        p.u16le(l.ServerDate);
        p.u16le(static_cast<std::uint16_t>(l.ServerTimeZone));
        challenge_length = p.reserve_u16le();
        p.u16le(0);  // Reserved
      });
      w.u16le_prefixed([&](Writer& b) {
        const std::size_t start = b.size();
        b.bytes(l.Challenge);
        b.patch(challenge_length, b.size() - start);
        if (l.DomainName) write_string(b, false, *l.DomainName);
      });
      break;
    }
    case Smb1NegotiateResponse::Form::NtLm: {
      if (!resp.nt_lm) return R::fail(what + ": NT LM form without parameters");
      const auto& n = *resp.nt_lm;
      const bool extended = (n.Capabilities & CAP_EXTENDED_SECURITY) != 0;
      data_size = extended ? 16 + n.SecurityBlob.size()
                           : n.Challenge.size() + 4 * (n.DomainName.size() + n.ServerName.size()) + 4;
      if (data_size > kMaxByteCount || n.Challenge.size() > 0xFF) return R::fail(what + ": data too long");
      Writer::Slot challenge_length{};
      write_words(w, [&](Writer& p) {
        p.u16le(resp.DialectIndex);
        p.u8(n.SecurityMode);
        p.u16le(n.MaxMpxCount);
        p.u16le(n.MaxNumberVcs);
        p.u32le(n.MaxBufferSize);
        p.u32le(n.MaxRawSize);
        p.u32le(n.SessionKey);
        p.u32le(n.Capabilities);
        p.u64le(n.SystemTime);
        p.u16le(static_cast<std::uint16_t>(n.ServerTimeZone));
        challenge_length = p.reserve_u8();
      });
      w.u16le_prefixed([&](Writer& b) {
        if (extended) {
          b.bytes(ByteView(n.ServerGUID.data(), n.ServerGUID.size()));
          b.bytes(n.SecurityBlob);
        } else {
          const std::size_t start = b.size();
          b.bytes(n.Challenge);
          b.patch(challenge_length, b.size() - start);
          write_string(b, unicode, n.DomainName);
          write_string(b, unicode, n.ServerName);
        }
      });
      break;
    }
  }
  return R::ok(w.take());
}

Decoded<Smb1OfferReply> decode_reply_to_smb1_negotiate(ByteView message) {
  using R = Decoded<Smb1OfferReply>;
  Smb1OfferReply out;
  out.protocol = detect_smb_protocol(message);
  switch (out.protocol) {
    case SmbProtocol::Smb1: {
      auto d = decode_smb1_negotiate_response(message);
      if (!d) return R::fail(d.error);
      out.smb1 = std::move(*d);
      return R::ok(std::move(out));
    }
    case SmbProtocol::Smb2: {
      auto d = decode_smb2_negotiate_response(message);
      if (!d) return R::fail(d.error);
      out.smb2 = std::move(*d);
      return R::ok(std::move(out));
    }
    default:
      return R::fail("reply to SMB1 NEGOTIATE: neither SMB1 nor SMB2 (" + std::string(smb_protocol_name(out.protocol)) +
                     ")");
  }
}

// ---- SMB_COM_SESSION_SETUP_ANDX ---------------------------------------------------------------

Decoded<Bytes> encode_smb1_session_setup_request(const Smb1SessionSetupRequestOptions& o) {
  using R = Decoded<Bytes>;
  const std::string what = "SMB1 SESSION_SETUP_ANDX request";
  const std::size_t data_size = o.SecurityBlob.size() + 1 + 4 * (o.NativeOS.size() + o.NativeLanMan.size()) + 4;
  if (data_size > kMaxByteCount) return R::fail(what + ": SecurityBlob and strings too long for ByteCount");
  Smb1Header h = o.header;
  h.Command = SMB_COM_SESSION_SETUP_ANDX;
  const bool unicode = h.unicode();
  Writer w;
  encode_smb1_header(w, h);
  Writer::Slot blob_length{};
  write_words(w, [&](Writer& p) {
    write_no_andx(p);
    p.u16le(o.MaxBufferSize);
    p.u16le(o.MaxMpxCount);
    p.u16le(o.VcNumber);
    p.u32le(o.SessionKey);
    blob_length = p.reserve_u16le();
    p.u32le(0);  // Reserved
    p.u32le(o.Capabilities);
  });
  w.u16le_prefixed([&](Writer& b) {
    const std::size_t start = b.size();
    b.bytes(o.SecurityBlob);
    b.patch(blob_length, b.size() - start);
    if (unicode) b.pad_to(2);  // Unicode strings start on an even offset from the SMB header
    write_string(b, unicode, o.NativeOS);
    write_string(b, unicode, o.NativeLanMan);
  });
  return R::ok(w.take());
}

Decoded<Smb1SessionSetupRequest> decode_smb1_session_setup_request(ByteView message) {
  using R = Decoded<Smb1SessionSetupRequest>;
  const std::string what = "SMB1 SESSION_SETUP_ANDX request";
  Smb1SessionSetupRequest out;
  std::string error;
  if (!check_header(message, SMB_COM_SESSION_SETUP_ANDX, false, what, out.header, error)) return R::fail(error);
  Body body;
  if (!parse_body(message, body, error)) return R::fail(what + ": " + error);
  out.WordCount = body.WordCount;
  if (body.WordCount != 12) {
    return R::fail(what + ": WordCount " + std::to_string(body.WordCount) + " (want 12, extended security)");
  }
  Reader& p = body.words;
  std::uint8_t reserved8 = 0;
  std::uint16_t blob_length = 0;
  std::uint32_t reserved32 = 0;
  if (!p.u8(out.AndXCommand) || !p.u8(reserved8) || !p.u16le(out.AndXOffset) || !p.u16le(out.MaxBufferSize) ||
      !p.u16le(out.MaxMpxCount) || !p.u16le(out.VcNumber) || !p.u32le(out.SessionKey) || !p.u16le(blob_length) ||
      !p.u32le(reserved32) || !p.u32le(out.Capabilities)) {
    return R::fail(what + ": parameters truncated");
  }
  Reader b(body.bytes);
  if (!b.copy(blob_length, out.SecurityBlob)) {
    return R::fail(what + ": SecurityBlobLength " + std::to_string(blob_length) + " exceeds ByteCount " +
                   std::to_string(body.ByteCount));
  }
  const bool unicode = out.header.unicode();
  skip_unicode_pad(b, body.bytes_offset + blob_length, unicode);
  if (!read_string(b, unicode, out.NativeOS, "NativeOS", error) ||
      !read_string(b, unicode, out.NativeLanMan, "NativeLanMan", error)) {
    return R::fail(what + ": " + error);
  }
  return R::ok(std::move(out));
}

Decoded<Smb1SessionSetupResponse> decode_smb1_session_setup_response(ByteView message) {
  using R = Decoded<Smb1SessionSetupResponse>;
  const std::string what = "SMB1 SESSION_SETUP_ANDX response";
  Smb1SessionSetupResponse out;
  std::string error;
  if (!check_header(message, SMB_COM_SESSION_SETUP_ANDX, true, what, out.header, error)) return R::fail(error);
  Body body;
  if (!parse_body(message, body, error)) return R::fail(what + ": " + error);
  out.WordCount = body.WordCount;
  if (body.WordCount == 0) return R::ok(std::move(out));  // error reply: header.Status says why
  if (body.WordCount != 3 && body.WordCount != 4) {
    return R::fail(what + ": WordCount " + std::to_string(body.WordCount) + " is none of 0, 3, 4");
  }
  Reader& p = body.words;
  std::uint8_t reserved = 0;
  std::uint16_t blob_length = 0;
  if (!p.u8(out.AndXCommand) || !p.u8(reserved) || !p.u16le(out.AndXOffset) || !p.u16le(out.Action)) {
    return R::fail(what + ": parameters truncated");
  }
  if (body.WordCount == 4 && !p.u16le(blob_length)) return R::fail(what + ": parameters truncated");
  Reader b(body.bytes);
  if (!b.copy(blob_length, out.SecurityBlob)) {
    return R::fail(what + ": SecurityBlobLength " + std::to_string(blob_length) + " exceeds ByteCount " +
                   std::to_string(body.ByteCount));
  }
  const bool unicode = out.header.unicode();
  skip_unicode_pad(b, body.bytes_offset + blob_length, unicode);
  if (!read_string(b, unicode, out.NativeOS, "NativeOS", error) ||
      !read_string(b, unicode, out.NativeLanMan, "NativeLanMan", error) ||
      !read_string(b, unicode, out.PrimaryDomain, "PrimaryDomain", error)) {
    return R::fail(what + ": " + error);
  }
  return R::ok(std::move(out));
}

}  // namespace legacyscan::smb
