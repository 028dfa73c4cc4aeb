// SPDX-License-Identifier: Apache-2.0
#include "src/proto/ntlm/ntlm_messages.hpp"
#include "src/proto/smb2/smb_names.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace legacyscan::ntlm {

namespace {

using smb::names::hex;

constexpr std::uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
constexpr std::uint32_t kNegotiateMessageType = 1;
constexpr std::uint32_t kChallengeMessageType = 2;
constexpr std::uint32_t kAuthenticateMessageType = 3;
constexpr std::size_t kChallengeFixedNoVersion = 48;
constexpr std::size_t kChallengeFixed = 56;
constexpr std::size_t kNegotiateFixedNoVersion = 32;

// A (Len, MaxLen, BufferOffset) field ([MS-NLMP] 2.2.1.1) and the payload it names.
struct Fields {
  std::uint16_t Len = 0;
  std::uint16_t MaxLen = 0;
  std::uint32_t BufferOffset = 0;
};

bool read_fields(Reader& r, Fields& f) { return r.u16le(f.Len) && r.u16le(f.MaxLen) && r.u32le(f.BufferOffset); }

bool payload(ByteView message, const Fields& f, std::size_t min_offset, const char* what, ByteView& out,
             std::string& error) {
  if (f.Len == 0) {
    out = {};
    return true;
  }
  if (f.BufferOffset < min_offset) {
    error = std::string(what) + "BufferOffset " + hex(f.BufferOffset, 4) + " overlaps the fixed header";
    return false;
  }
  if (!Reader::range(message, f.BufferOffset, f.Len, out)) {
    error = std::string(what) + "BufferOffset " + hex(f.BufferOffset, 4) + " + " + what + "Len " +
            std::to_string(f.Len) + " past end of " + std::to_string(message.size()) + "-byte message";
    return false;
  }
  return true;
}

std::string decode_text(ByteView v, bool unicode) {
  if (unicode) return utf16le_to_utf8(v);
  std::string out;
  for (std::uint8_t b : v) {
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
    } else {  // OEM code page unknown: Latin-1 keeps the bytes and yields valid UTF-8
      out.push_back(static_cast<char>(0xC0 | (b >> 6)));
      out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
  return out;
}

Bytes encode_text(std::string_view s, bool unicode) {
  const Bytes units = utf8_to_utf16le(s);
  if (unicode) return units;
  Bytes out;
  for (std::size_t i = 0; i + 1 < units.size(); i += 2) {
    const unsigned unit = units[i] | (units[i + 1] << 8);
    out.push_back(unit <= 0xFF ? static_cast<std::uint8_t>(unit) : static_cast<std::uint8_t>('?'));
  }
  return out;
}

bool read_version(Reader& r, NtlmVersion& v) {
  return r.u8(v.ProductMajorVersion) && r.u8(v.ProductMinorVersion) && r.u16le(v.ProductBuild) && r.skip(3) &&
         r.u8(v.NTLMRevisionCurrent);
}

void write_version(Writer& w, const NtlmVersion& v) {
  w.u8(v.ProductMajorVersion);
  w.u8(v.ProductMinorVersion);
  w.u16le(v.ProductBuild);
  w.zeros(3);  // Reserved
  w.u8(v.NTLMRevisionCurrent);
}

// Fields whose payload is written later: Len/MaxLen/BufferOffset slots patched from positions.
struct FieldSlots {
  Writer::Slot len, max_len, offset;
};
FieldSlots reserve_fields(Writer& w) { return {w.reserve_u16le(), w.reserve_u16le(), w.reserve_u32le()}; }
void write_payload(Writer& w, const FieldSlots& s, ByteView data) {
  w.patch(s.offset, w.size());
  const std::size_t start = w.size();
  w.bytes(data);
  w.patch(s.len, w.size() - start);
  w.patch(s.max_len, w.size() - start);
}

bool decode_av_pairs(ByteView info, NtlmChallengeMessage& m, std::string& error) {
  Reader r(info);
  while (true) {
    std::uint16_t id = 0, len = 0;
    if (!r.u16le(id) || !r.u16le(len)) {
      error = "TargetInfo ends without MsvAvEOL after " + std::to_string(m.TargetInfo.size()) + " AV_PAIRs";
      return false;
    }
    if (id == MsvAvEOL) return true;  // anything after MsvAvEOL is ignored
    if (m.TargetInfo.size() >= kMaxAvPairs) {
      error = "TargetInfo has more than " + std::to_string(kMaxAvPairs) + " AV_PAIRs";
      return false;
    }
    AvPair pair;
    pair.AvId = id;
    if (!r.copy(len, pair.Value)) {
      error = ntlm_av_id_name(id) + " AvLen " + std::to_string(len) + " past the end of TargetInfo";
      return false;
    }
    Reader v(pair.Value);
    switch (id) {
      case MsvAvNbComputerName: m.NbComputerName = utf16le_to_utf8(pair.Value); break;
      case MsvAvNbDomainName: m.NbDomainName = utf16le_to_utf8(pair.Value); break;
      case MsvAvDnsComputerName: m.DnsComputerName = utf16le_to_utf8(pair.Value); break;
      case MsvAvDnsDomainName: m.DnsDomainName = utf16le_to_utf8(pair.Value); break;
      case MsvAvDnsTreeName: m.DnsTreeName = utf16le_to_utf8(pair.Value); break;
      case MsvAvTargetName: m.AvTargetName = utf16le_to_utf8(pair.Value); break;
      case MsvAvFlags: {
        std::uint32_t flags = 0;
        if (len != 4 || !v.u32le(flags)) {
          error = "MsvAvFlags of length " + std::to_string(len) + " (want 4)";
          return false;
        }
        m.AvFlags = flags;
        break;
      }
      case MsvAvTimestamp: {
        std::uint64_t ts = 0;
        if (len != 8 || !v.u64le(ts)) {
          error = "MsvAvTimestamp of length " + std::to_string(len) + " (want 8)";
          return false;
        }
        m.Timestamp = ts;
        break;
      }
      default: break;  // kept raw in TargetInfo
    }
    m.TargetInfo.push_back(std::move(pair));
  }
}

}  // namespace

std::vector<std::string> ntlm_negotiate_flag_names(std::uint32_t flags) {
  static constexpr std::pair<std::uint32_t, const char*> kTable[] = {
      {NTLMSSP_NEGOTIATE_UNICODE, "NTLMSSP_NEGOTIATE_UNICODE"},
      {NTLM_NEGOTIATE_OEM, "NTLM_NEGOTIATE_OEM"},
      {NTLMSSP_REQUEST_TARGET, "NTLMSSP_REQUEST_TARGET"},
      {NTLMSSP_NEGOTIATE_SIGN, "NTLMSSP_NEGOTIATE_SIGN"},
      {NTLMSSP_NEGOTIATE_SEAL, "NTLMSSP_NEGOTIATE_SEAL"},
      {NTLMSSP_NEGOTIATE_DATAGRAM, "NTLMSSP_NEGOTIATE_DATAGRAM"},
      {NTLMSSP_NEGOTIATE_LM_KEY, "NTLMSSP_NEGOTIATE_LM_KEY"},
      {NTLMSSP_NEGOTIATE_NTLM, "NTLMSSP_NEGOTIATE_NTLM"},
      {NTLMSSP_ANONYMOUS, "NTLMSSP_ANONYMOUS"},
      {NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED, "NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED"},
      {NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED, "NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED"},
      {NTLMSSP_NEGOTIATE_ALWAYS_SIGN, "NTLMSSP_NEGOTIATE_ALWAYS_SIGN"},
      {NTLMSSP_TARGET_TYPE_DOMAIN, "NTLMSSP_TARGET_TYPE_DOMAIN"},
      {NTLMSSP_TARGET_TYPE_SERVER, "NTLMSSP_TARGET_TYPE_SERVER"},
      {NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY, "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY"},
      {NTLMSSP_NEGOTIATE_IDENTIFY, "NTLMSSP_NEGOTIATE_IDENTIFY"},
      {NTLMSSP_REQUEST_NON_NT_SESSION_KEY, "NTLMSSP_REQUEST_NON_NT_SESSION_KEY"},
      {NTLMSSP_NEGOTIATE_TARGET_INFO, "NTLMSSP_NEGOTIATE_TARGET_INFO"},
      {NTLMSSP_NEGOTIATE_VERSION, "NTLMSSP_NEGOTIATE_VERSION"},
      {NTLMSSP_NEGOTIATE_128, "NTLMSSP_NEGOTIATE_128"},
      {NTLMSSP_NEGOTIATE_KEY_EXCH, "NTLMSSP_NEGOTIATE_KEY_EXCH"},
      {NTLMSSP_NEGOTIATE_56, "NTLMSSP_NEGOTIATE_56"},
  };
  std::vector<std::string> out;
  std::uint32_t known = 0;
  for (const auto& [bit, name] : kTable) {
    known |= bit;
    if (flags & bit) out.emplace_back(name);
  }
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1) {
    if ((flags & bit) && !(known & bit)) out.push_back(hex(bit, 8));
  }
  return out;
}

