// SPDX-License-Identifier: Apache-2.0
#include "src/proto/kerberos/kerberos_codec.hpp"

#include <limits>

#include "src/proto/ber/ber.hpp"
#include "src/proto/kerberos/kerberos_der.hpp"

namespace legacyscan::kerberos {

namespace {

using ber::Class;
using ber::context_tag;
using ber::universal_tag;

using der::kGeneralizedTime;
using der::put_int;
using der::put_padata;
using der::put_principal;
using der::put_string;

// ---- decoding ---------------------------------------------------------------------------------

// Errors name the field in the spec's words: "KRB-ERROR.error-code: BER: expected ...".
struct Ctx {
  std::string error;
  bool fail(std::string_view field, const std::string& why) {
    if (error.empty()) error = std::string(field) + ": " + why;
    return false;
  }
};

bool get_int(ber::Reader& r, std::uint32_t n, std::int64_t& out, Ctx& cx, std::string_view field) {
  ber::Reader c;
  if (!r.enter_context(n, c)) return cx.fail(field, r.error());
  if (!c.read_integer(out)) return cx.fail(field, c.error());
  if (!c.empty()) return cx.fail(field, "trailing bytes");
  return true;
}

bool get_int32(ber::Reader& r, std::uint32_t n, std::int32_t& out, Ctx& cx, std::string_view field) {
  std::int64_t v = 0;
  if (!get_int(r, n, v, cx, field)) return false;
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    return cx.fail(field, "value " + std::to_string(v) + " does not fit Int32");
  out = static_cast<std::int32_t>(v);
  return true;
}

bool get_string(ber::Reader& r, std::uint32_t n, std::string& out, Ctx& cx, std::string_view field,
                ber::Tag tag = universal_tag(ber::universal::GeneralString)) {
  ber::Reader c;
  if (!r.enter_context(n, c)) return cx.fail(field, r.error());
  if (!c.read_string(out, tag, 1024)) return cx.fail(field, c.error());
  if (!c.empty()) return cx.fail(field, "trailing bytes");
  return true;
}

bool get_octets(ber::Reader& r, std::uint32_t n, ByteView& out, Ctx& cx, std::string_view field) {
  ber::Reader c;
  if (!r.enter_context(n, c)) return cx.fail(field, r.error());
  if (!c.read_octet_string(out)) return cx.fail(field, c.error());
  if (!c.empty()) return cx.fail(field, "trailing bytes");
  return true;
}

bool get_principal(ber::Reader& r, std::uint32_t n, PrincipalName& out, Ctx& cx, std::string_view field) {
  ber::Reader c, seq, names_ctx, names;
  if (!r.enter_context(n, c)) return cx.fail(field, r.error());
  if (!c.enter_sequence(seq)) return cx.fail(field, c.error());
  if (!get_int32(seq, 0, out.name_type, cx, std::string(field) + ".name-type")) return false;
  if (!seq.enter_context(1, names_ctx)) return cx.fail(std::string(field) + ".name-string", seq.error());
  if (!names_ctx.enter_sequence(names)) return cx.fail(std::string(field) + ".name-string", names_ctx.error());
  out.name_string.clear();
  while (!names.empty()) {
    if (out.name_string.size() >= kMaxNameComponents)
      return cx.fail(std::string(field) + ".name-string",
                     "more than " + std::to_string(kMaxNameComponents) + " components");
    std::string part;
    if (!names.read_string(part, universal_tag(ber::universal::GeneralString), 1024))
      return cx.fail(std::string(field) + ".name-string", names.error());
    out.name_string.push_back(std::move(part));
  }
  return true;
}

// Unknown trailing context fields of a SEQUENCE are skipped (later extensions); anything else is an error.
bool skip_extensions(ber::Reader& r, Ctx& cx, std::string_view what) {
  while (!r.empty()) {
    ber::Tlv t;
    if (!r.read(t)) return cx.fail(what, r.error());
    if (t.tag.cls != Class::Context)
      return cx.fail(what, "unexpected " + ber::describe(t.tag) + " after the last field");
  }
  return true;
}

bool get_padata_list(ber::Reader& seq, std::vector<PaData>& out, Ctx& cx, std::string_view field) {
  while (!seq.empty()) {
    if (out.size() >= kMaxPaData) return cx.fail(field, "more than " + std::to_string(kMaxPaData) + " PA-DATA entries");
    ber::Reader pa;
    if (!seq.enter_sequence(pa)) return cx.fail(field, seq.error());
    PaData d;
    ByteView value;
    if (!get_int32(pa, 1, d.padata_type, cx, std::string(field) + ".padata-type")) return false;
    if (!get_octets(pa, 2, value, cx, std::string(field) + ".padata-value")) return false;
    if (!skip_extensions(pa, cx, field)) return false;
    d.padata_value.assign(value.begin(), value.end());
    out.push_back(std::move(d));
  }
  return true;
}

// RFC 4120 5.2.9 EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }
bool get_encrypted_data(ber::Reader& r, std::uint32_t n, EncryptedDataInfo& out, Ctx& cx, std::string_view field) {
  ber::Reader c, seq;
  if (!r.enter_context(n, c)) return cx.fail(field, r.error());
  if (!c.enter_sequence(seq)) return cx.fail(field, c.error());
  if (!get_int32(seq, 0, out.etype, cx, std::string(field) + ".etype")) return false;
  if (seq.next_is(Class::Context, 1)) {
    std::int64_t kvno = 0;
    if (!get_int(seq, 1, kvno, cx, std::string(field) + ".kvno")) return false;
    out.kvno = kvno;
  }
  ByteView cipher;
  if (!get_octets(seq, 2, cipher, cx, std::string(field) + ".cipher")) return false;
  out.cipher_length = cipher.size();  // the cipher text itself is never kept
  return skip_extensions(seq, cx, field);
}

bool valid_kerberos_time(std::string_view t) {
  if (t.size() != 15 || t[14] != 'Z') return false;
  for (std::size_t i = 0; i < 14; ++i)
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}

bool get_time(ber::Reader& r, std::uint32_t n, std::string& out, Ctx& cx, std::string_view field) {
  if (!get_string(r, n, out, cx, field, kGeneralizedTime)) return false;
  if (!valid_kerberos_time(out))
    return cx.fail(field, "not a KerberosTime (YYYYMMDDHHMMSSZ): \"" + out.substr(0, 32) + "\"");
  return true;
}

// The outer [APPLICATION n] SEQUENCE of a message; nothing may follow it.
bool enter_message(ByteView msg, std::uint32_t app, ber::Reader& seq, Ctx& cx, std::string_view name) {
  ber::Reader top(msg), body;
  if (!top.enter(ber::application_tag(app), body)) return cx.fail(name, top.error());
  if (!top.empty()) return cx.fail(name, std::to_string(top.remaining()) + " bytes after the message");
  if (!body.enter_sequence(seq)) return cx.fail(name, body.error());
  if (!body.empty()) return cx.fail(name, "bytes after the SEQUENCE");
  return true;
}

}  // namespace

std::string PrincipalName::to_string() const {
  std::string s;
  for (const auto& p : name_string) {
    if (!s.empty()) s += '/';
    s += p;
  }
  return s;
}

// RFC 4120 5.4.1: AS-REQ ::= [APPLICATION 10] KDC-REQ
Decoded<Bytes> encode_as_req(const AsReqOptions& o) {
  if (o.realm.empty()) return Decoded<Bytes>::fail("AS-REQ: empty realm");
  if (o.etype.empty()) return Decoded<Bytes>::fail("AS-REQ: no etype");
  if (o.cname.name_string.empty()) return Decoded<Bytes>::fail("AS-REQ: empty cname");
  const PrincipalName sname = o.sname.value_or(PrincipalName{KRB_NT_SRV_INST, {"krbtgt", o.realm}});
  ber::Writer w;
  w.application(10, [&](ber::Writer& app) {
    app.sequence([&](ber::Writer& req) {
      put_int(req, 1, 5);  // pvno
      put_int(req, 2, KRB_AS_REQ);
      if (o.pac_request || !o.padata.empty()) {
        req.context(3, [&](ber::Writer& c) {
          c.sequence([&](ber::Writer& list) {
            if (o.pac_request) {
              // [MS-KILE] 2.2.3 KERB-PA-PAC-REQUEST ::= SEQUENCE { include-pac [0] BOOLEAN }
              ber::Writer pac;
              pac.sequence([&](ber::Writer& s) { s.context(0, [&](ber::Writer& b) { b.boolean(*o.pac_request); }); });
              put_padata(list, PaData{PA_PAC_REQUEST, pac.take()});
            }
            for (const auto& pa : o.padata) put_padata(list, pa);
          });
        });
      }
      req.context(4, [&](ber::Writer& c) {
        c.sequence([&](ber::Writer& body) {
          der::put_flags(body, 0, o.kdc_options);  // kdc-options [0] KDCOptions
          put_principal(body, 1, o.cname);
          put_string(body, 2, o.realm);
          put_principal(body, 3, sname);
          body.context(5, [&](ber::Writer& t) { t.string(o.till, kGeneralizedTime); });
          put_int(body, 7, o.nonce);
          body.context(8, [&](ber::Writer& c8) {
            c8.sequence([&](ber::Writer& list) {
              for (auto e : o.etype) list.integer(e);
            });
          });
        });
      });
    });
  });
  if (!w.ok()) return Decoded<Bytes>::fail("AS-REQ: " + w.error());
  return Decoded<Bytes>::ok(w.take());
}

// RFC 4120 5.9.1
Decoded<KrbError> decode_krb_error(ByteView msg) {
  Ctx cx;
  KrbError e;
  ber::Reader seq;
  auto fail = [&] { return Decoded<KrbError>::fail("KRB-ERROR: " + cx.error); };
  if (!enter_message(msg, 30, seq, cx, "outer")) return fail();
  if (!get_int(seq, 0, e.pvno, cx, "pvno")) return fail();
  if (e.pvno != 5) return Decoded<KrbError>::fail("KRB-ERROR: pvno " + std::to_string(e.pvno) + " (want 5)");
  if (!get_int(seq, 1, e.msg_type, cx, "msg-type")) return fail();
  if (e.msg_type != KRB_ERROR) return Decoded<KrbError>::fail("KRB-ERROR: msg-type " + std::to_string(e.msg_type));
  if (seq.next_is(Class::Context, 2)) {
    std::string t;
    if (!get_time(seq, 2, t, cx, "ctime")) return fail();
    e.ctime = t;
  }
  if (seq.next_is(Class::Context, 3)) {
    std::int64_t v = 0;
    if (!get_int(seq, 3, v, cx, "cusec")) return fail();
    e.cusec = v;
  }
  if (!get_time(seq, 4, e.stime, cx, "stime")) return fail();
  if (!get_int(seq, 5, e.susec, cx, "susec")) return fail();
  if (!get_int32(seq, 6, e.error_code, cx, "error-code")) return fail();
  if (seq.next_is(Class::Context, 7)) {
    std::string s;
    if (!get_string(seq, 7, s, cx, "crealm")) return fail();
    e.crealm = s;
  }
  if (seq.next_is(Class::Context, 8)) {
    PrincipalName p;
    if (!get_principal(seq, 8, p, cx, "cname")) return fail();
    e.cname = p;
  }
  if (!get_string(seq, 9, e.realm, cx, "realm")) return fail();
  if (!get_principal(seq, 10, e.sname, cx, "sname")) return fail();
  if (seq.next_is(Class::Context, 11)) {
    std::string s;
    if (!get_string(seq, 11, s, cx, "e-text")) return fail();
    e.e_text = s;
  }
  if (seq.next_is(Class::Context, 12)) {
    ByteView d;
    if (!get_octets(seq, 12, d, cx, "e-data")) return fail();
    e.e_data = Bytes(d.begin(), d.end());
  }
  if (!skip_extensions(seq, cx, "KRB-ERROR")) return fail();
  return Decoded<KrbError>::ok(std::move(e));
}

// RFC 4120 5.4.2: AS-REP ::= [APPLICATION 11] KDC-REP, TGS-REP ::= [APPLICATION 13] KDC-REP
Decoded<KdcRep> decode_kdc_rep(ByteView msg) {
  // The DER identifier octet of [APPLICATION 13] (constructed); anything else is read as an AS-REP,
  // whose decoding then says what is wrong.
  const auto tag = static_cast<std::uint32_t>(!msg.empty() && msg[0] == 0x6d ? KRB_TGS_REP : KRB_AS_REP);
  const std::string name = tag == KRB_TGS_REP ? "TGS-REP" : "AS-REP";
  Ctx cx;
  KdcRep a;
  ber::Reader seq;
  auto fail = [&] { return Decoded<KdcRep>::fail(name + ": " + cx.error); };
  if (!enter_message(msg, tag, seq, cx, "outer")) return fail();
  if (!get_int(seq, 0, a.pvno, cx, "pvno")) return fail();
  if (a.pvno != 5) return Decoded<KdcRep>::fail(name + ": pvno " + std::to_string(a.pvno) + " (want 5)");
  if (!get_int(seq, 1, a.msg_type, cx, "msg-type")) return fail();
  if (a.msg_type != tag) return Decoded<KdcRep>::fail(name + ": msg-type " + std::to_string(a.msg_type));
  if (seq.next_is(Class::Context, 2)) {
    ber::Reader c, list;
    if (!seq.enter_context(2, c)) return cx.fail("padata", seq.error()), fail();
    if (!c.enter_sequence(list)) return cx.fail("padata", c.error()), fail();
    if (!get_padata_list(list, a.padata, cx, "padata")) return fail();
  }
  if (!get_string(seq, 3, a.crealm, cx, "crealm")) return fail();
  if (!get_principal(seq, 4, a.cname, cx, "cname")) return fail();
  {
    // ticket [5] Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] }
    ber::Reader c, app, t;
    if (!seq.enter_context(5, c)) return cx.fail("ticket", seq.error()), fail();
    if (!c.enter(ber::application_tag(1), app)) return cx.fail("ticket", c.error()), fail();
    if (!app.enter_sequence(t)) return cx.fail("ticket", app.error()), fail();
    if (!get_int(t, 0, a.tkt_vno, cx, "ticket.tkt-vno")) return fail();
    if (!get_string(t, 1, a.ticket_realm, cx, "ticket.realm")) return fail();
    if (!get_principal(t, 2, a.ticket_sname, cx, "ticket.sname")) return fail();
    if (!get_encrypted_data(t, 3, a.ticket_enc_part, cx, "ticket.enc-part")) return fail();
    if (!skip_extensions(t, cx, "ticket")) return fail();
  }
  if (!get_encrypted_data(seq, 6, a.enc_part, cx, "enc-part")) return fail();
  if (!skip_extensions(seq, cx, name)) return fail();
  return Decoded<KdcRep>::ok(std::move(a));
}

namespace {

// The KDC-REP field [n] of an AS-REP or TGS-REP that decode_kdc_rep accepts, as a reader on its content.
bool kdc_rep_field(ByteView msg, std::uint32_t n, ber::Reader& out, std::string& name, std::string& error) {
  auto a = decode_kdc_rep(msg);
  if (!a) return error = a.error, false;
  name = a->msg_type == KRB_TGS_REP ? "TGS-REP" : "AS-REP";
  Ctx cx;
  ber::Reader seq;
  if (!enter_message(msg, static_cast<std::uint32_t>(a->msg_type), seq, cx, "outer")) return error = cx.error, false;
  while (!seq.empty() && !seq.next_is(Class::Context, n))
    if (!seq.skip()) return error = name + ": " + seq.error(), false;
  if (!seq.enter_context(n, out)) return error = name + ": no field [" + std::to_string(n) + "]", false;
  return true;
}

}  // namespace

Decoded<ByteView> decode_as_rep_cipher(ByteView msg) {
  using R = Decoded<ByteView>;
  std::string name, error;
  ber::Reader c, ed;
  if (!kdc_rep_field(msg, 6, c, name, error)) return R::fail(error);
  if (!c.enter_sequence(ed)) return R::fail(name + ": no enc-part");
  while (!ed.empty() && !ed.next_is(Class::Context, 2))
    if (!ed.skip()) return R::fail(name + " enc-part: " + ed.error());
  Ctx cx;
  ByteView cipher;
  if (!get_octets(ed, 2, cipher, cx, "enc-part.cipher")) return R::fail(name + ": " + cx.error);
  return R::ok(cipher);
}

Decoded<ByteView> decode_kdc_rep_ticket(ByteView msg) {
  using R = Decoded<ByteView>;
  std::string name, error;
  ber::Reader c;
  if (!kdc_rep_field(msg, 5, c, name, error)) return R::fail(error);
  ber::Tlv t;
  if (!c.read(t)) return R::fail(name + " ticket: " + c.error());
  return R::ok(t.whole);
}

Decoded<std::vector<PaData>> decode_method_data(ByteView der) {
  Ctx cx;
  ber::Reader top(der), seq;
  std::vector<PaData> out;
  if (!top.enter_sequence(seq)) return Decoded<std::vector<PaData>>::fail("METHOD-DATA: " + top.error());
  if (!top.empty()) return Decoded<std::vector<PaData>>::fail("METHOD-DATA: bytes after the SEQUENCE");
  if (!get_padata_list(seq, out, cx, "PA-DATA")) return Decoded<std::vector<PaData>>::fail("METHOD-DATA: " + cx.error);
  return Decoded<std::vector<PaData>>::ok(std::move(out));
}

Decoded<std::vector<EtypeInfo2Entry>> decode_etype_info2(ByteView der) {
  using R = Decoded<std::vector<EtypeInfo2Entry>>;
  Ctx cx;
  ber::Reader top(der), seq;
  std::vector<EtypeInfo2Entry> out;
  if (!top.enter_sequence(seq)) return R::fail("ETYPE-INFO2: " + top.error());
  if (!top.empty()) return R::fail("ETYPE-INFO2: bytes after the SEQUENCE");
  while (!seq.empty()) {
    if (out.size() >= kMaxEtypeInfo2)
      return R::fail("ETYPE-INFO2: more than " + std::to_string(kMaxEtypeInfo2) + " entries");
    ber::Reader entry;
    if (!seq.enter_sequence(entry)) return R::fail("ETYPE-INFO2: " + seq.error());
    EtypeInfo2Entry e;
    if (!get_int32(entry, 0, e.etype, cx, "etype")) return R::fail("ETYPE-INFO2-ENTRY." + cx.error);
    if (entry.next_is(Class::Context, 1)) {
      std::string salt;
      if (!get_string(entry, 1, salt, cx, "salt")) return R::fail("ETYPE-INFO2-ENTRY." + cx.error);
      e.salt = salt;
    }
    if (entry.next_is(Class::Context, 2)) {
      ByteView p;
      if (!get_octets(entry, 2, p, cx, "s2kparams")) return R::fail("ETYPE-INFO2-ENTRY." + cx.error);
      e.s2kparams = Bytes(p.begin(), p.end());
    }
    if (!skip_extensions(entry, cx, "entry")) return R::fail("ETYPE-INFO2-ENTRY." + cx.error);
    out.push_back(std::move(e));
  }
  return R::ok(std::move(out));
}

Decoded<KdcReply> decode_kdc_reply(ByteView msg) {
  ber::Reader r(msg);
  ber::Tlv t;
  if (!r.peek(t)) {
    ber::Reader again(msg);
    (void)again.read(t);
    return Decoded<KdcReply>::fail("KDC reply: " + (again.error().empty() ? std::string("empty") : again.error()));
  }
  if (t.tag.cls == Class::Application && t.tag.number == 30) {
    auto e = decode_krb_error(msg);
    if (!e) return Decoded<KdcReply>::fail(e.error);
    return Decoded<KdcReply>::ok(KdcReply{std::move(*e.value)});
  }
  if (t.tag.cls == Class::Application && t.tag.number == 11) {
    auto a = decode_kdc_rep(msg);
    if (!a) return Decoded<KdcReply>::fail(a.error);
    return Decoded<KdcReply>::ok(KdcReply{std::move(*a.value)});
  }
  return Decoded<KdcReply>::fail("KDC reply: neither KRB-ERROR nor AS-REP but " + ber::describe(t.tag));
}

namespace {

// Every constructed element below `r` parses; primitive contents are not looked at.
bool well_formed(ber::Reader& r, std::string& why) {
  while (!r.empty()) {
    ber::Tlv t;
    if (!r.peek(t)) {
      (void)r.read(t);
      why = r.error();
      return false;
    }
    if (t.tag.constructed) {
      ber::Reader child;
      if (!r.enter(t.tag, child)) {
        why = r.error();
        return false;
      }
      if (!well_formed(child, why)) return false;
    } else if (!r.skip()) {
      why = r.error();
      return false;
    }
  }
  return true;
}

}  // namespace

Decoded<std::uint32_t> kdc_reply_datagram(ByteView datagram) {
  using Result = Decoded<std::uint32_t>;
  ber::Reader r(datagram);
  ber::Tlv t;
  if (!r.read(t)) return Result::fail("not DER: " + r.error());
  if (t.tag.cls != Class::Application || !t.tag.constructed ||
      (t.tag.number != 30 && t.tag.number != 11 && t.tag.number != 13))
    return Result::fail("not a KRB-ERROR, AS-REP or TGS-REP: " + ber::describe(t.tag));
  if (!r.empty()) return Result::fail(std::to_string(r.remaining()) + " bytes after the " + ber::describe(t.tag));
  ber::Reader body(t.content, 1);
  ber::Reader seq;
  if (!body.enter_sequence(seq)) return Result::fail(ber::describe(t.tag) + ": " + body.error());
  if (!body.empty()) return Result::fail(ber::describe(t.tag) + ": bytes after its SEQUENCE");
  std::string why;
  if (!well_formed(seq, why)) return Result::fail(ber::describe(t.tag) + ": " + why);
  return Result::ok(t.tag.number);
}

Bytes frame_tcp(ByteView msg) {
  Writer w;
  auto slot = w.reserve_u32be();
  w.bytes(msg);
  w.patch_length_since(slot);
  return w.take();
}

Decoded<std::uint32_t> decode_record_mark(ByteView four) {
  Reader r(four);
  std::uint32_t v = 0;
  if (!r.u32be(v)) return Decoded<std::uint32_t>::fail("TCP record mark: fewer than 4 bytes");
  if (v & 0x80000000u)
    return Decoded<std::uint32_t>::fail("TCP record mark: reserved high bit set (RFC 4120 7.2.2), value 0x" +
                                        to_hex(four.first(4)));
  if (v > kMaxKdcMessage)
    return Decoded<std::uint32_t>::fail("TCP record mark: length " + std::to_string(v) + " above the cap of " +
                                        std::to_string(kMaxKdcMessage));
  return Decoded<std::uint32_t>::ok(v);
}

std::optional<std::int64_t> kerberos_time_to_unix(std::string_view t) {
  if (!valid_kerberos_time(t)) return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) {
    std::int64_t v = 0;
    for (std::size_t i = 0; i < len; ++i) v = v * 10 + (t[pos + i] - '0');
    return v;
  };
  std::int64_t y = num(0, 4);
  const std::int64_t m = num(4, 2), d = num(6, 2), hh = num(8, 2), mm = num(10, 2), ss = num(12, 2);
  if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  // days_from_civil (H. Hinnant)
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + hh * 3600 + mm * 60 + ss;
}

