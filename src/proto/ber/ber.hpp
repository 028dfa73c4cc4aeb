// SPDX-License-Identifier: Apache-2.0
// A small ASN.1 BER/DER reader and DER writer (ITU-T X.690) on top of legacyscan::Reader/Writer.
// Used by SPNEGO (RFC 4178), and later Kerberos (RFC 4120) and LDAP (RFC 4511).
//
// Reading follows X.690 8.1: identifier octets (class, constructed bit, tag number incl. the
// high-tag-number form 8.1.2.4), definite lengths in short or long form (8.1.3.4/8.1.3.5, at most 4
// length octets here). The indefinite form (8.1.3.6) is rejected: none of our peers use it and it
// would make memory bounds harder. Nesting depth is capped. A failed read consumes nothing and
// leaves a reason in error().
//
// Writing produces DER (X.690 10.1: minimal length octets). Constructed elements are nested scopes:
// the body is written into a child writer and the length comes from the bytes actually written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "legacyscan/bytes.hpp"

namespace legacyscan::ber {

enum class Class : std::uint8_t { Universal = 0, Application = 1, Context = 2, Private = 3 };

// Universal tag numbers (X.680 8.4, table 1).
namespace universal {
inline constexpr std::uint32_t Boolean = 1;
inline constexpr std::uint32_t Integer = 2;
inline constexpr std::uint32_t BitString = 3;
inline constexpr std::uint32_t OctetString = 4;
inline constexpr std::uint32_t Null = 5;
inline constexpr std::uint32_t ObjectIdentifier = 6;
inline constexpr std::uint32_t Enumerated = 10;
inline constexpr std::uint32_t Utf8String = 12;
inline constexpr std::uint32_t Sequence = 16;
inline constexpr std::uint32_t Set = 17;
inline constexpr std::uint32_t PrintableString = 19;
inline constexpr std::uint32_t IA5String = 22;
inline constexpr std::uint32_t UtcTime = 23;
inline constexpr std::uint32_t GeneralizedTime = 24;
inline constexpr std::uint32_t GeneralString = 27;
}  // namespace universal

inline constexpr unsigned kMaxDepth = 32;                 // nested constructed elements we will enter
inline constexpr std::uint32_t kMaxTagNumber = 0x1fffff;  // 3 high-tag-number octets at most
inline constexpr std::size_t kMaxOidArcs = 64;

struct Tag {
  Class cls = Class::Universal;
  bool constructed = false;
  std::uint32_t number = 0;

  friend bool operator==(const Tag&, const Tag&) = default;
};

// Convenience tag builders.
constexpr Tag universal_tag(std::uint32_t n, bool constructed = false) { return {Class::Universal, constructed, n}; }
constexpr Tag context_tag(std::uint32_t n, bool constructed = true) { return {Class::Context, constructed, n}; }
constexpr Tag application_tag(std::uint32_t n, bool constructed = true) { return {Class::Application, constructed, n}; }
inline constexpr Tag kSequence = universal_tag(universal::Sequence, true);

// "[APPLICATION 0] constructed", "UNIVERSAL 4", "[3] primitive" - for error messages.
std::string describe(const Tag& tag);

struct Tlv {
  Tag tag;
  ByteView content;  // the value octets
  ByteView whole;    // identifier + length + content
};

struct BitString {
  std::uint8_t unused_bits = 0;  // 0..7, in the last octet
  ByteView bits;
};

// Content decoders (value octets only; the tag has already been checked). Each returns false with
// a reason on malformed input.
bool decode_integer(ByteView content, std::int64_t& out, std::string& error);  // at most 8 octets
bool decode_boolean(ByteView content, bool& out, std::string& error);          // exactly 1 octet
bool decode_oid(ByteView content, std::string& dotted, std::string& error);    // X.690 8.19
bool decode_bit_string(ByteView content, BitString& out, std::string& error);  // X.690 8.6
// Content encoders.
Bytes encode_integer(std::int64_t v);  // minimal two's complement (X.690 8.3.2)
// Dotted OID -> content octets; false when the text is not a valid OID (first arc 0..2, second
// arc < 40 unless the first is 2, at least two arcs, arcs fit in 64 bits).
bool encode_oid(std::string_view dotted, Bytes& out);

class Reader {
 public:
  Reader() = default;
  explicit Reader(ByteView data, unsigned depth = 0) : in_(data), depth_(depth) {}

  [[nodiscard]] bool empty() const { return in_.empty(); }
  [[nodiscard]] std::size_t remaining() const { return in_.remaining(); }
  [[nodiscard]] ByteView rest() const { return in_.rest(); }
  [[nodiscard]] unsigned depth() const { return depth_; }
  // Why the last failed call failed.
  [[nodiscard]] const std::string& error() const { return error_; }

  // The next TLV of any tag.
  [[nodiscard]] bool read(Tlv& out);
  [[nodiscard]] bool peek(Tlv& out) const;
  // True when the next element has this class and number (constructed bit not compared).
  [[nodiscard]] bool next_is(Class cls, std::uint32_t number) const;
  [[nodiscard]] bool skip();