std::string NtlmVersion::to_string() const {
  return std::to_string(ProductMajorVersion) + "." + std::to_string(ProductMinorVersion) + "." +
         std::to_string(ProductBuild);
}

std::string ntlm_av_id_name(std::uint16_t id) {
  switch (id) {
    case MsvAvEOL: return "MsvAvEOL";
    case MsvAvNbComputerName: return "MsvAvNbComputerName";
    case MsvAvNbDomainName: return "MsvAvNbDomainName";
    case MsvAvDnsComputerName: return "MsvAvDnsComputerName";
    case MsvAvDnsDomainName: return "MsvAvDnsDomainName";
    case MsvAvDnsTreeName: return "MsvAvDnsTreeName";
    case MsvAvFlags: return "MsvAvFlags";
    case MsvAvTimestamp: return "MsvAvTimestamp";
    case MsvAvSingleHost: return "MsvAvSingleHost";
    case MsvAvTargetName: return "MsvAvTargetName";
    case MsvAvChannelBindings: return "MsvAvChannelBindings";
    default: return "AvId " + hex(id, 4);
  }
}

std::uint32_t ntlm_message_type(ByteView message) {
  Reader r(message);
  ByteView sig;
  std::uint32_t type = 0;
  if (!r.bytes(8, sig) || !std::equal(sig.begin(), sig.end(), kSignature) || !r.u32le(type)) return 0;
  return type;
}

