// SPDX-License-Identifier: Apache-2.0
#include "src/proto/ber/ber.hpp"

#include <charconv>
#include <limits>

namespace legacyscan::ber {

namespace {

// X.690 8.1.2.4.2 and 8.19.2: a number in base 128, most significant group first, every octet but the
// last with bit 8 set (high tag numbers and OID arcs).
template <class Put>
void put_base128(std::uint64_t v, Put put) {
  std::uint8_t groups[10];
  int n = 0;
  do {
    groups[n++] = static_cast<std::uint8_t>(v & 0x7f);
    v >>= 7;
  } while (v != 0);
  while (n > 0) {
    --n;
    put(static_cast<std::uint8_t>(groups[n] | (n > 0 ? 0x80 : 0)));
  }
}

}  // namespace

std::string describe(const Tag& tag) {
  std::string s;
  switch (tag.cls) {
    case Class::Universal: s = "UNIVERSAL " + std::to_string(tag.number); break;
    case Class::Application: s = "[APPLICATION " + std::to_string(tag.number) + "]"; break;
    case Class::Context: s = "[" + std::to_string(tag.number) + "]"; break;
    case Class::Private: s = "[PRIVATE " + std::to_string(tag.number) + "]"; break;
  }
  s += tag.constructed ? " constructed" : " primitive";
  return s;
}

// ---- content decoders -------------------------------------------------------------------------

bool decode_integer(ByteView content, std::int64_t& out, std::string& error) {
  if (content.empty()) {
    error = "INTEGER with empty content";
    return false;
  }
  if (content.size() > 8) {
    error = "INTEGER of " + std::to_string(content.size()) + " octets does not fit 64 bits";
    return false;
  }
  // Two's complement, big-endian (X.690 8.3.3). Built in unsigned arithmetic, then sign-extended.
  std::uint64_t v = (content[0] & 0x80) ? std::numeric_limits<std::uint64_t>::max() : 0;
  for (std::uint8_t b : content) v = (v << 8) | b;
  out = static_cast<std::int64_t>(v);
  return true;
}

bool decode_boolean(ByteView content, bool& out, std::string& error) {
  if (content.size() != 1) {
    error = "BOOLEAN with " + std::to_string(content.size()) + " content octets (want 1)";
    return false;
  }
  out = content[0] != 0;
  return true;
}

bool decode_oid(ByteView content, std::string& dotted, std::string& error) {
  if (content.empty()) {
    error = "OBJECT IDENTIFIER with empty content";
    return false;
  }
  std::string text;
  std::size_t arcs = 0;
  std::uint64_t v = 0;
  bool in_subid = false;
  for (std::size_t i = 0; i < content.size(); ++i) {
    const std::uint8_t b = content[i];
    if (!in_subid && b == 0x80) {
      error = "OBJECT IDENTIFIER subidentifier with a leading 0x80 octet at offset " + std::to_string(i);
      return false;
    }
    if (v > (std::numeric_limits<std::uint64_t>::max() >> 7)) {
      error = "OBJECT IDENTIFIER arc does not fit 64 bits";
      return false;
    }
    v = (v << 7) | (b & 0x7f);
    in_subid = (b & 0x80) != 0;
    if (in_subid) continue;
    arcs += text.empty() ? 2 : 1;  // the first subidentifier carries two arcs
    if (arcs > kMaxOidArcs) {
      error = "OBJECT IDENTIFIER with more than " + std::to_string(kMaxOidArcs) + " arcs";
      return false;
    }
    if (text.empty()) {
      // X.690 8.19.4: the first subidentifier packs the first two arcs.
      const std::uint64_t first = v < 40 ? 0 : (v < 80 ? 1 : 2);
      text = std::to_string(first) + "." + std::to_string(v - 40 * first);
    } else {
      text += "." + std::to_string(v);
    }
    v = 0;
  }
  if (in_subid) {
    error = "OBJECT IDENTIFIER ends inside a subidentifier";
    return false;
  }
  dotted = std::move(text);
  return true;
}

bool decode_bit_string(ByteView content, BitString& out, std::string& error) {
  if (content.empty()) {
    error = "BIT STRING with empty content (no unused-bits octet)";
    return false;
  }
  const std::uint8_t unused = content[0];
  if (unused > 7) {
    error = "BIT STRING with " + std::to_string(unused) + " unused bits";
    return false;
  }
  if (content.size() == 1 && unused != 0) {
    error = "empty BIT STRING with nonzero unused bits";
    return false;
  }
  out.unused_bits = unused;
  out.bits = content.subspan(1);
  return true;
}

// ---- content encoders -------------------------------------------------------------------------

Bytes encode_integer(std::int64_t v) {
  Bytes out;
  auto u = static_cast<std::uint64_t>(v);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>((u >> (8 * i)) & 0xff));
  // Drop redundant leading octets (X.690 8.3.2): 0x00 before a clear top bit, 0xFF before a set one.
  std::size_t start = 0;
  while (start + 1 < out.size()) {
    const bool redundant =
        (out[start] == 0x00 && !(out[start + 1] & 0x80)) || (out[start] == 0xff && (out[start + 1] & 0x80));
    if (!redundant) break;
    ++start;
  }
  return Bytes(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
}

bool encode_oid(std::string_view dotted, Bytes& out) {
  std::vector<std::uint64_t> arcs;
  std::size_t pos = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', pos);
    const std::string_view part =
        dotted.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (part.empty() || part.size() > 20) return false;
    if (part.size() > 1 && part[0] == '0') return false;  // no leading zeros in arcs
    std::uint64_t v = 0;
    auto res = std::from_chars(part.data(), part.data() + part.size(), v);
    if (res.ec != std::errc() || res.ptr != part.data() + part.size()) return false;
    arcs.push_back(v);
    if (arcs.size() > kMaxOidArcs) return false;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2) return false;
  if (arcs[0] < 2 && arcs[1] >= 40) return false;
  if (arcs[1] > std::numeric_limits<std::uint64_t>::max() - 80) return false;
  Bytes content;
  auto put = [&content](std::uint64_t v) { put_base128(v, [&content](std::uint8_t b) { content.push_back(b); }); };
  put(arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) put(arcs[i]);
  out = std::move(content);
  return true;
}

