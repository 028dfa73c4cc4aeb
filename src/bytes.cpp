// SPDX-License-Identifier: Apache-2.0
#include "legacyscan/bytes.hpp"

namespace legacyscan {

std::string to_hex(ByteView v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(v.size() * 2);
  for (std::uint8_t b : v) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool from_hex(std::string_view text, Bytes& out) {
  out.clear();
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ':') continue;
    const int v = hex_value(c);
    if (v < 0) return false;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return high < 0;
}

namespace {
void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}
}  // namespace

std::string utf16le_to_utf8(ByteView v) {
  std::string out;
  out.reserve(v.size() / 2);
  constexpr std::uint32_t replacement = 0xfffd;
  for (std::size_t i = 0; i + 1 < v.size(); i += 2) {
    const std::uint32_t unit = v[i] | (v[i + 1] << 8);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      if (i + 3 < v.size()) {
        const std::uint32_t low = v[i + 2] | (v[i + 3] << 8);
        if (low >= 0xdc00 && low <= 0xdfff) {
          append_utf8(out, 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
          i += 2;
          continue;
        }
      }
      append_utf8(out, replacement);
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      append_utf8(out, replacement);
    } else {
      append_utf8(out, unit);
    }
  }
  return out;
}

Bytes utf8_to_utf16le(std::string_view s) {
  Bytes out;
  out.reserve(s.size() * 2);
  auto put = [&out](std::uint32_t unit) {
    out.push_back(static_cast<std::uint8_t>(unit & 0xff));
    out.push_back(static_cast<std::uint8_t>(unit >> 8));
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<std::uint8_t>(s[i]);
    std::uint32_t cp = 0xfffd;
    std::size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xe0) == 0xc0 && i + 1 < s.size()) {
      cp = ((c & 0x1f) << 6) | (static_cast<std::uint8_t>(s[i + 1]) & 0x3f);
      len = 2;
    } else if ((c & 0xf0) == 0xe0 && i + 2 < s.size()) {
      cp = ((c & 0x0f) << 12) | ((static_cast<std::uint8_t>(s[i + 1]) & 0x3f) << 6) |
           (static_cast<std::uint8_t>(s[i + 2]) & 0x3f);
      len = 3;
    } else if ((c & 0xf8) == 0xf0 && i + 3 < s.size()) {
      cp = ((c & 0x07) << 18) | ((static_cast<std::uint8_t>(s[i + 1]) & 0x3f) << 12) |
           ((static_cast<std::uint8_t>(s[i + 2]) & 0x3f) << 6) | (static_cast<std::uint8_t>(s[i + 3]) & 0x3f);
      len = 4;
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xd800 + (cp >> 10));
      put(0xdc00 + (cp & 0x3ff));
    } else {
      put(cp);
    }
  }
  return out;
}

}  // namespace legacyscan