// ---- NEGOTIATE_MESSAGE ------------------------------------------------------------------------

Bytes encode_ntlm_negotiate_message(const NtlmNegotiateOptions& o) {
  Writer w;
  w.bytes(ByteView(kSignature, 8));
  w.u32le(kNegotiateMessageType);
  w.u32le(o.NegotiateFlags);
  const FieldSlots domain = reserve_fields(w);
  const FieldSlots workstation = reserve_fields(w);
  if (o.NegotiateFlags & NTLMSSP_NEGOTIATE_VERSION) write_version(w, o.Version.value_or(NtlmVersion{0, 0, 0, 0}));
  // Empty DomainName and Workstation: at the start of the (empty) payload, or at offset 0.
  for (const FieldSlots& field : {domain, workstation}) {
    if (o.EmptyFieldsAtOffsetZero) {
      w.patch(field.offset, 0);
      w.patch(field.len, 0);
      w.patch(field.max_len, 0);
    } else {
      write_payload(w, field, {});
    }
  }
  return w.take();
}

Decoded<NtlmNegotiateMessage> decode_ntlm_negotiate_message(ByteView message) {
  using R = Decoded<NtlmNegotiateMessage>;
  const std::string what = "NTLMSSP NEGOTIATE_MESSAGE";
  if (ntlm_message_type(message) != kNegotiateMessageType) {
    return R::fail(what + ": no \"NTLMSSP\\0\" signature with MessageType 1");
  }
  Reader r(message.subspan(12));
  NtlmNegotiateMessage out;
  Fields domain, workstation;
  if (!r.u32le(out.NegotiateFlags) || !read_fields(r, domain) || !read_fields(r, workstation)) {
    return R::fail(what + ": truncated (" + std::to_string(message.size()) + " of 32 bytes)");
  }
  std::size_t fixed = kNegotiateFixedNoVersion;
  if (out.NegotiateFlags & NTLMSSP_NEGOTIATE_VERSION) {
    NtlmVersion v;
    if (!read_version(r, v)) return R::fail(what + ": Version truncated");
    out.Version = v;
    fixed += 8;
  }
  std::string error;
  ByteView d, ws;
  if (!payload(message, domain, fixed, "DomainName", d, error) ||
      !payload(message, workstation, fixed, "Workstation", ws, error)) {
    return R::fail(what + ": " + error);
  }
  out.DomainName = decode_text(d, false);
  out.Workstation = decode_text(ws, false);
  return R::ok(std::move(out));
}

