// SPDX-License-Identifier: Apache-2.0
#include "src/proto/kerberos/kerberos_keytab.hpp"

#include <algorithm>
#include <cctype>

namespace legacyscan::kerberos {

std::string KeytabEntry::principal() const {
  std::string s;
  for (const auto& c : components) s += (s.empty() ? "" : "/") + c;
  return s + "@" + realm;
}

namespace {

bool counted_string(Reader& r, std::string& out) {
  Reader s;
  if (!r.u16be_prefixed(s)) return false;
  const ByteView v = s.rest();
  out.assign(reinterpret_cast<const char*>(v.data()), v.size());
  return true;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::toupper(x) == std::toupper(y);
         });
}

}  // namespace

Decoded<std::vector<KeytabEntry>> decode_keytab(ByteView file) {
  using R = Decoded<std::vector<KeytabEntry>>;
  Reader r(file);
  std::uint8_t magic = 0, version = 0;
  if (!r.u8(magic) || !r.u8(version)) return R::fail("not a keytab: shorter than its 2-byte version");
  if (magic != 5) return R::fail("not a keytab: first byte is " + std::to_string(magic) + ", a keytab starts with 5");
  if (version == 1)
    return R::fail("keytab version 0x0501 (host byte order) is not supported; write it again with a current ktutil");
  if (version != 2) {
    static constexpr char kHex[] = "0123456789abcdef";
    return R::fail(std::string("unknown keytab version 0x05") + kHex[version >> 4] + kHex[version & 15]);
  }
  std::vector<KeytabEntry> out;
  std::size_t index = 0;
  while (!r.empty()) {
    ++index;
    std::uint32_t raw = 0;
    if (!r.u32be(raw)) return R::fail("entry " + std::to_string(index) + ": record length truncated");
    const auto size = static_cast<std::int32_t>(raw);
    if (size == 0) break;  // the writer's end of data
    if (size < 0) {        // a hole left by a deleted entry
      const auto hole = static_cast<std::uint32_t>(-static_cast<std::int64_t>(size));
      if (!r.skip(hole))
        return R::fail("entry " + std::to_string(index) + ": hole of " + std::to_string(hole) +
                       " bytes runs past the end");
      continue;
    }
    const std::string at = "entry " + std::to_string(index) + ": ";
    Reader e;
    if (!r.sub(static_cast<std::size_t>(size), e))
      return R::fail(at + "record of " + std::to_string(size) + " bytes runs past the end (" +
                     std::to_string(r.remaining()) + " left)");
    if (out.size() >= kMaxKeytabEntries) return R::fail("more than " + std::to_string(kMaxKeytabEntries) + " entries");
    KeytabEntry k;
    std::uint16_t count = 0;
    if (!e.u16be(count)) return R::fail(at + "component count truncated");
    if (count == 0 || count > 16) return R::fail(at + std::to_string(count) + " name components (1 to 16 expected)");
    if (!counted_string(e, k.realm)) return R::fail(at + "realm truncated");
    for (std::uint16_t i = 0; i < count; ++i) {
      std::string c;
      if (!counted_string(e, c)) return R::fail(at + "name component " + std::to_string(i + 1) + " truncated");
      k.components.push_back(std::move(c));
    }
    std::uint8_t vno8 = 0;
    std::uint16_t keytype = 0;
    if (!e.u32be(k.name_type)) return R::fail(at + "name type truncated");
    if (!e.u32be(k.timestamp)) return R::fail(at + "timestamp truncated");
    if (!e.u8(vno8)) return R::fail(at + "kvno truncated");
    if (!e.u16be(keytype)) return R::fail(at + "key type truncated");
    Reader key;
    if (!e.u16be_prefixed(key)) return R::fail(at + "key truncated");
    k.enctype = static_cast<std::int16_t>(keytype);  // negative Microsoft etypes are stored as 16-bit
    k.key.assign(key.rest().begin(), key.rest().end());
    k.kvno = vno8;
    std::uint32_t vno32 = 0;
    if (e.remaining() >= 4 && e.u32be(vno32) && vno32 != 0) k.kvno = vno32;
    // Anything after (a 32-bit flags field in newer writers) is not needed.
    out.push_back(std::move(k));
  }
  return R::ok(std::move(out));
}

const KeytabEntry* find_keytab_key(const std::vector<KeytabEntry>& entries, std::string_view name,
                                   std::string_view realm, std::int32_t etype) {
  const KeytabEntry* best = nullptr;
  for (const auto& e : entries) {
    if (e.enctype != etype || !iequal(e.realm, realm)) continue;
    std::string joined;
    for (const auto& c : e.components) joined += (joined.empty() ? "" : "/") + c;
    if (joined != name) continue;
    if (!best || e.kvno > best->kvno) best = &e;
  }
  return best;
}

}  // namespace legacyscan::kerberos
