// SPDX-License-Identifier: Apache-2.0
// The Kerberos GSS-API mechanism of the SASL GSSAPI bind (kerberos_gss.hpp).
#include "src/proto/kerberos/kerberos_gss.hpp"

#include <algorithm>
#include <limits>

#include "src/proto/kerberos/kerberos_aes.hpp"
#include "src/proto/kerberos/kerberos_der.hpp"

namespace legacyscan::kerberos {

namespace {

constexpr const char* kKrb5Oid = "1.2.840.113554.1.2.2";
constexpr std::uint32_t kApOptionMutualRequired = 0x20000000;  // RFC 4120 5.5.1 ap-options bit 2
constexpr std::int32_t kGssChecksumType = 0x8003;              // RFC 4121 4.1.1
constexpr std::size_t kWrapHeader = 16;

// RFC 4121 4.1.1: Lgth (16), Bnd (no channel bindings: zeros), Flags, all little-endian.
Bytes gss_checksum(std::uint32_t flags) {
  Writer w;
  w.u32le(16);
  for (int i = 0; i < 16; ++i) w.u8(0);
  w.u32le(flags);
  return w.take();
}

Bytes wrap_header(std::uint8_t flags, std::uint16_t ec, std::uint16_t rrc, std::uint64_t seq) {
  Writer w;
  w.u8(0x05);
  w.u8(0x04);
  w.u8(flags);
  w.u8(0xff);
  w.u16be(ec);
  w.u16be(rrc);
  w.u64be(seq);
  return w.take();
}

bool aes_etype(std::int32_t etype) { return etype == kEtypeAes128 || etype == kEtypeAes256; }

}  // namespace

Decoded<Bytes> encode_gss_ap_req(const GssApReqOptions& o) {
  using R = Decoded<Bytes>;
  if (!aes_etype(o.etype) || o.key.size() != aes_key_length(o.etype))
    return R::fail("GSS AP-REQ: the session key is not aes128 or aes256");
  if (o.confounder.size() != kAesConfounder) return R::fail("GSS AP-REQ: confounder is not 16 bytes");
  const Bytes cksum = gss_checksum(o.flags);
  std::string error;
  const Bytes auth =
      der::authenticator(o.crealm, o.cname, kGssChecksumType, cksum, o.cusec, o.ctime, o.seq_number, error);
  if (!error.empty()) return R::fail(error);
  Bytes sealed = aes_encrypt(o.key, 11, o.confounder, auth);  // RFC 4120 7.5.1 usage 11
  if (sealed.empty()) return R::fail("Authenticator: encryption failed");
  ber::Writer w;  // RFC 2743 3.1 InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE
  w.application(0, [&](ber::Writer& token) {
    (void)token.oid(kKrb5Oid);
    const std::uint8_t tok_id[2] = {0x01, 0x00};
    token.raw(ByteView(tok_id, 2));
    der::put_ap_req(token, kApOptionMutualRequired, o.ticket, o.etype, sealed);
  });
  if (!w.ok()) return R::fail("GSS AP-REQ: " + w.error());
  return R::ok(w.take());
}

Decoded<GssApRep> decode_gss_ap_rep(ByteView token, std::int32_t etype, ByteView key) {
  using R = Decoded<GssApRep>;
  ber::Reader top(token), inner;
  if (!top.enter(ber::application_tag(0), inner)) return R::fail("GSS token: not [APPLICATION 0]");
  std::string oid;
  if (!inner.read_oid(oid) || oid != kKrb5Oid) return R::fail("GSS token: not the Kerberos mechanism");
  const ByteView rest = inner.rest();
  if (rest.size() < 2) return R::fail("GSS token: no TOK_ID");
  if (rest[0] == 0x03 && rest[1] == 0x00) {
    auto e = decode_krb_error(rest.subspan(2));
    return R::fail("the acceptor answered " + (e ? error_name(e->error_code) : "a malformed KRB-ERROR"));
  }
  if (rest[0] != 0x02 || rest[1] != 0x00) return R::fail("GSS token: TOK_ID is not AP-REP");
  ber::Reader msg(rest.subspan(2)), app, seq, f, enc, ctx;
  if (!msg.enter(ber::application_tag(15), app) || !app.enter_sequence(seq))
    return R::fail("AP-REP: not [APPLICATION 15] SEQUENCE");
  std::int64_t v = 0;
  if (!seq.enter_context(0, f) || !f.read_integer(v) || v != 5) return R::fail("AP-REP: pvno is not 5");
  if (!seq.enter_context(1, f) || !f.read_integer(v) || v != 15) return R::fail("AP-REP: msg-type is not 15");
  if (!seq.enter_context(2, f) || !f.enter_sequence(enc)) return R::fail("AP-REP: enc-part missing");
  if (!enc.enter_context(0, ctx) || !ctx.read_integer(v) || v != etype)
    return R::fail("AP-REP: enc-part is not in the session key's etype");
  if (enc.next_is(ber::Class::Context, 1) && !enc.skip()) return R::fail("AP-REP: " + enc.error());
  ByteView cipher;
  if (!enc.enter_context(2, ctx) || !ctx.read_octet_string(cipher)) return R::fail("AP-REP: cipher missing");
  auto plain = decrypt(etype, key, 12, cipher);  // RFC 4120 7.5.1 usage 12
  if (!plain) return R::fail("AP-REP: the enc-part does not decrypt with the session key");
  auto out = decode_enc_ap_rep_part(*plain);
  std::fill(plain->begin(), plain->end(), 0);
  return out;
}

Decoded<GssApRep> decode_enc_ap_rep_part(ByteView plaintext) {
  using R = Decoded<GssApRep>;
  std::int64_t v = 0;
  ber::Reader f;
  GssApRep out;
  ber::Reader part(plaintext), papp, pseq;
  bool ok = part.enter(ber::application_tag(27), papp) && papp.enter_sequence(pseq);
  while (ok && !pseq.empty()) {
    ber::Tlv t;
    if (!pseq.peek(t) || t.tag.cls != ber::Class::Context) {
      ok = false;
    } else if (t.tag.number == 2) {  // subkey: EncryptionKey
      ber::Reader k, kseq, kf;
      ByteView value;
      ok = pseq.enter_context(2, k) && k.enter_sequence(kseq) && kseq.enter_context(0, kf) && kf.read_integer(v) &&
           kseq.enter_context(1, kf) && kf.read_octet_string(value) && value.size() <= 64;
      if (ok) out.subkey = SessionKey{static_cast<std::int32_t>(v), Bytes(value.begin(), value.end())};
    } else if (t.tag.number == 3) {  // seq-number: UInt32
      ok = pseq.enter_context(3, f) && f.read_integer(v) && v >= 0 && v <= std::numeric_limits<std::uint32_t>::max();
      if (ok) out.seq_number = static_cast<std::uint32_t>(v);
    } else {
      ok = pseq.skip();
    }
  }
  if (!ok) {
    if (out.subkey) std::fill(out.subkey->value.begin(), out.subkey->value.end(), 0);
    return R::fail("EncAPRepPart: malformed");
  }
  if (out.subkey &&
      (!aes_etype(out.subkey->keytype) || out.subkey->value.size() != aes_key_length(out.subkey->keytype))) {
    std::fill(out.subkey->value.begin(), out.subkey->value.end(), 0);
    return R::fail("EncAPRepPart: the subkey is not an aes128 or aes256 key");
  }
  return R::ok(std::move(out));
}

Bytes encode_wrap_token(const WrapKey& k, bool seal, std::uint64_t seq, ByteView data, ByteView confounder16) {
  const std::uint8_t flags =
      static_cast<std::uint8_t>((seal ? kWrapSealed : 0) | (k.acceptor_subkey ? kWrapAcceptorSubkey : 0));
  if (seal) {
    // RFC 4121 4.2.4: E(data | filler (none: CTS needs no padding) | header), the header with RRC 0.
    Bytes header = wrap_header(flags, 0, 0, seq);
    Bytes plain(data.begin(), data.end());
    plain.insert(plain.end(), header.begin(), header.end());
    const Bytes sealed = aes_encrypt(k.key, kUsageInitiatorSeal, confounder16, plain);
    std::fill(plain.begin(), plain.end(), 0);
    if (sealed.empty()) return {};
    header.insert(header.end(), sealed.begin(), sealed.end());
    return header;
  }
  // The checksum covers the data then the header with EC and RRC zero; the token says EC = 12.
  Bytes signed_part(data.begin(), data.end());
  const Bytes zero_header = wrap_header(flags, 0, 0, seq);
  signed_part.insert(signed_part.end(), zero_header.begin(), zero_header.end());
  const Bytes mac = aes_checksum(k.key, kUsageInitiatorSeal, signed_part);
  if (mac.empty()) return {};
  Bytes out = wrap_header(flags, static_cast<std::uint16_t>(mac.size()), 0, seq);
  out.insert(out.end(), data.begin(), data.end());
  out.insert(out.end(), mac.begin(), mac.end());
  return out;
}

Decoded<Unwrapped> decode_wrap_token(const WrapKey& k, ByteView token) {
  using R = Decoded<Unwrapped>;
  Reader r(token);
  std::uint8_t id0 = 0, id1 = 0, flags = 0, filler = 0;
  std::uint16_t ec = 0, rrc = 0;
  Unwrapped out;
  if (!r.u8(id0) || !r.u8(id1) || !r.u8(flags) || !r.u8(filler) || !r.u16be(ec) || !r.u16be(rrc) || !r.u64be(out.seq))
    return R::fail("Wrap token: shorter than its 16-byte header");
  if (id0 != 0x05 || id1 != 0x04) return R::fail("Wrap token: TOK_ID is not 05 04");
  if (filler != 0xff) return R::fail("Wrap token: filler is not FF");
  if (!(flags & kWrapSentByAcceptor)) return R::fail("Wrap token: not sent by the acceptor");
  if (((flags & kWrapAcceptorSubkey) != 0) != k.acceptor_subkey)
    return R::fail("Wrap token: AcceptorSubkey flag does not match the context");
  out.sealed = (flags & kWrapSealed) != 0;
  const ByteView body = token.subspan(kWrapHeader);
  if (body.empty()) return R::fail("Wrap token: no data");
  // RFC 4121 4.2.5: the sender rotated the body right by RRC; rotate it back.
  Bytes rotated(body.begin(), body.end());
  std::rotate(rotated.begin(), rotated.begin() + static_cast<std::ptrdiff_t>(rrc % rotated.size()), rotated.end());
  if (out.sealed) {
    auto plain = aes_decrypt(k.key, kUsageAcceptorSeal, rotated);
    if (!plain) return R::fail("Wrap token: does not decrypt with the context's key");
    if (plain->size() < kWrapHeader + ec) {
      std::fill(plain->begin(), plain->end(), 0);
      return R::fail("Wrap token: shorter than its filler and header copy");
    }
    const Bytes want = wrap_header(flags, ec, 0, out.seq);
    if (!std::equal(want.begin(), want.end(), plain->end() - static_cast<std::ptrdiff_t>(kWrapHeader))) {
      std::fill(plain->begin(), plain->end(), 0);
      return R::fail("Wrap token: the encrypted header does not match");
    }
    plain->resize(plain->size() - kWrapHeader - ec);
    out.data = std::move(*plain);
    return R::ok(std::move(out));
  }
  if (ec != kAesMac || rotated.size() < kAesMac) return R::fail("Wrap token: checksum is not 12 bytes");
  const auto split = rotated.end() - static_cast<std::ptrdiff_t>(kAesMac);
  Bytes signed_part(rotated.begin(), split);
  const Bytes zero_header = wrap_header(flags, 0, 0, out.seq);
  signed_part.insert(signed_part.end(), zero_header.begin(), zero_header.end());
  const Bytes mac = aes_checksum(k.key, kUsageAcceptorSeal, signed_part);
  if (mac.size() != kAesMac || !std::equal(mac.begin(), mac.end(), split))
    return R::fail("Wrap token: the checksum does not match");
  out.data.assign(rotated.begin(), split);
  return R::ok(std::move(out));
}

}  // namespace legacyscan::kerberos
