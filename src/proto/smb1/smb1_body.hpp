// SPDX-License-Identifier: Apache-2.0
// The parts every SMB1 message codec shares ([MS-CIFS] 2.2.3): the parameter and data blocks, SMB_STRINGs
// in Unicode or OEM, the header check. Internal to src/proto/smb1.
#pragma once

#include <string>
#include <string_view>

#include "legacyscan/bytes.hpp"
#include "src/proto/smb1/smb1_codec.hpp"
#include "src/proto/smb2/smb_names.hpp"

namespace legacyscan::smb::smb1_body {

// SMB_Parameters and SMB_Data of one message ([MS-CIFS] 2.2.3.2, 2.2.3.3).
struct Body {
  std::uint8_t WordCount = 0;
  Reader words;
  std::uint16_t ByteCount = 0;
  ByteView bytes;
  std::size_t bytes_offset = 0;  // from the start of the SMB header, for Unicode alignment
};

inline bool parse_body(ByteView message, Body& out, std::string& error) {
  Reader r(message.subspan(kSmb1HeaderSize));
  if (!r.u8(out.WordCount)) {
    error = "WordCount missing";
    return false;
  }
  if (!r.sub(2 * static_cast<std::size_t>(out.WordCount), out.words)) {
    error = "WordCount " + std::to_string(out.WordCount) + " but only " + std::to_string(r.remaining()) +
            " parameter bytes";
    return false;
  }
  if (!r.u16le(out.ByteCount)) {
    error = "ByteCount missing after " + std::to_string(out.WordCount) + " words";
    return false;
  }
  out.bytes_offset = message.size() - r.remaining();
  if (!r.bytes(out.ByteCount, out.bytes)) {
    error =
        "ByteCount " + std::to_string(out.ByteCount) + " but only " + std::to_string(r.remaining()) + " bytes follow";
    return false;
  }
  return true;  // bytes after SMB_Data (AndX chains, padding) are ignored
}

inline std::string latin1_to_utf8(ByteView v) {
  std::string out;
  for (std::uint8_t b : v) {
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
    } else {
      out.push_back(static_cast<char>(0xC0 | (b >> 6)));
      out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
  return out;
}

inline Bytes utf8_to_latin1(std::string_view s) {
  Bytes out;
  const Bytes units = utf8_to_utf16le(s);
  for (std::size_t i = 0; i + 1 < units.size(); i += 2) {
    const unsigned unit = units[i] | (units[i + 1] << 8);
    out.push_back(unit <= 0xFF ? static_cast<std::uint8_t>(unit) : static_cast<std::uint8_t>('?'));
  }
  return out;
}

// A NUL-terminated SMB_STRING (UTF-16LE or OEM). A string that runs to the end of the data without
// a terminator is accepted (servers differ); longer than the cap is an error.
inline bool read_string(Reader& r, bool unicode, std::string& out, const char* what, std::string& error) {
  const ByteView data = r.rest();
  const std::size_t unit = unicode ? 2 : 1;
  std::size_t n = 0;  // code units before the terminator
  bool terminated = false;
  while ((n + 1) * unit <= data.size()) {
    const bool zero = unicode ? (data[2 * n] == 0 && data[2 * n + 1] == 0) : data[n] == 0;
    if (zero) {
      terminated = true;
      break;
    }
    if (++n > kMaxSmb1StringUnits) {
      error = std::string(what) + " longer than " + std::to_string(kMaxSmb1StringUnits) + " characters";
      return false;
    }
  }
  const ByteView text = data.first(n * unit);
  out = unicode ? utf16le_to_utf8(text) : latin1_to_utf8(text);
  const std::size_t consumed = terminated ? (n + 1) * unit : data.size();
  return r.skip(consumed);
}

inline void write_string(Writer& w, bool unicode, std::string_view s) {
  if (unicode) {
    w.bytes(utf8_to_utf16le(s));
    w.u16le(0);
  } else {
    w.bytes(utf8_to_latin1(s));
    w.u8(0);
  }
}

// Skips the pad byte that aligns a Unicode string on an even offset from the SMB header.
inline void skip_unicode_pad(Reader& r, std::size_t offset_of_r, bool unicode) {
  if (unicode && offset_of_r % 2 != 0 && !r.empty()) (void)r.skip(1);
}

// The AndX block that opens an AndX request's words ([MS-CIFS] 2.2.3.4): no chained command.
inline void write_no_andx(Writer& w) {
  w.u8(SMB_COM_NO_ANDX_COMMAND);
  w.u8(0);     // AndXReserved
  w.u16le(0);  // AndXOffset
}

// The parameter block: WordCount (filled from the words written) followed by the words.
template <class F>
void write_words(Writer& w, F&& body) {
  const Writer::Slot word_count = w.reserve_u8();
  const std::size_t start = w.size();
  body(w);
  w.patch(word_count, (w.size() - start) / 2);
}

inline bool check_header(ByteView message, std::uint8_t command, bool want_reply, const std::string& what,
                         Smb1Header& h, std::string& error) {
  auto header = decode_smb1_header(message);
  if (!header) {
    error = what + ": " + header.error;
    return false;
  }
  h = *header;
  if (h.Command != command) {
    error = what + ": Command " + names::hex(h.Command, 2) + " (want " + names::hex(command, 2) + ")";
    return false;
  }
  if (h.is_reply() != want_reply) {
    error = what + (want_reply ? ": SMB_FLAGS_REPLY not set" : ": SMB_FLAGS_REPLY set");
    return false;
  }
  return true;
}

}  // namespace legacyscan::smb::smb1_body
