// SPDX-License-Identifier: Apache-2.0
// The shared Reader/Writer: failed reads consume nothing, prefixed scopes and patched slots fill in
// lengths, and the UTF-16/hex/FILETIME helpers.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "legacyscan/bytes.hpp"

namespace legacyscan {
namespace {

Bytes B(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}

TEST(BytesReader, ReadsIntegersInBothByteOrders) {
  const Bytes data = B({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08});
  Reader r(data);
  std::uint16_t le = 0;
  std::uint16_t be = 0;
  std::uint32_t u24 = 0;
  std::uint8_t b = 0;
  ASSERT_TRUE(r.u16le(le));
  ASSERT_TRUE(r.u16be(be));
  ASSERT_TRUE(r.u24be(u24));
  ASSERT_TRUE(r.u8(b));
  EXPECT_EQ(le, 0x0201);
  EXPECT_EQ(be, 0x0304);
  EXPECT_EQ(u24, 0x050607u);
  EXPECT_EQ(b, 0x08);
  EXPECT_TRUE(r.empty());

  Reader r64(data);
  std::uint64_t v = 0;
  ASSERT_TRUE(r64.u64le(v));
  EXPECT_EQ(v, 0x0807060504030201ull);
  Reader r64be(data);
  ASSERT_TRUE(r64be.u64be(v));
  EXPECT_EQ(v, 0x0102030405060708ull);
}

TEST(BytesReader, FailedReadsDoNotAdvance) {
  const Bytes data = B({0xAA, 0xBB, 0xCC});
  Reader r(data);
  std::uint32_t v32 = 0x12345678;
  EXPECT_FALSE(r.u32le(v32));
  EXPECT_EQ(v32, 0x12345678u) << "output untouched on failure";
  EXPECT_EQ(r.remaining(), 3u);
  std::uint64_t v64 = 0;
  EXPECT_FALSE(r.u64be(v64));
  ByteView view;
  EXPECT_FALSE(r.bytes(4, view));
  EXPECT_FALSE(r.skip(4));
  Bytes copy;
  EXPECT_FALSE(r.copy(4, copy));
  Reader sub;
  EXPECT_FALSE(r.sub(4, sub));
  EXPECT_EQ(r.remaining(), 3u);
  std::uint8_t first = 0;
  ASSERT_TRUE(r.u8(first));
  EXPECT_EQ(first, 0xAA);
}

TEST(BytesReader, PrefixedSubReadersConsumeNothingOnFailure) {
  // u8 length 5 but only 2 bytes follow.
  const Bytes bad = B({0x05, 0x01, 0x02});
  Reader r(bad);
  Reader sub;
  EXPECT_FALSE(r.u8_prefixed(sub));
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_FALSE(r.u16be_prefixed(sub));  // 0x0501 = 1281 bytes
  EXPECT_FALSE(r.u16le_prefixed(sub));
  EXPECT_FALSE(r.u24be_prefixed(sub));
  EXPECT_EQ(r.remaining(), 3u);

  const Bytes good = B({0x02, 0xAA, 0xBB, 0x00, 0x01, 0xCC, 0x01, 0x00, 0xDD});
  Reader g(good);
  ASSERT_TRUE(g.u8_prefixed(sub));
  EXPECT_EQ(sub.remaining(), 2u);
  ASSERT_TRUE(g.u16be_prefixed(sub));
  std::uint8_t b = 0;
  ASSERT_TRUE(sub.u8(b));
  EXPECT_EQ(b, 0xCC);
  ASSERT_TRUE(g.u16le_prefixed(sub));
  ASSERT_TRUE(sub.u8(b));
  EXPECT_EQ(b, 0xDD);
  EXPECT_TRUE(g.empty());
}

TEST(BytesReader, CStringNeedsTerminatorWithinLimit) {
  const Bytes data = B({'a', 'b', 0, 'c'});
  Reader r(data);
  std::string s;
  ASSERT_TRUE(r.cstring(s));
  EXPECT_EQ(s, "ab");
  EXPECT_EQ(r.remaining(), 1u);
  EXPECT_FALSE(r.cstring(s)) << "no terminator";
  EXPECT_EQ(r.remaining(), 1u);

  const Bytes longer = B({'x', 'y', 'z', 0});
  Reader l(longer);
  EXPECT_FALSE(l.cstring(s, 2));
  EXPECT_EQ(l.remaining(), 4u);
  EXPECT_TRUE(l.cstring(s, 3));
  EXPECT_EQ(s, "xyz");
}

TEST(BytesReader, RangeRejectsOverflowingOffsets) {
  const Bytes data(10, 0x11);
  ByteView out;
  EXPECT_TRUE(Reader::range(data, 0, 10, out));
  EXPECT_EQ(out.size(), 10u);
  EXPECT_TRUE(Reader::range(data, 10, 0, out));
  EXPECT_FALSE(Reader::range(data, 11, 0, out));
  EXPECT_FALSE(Reader::range(data, 5, 6, out));
  EXPECT_FALSE(Reader::range(data, 1, std::numeric_limits<std::size_t>::max(), out));
  EXPECT_FALSE(Reader::range(data, std::numeric_limits<std::size_t>::max(), 2, out));
}

TEST(BytesWriter, PrefixedScopesFillLengths) {
  Writer w;
  w.u8_prefixed([](Writer& a) {
    a.u8(0x01);
    a.u16be_prefixed([](Writer& b) { b.bytes(std::string_view("hi")); });
  });
  w.u16le_prefixed([](Writer& c) { c.zeros(3); });
  w.u24be_prefixed([](Writer& d) { d.u32be(0xDEADBEEF); });
  EXPECT_EQ(to_hex(w.view()),
            "050100026869"
            "0300000000"
            "000004deadbeef");
}

TEST(BytesWriter, SlotsArePatchedFromWriterPositions) {
  Writer w;
  const Writer::Slot len = w.reserve_u16le();
  const Writer::Slot off = w.reserve_u32be();
  const Writer::Slot count = w.reserve_u8();
  const Writer::Slot len24 = w.reserve_u24be();
  w.u64le(0x0102030405060708ull);
  w.patch_length_since(len);
  w.patch(off, 0xA1B2C3D4);
  w.patch(count, 7);
  w.patch_length_since(len24);
  EXPECT_EQ(to_hex(w.view()),
            "1000"
            "a1b2c3d4"
            "07"
            "000008"
            "0807060504030201");
}

TEST(BytesWriter, PadToAlignsFromWriterStart) {
  Writer w;
  w.u8(1);
  w.pad_to(8);
  EXPECT_EQ(w.size(), 8u);
  w.pad_to(8);
  EXPECT_EQ(w.size(), 8u) << "already aligned: nothing added";
  w.pad_to(0);
  EXPECT_EQ(w.size(), 8u);
  w.u16le(0xFFFF);
  w.pad_to(4);
  EXPECT_EQ(to_hex(w.view()), "0100000000000000ffff0000");
}

TEST(BytesUtf16, ConvertsBmpAndSurrogatePairs) {
  EXPECT_EQ(to_hex(utf8_to_utf16le("DC1")), "440043003100");
  EXPECT_EQ(to_hex(utf8_to_utf16le("\xc3\xa9")), "e900");              // é
  EXPECT_EQ(to_hex(utf8_to_utf16le("\xe4\xb8\xad")), "2d4e");          // 中
  EXPECT_EQ(to_hex(utf8_to_utf16le("\xf0\x9f\x98\x80")), "3dd800de");  // U+1F600
  for (const char* s : {"", "LEGACY", "dc1.legacy.test", "\xc3\xa9t\xc3\xa9", "\xf0\x9f\x98\x80x"}) {
    EXPECT_EQ(utf16le_to_utf8(utf8_to_utf16le(s)), s);
  }
}

TEST(BytesUtf16, InvalidInputBecomesReplacementCharacter) {
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(utf16le_to_utf8(B({0x00, 0xD8})), fffd) << "lone high surrogate";
  EXPECT_EQ(utf16le_to_utf8(B({0x00, 0xDC, 0x41, 0x00})), fffd + "A") << "lone low surrogate";
  EXPECT_EQ(utf16le_to_utf8(B({0x00, 0xD8, 0x41, 0x00})), fffd + "A") << "high surrogate then non-low";
  EXPECT_EQ(utf16le_to_utf8(B({0x41, 0x00, 0x42})), "A") << "odd trailing byte ignored";
  EXPECT_EQ(to_hex(utf8_to_utf16le("\xff")), "fdff");
  EXPECT_EQ(to_hex(utf8_to_utf16le("\xc3")), "fdff") << "truncated sequence";
}

TEST(BytesHex, RoundTripsAndRejectsGarbage) {
  Bytes out;
  ASSERT_TRUE(from_hex("00 ff\n10:Ab\t", out));
  EXPECT_EQ(out, B({0x00, 0xFF, 0x10, 0xAB}));
  EXPECT_EQ(to_hex(out), "00ff10ab");
  EXPECT_FALSE(from_hex("abc", out));
  EXPECT_FALSE(from_hex("zz", out));
  ASSERT_TRUE(from_hex("", out));
  EXPECT_TRUE(out.empty());
}

TEST(BytesFiletime, FormatsRfc3339) {
  EXPECT_EQ(filetime_to_rfc3339(0), "1601-01-01T00:00:00Z");
  EXPECT_EQ(filetime_to_rfc3339(116444736000000000ull), "1970-01-01T00:00:00Z");
  // 2000-02-29T12:34:56.5Z (leap day; fraction dropped)
  EXPECT_EQ(filetime_to_rfc3339(116444736000000000ull + 951827696ull * 10000000ull + 5000000ull),
            "2000-02-29T12:34:56Z");
  EXPECT_EQ(filetime_to_rfc3339(2650467743999999999ull), "9999-12-31T23:59:59Z");
  EXPECT_EQ(filetime_to_rfc3339(2650467744000000000ull), "") << "year 10000 does not fit RFC 3339";
  EXPECT_EQ(filetime_to_rfc3339(std::numeric_limits<std::uint64_t>::max()), "");
}

TEST(BytesDecoded, CarriesValueOrError) {
  auto ok = Decoded<int>::ok(5);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 5);
  EXPECT_TRUE(ok.error.empty());
  auto bad = Decoded<int>::fail("SMB2 header truncated");
  EXPECT_FALSE(bad);
  EXPECT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error, "SMB2 header truncated");
}

}  // namespace
}  // namespace legacyscan
