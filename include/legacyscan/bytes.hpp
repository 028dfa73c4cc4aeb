// SPDX-License-Identifier: Apache-2.0
// The one bounds-checked byte reader and the one byte writer that every codec uses.
//
// Reader follows the BoringSSL CBS idea: a non-owning view where every read can fail, a failed read
// leaves the reader where it was, and length-prefixed fields become sub-readers. Writer builds into a
// growing buffer; lengths are never computed by hand: either a prefixed scope fills them in, or a
// reserved slot is patched from positions the writer itself reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace legacyscan {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

class Reader {
 public:
  Reader() = default;
  explicit Reader(ByteView data) : data_(data) {}

  [[nodiscard]] std::size_t remaining() const { return data_.size(); }
  [[nodiscard]] bool empty() const { return data_.empty(); }
  [[nodiscard]] ByteView rest() const { return data_; }

  [[nodiscard]] bool u8(std::uint8_t& out) { return read_int(1, false, out); }
  [[nodiscard]] bool u16le(std::uint16_t& out) { return read_int(2, true, out); }
  [[nodiscard]] bool u16be(std::uint16_t& out) { return read_int(2, false, out); }
  [[nodiscard]] bool u24be(std::uint32_t& out) { return read_int(3, false, out); }
  [[nodiscard]] bool u32le(std::uint32_t& out) { return read_int(4, true, out); }
  [[nodiscard]] bool u32be(std::uint32_t& out) { return read_int(4, false, out); }
  [[nodiscard]] bool u64le(std::uint64_t& out) { return read_int(8, true, out); }
  [[nodiscard]] bool u64be(std::uint64_t& out) { return read_int(8, false, out); }

  // Takes the next n bytes as a view.
  [[nodiscard]] bool bytes(std::size_t n, ByteView& out) {
    if (n > data_.size()) return false;
    out = data_.first(n);
    data_ = data_.subspan(n);
    return true;
  }
  [[nodiscard]] bool copy(std::size_t n, Bytes& out) {
    ByteView v;
    if (!bytes(n, v)) return false;
    out.assign(v.begin(), v.end());
    return true;
  }
  [[nodiscard]] bool skip(std::size_t n) {
    ByteView unused;
    return bytes(n, unused);
  }
  // Takes the next n bytes as a sub-reader.
  [[nodiscard]] bool sub(std::size_t n, Reader& out) {
    ByteView v;
    if (!bytes(n, v)) return false;
    out = Reader(v);
    return true;
  }
  // Length-prefixed sub-readers. On failure nothing is consumed.
  [[nodiscard]] bool u8_prefixed(Reader& out) { return prefixed(1, false, out); }
  [[nodiscard]] bool u16be_prefixed(Reader& out) { return prefixed(2, false, out); }
  [[nodiscard]] bool u24be_prefixed(Reader& out) { return prefixed(3, false, out); }
  [[nodiscard]] bool u16le_prefixed(Reader& out) { return prefixed(2, true, out); }

  // A NUL-terminated byte string of at most max_len bytes (terminator consumed, not returned).
  [[nodiscard]] bool cstring(std::string& out, std::size_t max_len = 4096) {
    for (std::size_t i = 0; i < data_.size() && i <= max_len; ++i) {
      if (data_[i] == 0) {
        out.assign(reinterpret_cast<const char*>(data_.data()), i);
        data_ = data_.subspan(i + 1);
        return true;
      }
    }
    return false;
  }

  // Random access into a whole message, as SMB2/NTLMSSP offsets require: the view of
  // [offset, offset+len) of `whole`, or false when that range is not entirely inside it.
  [[nodiscard]] static bool range(ByteView whole, std::size_t offset, std::size_t len, ByteView& out) {
    if (offset > whole.size() || len > whole.size() - offset) return false;
    out = whole.subspan(offset, len);
    return true;
  }

 private:
  template <class T>
  bool read_int(std::size_t n, bool little, T& out) {
    if (n > data_.size()) return false;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t b = data_[little ? n - 1 - i : i];
      v = (v << 8) | b;
    }
    out = static_cast<T>(v);
    data_ = data_.subspan(n);
    return true;
  }
  bool prefixed(std::size_t n, bool little, Reader& out) {
    Reader copy = *this;
    std::uint32_t len = 0;
    if (!copy.read_int(n, little, len)) return false;
    if (!copy.sub(len, out)) return false;
    *this = copy;
    return true;
  }

  ByteView data_;
};

class Writer {
 public:
  Writer() = default;

  void u8(std::uint8_t v) { buf_.push_back(v); }
  void u16le(std::uint16_t v) { put_int(v, 2, true); }
  void u16be(std::uint16_t v) { put_int(v, 2, false); }
  void u24be(std::uint32_t v) { put_int(v, 3, false); }
  void u32le(std::uint32_t v) { put_int(v, 4, true); }
  void u32be(std::uint32_t v) { put_int(v, 4, false); }
  void u64le(std::uint64_t v) { put_int(v, 8, true); }
  void u64be(std::uint64_t v) { put_int(v, 8, false); }
  void bytes(ByteView v) { buf_.insert(buf_.end(), v.begin(), v.end()); }
  void bytes(std::string_view s) { bytes(as_bytes(s)); }
  void zeros(std::size_t n) { buf_.insert(buf_.end(), n, 0); }
  // Zero bytes up to the next multiple of `alignment`, measured from the writer's start.
  void pad_to(std::size_t alignment) {
    while (alignment != 0 && buf_.size() % alignment != 0) buf_.push_back(0);
  }

