// SPDX-License-Identifier: Apache-2.0
#include "src/proto/ike/ike_codec.hpp"

#include <algorithm>
#include <array>

namespace legacyscan::ike {

namespace {

// RFC 2408 3.1 payload types (IKEv1) and RFC 7296 3.2 (IKEv2).
constexpr std::uint8_t kV1Sa = 1, kV1Proposal = 2, kV1Transform = 3, kV1Ke = 4, kV1Id = 5, kV1Nonce = 10,
                       kV1Notify = 11, kV1Vid = 13;
constexpr std::uint8_t kV2Sa = 33, kV2Ke = 34, kV2Nonce = 40, kV2Notify = 41, kV2Vid = 43, kV2Sk = 46, kV2Skf = 53;
constexpr std::size_t kMaxPayloads = 64;  // a flood of payloads is cut here, not followed
constexpr std::size_t kMaxNotifyData = 64;
constexpr std::size_t kMaxVendorId = 64;

// RFC 3947 and the drafts a responder looks for before it says it can do NAT-T (MD5 of the names).
constexpr std::array<std::string_view, 4> kNatTVendorIds = {
    "4a131c81070358455c5728f20e95452f",  // RFC 3947
    "90cb80913ebb696e086381b5ec427b1f",  // draft-ietf-ipsec-nat-t-ike-02\n
    "cd60464335df21f87cfdb2fc68b6a448",  // draft-ietf-ipsec-nat-t-ike-02
    "7d9419a65310ca6f2c179d9215529d56",  // draft-ietf-ipsec-nat-t-ike-03
};

Bytes hex(std::string_view h) {
  Bytes out;
  (void)from_hex(h, out);
  return out;
}

// ISAKMP header (RFC 2408 3.1); the length is patched by the caller.
Writer::Slot header(Writer& w, ByteView spi, std::uint8_t first_payload, std::uint8_t version, std::uint8_t exchange,
                    std::uint8_t flags) {
  w.bytes(spi);
  w.zeros(8);
  w.u8(first_payload);
  w.u8(version);
  w.u8(exchange);
  w.u8(flags);
  w.u32be(0);
  return w.reserve_u32be();
}

// A generic payload (RFC 2408 3.2, RFC 7296 3.2): next type, reserved, length, body.
template <class F>
void payload(Writer& w, std::uint8_t next, F&& body) {
  const std::size_t start = w.size();
  w.u8(next);
  w.u8(0);
  auto len = w.reserve_u16be();
  body(w);
  w.patch(len, w.size() - start);
}

void v1_attribute(Writer& w, std::uint16_t type, std::uint16_t value) {
  w.u16be(static_cast<std::uint16_t>(0x8000 | type));  // AF=1: TV format
  w.u16be(value);
}

void v1_sa(Writer& w, std::uint8_t next, const std::vector<V1Transform>& ts) {
  payload(w, next, [&](Writer& s) {
    s.u32be(1);  // DOI: IPsec
    s.u32be(1);  // SIT_IDENTITY_ONLY
    payload(s, 0, [&](Writer& p) {
      p.u8(1);  // proposal 1
      p.u8(1);  // PROTO_ISAKMP
      p.u8(0);  // SPI size
      p.u8(static_cast<std::uint8_t>(ts.size()));
      for (std::size_t i = 0; i < ts.size(); ++i) {
        const auto& t = ts[i];
        payload(p, i + 1 < ts.size() ? kV1Transform : 0, [&](Writer& x) {
          x.u8(static_cast<std::uint8_t>(i + 1));
          x.u8(1);  // KEY_IKE
          x.u16be(0);
          v1_attribute(x, 1, t.enc);
          if (t.key_length != 0) v1_attribute(x, 14, t.key_length);
          v1_attribute(x, 2, t.hash);
          v1_attribute(x, 3, t.auth);
          v1_attribute(x, 4, t.group);
          v1_attribute(x, 11, 1);  // life type: seconds
          x.u16be(12);             // life duration, AF=0: TLV of 4 bytes
          x.u16be(4);
          x.u32be(t.life_seconds);
        });
      }
    });
  });
}

Bytes nonce() {
  Bytes n(20);
  for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::uint8_t>(0x4c + i);  // "legacyscan nonce"
  return n;
}

}  // namespace

Bytes key_exchange_data(std::uint16_t group) {
  std::size_t modp = 0;
  switch (group) {
    case 1: modp = 96; break;
    case 2: modp = 128; break;
    case 5: modp = 192; break;
    case 14: modp = 256; break;
    case 15: modp = 384; break;
    case 16: modp = 512; break;
    case 17: modp = 768; break;
    case 18: modp = 1024; break;
    default: break;
  }
  if (modp != 0) {
    Bytes v(modp, 0);
    v.back() = 2;  // the generator of every RFC 2409/3526 MODP group
    return v;
  }
  // RFC 5903 7: the uncompressed point without its 04 prefix; the base points of SEC 2.
  switch (group) {
    case 19:
      return hex(
          "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
          "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
    case 20:
      return hex(
          "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7"
          "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f");
    case 21:
      return hex(
          "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de"
          "3348b3c1856a429bf97e7e31c2e5bd66011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e66"
          "2c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650");
    case 31: {  // RFC 8031: Curve25519, u = 9 little-endian
      Bytes v(32, 0);
      v[0] = 9;
      return v;
    }
    default: return {};
  }
}

Bytes encode_v1_request(const V1Request& r) {
  Writer w;
  const std::uint16_t group = r.transforms.empty() ? 2 : r.transforms.front().group;
  auto len = header(w, r.initiator_spi, kV1Sa, 0x10, r.aggressive ? kExchangeAggressive : kExchangeMainMode, 0);
  const std::uint8_t after_sa = r.aggressive ? kV1Ke : (r.nat_t_vendor_ids ? kV1Vid : 0);
  v1_sa(w, after_sa, r.transforms);
  if (r.aggressive) {
    payload(w, kV1Nonce, [&](Writer& p) { p.bytes(key_exchange_data(group)); });
    payload(w, kV1Id, [&](Writer& p) { p.bytes(nonce()); });
    payload(w, r.nat_t_vendor_ids ? kV1Vid : 0, [&](Writer& p) {
      p.u8(2);  // ID_FQDN
      p.u8(17);
      p.u16be(500);
      p.bytes(r.id);
    });
  }
  if (r.nat_t_vendor_ids)
    for (std::size_t i = 0; i < kNatTVendorIds.size(); ++i)
      payload(w, i + 1 < kNatTVendorIds.size() ? kV1Vid : 0, [&](Writer& p) { p.bytes(hex(kNatTVendorIds[i])); });
  w.patch(len, w.size());
  return w.take();
}

Bytes encode_v2_request(const V2Request& r) {
  Writer w;
  auto len = header(w, r.initiator_spi, r.cookie.empty() ? kV2Sa : kV2Notify, 0x20, kExchangeIkeSaInit, 0x08);
  const auto notify = [](Writer& p, std::uint16_t type, ByteView data) {
    p.u8(0);  // protocol: none
    p.u8(0);  // SPI size
    p.u16be(type);
    p.bytes(data);
  };
  if (!r.cookie.empty()) payload(w, kV2Sa, [&](Writer& p) { notify(p, 16390, r.cookie); });
  payload(w, kV2Ke, [&](Writer& s) {
    for (std::size_t i = 0; i < r.proposals.size(); ++i) {
      const auto& ts = r.proposals[i].transforms;
      const std::size_t start = s.size();
      s.u8(i + 1 < r.proposals.size() ? 2 : 0);  // more proposals / last
      s.u8(0);
      auto plen = s.reserve_u16be();
      s.u8(static_cast<std::uint8_t>(i + 1));
      s.u8(1);  // IKE
      s.u8(0);  // SPI size
      s.u8(static_cast<std::uint8_t>(ts.size()));
      for (std::size_t j = 0; j < ts.size(); ++j) {
        const std::size_t tstart = s.size();
        s.u8(j + 1 < ts.size() ? 3 : 0);
        s.u8(0);
        auto tlen = s.reserve_u16be();
        s.u8(ts[j].type);
        s.u8(0);
        s.u16be(ts[j].id);
        if (ts[j].key_length != 0) {
          s.u16be(0x800e);  // Key Length, TV
          s.u16be(ts[j].key_length);
        }
        s.patch(tlen, s.size() - tstart);
      }
      s.patch(plen, s.size() - start);
    }
  });
  payload(w, kV2Nonce, [&](Writer& p) {
    p.u16be(r.ke_group);
    p.u16be(0);
    p.bytes(key_exchange_data(r.ke_group));
  });
  payload(w, kV2Notify, [&](Writer& p) { p.bytes(nonce()); });
  // Asking for both makes a responder that has them say so (RFC 7383 2.3, RFC 5685 3).
  payload(w, kV2Notify, [&](Writer& p) { notify(p, 16430, {}); });
  payload(w, 0, [&](Writer& p) { notify(p, 16406, {}); });
  w.patch(len, w.size());
  return w.take();
}

Bytes with_non_esp_marker(ByteView message) {
  Bytes out(4, 0);
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

namespace {

// RFC 2408 3.5/3.6: one IKEv1 transform's attributes.
bool decode_v1_transform(Reader t, V1Transform& out, std::string& why) {
  std::uint8_t number = 0, id = 0;
  if (!t.u8(number) || !t.u8(id) || !t.skip(2)) return why = "IKEv1 transform: truncated", false;
  out.life_seconds = 0;
  while (!t.empty()) {
    std::uint16_t type = 0, value = 0;
    if (!t.u16be(type) || !t.u16be(value)) return why = "IKEv1 transform: truncated attribute", false;
    if (type & 0x8000) {
      switch (type & 0x7fff) {
        case 1: out.enc = value; break;
        case 2: out.hash = value; break;
        case 3: out.auth = value; break;
        case 4: out.group = value; break;
        case 12: out.life_seconds = value; break;  // a duration that fits 16 bits may come as TV
        case 14: out.key_length = value; break;
        default: break;
      }
      continue;
    }
    ByteView v;  // TLV: value is the length
    if (!t.bytes(value, v)) return why = "IKEv1 transform: attribute longer than the transform", false;
    if ((type & 0x7fff) == 12 && v.size() <= 4) {
      std::uint32_t life = 0;
      for (auto b : v) life = (life << 8) | b;
      out.life_seconds = life;
    }
  }
  return true;
}

// RFC 2408 3.4: SA -> proposal(s) -> transforms. Keeps at most kMaxPayloads transforms.
bool decode_v1_sa(Reader sa, Message& m, std::string& why) {
  std::uint32_t doi = 0, situation = 0;
  if (!sa.u32be(doi) || !sa.u32be(situation)) return why = "IKEv1 SA: truncated", false;
  std::uint8_t next = kV1Proposal;
  while (next == kV1Proposal && !sa.empty()) {
    std::uint8_t reserved = 0, number = 0, protocol = 0, spi_size = 0, count = 0;
    std::uint16_t len = 0;
    if (!sa.u8(next) || !sa.u8(reserved) || !sa.u16be(len) || len < 8) return why = "IKEv1 proposal: bad header", false;
    Reader p;
    if (!sa.sub(len - 4, p)) return why = "IKEv1 proposal: longer than its SA", false;
    if (!p.u8(number) || !p.u8(protocol) || !p.u8(spi_size) || !p.u8(count) || !p.skip(spi_size))
      return why = "IKEv1 proposal: truncated", false;
    std::uint8_t tnext = kV1Transform;
    while (tnext == kV1Transform && !p.empty()) {
      std::uint16_t tlen = 0;
      Reader t;
      if (!p.u8(tnext) || !p.u8(reserved) || !p.u16be(tlen) || tlen < 8 || !p.sub(tlen - 4, t))
        return why = "IKEv1 transform: bad length", false;
      V1Transform tr;
      if (!decode_v1_transform(t, tr, why)) return false;
      if (m.v1_transforms.size() < kMaxPayloads) m.v1_transforms.push_back(tr);
    }
  }
  return true;
}

// RFC 7296 3.3: the chosen proposal's transforms.
bool decode_v2_sa(Reader sa, Message& m, std::string& why) {
  std::uint8_t last = 2;
  while (last == 2 && !sa.empty()) {
    std::uint8_t reserved = 0, number = 0, protocol = 0, spi_size = 0, count = 0;
    std::uint16_t len = 0;
    Reader p;
    if (!sa.u8(last) || !sa.u8(reserved) || !sa.u16be(len) || len < 8 || !sa.sub(len - 4, p))
      return why = "IKEv2 proposal: bad length", false;
    if (!p.u8(number) || !p.u8(protocol) || !p.u8(spi_size) || !p.u8(count) || !p.skip(spi_size))
      return why = "IKEv2 proposal: truncated", false;
    std::uint8_t tlast = 3;
    while (tlast == 3 && !p.empty()) {
      std::uint16_t tlen = 0;
      Reader t;
      V2Transform tr;
      if (!p.u8(tlast) || !p.u8(reserved) || !p.u16be(tlen) || tlen < 8 || !p.sub(tlen - 4, t) || !t.u8(tr.type) ||
          !t.skip(1) || !t.u16be(tr.id))
        return why = "IKEv2 transform: bad length", false;
      while (!t.empty()) {
        std::uint16_t type = 0, value = 0;
        if (!t.u16be(type) || !t.u16be(value)) return why = "IKEv2 transform: truncated attribute", false;
        if (type == 0x800e)
          tr.key_length = value;
        else if (!(type & 0x8000) && !t.skip(value))
          return why = "IKEv2 transform: attribute longer than the transform", false;
      }
      if (m.v2_transforms.size() < kMaxPayloads) m.v2_transforms.push_back(tr);
    }
  }
  return true;
}

bool decode_notify(Reader n, std::uint8_t version, Message& m, std::string& why) {
  Notify out;
  std::uint32_t doi = 0;
  std::uint8_t spi_size = 0;
  if (version == 1 && !n.u32be(doi)) return why = "notify: truncated", false;
  if (!n.u8(out.protocol) || !n.u8(spi_size) || !n.u16be(out.type) || !n.skip(spi_size))
    return why = "notify: truncated", false;
  const auto rest = n.rest();
  out.data.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(std::min(rest.size(), kMaxNotifyData)));
  if (m.notifies.size() < kMaxPayloads) m.notifies.push_back(std::move(out));
  return true;
}

}  // namespace

Decoded<Message> decode_message(ByteView datagram, bool marker) {
  Reader r(datagram);
  if (marker) {
    std::uint32_t zero = 1;
    if (!r.u32be(zero) || zero != 0) return Decoded<Message>::fail("NAT-T: no non-ESP marker (RFC 3948 2.2)");
  }
  Message m;
  ByteView ispi, rspi;
  std::uint8_t next = 0, version = 0;
  std::uint32_t length = 0;
  if (!r.bytes(8, ispi) || !r.bytes(8, rspi) || !r.u8(next) || !r.u8(version) || !r.u8(m.exchange) || !r.u8(m.flags) ||
      !r.u32be(m.message_id) || !r.u32be(length))
    return Decoded<Message>::fail("IKE header: " + std::to_string(r.remaining()) + " bytes, needs 28");
  m.initiator_spi.assign(ispi.begin(), ispi.end());
  m.responder_spi.assign(rspi.begin(), rspi.end());
  m.major_version = version >> 4;
  m.minor_version = version & 0x0f;
  if (m.major_version != 1 && m.major_version != 2)
    return Decoded<Message>::fail("IKE header: version " + std::to_string(m.major_version) + " is neither 1 nor 2");
  if (length < kHeaderSize || length - kHeaderSize > r.remaining())
    return Decoded<Message>::fail("IKE header: length " + std::to_string(length) + " but " +
                                  std::to_string(r.remaining() + kHeaderSize) + " bytes arrived");
  Reader body;
  (void)r.sub(length - kHeaderSize, body);
  const bool v1 = m.major_version == 1;
  if (v1 && (m.flags & 0x01)) {
    m.encrypted = true;
    return Decoded<Message>::ok(std::move(m));
  }
  std::string why;
  while (next != 0 && m.payloads.size() < kMaxPayloads) {
    std::uint8_t this_type = next, flags = 0;
    std::uint16_t plen = 0;
    Reader p;
    if (!body.u8(next) || !body.u8(flags) || !body.u16be(plen) || plen < 4 || !body.sub(plen - 4, p))
      return Decoded<Message>::fail("IKE payload " + std::to_string(this_type) + ": length " + std::to_string(plen) +
                                    " past the message's end");
    m.payloads.push_back(this_type);
    bool ok = true;
    if (this_type == (v1 ? kV1Sa : kV2Sa)) {
      ok = v1 ? decode_v1_sa(p, m, why) : decode_v2_sa(p, m, why);
    } else if (this_type == (v1 ? kV1Notify : kV2Notify)) {
      ok = decode_notify(p, m.major_version, m, why);
    } else if (this_type == (v1 ? kV1Vid : kV2Vid)) {
      const auto v = p.rest();
      if (m.vendor_ids.size() < kMaxPayloads)
        m.vendor_ids.emplace_back(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(v.size(), kMaxVendorId)));
    } else if (!v1 && this_type == kV2Ke) {
      ok = p.u16be(m.v2_ke_group);
      if (!ok) why = "IKEv2 KE: truncated";
    } else if (!v1 && (this_type == kV2Sk || this_type == kV2Skf)) {
      m.encrypted = true;
      break;  // what follows is encrypted
    }
    if (!ok) return Decoded<Message>::fail(why);
  }
  return Decoded<Message>::ok(std::move(m));
}

}  // namespace legacyscan::ike
