// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the BER reader (every TLV, nested through enter() so the depth cap is exercised),
// the content decoders, and DER re-encoding of what was read.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "src/proto/ber/ber.hpp"

namespace {

using namespace legacyscan;

void check(bool ok) {
  if (!ok) std::abort();
}

void primitive(const ber::Tlv& t) {
  std::string error;
  std::int64_t i = 0;
  if (ber::decode_integer(t.content, i, error)) {
    std::int64_t again = 0;
    check(ber::decode_integer(ber::encode_integer(i), again, error) && again == i);
  }
  bool b = false;
  (void)ber::decode_boolean(t.content, b, error);
  std::string oid;
  if (ber::decode_oid(t.content, oid, error)) {
    // Decoding accepts only the canonical form, so re-encoding gives the same octets back.
    Bytes content;
    check(ber::encode_oid(oid, content));
    check(content.size() == t.content.size() && std::equal(content.begin(), content.end(), t.content.begin()));
  }
  ber::BitString bits;
  (void)ber::decode_bit_string(t.content, bits, error);
}

void walk(ber::Reader& r) {
  while (!r.empty()) {
    ber::Tlv t;
    if (!r.read(t)) return;
    // Re-encoding the element in DER and reading it back gives the same tag and content.
    ber::Writer w;
    w.tlv(t.tag, t.content);
    ber::Reader back(w.view());
    ber::Tlv again;
    check(back.read(again) && again.tag == t.tag && again.content.size() == t.content.size() && back.empty());
    if (t.tag.constructed) {
      ber::Reader whole(t.whole, r.depth());
      ber::Reader child;
      if (whole.enter(t.tag, child)) walk(child);
    } else {
      primitive(t);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ber::Reader r(legacyscan::ByteView(data, size));
  walk(r);
  // The typed readers on the top level.
  ber::Reader typed(legacyscan::ByteView(data, size));
  std::int64_t i = 0;
  std::string s;
  legacyscan::ByteView v;
  bool b = false;
  ber::BitString bits;
  (void)typed.read_integer(i);
  (void)typed.read_enumerated(i);
  (void)typed.read_boolean(b);
  (void)typed.read_octet_string(v);
  (void)typed.read_oid(s);
  (void)typed.read_bit_string(bits);
  (void)typed.read_null();
  (void)typed.read_general_string(s);
  (void)typed.read_ia5_string(s);
  return 0;
}