// ---- Reader -----------------------------------------------------------------------------------

bool Reader::parse(legacyscan::Reader& in, Tlv& out, std::string& why) const {
  const ByteView start = in.rest();
  std::uint8_t id = 0;
  if (!in.u8(id)) {
    why = "BER: no identifier octet (end of data)";
    return false;
  }
  Tag tag;
  tag.cls = static_cast<Class>(id >> 6);
  tag.constructed = (id & 0x20) != 0;
  tag.number = id & 0x1f;
  if (tag.number == 0x1f) {
    // High-tag-number form (X.690 8.1.2.4): base-128 octets, bit 8 = more follow.
    std::uint32_t number = 0;
    for (int i = 0;; ++i) {
      std::uint8_t b = 0;
      if (!in.u8(b)) {
        why = "BER: identifier truncated in high-tag-number form";
        return false;
      }
      if (i == 0 && b == 0x80) {
        why = "BER: high-tag-number with a leading 0x80 octet";
        return false;
      }
      if (i >= 3) {
        why = "BER: tag number longer than 3 octets";
        return false;
      }
      number = (number << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    if (number < 0x1f) {
      why = "BER: tag number " + std::to_string(number) + " in high-tag-number form (must be >= 31)";
      return false;
    }
    tag.number = number;
  }
  std::uint8_t first = 0;
  if (!in.u8(first)) {
    why = "BER: " + describe(tag) + ": length octet missing";
    return false;
  }
  std::size_t length = first;
  if (first == 0x80) {
    why = "BER: " + describe(tag) + ": indefinite length not supported";
    return false;
  }
  if (first == 0xff) {
    why = "BER: " + describe(tag) + ": reserved length octet 0xff";
    return false;
  }
  if (first & 0x80) {
    const std::size_t n = first & 0x7f;
    if (n > 4) {
      why = "BER: " + describe(tag) + ": " + std::to_string(n) + " length octets (max 4)";
      return false;
    }
    std::uint64_t len = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::uint8_t b = 0;
      if (!in.u8(b)) {
        why = "BER: " + describe(tag) + ": long-form length truncated";
        return false;
      }
      len = (len << 8) | b;
    }
    length = static_cast<std::size_t>(len);
  }
  if (length > in.remaining()) {
    why = "BER: " + describe(tag) + ": length " + std::to_string(length) + " exceeds the " +
          std::to_string(in.remaining()) + " bytes available";
    return false;
  }
  ByteView content;
  if (!in.bytes(length, content)) {
    why = "BER: content truncated";
    return false;
  }
  out.tag = tag;
  out.content = content;
  out.whole = start.first(start.size() - in.remaining());
  return true;
}

bool Reader::read(Tlv& out) {
  legacyscan::Reader copy = in_;
  std::string why;
  if (!parse(copy, out, why)) return fail(std::move(why));
  in_ = copy;
  return true;
}

bool Reader::peek(Tlv& out) const {
  legacyscan::Reader copy = in_;
  std::string why;
  return parse(copy, out, why);
}

bool Reader::next_is(Class cls, std::uint32_t number) const {
  Tlv t;
  return peek(t) && t.tag.cls == cls && t.tag.number == number;
}

bool Reader::skip() {
  Tlv t;
  return read(t);
}

bool Reader::expect(const Tag& tag, ByteView& content) {
  Tlv t;
  if (!peek(t)) {
    Tlv unused;
    return read(unused);  // records the parse error
  }
  if (t.tag != tag) {
    return fail("BER: expected " + describe(tag) + ", found " + describe(t.tag));
  }
  if (!read(t)) return false;
  content = t.content;
  return true;
}

bool Reader::enter(const Tag& tag, Reader& child) {
  if (depth_ + 1 > kMaxDepth) {
    return fail("BER: nesting deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  ByteView content;
  if (!expect(tag, content)) return false;
  child = Reader(content, depth_ + 1);
  return true;
}

template <class T>
bool Reader::read_decoded(T& out, const Tag& tag, bool (*decode)(ByteView, T&, std::string&)) {
  legacyscan::Reader saved = in_;
  ByteView content;
  if (!expect(tag, content)) return false;
  std::string why;
  if (!decode(content, out, why)) {
    in_ = saved;
    return fail("BER: " + why);
  }
  return true;
}

bool Reader::read_integer(std::int64_t& out, Tag tag) { return read_decoded(out, tag, decode_integer); }

bool Reader::read_enumerated(std::int64_t& out, Tag tag) { return read_integer(out, tag); }

bool Reader::read_boolean(bool& out, Tag tag) { return read_decoded(out, tag, decode_boolean); }

bool Reader::read_octet_string(ByteView& out, Tag tag) { return expect(tag, out); }

bool Reader::read_oid(std::string& dotted, Tag tag) { return read_decoded(dotted, tag, decode_oid); }

bool Reader::read_bit_string(BitString& out, Tag tag) { return read_decoded(out, tag, decode_bit_string); }

bool Reader::read_null(Tag tag) {
  legacyscan::Reader saved = in_;
  ByteView content;
  if (!expect(tag, content)) return false;
  if (!content.empty()) {
    in_ = saved;
    return fail("BER: NULL with " + std::to_string(content.size()) + " content octets");
  }
  return true;
}

bool Reader::read_string(std::string& out, Tag tag, std::size_t max_len) {
  legacyscan::Reader saved = in_;
  ByteView content;
  if (!expect(tag, content)) return false;
  if (content.size() > max_len) {
    in_ = saved;
    return fail("BER: " + describe(tag) + " string of " + std::to_string(content.size()) + " octets (max " +
                std::to_string(max_len) + ")");
  }
  out.assign(content.begin(), content.end());
  return true;
}

// ---- Writer -----------------------------------------------------------------------------------

void Writer::tlv(const Tag& tag, ByteView content) {
  const auto cls_bits = static_cast<std::uint8_t>(static_cast<std::uint8_t>(tag.cls) << 6);
  const std::uint8_t cons = tag.constructed ? 0x20 : 0x00;
  if (tag.number < 0x1f) {
    out_.u8(static_cast<std::uint8_t>(cls_bits | cons | tag.number));
  } else {
    out_.u8(static_cast<std::uint8_t>(cls_bits | cons | 0x1f));
    put_base128(tag.number, [this](std::uint8_t b) { out_.u8(b); });
  }
  // DER length (X.690 10.1): short form below 128, otherwise the fewest big-endian octets.
  const std::uint64_t len = content.size();
  if (len < 0x80) {
    out_.u8(static_cast<std::uint8_t>(len));
  } else {
    int n = 0;
    for (std::uint64_t v = len; v != 0; v >>= 8) ++n;
    out_.u8(static_cast<std::uint8_t>(0x80 | n));
    for (int i = n - 1; i >= 0; --i) out_.u8(static_cast<std::uint8_t>((len >> (8 * i)) & 0xff));
  }
  out_.bytes(content);
}

void Writer::integer(std::int64_t v, Tag tag) { tlv(tag, encode_integer(v)); }

void Writer::boolean(bool v, Tag tag) {
  const std::uint8_t octet = v ? 0xff : 0x00;
  tlv(tag, ByteView(&octet, 1));
}

void Writer::bit_string(ByteView bits, std::uint8_t unused_bits, Tag tag) {
  legacyscan::Writer content;
  content.u8(bits.empty() ? 0 : static_cast<std::uint8_t>(unused_bits & 7));
  content.bytes(bits);
  tlv(tag, content.view());
}

bool Writer::oid(std::string_view dotted, Tag tag) {
  Bytes content;
  if (!encode_oid(dotted, content)) {
    if (error_.empty()) error_ = "BER: invalid OBJECT IDENTIFIER \"" + std::string(dotted) + "\"";
    return false;
  }
  tlv(tag, content);
  return true;
}

}  // namespace legacyscan::ber