// ---- CHALLENGE_MESSAGE ------------------------------------------------------------------------

Decoded<NtlmChallengeMessage> decode_ntlm_challenge_message(ByteView message) {
  using R = Decoded<NtlmChallengeMessage>;
  const std::string what = "NTLMSSP CHALLENGE_MESSAGE";
  const std::uint32_t type = ntlm_message_type(message);
  if (type != kChallengeMessageType) {
    if (type == 0) return R::fail(what + ": no \"NTLMSSP\\0\" signature");
    return R::fail(what + ": MessageType " + std::to_string(type) + " (want 2)");
  }
  Reader r(message.subspan(12));
  NtlmChallengeMessage out;
  Fields target_name, target_info;
  ByteView challenge;
  if (!read_fields(r, target_name) || !r.u32le(out.NegotiateFlags) || !r.bytes(8, challenge) || !r.skip(8) ||
      !read_fields(r, target_info)) {
    return R::fail(what + ": truncated (" + std::to_string(message.size()) + " of 48 bytes)");
  }
  std::copy(challenge.begin(), challenge.end(), out.ServerChallenge.begin());
  out.TargetNameLen = target_name.Len;
  out.TargetNameBufferOffset = target_name.BufferOffset;
  out.TargetInfoLen = target_info.Len;
  out.TargetInfoBufferOffset = target_info.BufferOffset;
  std::size_t fixed = kChallengeFixedNoVersion;
  if (out.NegotiateFlags & NTLMSSP_NEGOTIATE_VERSION) {
    NtlmVersion v;
    if (!read_version(r, v)) return R::fail(what + ": Version truncated (NTLMSSP_NEGOTIATE_VERSION set)");
    out.Version = v;
    fixed = kChallengeFixed;
  }
  std::string error;
  ByteView name, info;
  if (!payload(message, target_name, fixed, "TargetName", name, error) ||
      !payload(message, target_info, fixed, "TargetInfo", info, error)) {
    return R::fail(what + ": " + error);
  }
  out.TargetName = decode_text(name, (out.NegotiateFlags & NTLMSSP_NEGOTIATE_UNICODE) != 0);
  if (!info.empty() && !decode_av_pairs(info, out, error)) return R::fail(what + ": " + error);
  return R::ok(std::move(out));
}

Decoded<Bytes> encode_ntlm_challenge_message(const NtlmChallengeMessage& m) {
  using R = Decoded<Bytes>;
  const Bytes name = encode_text(m.TargetName, (m.NegotiateFlags & NTLMSSP_NEGOTIATE_UNICODE) != 0);
  Writer info;
  for (const auto& pair : m.TargetInfo) {
    if (pair.Value.size() > 0xFFFF || pair.AvId == MsvAvEOL) return R::fail("NTLMSSP CHALLENGE_MESSAGE: bad AV_PAIR");
    info.u16le(pair.AvId);
    info.u16le_prefixed([&](Writer& v) { v.bytes(pair.Value); });
  }
  info.u16le(MsvAvEOL);
  info.u16le(0);
  if (name.size() > 0xFFFF || info.size() > 0xFFFF) return R::fail("NTLMSSP CHALLENGE_MESSAGE: payload too long");
  Writer w;
  w.bytes(ByteView(kSignature, 8));
  w.u32le(kChallengeMessageType);
  const FieldSlots target_name = reserve_fields(w);
  w.u32le(m.NegotiateFlags);
  w.bytes(ByteView(m.ServerChallenge.data(), m.ServerChallenge.size()));
  w.zeros(8);  // Reserved
  const FieldSlots target_info = reserve_fields(w);
  if (m.NegotiateFlags & NTLMSSP_NEGOTIATE_VERSION) write_version(w, m.Version.value_or(NtlmVersion{0, 0, 0, 0}));
  write_payload(w, target_name, name);
  write_payload(w, target_info, info.view());
  return R::ok(w.take());
}

