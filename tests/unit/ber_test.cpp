// SPDX-License-Identifier: Apache-2.0
// The ASN.1 BER reader and DER writer (X.690): identifiers, lengths, the universal types, context
// tags, nesting caps, and failures that consume nothing.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "src/proto/ber/ber.hpp"

namespace legacyscan::ber {
namespace {

Bytes H(std::string_view hex) {
  Bytes out;
  EXPECT_TRUE(from_hex(hex, out)) << hex;
  return out;
}

TEST(Ber, ReadsShortAndLongFormLengths) {
  const Bytes short_form = H("0403616263");
  Reader r(short_form);
  Tlv t;
  ASSERT_TRUE(r.read(t)) << r.error();
  EXPECT_EQ(t.tag, universal_tag(universal::OctetString));
  EXPECT_EQ(to_hex(t.content), "616263");
  EXPECT_EQ(t.whole.size(), 5u);
  EXPECT_TRUE(r.empty());

  Bytes long_form = H("048200 80");  // 0x80 bytes of content, long form with 2 length octets
  long_form.resize(4 + 0x80, 0x5a);
  Reader l(long_form);
  ASSERT_TRUE(l.read(t)) << l.error();
  EXPECT_EQ(t.content.size(), 0x80u);

  // Non-minimal long form is valid BER (not DER) and accepted by the reader.
  const Bytes non_minimal = H("04810141");
  Reader n(non_minimal);
  ASSERT_TRUE(n.read(t)) << n.error();
  EXPECT_EQ(to_hex(t.content), "41");
}

TEST(Ber, RejectsBadLengthsWithoutConsuming) {
  struct Case {
    const char* hex;
    const char* why;
  };
  const Case cases[] = {
      {"3080", "indefinite"},
      {"0485000000000100", "length octets (max 4)"},
      {"04ff", "reserved length octet"},
      {"0405414243", "exceeds"},
      {"0482", "long-form length truncated"},
      {"04", "length octet missing"},
      {"", "no identifier"},
      {"1f", "high-tag-number"},
      {"1f8080", "leading 0x80"},
      {"1f1e00", "must be >= 31"},
      {"1f8181818100", "longer than 3 octets"},
  };
  for (const auto& c : cases) {
    const Bytes data = H(c.hex);
    Reader r(data);
    Tlv t;
    EXPECT_FALSE(r.read(t)) << c.hex;
    EXPECT_NE(r.error().find(c.why), std::string::npos) << c.hex << ": " << r.error();
    EXPECT_EQ(r.remaining(), data.size()) << c.hex;
  }
}

TEST(Ber, HighTagNumbersRoundTrip) {
  for (std::uint32_t n : {31u, 127u, 128u, 16383u, 16384u, kMaxTagNumber}) {
    Writer w;
    w.tlv(Tag{Class::Application, false, n}, H("00"));
    Reader r(w.view());
    Tlv t;
    ASSERT_TRUE(r.read(t)) << n << " " << r.error();
    EXPECT_EQ(t.tag.number, n);
    EXPECT_EQ(t.tag.cls, Class::Application);
  }
  Writer w;
  w.tlv(Tag{Class::Context, true, 200}, {});
  EXPECT_EQ(to_hex(w.view()), "bf814800");
}

TEST(Ber, IntegersDecodeSignedAndEncodeMinimal) {
  struct Case {
    std::int64_t v;
    const char* der;
  };
  const Case cases[] = {
      {0, "020100"},
      {127, "02017f"},
      {128, "02020080"},
      {256, "02020100"},
      {-1, "0201ff"},
      {-128, "020180"},
      {-129, "0202ff7f"},
      {0x12345678, "020412345678"},
      {std::numeric_limits<std::int64_t>::max(), "02087fffffffffffffff"},
      {std::numeric_limits<std::int64_t>::min(), "02088000000000000000"},
  };
  for (const auto& c : cases) {
    Writer w;
    w.integer(c.v);
    EXPECT_EQ(to_hex(w.view()), c.der) << c.v;
    const Bytes data = H(c.der);
    Reader r(data);
    std::int64_t got = 0;
    ASSERT_TRUE(r.read_integer(got)) << r.error();
    EXPECT_EQ(got, c.v);
  }
  for (const char* bad : {"0200", "0209010000000000000000"}) {
    const Bytes data = H(bad);
    Reader r(data);
    std::int64_t got = 0;
    EXPECT_FALSE(r.read_integer(got)) << bad;
    EXPECT_EQ(r.remaining(), data.size()) << "failed read consumed bytes: " << bad;
  }
}

TEST(Ber, ObjectIdentifiers) {
  struct Case {
    const char* dotted;
    const char* content;
  };
  const Case cases[] = {
      {"1.3.6.1.5.5.2", "2b0601050502"},                   // SPNEGO
      {"1.2.840.113554.1.2.2", "2a864886f712010202"},      // Kerberos 5
      {"1.2.840.48018.1.2.2", "2a864882f712010202"},       // MS Kerberos 5
      {"1.3.6.1.4.1.311.2.2.10", "2b06010401823702020a"},  // NTLMSSP
      {"2.999.3", "883703"},                               // X.690 8.19.5 example
      {"0.0", "00"},
      {"2.18446744073709551535", "81ffffffffffffffff7f"},  // 80 + arc = 2^64-1
  };
  for (const auto& c : cases) {
    Bytes content;
    ASSERT_TRUE(encode_oid(c.dotted, content)) << c.dotted;
    EXPECT_EQ(to_hex(content), c.content) << c.dotted;
    std::string dotted;
    std::string error;
    ASSERT_TRUE(decode_oid(content, dotted, error)) << error;
    EXPECT_EQ(dotted, c.dotted);
  }
  for (const char* bad : {"", "1", "3.1", "1.40", "0.40", "1..2", "1.2.", "a.b", "1.02", "1.2.-3",
                          "2.18446744073709551536", "1.2.99999999999999999999"}) {
    Bytes content;
    EXPECT_FALSE(encode_oid(bad, content)) << bad;
  }
  for (const char* bad : {"", "8001", "2b86", "2b8080", "8181818181818181818101"}) {
    std::string dotted;
    std::string error;
    EXPECT_FALSE(decode_oid(H(bad), dotted, error)) << bad;
    EXPECT_FALSE(error.empty());
  }
  // 64 arcs is the cap on both sides (the first subidentifier carries two arcs).
  std::string longest = "1.2";
  for (int i = 2; i < 64; ++i) longest += ".1";
  Bytes content;
  ASSERT_TRUE(encode_oid(longest, content));
  std::string dotted, error;
  ASSERT_TRUE(decode_oid(content, dotted, error)) << error;
  EXPECT_EQ(dotted, longest);
  content.push_back(0x01);
  EXPECT_FALSE(decode_oid(content, dotted, error)) << "65 arcs";
  EXPECT_FALSE(encode_oid(longest + ".1", content));

  Writer w;
  EXPECT_FALSE(w.oid("not.an.oid"));
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.size(), 0u);
}

TEST(Ber, BooleanNullEnumeratedBitStringStrings) {
  Writer w;
  w.boolean(true);
  w.boolean(false);
  w.null();
  w.enumerated(2);
  w.bit_string(H("a0"), 5);
  w.general_string("KRBTGT");
  w.ia5_string("x");
  EXPECT_EQ(to_hex(w.view()),
            "0101ff"
            "010100"
            "0500"
            "0a0102"
            "030205a0"
            "1b064b5242544754"
            "160178");
  Reader r(w.view());
  bool b = false;
  ASSERT_TRUE(r.read_boolean(b));
  EXPECT_TRUE(b);
  ASSERT_TRUE(r.read_boolean(b));
  EXPECT_FALSE(b);
  ASSERT_TRUE(r.read_null());
  std::int64_t e = 0;
  ASSERT_TRUE(r.read_enumerated(e));
  EXPECT_EQ(e, 2);
  BitString bits;
  ASSERT_TRUE(r.read_bit_string(bits));
  EXPECT_EQ(bits.unused_bits, 5);
  EXPECT_EQ(to_hex(bits.bits), "a0");
  std::string s;
  ASSERT_TRUE(r.read_general_string(s));
  EXPECT_EQ(s, "KRBTGT");
  ASSERT_TRUE(r.read_ia5_string(s));
  EXPECT_EQ(s, "x");
  EXPECT_TRUE(r.empty());

  for (const char* bad : {"0100", "01020000", "050100", "030108", "030101", "0300"}) {
    const Bytes data = H(bad);
    Reader br(data);
    bool bv = false;
    BitString bs;
    const bool ok = data[0] == 0x01 ? br.read_boolean(bv) : data[0] == 0x05 ? br.read_null() : br.read_bit_string(bs);
    EXPECT_FALSE(ok) << bad;
    EXPECT_EQ(br.remaining(), data.size()) << bad;
  }
  const Bytes long_string = H("1b03616263");
  Reader cap(long_string);
  EXPECT_FALSE(cap.read_string(s, universal_tag(universal::GeneralString), 2));
  EXPECT_EQ(cap.remaining(), long_string.size());
}

TEST(Ber, WrongTagIsReportedAndNotConsumed) {
  const Bytes data = H("020105");
  Reader r(data);
  ByteView v;
  EXPECT_FALSE(r.read_octet_string(v));
  EXPECT_NE(r.error().find("expected UNIVERSAL 4 primitive, found UNIVERSAL 2 primitive"), std::string::npos)
      << r.error();
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_TRUE(r.next_is(Class::Universal, universal::Integer));
  EXPECT_FALSE(r.next_is(Class::Context, 2));
}

TEST(Ber, ContextTagsExplicitAndImplicit) {
  Writer w;
  w.sequence([](Writer& seq) {
    seq.context(0, [](Writer& f) { f.integer(5); });     // [0] EXPLICIT INTEGER
    seq.integer(7, context_tag(1, false));               // [1] IMPLICIT INTEGER
    seq.octet_string(H("beef"), context_tag(2, false));  // [2] IMPLICIT OCTET STRING
  });
  EXPECT_EQ(to_hex(w.view()),
            "300c"
            "a003020105"
            "810107"
            "8202beef");
  Reader r(w.view());
  Reader seq;
  ASSERT_TRUE(r.enter_sequence(seq));
  Reader explicit0;
  ASSERT_TRUE(seq.enter_context(0, explicit0));
  std::int64_t v = 0;
  ASSERT_TRUE(explicit0.read_integer(v));
  EXPECT_EQ(v, 5);
  ASSERT_TRUE(seq.read_integer(v, context_tag(1, false)));
  EXPECT_EQ(v, 7);
  ByteView os;
  ASSERT_TRUE(seq.read_octet_string(os, context_tag(2, false)));
  EXPECT_EQ(to_hex(os), "beef");
  EXPECT_TRUE(seq.empty());
}

TEST(Ber, WriterUsesMinimalDerLengths) {
  for (std::size_t n : {0u, 1u, 127u, 128u, 255u, 256u, 65535u, 65536u}) {
    Writer w;
    w.octet_string(Bytes(n, 0x00));
    const std::string hex = to_hex(w.view()).substr(0, 10);
    std::string want;
    if (n < 128) {
      want = to_hex(Bytes{0x04, static_cast<std::uint8_t>(n)});
    } else if (n < 256) {
      want = to_hex(Bytes{0x04, 0x81, static_cast<std::uint8_t>(n)});
    } else if (n < 65536) {
      want = to_hex(Bytes{0x04, 0x82, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    } else {
      want = "0483010000";
    }
    EXPECT_EQ(hex.substr(0, want.size()), want) << n;
    EXPECT_EQ(w.size(), want.size() / 2 + n);
    Reader r(w.view());
    ByteView v;
    ASSERT_TRUE(r.read_octet_string(v));
    EXPECT_EQ(v.size(), n);
  }
}

TEST(Ber, NestingDepthIsCapped) {
  // 40 nested SEQUENCEs: the reader enters kMaxDepth of them and then refuses.
  Bytes der = H("0500");
  for (int i = 0; i < 40; ++i) {
    Writer w;
    w.tlv(kSequence, der);
    der = w.take();
  }
  Reader r(der);
  unsigned depth = 0;
  while (true) {
    Reader child;
    if (!r.enter_sequence(child)) {
      EXPECT_NE(r.error().find("nesting deeper"), std::string::npos) << r.error();
      break;
    }
    r = child;
    ++depth;
  }
  EXPECT_EQ(depth, kMaxDepth);
}

TEST(Ber, ApplicationScopesNest) {
  Writer w;
  w.application(0, [](Writer& app) {
    app.oid("1.3.6.1.5.5.2");
    app.context(0, [](Writer& c) { c.sequence([](Writer&) {}); });
  });
  EXPECT_EQ(to_hex(w.view()), "600c06062b0601050502a0023000");
  EXPECT_TRUE(w.ok());
  Reader r(w.view());
  Reader app;
  ASSERT_TRUE(r.enter(application_tag(0), app));
  std::string oid;
  ASSERT_TRUE(app.read_oid(oid));
  EXPECT_EQ(oid, "1.3.6.1.5.5.2");
  EXPECT_EQ(describe(application_tag(0)), "[APPLICATION 0] constructed");
  EXPECT_EQ(describe(context_tag(3, false)), "[3] primitive");
}

TEST(Ber, EveryTruncationOfAStructureFailsCleanly) {
  Writer w;
  w.sequence([](Writer& seq) {
    seq.integer(-300);
    seq.oid("1.2.840.113554.1.2.2");
    seq.context(3, [](Writer& c) { c.general_string("not_defined_in_RFC4178@please_ignore"); });
  });
  const Bytes whole = w.take();
  for (std::size_t n = 0; n < whole.size(); ++n) {
    Reader r(ByteView(whole).first(n));
    Reader seq;
    EXPECT_FALSE(r.enter_sequence(seq)) << n;
    EXPECT_FALSE(r.error().empty());
  }
}

}  // namespace
}  // namespace legacyscan::ber