  // The next element must carry exactly `tag`; yields its content.
  [[nodiscard]] bool expect(const Tag& tag, ByteView& content);
  // Enters a constructed element with exactly `tag` (depth-capped); the child reads its content.
  [[nodiscard]] bool enter(const Tag& tag, Reader& child);
  [[nodiscard]] bool enter_sequence(Reader& child) { return enter(kSequence, child); }
  // EXPLICIT [n]: a constructed context-specific element wrapping another element.
  [[nodiscard]] bool enter_context(std::uint32_t n, Reader& child) { return enter(context_tag(n), child); }

  // Universal types; `tag` overrides the universal tag for IMPLICIT tagging.
  [[nodiscard]] bool read_integer(std::int64_t& out, Tag tag = universal_tag(universal::Integer));
  [[nodiscard]] bool read_enumerated(std::int64_t& out, Tag tag = universal_tag(universal::Enumerated));
  [[nodiscard]] bool read_boolean(bool& out, Tag tag = universal_tag(universal::Boolean));
  [[nodiscard]] bool read_octet_string(ByteView& out, Tag tag = universal_tag(universal::OctetString));
  [[nodiscard]] bool read_oid(std::string& dotted, Tag tag = universal_tag(universal::ObjectIdentifier));
  [[nodiscard]] bool read_bit_string(BitString& out, Tag tag = universal_tag(universal::BitString));
  [[nodiscard]] bool read_null(Tag tag = universal_tag(universal::Null));
  // A character string (GeneralString, IA5String, UTF8String, PrintableString...) returned as bytes
  // in a std::string; no charset conversion. Capped at max_len octets.
  [[nodiscard]] bool read_string(std::string& out, Tag tag, std::size_t max_len = 65536);
  [[nodiscard]] bool read_general_string(std::string& out) {
    return read_string(out, universal_tag(universal::GeneralString));
  }
  [[nodiscard]] bool read_ia5_string(std::string& out) { return read_string(out, universal_tag(universal::IA5String)); }

 private:
  bool parse(legacyscan::Reader& in, Tlv& out, std::string& why) const;
  // The element's content through `decode` (decode_integer, _boolean, _oid, _bit_string); when the
  // content is malformed the reader stays before the element.
  template <class T>
  bool read_decoded(T& out, const Tag& tag, bool (*decode)(ByteView, T&, std::string&));
  bool fail(std::string why) {
    error_ = std::move(why);
    return false;
  }

  legacyscan::Reader in_;
  unsigned depth_ = 0;
  std::string error_;
};

class Writer {
 public:
  // Any TLV with raw content.
  void tlv(const Tag& tag, ByteView content);
  // A constructed element whose content is written by body(ber::Writer&).
  template <class F>
  void constructed(const Tag& tag, F&& body) {
    Writer child;
    body(child);
    if (!child.ok() && error_.empty()) error_ = child.error();
    tlv(Tag{tag.cls, true, tag.number}, child.out_.view());
  }
  template <class F>
  void sequence(F&& body) {
    constructed(kSequence, std::forward<F>(body));
  }
  // EXPLICIT [n] { ... }
  template <class F>
  void context(std::uint32_t n, F&& body) {
    constructed(context_tag(n), std::forward<F>(body));
  }
  template <class F>
  void application(std::uint32_t n, F&& body) {
    constructed(application_tag(n), std::forward<F>(body));
  }

  void integer(std::int64_t v, Tag tag = universal_tag(universal::Integer));
  void enumerated(std::int64_t v, Tag tag = universal_tag(universal::Enumerated)) { integer(v, tag); }
  void boolean(bool v, Tag tag = universal_tag(universal::Boolean));  // DER: 0xFF for TRUE
  void octet_string(ByteView v, Tag tag = universal_tag(universal::OctetString)) { tlv(tag, v); }
  void null(Tag tag = universal_tag(universal::Null)) { tlv(tag, {}); }
  void string(std::string_view s, Tag tag) { tlv(tag, as_bytes(s)); }
  void general_string(std::string_view s) { string(s, universal_tag(universal::GeneralString)); }
  void ia5_string(std::string_view s) { string(s, universal_tag(universal::IA5String)); }
  void bit_string(ByteView bits, std::uint8_t unused_bits = 0, Tag tag = universal_tag(universal::BitString));
  // Returns false (and records error()) when `dotted` is not a valid OID; nothing is written then.
  bool oid(std::string_view dotted, Tag tag = universal_tag(universal::ObjectIdentifier));
  // Appends already-encoded DER (e.g. a pre-built element).
  void raw(ByteView der) { out_.bytes(der); }

  [[nodiscard]] bool ok() const { return error_.empty(); }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] ByteView view() const { return out_.view(); }
  [[nodiscard]] std::size_t size() const { return out_.size(); }
  Bytes take() { return out_.take(); }

 private:
  legacyscan::Writer out_;
  std::string error_;
};

}  // namespace legacyscan::ber