std::string error_name(std::int32_t code) {
  switch (code) {
    case 0: return "KDC_ERR_NONE";
    case 1: return "KDC_ERR_NAME_EXP";
    case 2: return "KDC_ERR_SERVICE_EXP";
    case 3: return "KDC_ERR_BAD_PVNO";
    case 4: return "KDC_ERR_C_OLD_MAST_KVNO";
    case 5: return "KDC_ERR_S_OLD_MAST_KVNO";
    case 6: return "KDC_ERR_C_PRINCIPAL_UNKNOWN";
    case 7: return "KDC_ERR_S_PRINCIPAL_UNKNOWN";
    case 8: return "KDC_ERR_PRINCIPAL_NOT_UNIQUE";
    case 9: return "KDC_ERR_NULL_KEY";
    case 10: return "KDC_ERR_CANNOT_POSTDATE";
    case 11: return "KDC_ERR_NEVER_VALID";
    case 12: return "KDC_ERR_POLICY";
    case 13: return "KDC_ERR_BADOPTION";
    case 14: return "KDC_ERR_ETYPE_NOSUPP";
    case 15: return "KDC_ERR_SUMTYPE_NOSUPP";
    case 16: return "KDC_ERR_PADATA_TYPE_NOSUPP";
    case 17: return "KDC_ERR_TRTYPE_NOSUPP";
    case 18: return "KDC_ERR_CLIENT_REVOKED";
    case 19: return "KDC_ERR_SERVICE_REVOKED";
    case 20: return "KDC_ERR_TGT_REVOKED";
    case 21: return "KDC_ERR_CLIENT_NOTYET";
    case 22: return "KDC_ERR_SERVICE_NOTYET";
    case 23: return "KDC_ERR_KEY_EXPIRED";
    case 24: return "KDC_ERR_PREAUTH_FAILED";
    case 25: return "KDC_ERR_PREAUTH_REQUIRED";
    case 26: return "KDC_ERR_SERVER_NOMATCH";
    case 27: return "KDC_ERR_MUST_USE_USER2USER";
    case 28: return "KDC_ERR_PATH_NOT_ACCEPTED";
    case 29: return "KDC_ERR_SVC_UNAVAILABLE";
    case 31: return "KRB_AP_ERR_BAD_INTEGRITY";
    case 37: return "KRB_AP_ERR_SKEW";
    case 41: return "KRB_AP_ERR_MODIFIED";
    case 52: return "KRB_ERR_RESPONSE_TOO_BIG";
    case 60: return "KRB_ERR_GENERIC";
    case 61: return "KRB_ERR_FIELD_TOOLONG";
    case 62: return "KDC_ERR_CLIENT_NOT_TRUSTED";
    case 68: return "KDC_ERR_WRONG_REALM";
    case 69: return "KRB_AP_ERR_USER_TO_USER_REQUIRED";
    case 71: return "KDC_ERR_INCONSISTENT_KEY_PURPOSE";
    case 90: return "KDC_ERR_PREAUTH_EXPIRED";
    case 91: return "KDC_ERR_MORE_PREAUTH_DATA_REQUIRED";
    case 93: return "KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS";
    default: return "KRB_ERROR_" + std::to_string(code);
  }
}