// ---- AUTHENTICATE_MESSAGE ---------------------------------------------------------------------

Bytes encode_ntlm_authenticate_message(const NtlmAuthenticateFields& f) {
  const bool unicode = (f.NegotiateFlags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
  const Bytes domain = encode_text(f.DomainName, unicode);
  const Bytes user = encode_text(f.UserName, unicode);
  const Bytes workstation = encode_text(f.Workstation, unicode);
  // The six fields in wire order; their payloads follow NegotiateFlags in the same order.
  const ByteView payloads[6] = {f.LmChallengeResponse, f.NtChallengeResponse,      domain, user,
                                workstation,           f.EncryptedRandomSessionKey};
  Writer w;
  w.bytes(ByteView(kSignature, 8));
  w.u32le(kAuthenticateMessageType);
  FieldSlots slots[6];
  for (auto& slot : slots) slot = reserve_fields(w);
  w.u32le(f.NegotiateFlags);
  for (std::size_t i = 0; i < 6; ++i) write_payload(w, slots[i], payloads[i]);
  return w.take();
}

Bytes encode_ntlm_authenticate_anonymous(std::uint32_t negotiate_flags) {
  NtlmAuthenticateFields f;
  f.LmChallengeResponse = Bytes{0x00};
  f.NegotiateFlags = negotiate_flags;
  return encode_ntlm_authenticate_message(f);
}

std::string NtlmAuthenticateMessage::response_version() const {
  if (NtChallengeResponseLen == 0 && (LmChallengeResponseLen == 0 || LmChallengeResponseLen == 1)) return "anonymous";
  if (NtChallengeResponseLen > 24) return "NTLMv2";
  if (NtChallengeResponseLen == 24) return "NTLMv1";
  if (NtChallengeResponseLen == 0 && LmChallengeResponseLen == 24) return "LM";
  return "unknown";
}

Decoded<NtlmAuthenticateMessage> decode_ntlm_authenticate_message(ByteView message) {
  using R = Decoded<NtlmAuthenticateMessage>;
  const std::string what = "NTLMSSP AUTHENTICATE_MESSAGE";
  if (ntlm_message_type(message) != kAuthenticateMessageType) {
    return R::fail(what + ": no \"NTLMSSP\\0\" signature with MessageType 3");
  }
  Reader r(message.subspan(12));
  // LmChallengeResponse, NtChallengeResponse, DomainName, UserName, Workstation, EncryptedRandomSessionKey.
  Fields fields[6];
  for (auto& f : fields) {
    if (!read_fields(r, f)) return R::fail(what + ": truncated header");
  }
  NtlmAuthenticateMessage out;
  if (!r.u32le(out.NegotiateFlags)) return R::fail(what + ": NegotiateFlags truncated");
  out.LmChallengeResponseLen = fields[0].Len;
  out.NtChallengeResponseLen = fields[1].Len;
  // The responses must lie inside the message, but only their lengths are kept; the session key is
  // not looked at. Version and MIC may sit before the payload, so no overlap check.
  static constexpr const char* kNames[5] = {"LmChallengeResponse", "NtChallengeResponse", "DomainName", "UserName",
                                            "Workstation"};
  ByteView values[5];
  std::string error;
  for (std::size_t i = 0; i < 5; ++i) {
    if (!payload(message, fields[i], 0, kNames[i], values[i], error)) return R::fail(what + ": " + error);
  }
  const bool unicode = (out.NegotiateFlags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
  out.DomainName = decode_text(values[2], unicode);
  out.UserName = decode_text(values[3], unicode);
  out.Workstation = decode_text(values[4], unicode);
  return R::ok(std::move(out));
}

}  // namespace legacyscan::ntlm