  // A slot of 1, 2, 3, 4 or 8 bytes reserved now and filled later (offsets and counts in SMB2,
  // NTLMSSP, NBSS). Slots are patched only with values the writer derives, never hand sums.
  struct Slot {
    std::size_t pos;
    std::size_t width;
    bool little;
  };
  Slot reserve_u16le() { return reserve(2, true); }
  Slot reserve_u32le() { return reserve(4, true); }
  Slot reserve_u16be() { return reserve(2, false); }
  Slot reserve_u24be() { return reserve(3, false); }
  Slot reserve_u32be() { return reserve(4, false); }
  Slot reserve_u8() { return reserve(1, false); }
  void patch(Slot s, std::uint64_t v) {
    for (std::size_t i = 0; i < s.width; ++i) {
      const std::size_t shift = 8 * (s.little ? i : s.width - 1 - i);
      buf_[s.pos + i] = static_cast<std::uint8_t>((v >> shift) & 0xff);
    }
  }
  // Fills a slot with the number of bytes written since it was reserved (after the slot itself).
  void patch_length_since(Slot s) { patch(s, buf_.size() - (s.pos + s.width)); }

  // Length-prefixed child scopes: body(w) writes the content and the prefix is filled in afterwards.
  template <class F>
  void u8_prefixed(F&& body) {
    scoped(reserve(1, false), body);
  }
  template <class F>
  void u16be_prefixed(F&& body) {
    scoped(reserve(2, false), body);
  }
  template <class F>
  void u24be_prefixed(F&& body) {
    scoped(reserve(3, false), body);
  }
  template <class F>
  void u16le_prefixed(F&& body) {
    scoped(reserve(2, true), body);
  }

  [[nodiscard]] std::size_t size() const { return buf_.size(); }
  [[nodiscard]] const Bytes& data() const { return buf_; }
  [[nodiscard]] ByteView view() const { return buf_; }
  Bytes take() { return std::move(buf_); }

 private:
  void put_int(std::uint64_t v, std::size_t n, bool little) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t shift = 8 * (little ? i : n - 1 - i);
      buf_.push_back(static_cast<std::uint8_t>((v >> shift) & 0xff));
    }
  }
  Slot reserve(std::size_t width, bool little) {
    Slot s{buf_.size(), width, little};
    buf_.insert(buf_.end(), width, 0);
    return s;
  }
  template <class F>
  void scoped(Slot s, F& body) {
    body(*this);
    patch_length_since(s);
  }

  Bytes buf_;
};

// What every decoder returns: a value, or an error that says what was malformed (e.g.
// "SMB2 NEGOTIATE response: SecurityBufferOffset 0x1234 past end of 200-byte message").
template <class T>
struct Decoded {
  std::optional<T> value;
  std::string error;

  static Decoded ok(T v) { return Decoded{std::move(v), {}}; }
  static Decoded fail(std::string why) { return Decoded{std::nullopt, std::move(why)}; }
  [[nodiscard]] bool has_value() const { return value.has_value(); }
  explicit operator bool() const { return value.has_value(); }
  const T& operator*() const { return *value; }
  T& operator*() { return *value; }
  const T* operator->() const { return &*value; }
  T* operator->() { return &*value; }
};

// Windows FILETIME (100 ns units since 1601-01-01 UTC; SMB SystemTime, NTLMSSP MsvAvTimestamp, AD
// pwdLastSet...) as RFC 3339 UTC with whole seconds, e.g. "2024-05-01T12:34:56Z". Empty when the
// year would not fit four digits.
inline std::string filetime_to_rfc3339(std::uint64_t filetime) {
  constexpr std::int64_t kSecondsPerDay = 86400;
  const auto seconds = static_cast<std::int64_t>(filetime / 10000000);  // fits: < 2^61
  std::int64_t days = seconds / kSecondsPerDay;
  const std::int64_t sod = seconds % kSecondsPerDay;
  // Days since 1601-01-01 -> civil date (H. Hinnant's days_from_civil inverse, epoch 0000-03-01).
  days += 584694;  // 1601-01-01 is day 584694 counted from 0000-03-01
  const std::int64_t era = days / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t year = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++year;
  if (year > 9999) return {};
  auto two = [](std::int64_t v) {
    return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
  };
  return two(year / 100) + two(year % 100) + "-" + two(month) + "-" + two(day) + "T" + two(sod / 3600) + ":" +
         two(sod / 60 % 60) + ":" + two(sod % 60) + "Z";
}

// Hex helpers for logs, tests and JSON (lower case, no separators).
std::string to_hex(ByteView v);
// Parses hex with optional whitespace; returns false on odd length or a bad digit.
bool from_hex(std::string_view text, Bytes& out);

// UTF-16LE <-> UTF-8 for the Windows strings in SMB and NTLMSSP. Invalid units become U+FFFD.
std::string utf16le_to_utf8(ByteView v);
Bytes utf8_to_utf16le(std::string_view s);

}  // namespace legacyscan