std::string padata_name(std::int32_t type) {
  switch (type) {
    case 1: return "PA-TGS-REQ";
    case 2: return "PA-ENC-TIMESTAMP";
    case 3: return "PA-PW-SALT";
    case 11: return "PA-ETYPE-INFO";
    case 14: return "PA-PK-AS-REQ-OLD";
    case 15: return "PA-PK-AS-REP-OLD";
    case 16: return "PA-PK-AS-REQ";
    case 17: return "PA-PK-AS-REP";
    case 19: return "PA-ETYPE-INFO2";
    case 20: return "PA-SVR-REFERRAL-INFO";
    case 128: return "PA-PAC-REQUEST";
    case 129: return "PA-FOR-USER";
    case 133: return "PA-FX-COOKIE";
    case 136: return "PA-FX-FAST";
    case 137: return "PA-FX-ERROR";
    case 138: return "PA-ENCRYPTED-CHALLENGE";
    case 147: return "PA-PKINIT-KX";
    case 149: return "PA-REQ-ENC-PA-REP";
    case 150: return "PA-AS-FRESHNESS";
    case 165: return "PA-SUPPORTED-ENCTYPES";
    case 167: return "PA-PAC-OPTIONS";
    case 655: return "PA-GSS";  // Heimdal KRB5_PADATA_GSS, sent by Samba
    default: return "PA-" + std::to_string(type);
  }
}

}  // namespace legacyscan::kerberos
